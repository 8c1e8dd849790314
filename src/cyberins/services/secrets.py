"""The installation's token-signing key: from the environment, or a private file made on first use.

No environment has a default key (a key published in the source signs tokens anyone can mint). Resolution:

1. `CYBERINS_SECRET_KEY` (32+ characters), when set;
2. else the key file, `CYBERINS_SECRET_KEY_FILE` or, for an SQLite store, `<database file>.key` beside it:
   read when it exists (refused unless only its owner can read it), else generated (`secrets.token_urlsafe`)
   and written with mode 0600, never overwritten;
3. a store with no folder of its own (PostgreSQL, in-memory SQLite) and no key file named: an error that
   says to set one of the two.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy.engine import make_url

from cyberins.model.errors import InvalidInput, Said, os_reason
from cyberins.settings import MIN_SECRET_CHARS, Settings

#: Bytes of randomness in a generated key (64 URL-safe characters).
KEY_BYTES = 48


def key_file(settings: Settings) -> Path | None:
    """Where the installation keeps its key: the named file, else beside an SQLite database file."""
    if settings.secret_key_file is not None:
        return settings.secret_key_file
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(f"{url.database}.key")
    return None


def with_signing_key(settings: Settings, *, create: bool = True) -> Settings:
    """`settings` with `secret_key` resolved (module docstring); `InvalidInput` naming the setting otherwise."""
    if settings.secret_key is not None:
        return settings
    path = key_file(settings)
    if path is None:
        raise InvalidInput.one(
            "CYBERINS_SECRET_KEY",
            Said(
                "input.service.secret_key_needed", {"n": MIN_SECRET_CHARS, "file_setting": "CYBERINS_SECRET_KEY_FILE"}
            ),
        )
    if not path.exists():
        if not create:
            raise InvalidInput.one("CYBERINS_SECRET_KEY_FILE", Said("input.service.path_missing", {"path": str(path)}))
        _write_new(path)
    return settings.model_copy(update={"secret_key": SecretStr(_read(path))})


#: What the audit key is derived for: a key of its own, so a leaked token key does not forge the audit log.
AUDIT_KEY_LABEL = b"cyberins audit chain v1"


def audit_key(settings: Settings, *, create: bool = True) -> bytes:
    """The audit log's HMAC key: HMAC-SHA256(installation secret, `AUDIT_KEY_LABEL`), the secret resolved by
    `with_signing_key` (`create=False` for readers: a new key could verify nothing already written)."""
    secret = with_signing_key(settings, create=create).secret_key
    assert secret is not None  # with_signing_key resolves it or raises InvalidInput
    return hmac.new(secret.get_secret_value().encode("utf-8"), AUDIT_KEY_LABEL, hashlib.sha256).digest()


#: What the webhook signing key is derived for (a receiver holds it: it must not sign tokens or the audit log).
WEBHOOK_KEY_LABEL = b"cyberins webhook v1"


def webhook_key(settings: Settings) -> bytes:
    """The key alert webhooks are signed with: HMAC-SHA256(installation secret, `WEBHOOK_KEY_LABEL`), given to
    the receiver to check `X-Cyberins-Signature` (`cyberins monitor notify --show-key` prints it)."""
    secret = with_signing_key(settings).secret_key
    assert secret is not None  # with_signing_key resolves it or raises InvalidInput
    return hmac.new(secret.get_secret_value().encode("utf-8"), WEBHOOK_KEY_LABEL, hashlib.sha256).digest()


def _write_new(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process made it first: use theirs
    except OSError as exc:
        raise InvalidInput.one(
            "CYBERINS_SECRET_KEY_FILE", Said("input.cannot_write_path", {"path": str(path), "reason": os_reason(exc)})
        ) from None
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(secrets.token_urlsafe(KEY_BYTES) + "\n")


def _read(path: Path) -> str:
    try:
        mode = path.stat().st_mode
        key = path.read_text(encoding="ascii").strip()
    except OSError as exc:
        raise InvalidInput.one(
            "CYBERINS_SECRET_KEY_FILE", Said("input.cannot_read_path", {"path": str(path), "reason": os_reason(exc)})
        ) from None
    except UnicodeDecodeError:
        raise InvalidInput.one(
            "CYBERINS_SECRET_KEY_FILE",
            Said("input.cannot_read_path", {"path": str(path), "reason": Said("input.service.not_ascii")}),
        ) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise InvalidInput.one(
            "CYBERINS_SECRET_KEY_FILE",
            Said("input.service.readable_by_others", {"path": str(path), "mode": stat.filemode(mode)}),
        )
    if len(key) < MIN_SECRET_CHARS:
        raise InvalidInput.one(
            "CYBERINS_SECRET_KEY_FILE", Said("input.service.key_too_short", {"path": str(path), "n": MIN_SECRET_CHARS})
        )
    return key
