"""The one typed configuration, read from `CYBERINS_*` environment variables through `get_settings()`."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import PositiveFloat, PositiveInt, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The shortest signing key accepted: 32 characters of a random token carry well over 128 bits.
MIN_SECRET_CHARS = 32


class Settings(BaseSettings):
    """Runtime settings; CLI options map onto these fields. Nothing is read at import time."""

    model_config = SettingsConfigDict(env_prefix="CYBERINS_", extra="ignore")

    #: SQLAlchemy URL of the store: an embedded SQLite file by default, PostgreSQL in production.
    database_url: str = "sqlite:///cyberins.db"
    #: Language of reports and tables: zh-CN or en labels from the catalog.
    lang: Literal["zh", "en"] = "zh"
    #: Default seed of simulations, so a run without --seed is still reproducible.
    seed: int = 20260101
    #: Where the service runs (reported by /version; no environment has a default signing key).
    env: Literal["dev", "test", "prod"] = "dev"
    #: HS256 key that signs access tokens (32+ characters). Unset, the installation's key file is used
    #: (`services.secrets`): generated on first use beside an SQLite store, required for any other store.
    secret_key: SecretStr | None = None
    #: Where the installation's signing key lives (default: beside the SQLite database, `<db>.key`, mode 0600).
    secret_key_file: Path | None = None
    #: Lifetime of an access token issued by `POST /auth/token`.
    token_ttl_minutes: int = 30
    #: Redis for background jobs (`redis://host:6379/0`); unset, jobs run in-process.
    redis_url: str | None = None
    #: Largest request body the API reads; larger ones answer 413.
    max_body_bytes: int = 1_048_576
    #: Failed sign-ins for one account (email, known or not) inside the window that lock it.
    signin_account_failures: PositiveInt = 5
    #: Failed sign-ins from one client address inside the window that lock the address.
    signin_address_failures: PositiveInt = 20
    #: The window failed sign-ins are counted in, in seconds.
    signin_window_s: PositiveInt = 900
    #: Length of a first lock in seconds; each further lock of the same account or address within a day doubles
    #: it, up to `signin_lock_max_s`.
    signin_lock_s: PositiveInt = 60
    signin_lock_max_s: PositiveInt = 3600
    #: Password hashes computed at once per process (argon2id takes 64 MiB each); a sign-in that finds no slot
    #: within `hash_wait_s` seconds answers 503 with Retry-After instead of queueing memory.
    max_concurrent_hashes: PositiveInt = 4
    hash_wait_s: PositiveFloat = 2.0
    #: The feeds folder `POST /feeds/load` loads (a request never names a server path); unset, no API load.
    feeds_dir: Path | None = None
    #: Where alert notices are POSTed (JSON, HMAC-signed: docs/monitoring.md); unset, no webhook.
    notify_webhook_url: str | None = None
    #: The SMTP server alert e-mails go through (unset: no e-mail), its port, whether to STARTTLS, the sender.
    smtp_host: str | None = None
    smtp_port: PositiveInt = 25
    smtp_starttls: bool = False
    smtp_sender: str = "cyberins@localhost"
    #: Who receives alert e-mails, comma-separated.
    notify_email_to: str | None = None

    @model_validator(mode="after")
    def _safe_secret(self) -> Settings:
        key = self.secret_key.get_secret_value() if self.secret_key else None
        if key is not None and len(key) < MIN_SECRET_CHARS:
            raise ValueError(f"CYBERINS_SECRET_KEY must be {MIN_SECRET_CHARS}+ private characters")
        return self

    @property
    def signing_key(self) -> str:
        """The key that signs tokens; there is no default (`services.secrets.with_signing_key` resolves one)."""
        if self.secret_key is None:
            raise RuntimeError("no signing key: resolve the installation's key first (services.secrets)")
        return self.secret_key.get_secret_value()


@cache
def get_settings() -> Settings:
    return Settings()
