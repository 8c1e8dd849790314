"""Server-rendered pages for every party (contract: `contracts/web.md`), in the API's process: `mount(app)`.

Pages live at `/`, `/login`, `/logout` and under `/web/`; their assets (a small stylesheet and htmx, vendored)
under `/static/`. They are not part of `/openapi.json`.
"""

from __future__ import annotations

from cyberins.web.app import mount

__all__ = ["mount"]
