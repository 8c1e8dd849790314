"""The one typed configuration, read from `CYBERINS_*` environment variables through `get_settings()`."""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime settings; CLI options map onto these fields. Nothing is read at import time."""

    model_config = SettingsConfigDict(env_prefix="CYBERINS_", extra="ignore")

    #: SQLAlchemy URL of the store: an embedded SQLite file by default, PostgreSQL in production.
    database_url: str = "sqlite:///cyberins.db"
    #: Language of reports and tables: zh-CN or en labels from the catalog.
    lang: Literal["zh", "en"] = "zh"
    #: Default seed of simulations, so a run without --seed is still reproducible.
    seed: int = 20260101


@cache
def get_settings() -> Settings:
    return Settings()
