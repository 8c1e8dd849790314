"""Password hashing (argon2id) behind a process-wide cap on concurrent hashes.

Each argon2id hash takes 64 MiB and tens of milliseconds on purpose; 48 concurrent wrong sign-ins once took
the server from 200 MB to 1.16 GB. At most `max_concurrent` hashes run at once in a process; a caller that
finds no free slot within `wait_s` seconds gets `Busy` (503 with Retry-After) instead of a queue that grows
without bound.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from cyberins.model.errors import InvalidInput, Said
from cyberins.services.errors import Busy
from cyberins.settings import get_settings

#: ASVS 2.1.1 asks for 12 characters at least; longer passphrases are welcome (no composition rules, 2.1.9).
MIN_PASSWORD_LENGTH = 12


def check_strength(password: str, field: str = "password") -> None:
    """Refuse a password shorter than `MIN_PASSWORD_LENGTH`, naming the field."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput.one(field, Said("input.service.password_short", {"n": MIN_PASSWORD_LENGTH}))


class Passwords:
    """Hash and verify passwords, never more than `max_concurrent` at once."""

    def __init__(self, max_concurrent: int, wait_s: float, hasher: PasswordHasher | None = None) -> None:
        self.hasher = hasher or PasswordHasher()  # argon2id with the library's RFC 9106 defaults
        self.wait_s = wait_s
        self._slots = threading.BoundedSemaphore(max_concurrent)
        self._decoy: str | None = None

    @contextmanager
    def _slot(self) -> Iterator[None]:
        if not self._slots.acquire(timeout=self.wait_s):
            raise Busy(Said("api.error.busy_sign_ins"))
        try:
            yield
        finally:
            self._slots.release()

    def hash(self, password: str) -> str:
        with self._slot():
            return self.hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        with self._slot():
            try:
                return self.hasher.verify(password_hash, password)
            except (VerificationError, InvalidHashError):
                return False

    def spend_decoy(self, password: str) -> None:
        """Verify against a hash no password matches: an unknown email costs what a known one does."""
        if self._decoy is None:
            self._decoy = self.hash("decoy password, never valid")
        self.verify(self._decoy, password)


@cache
def passwords() -> Passwords:
    """The process's one `Passwords`, sized by `CYBERINS_MAX_CONCURRENT_HASHES` (one cap for all its threads)."""
    settings = get_settings()
    return Passwords(settings.max_concurrent_hashes, settings.hash_wait_s)
