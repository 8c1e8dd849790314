"""Logging of the CLI: structured lines for operators, and the progress a person at a terminal sees.

The engines and services log their stages on the standard `logging` module (`cyberins.*` loggers), with
the stage's name and figures in the record (`extra={"stage": "simulate", "years": 1_703_936}`); they know
nothing of terminals. Here those records become either

- **JSON lines on stderr** (`--verbose`, or `CYBERINS_LOG_LEVEL=DEBUG|INFO|WARNING|ERROR`): one object per
  record with its time (UTC), level, logger, message and the stage's fields — for logs that tools read; or
- **a transient status line** on an interactive stderr ("模拟 1,703,936 年…"), in the command's language,
  erased when the command ends: progress for every job that takes more than a moment, stdout untouched
  (so `--json` output stays one document).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from cyberins.model.ids import Lang

#: The stages a person is shown; their words are `cli.stage.<stage>` in the message catalogue, the record's
#: fields fill the braces (`{done}/{total}` of a loop's simulations).
STAGES = ("assess", "precision", "simulate", "grid", "remediation", "controls", "report", "product")

#: Attributes every `logging.LogRecord` has; whatever else a record carries came in `extra`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}

_lang = "zh"
#: The language the reader chose (`--lang` given, or `CYBERINS_LANG` set), for error messages; None: unchosen.
_chosen: str | None = None


def forget_lang() -> None:
    """A new command line starts with no language chosen (tests run many in one process)."""
    global _lang, _chosen
    _lang, _chosen = "zh", None


def remember_lang(ctx: Any, param: Any, value: str) -> str:
    """`--lang`'s callback: the status line speaks the command's language, and so do its errors once the
    reader chose one (a default language leaves errors in English, as scripts and logs expect)."""
    global _lang, _chosen
    _lang = value
    source = ctx.get_parameter_source(param.name) if ctx is not None and param is not None else None
    if source is not None and source.name != "DEFAULT":
        _chosen = value
    return value


def error_lang() -> Lang:
    """The language of an error message: the one chosen with `--lang` or `CYBERINS_LANG`, else en."""
    import os

    chosen = _chosen or os.environ.get("CYBERINS_LANG")
    return "zh" if chosen == "zh" else "en"


def fields(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k not in _STANDARD}


def stage_text(record: logging.LogRecord, lang: str) -> str | None:
    """The status line for a stage record in `lang`; None for a record that is not a known stage."""
    stage = getattr(record, "stage", None)
    if stage not in STAGES:
        return None
    from cyberins.model.messages import messages

    text = messages()[f"cli.stage.{stage}"]["zh" if lang == "zh" else "en"]
    try:
        return text.format(**fields(record)) + "…"
    except (KeyError, ValueError):
        return text.split("{")[0].strip() + "…"  # a stage logged without its figures still shows its name


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **fields(record),
        }
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class Status(logging.Handler):
    """Shows the latest stage on one line of the terminal (rich's status spinner), cleared at exit."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self._status: Any = None
        self._context = ""  # the job's current stage, shown before each simulation it runs

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            print(f"{record.levelname.lower()}: {record.getMessage()}", file=sys.stderr)
            return
        text = stage_text(record, _lang)
        if text is None:
            return
        if getattr(record, "stage", None) == "simulate":
            text = f"{self._context} · {text}" if self._context else text
        else:
            self._context = text.removesuffix("…")
        if self._status is None:
            from rich.console import Console

            self._status = Console(stderr=True).status(text)
            self._status.start()
        else:
            self._status.update(text)

    def close(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None
        super().close()


def configure(verbose: bool, level: str | None) -> None:
    """Route the `cyberins` loggers: JSON lines at `level` (INFO with --verbose), else a status line on a
    terminal, else nothing below WARNING."""
    logger = logging.getLogger("cyberins")
    for old in list(logger.handlers):
        logger.removeHandler(old)
        old.close()
    logger.propagate = False
    chosen = (level or ("INFO" if verbose else "")).upper()
    handler: logging.Handler
    if chosen:
        if chosen not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            from cyberins.model.errors import InvalidInput, Said

            raise InvalidInput.one("CYBERINS_LOG_LEVEL", Said("input.cli.log_level", {"level": repr(level)}))
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonLines())
        logger.setLevel(chosen)
    elif sys.stderr.isatty():
        handler = Status()
        logger.setLevel(logging.INFO)
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonLines())
        logger.setLevel(logging.WARNING)
    logger.addHandler(handler)
