"""The version order of NVD range bounds (`versionStartIncluding` ... `versionEndExcluding`), contract §4.

NVD gives no order of its own (the NVD CPE match feed compares "in the version's natural order"); ours is
written down so that every case can be pinned by a test:

- escapes removed, case ignored; tokens are maximal digit runs (numbers, compared numerically, so leading
  zeros do not count) and maximal letter runs; every other character only separates (`. - _ ( ) + ~`);
- the letter runs `dev` = `snapshot` < `alpha` < `beta` < `milestone` < `rc` = `cr` = `pre` = `preview` are
  pre-release markers; other letter runs are tags (`f` in `1.0.1f`, `p` in `4.2.8p9`), ordered alphabetically;
- at one position a marker < a number < a tag;
- zero numbers at the end and right before a marker are dropped (`4.3.0` = `4.3`, `1.20.0-rc1` = `1.20rc1`);
- token by token; when one version runs out, the longer is smaller if its next token is a marker (`2.0-beta9`
  < `2.0`), else greater (`2.0` < `2.0.1`, `1.0.1` < `1.0.1f`). No truncation: four-part builds compare whole.

>>> version_key("2.0-beta9") < version_key("2.0") < version_key("2.0.1")
True
>>> in_range("5.3.17", {"versionStartIncluding": "5.3.0", "versionEndExcluding": "5.3.18"})
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

#: Pre-release markers and their rank (contract §4; the Maven/semver vocabulary).
MARKERS: dict[str, int] = {
    "dev": 0,
    "snapshot": 0,
    "alpha": 1,
    "beta": 2,
    "milestone": 3,
    "rc": 4,
    "cr": 4,
    "pre": 4,
    "preview": 4,
}
#: The four bound keys of an NVD `cpeMatch` item.
BOUNDS = ("versionStartIncluding", "versionStartExcluding", "versionEndIncluding", "versionEndExcluding")

_TOKEN = re.compile(r"\d+|[^\W\d_]+")
# A position's key: (class, number, text). Class 0 = marker (number = its rank), 1 = the end of the version,
# 2 = number, 3 = tag. The end sits between markers and everything else, which gives "the longer is smaller
# if its next token is a marker, else greater" by plain tuple comparison.
_END = (1, 0, "")
Key = tuple[tuple[int, int, str], ...]
#: Rule (3): `N(.N)*`, an optional `-` `_` `.`, a pre-release word and optional digits (`2.0-beta9`).
_UPDATE_SUFFIX = re.compile(r"(\d+(?:\.\d+)*)[-_.]?((?:alpha|beta|rc|milestone|pre|preview|dev)\d*)", re.IGNORECASE)


@lru_cache(maxsize=1 << 16)
def version_key(version: str) -> Key:
    """The sort key of `version` in the order above (escapes `\\` removed first)."""
    text = version.replace("\\", "").lower()
    tokens: list[tuple[int, int, str]] = []
    for token in _TOKEN.findall(text):
        if token.isdigit():
            tokens.append((2, int(token), ""))
        elif token in MARKERS:
            tokens.append((0, MARKERS[token], ""))
        else:
            tokens.append((3, 0, token))
    while tokens and tokens[-1] == (2, 0, ""):
        tokens.pop()
    kept: list[tuple[int, int, str]] = []
    for token in tokens:
        if token[0] == 0:
            while kept and kept[-1] == (2, 0, ""):
                kept.pop()
        kept.append(token)
    kept.append(_END)
    return tuple(kept)


def compare(left: str, right: str) -> int:
    """-1, 0 or 1 as `left` is before, equal to or after `right` in the version order."""
    a, b = version_key(left), version_key(right)
    return (a > b) - (a < b)


def in_range(version: str, bounds: Mapping[str, str]) -> bool:
    """Whether `version` satisfies every bound given (`versionStartIncluding` ... of an NVD `cpeMatch` item)."""
    key = version_key(version)
    start = bounds.get("versionStartIncluding")
    if start is not None and key < version_key(start):
        return False
    start = bounds.get("versionStartExcluding")
    if start is not None and key <= version_key(start):
        return False
    end = bounds.get("versionEndIncluding")
    if end is not None and key > version_key(end):
        return False
    end = bounds.get("versionEndExcluding")
    return end is None or key < version_key(end)


def split_update_suffix(version: str) -> tuple[str, str] | None:
    """Rule (3): `2.0-beta9` → (`2.0`, `beta9`); None when the version has no such pre-release suffix."""
    found = _UPDATE_SUFFIX.fullmatch(version)
    return (found.group(1), found.group(2)) if found else None
