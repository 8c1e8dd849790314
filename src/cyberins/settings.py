"""The one typed configuration, read from `CYBERINS_*` environment variables through `get_settings()`."""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Signing key used only when `env` is `dev`; any other environment must set its own `CYBERINS_SECRET_KEY`.
DEV_SECRET_KEY = "cyberins-dev-only-signing-key-do-not-use-in-production"


class Settings(BaseSettings):
    """Runtime settings; CLI options map onto these fields. Nothing is read at import time."""

    model_config = SettingsConfigDict(env_prefix="CYBERINS_", extra="ignore")

    #: SQLAlchemy URL of the store: an embedded SQLite file by default, PostgreSQL in production.
    database_url: str = "sqlite:///cyberins.db"
    #: Language of reports and tables: zh-CN or en labels from the catalog.
    lang: Literal["zh", "en"] = "zh"
    #: Default seed of simulations, so a run without --seed is still reproducible.
    seed: int = 20260101
    #: Where the service runs: only `dev` may fall back to the well-known development signing key.
    env: Literal["dev", "test", "prod"] = "dev"
    #: HS256 key that signs access tokens (at least 32 characters outside dev).
    secret_key: SecretStr | None = None
    #: Lifetime of an access token issued by `POST /auth/token`.
    token_ttl_minutes: int = 30
    #: Redis for background jobs (`redis://host:6379/0`); unset, jobs run in-process.
    redis_url: str | None = None
    #: Largest request body the API reads; larger ones answer 413.
    max_body_bytes: int = 1_048_576

    @model_validator(mode="after")
    def _safe_secret(self) -> Settings:
        key = self.secret_key.get_secret_value() if self.secret_key else None
        if self.env != "dev" and (key is None or key == DEV_SECRET_KEY or len(key) < 32):
            raise ValueError(f"CYBERINS_SECRET_KEY must be set to 32+ private characters when env is {self.env!r}")
        return self

    @property
    def signing_key(self) -> str:
        return self.secret_key.get_secret_value() if self.secret_key else DEV_SECRET_KEY


@cache
def get_settings() -> Settings:
    return Settings()
