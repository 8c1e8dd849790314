"""The stray-script check every "one language" test shares: a zh text carries no English word and an en text
no Chinese, beside names and codes (currency and GB/T codes, acronyms such as RDP or EDR, policy numbers, time
zones, field paths given to it as `names`) and the cited sources' own titles."""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Names and codes a zh text may show in Latin letters (hashes and hex ids among them).
CODES = re.compile(r"^([A-Z0-9/-]+|DDoS|RDP/VPN|GB/T|Asia/Shanghai|CY-SME-\d{4}-\d{4}|(?=[0-9a-f]*\d)[0-9a-f]{8,})$")
#: What a zh text shows as it is: file paths, header names, methods and measure names read by machines.
VERBATIM = (
    "docs/risk-model.md",
    "true",
    "false",
    "POST /auth/token",
    "X-API-Key",
    "Retry-After",
    "Bearer",
    "TVaR",
    "VaR",
    "JSON",
    "API",
    # names and symbols: methods named after their authors, a formula's symbol
    "Bornhuetter-Ferguson",
    "Mack",
    "= k",
    "Bühlmann–Straub",
    "Nmap",  # the scanner's own name  # a name: the credibility model is called after its authors in both languages
)
#: A word starts where no letter or digit precedes it: a hash printed as "84935cdcae6b…" is one code, not the word
#: "cdcae6b" (which would count as English whenever a random hash happened to start with digits).
_WORD = re.compile(r"(?<![A-Za-z0-9])(?:[A-Za-z][A-Za-z0-9/_.-]*[A-Za-z0-9]|[A-Za-z])")
_HAN = re.compile(r"[\u4e00-\u9fff]+")


def before_sources(text: str) -> str:
    """The references list cites documents by their own titles: names, left out of the check."""
    for mark in ("来源：", "Sources:"):
        text = text.split(mark)[0]
    return text


def english_in(text: str, names: Iterable[str] = ()) -> set[str]:
    """The English words of a zh text, less codes and the given `names` (ids, field paths, e-mail addresses)."""
    allowed = sorted({*names, *VERBATIM}, key=len, reverse=True)
    for name in allowed:
        text = text.replace(name, " ")
    return {w for w in _WORD.findall(before_sources(text)) if not CODES.match(w)}


def chinese_in(text: str) -> list[str]:
    """The Chinese runs of an en text."""
    return _HAN.findall(before_sources(text))
