"""The REST API (FastAPI): `create_app(settings)` builds it; `cyberins serve` runs it with uvicorn."""

from cyberins.api.app import create_app

__all__ = ["create_app"]
