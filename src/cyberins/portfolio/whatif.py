"""What-if on terms (issue 19 §2): change every line's policy and stress the book again, side by side.

A change is `PATH=VALUE`, `PATH+=VALUE` or `PATH-=VALUE` (the last two add to or remove from a list, e.g.
`exclusions+=infrastructure_failure`). `PATH` is

- a coverage term alone (`waiting_period_hours=24`, `retention=50000`): set on every coverage each policy
  buys (waiting and indemnity periods on its business-interruption coverages only);
- a coverage term and a coverage (`sublimit.business_interruption=500000`): set on that coverage where a
  policy buys it;
- a policy field or a dotted path into it (`aggregate_limit=1000000`, `attribution_confidence_required=medium`,
  `coverages.data_restoration.retention=0`).

`VALUE` is read as YAML (`24`, `null`, `[war, state_backed_cyber_operation]`). The changed policy is
validated as a policy file is (`model/policy.py`); a problem names the change (`--set sublimit.foo`), so the
CLI exits 2.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any, Literal

import yaml

from cyberins.model.errors import InvalidInput, Problem, Said
from cyberins.model.ids import TIME_ELEMENT_COVERAGES, Confidence, Coverage, Lang
from cyberins.model.loading import parse_model
from cyberins.model.policy import CoverageTerms, Policy
from cyberins.portfolio.book import Book
from cyberins.portfolio.stress import stress

#: Terms that only a business-interruption (time-element) coverage has a use for.
TIME_TERMS = ("waiting_period_hours", "waiting_period_mode", "indemnity_period_days")

_CHANGE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(\+=|-=|=)(.*)$", re.DOTALL)


@dataclass(frozen=True)
class Change:
    """One `--set`: a path into a policy, how to change it, the value (parsed YAML)."""

    path: str
    op: Literal["=", "+=", "-="]
    value: Any
    #: As given on the command line.
    text: str = ""

    @property
    def field(self) -> str:
        return f"--set {self.path}"


def parse_changes(items: list[str]) -> list[Change]:
    """`--set` texts as changes; a malformed one or an unknown path is an `InvalidInput` naming it."""
    changes = []
    for text in items:
        match = _CHANGE.match(text)
        if match is None:
            raise InvalidInput.one("--set", Said("input.portfolio.not_path_value", {"text": repr(text)}))
        path, op, raw = match.groups()
        try:
            value = yaml.safe_load(raw) if raw.strip() else None
        except yaml.YAMLError:
            raise InvalidInput.one(f"--set {path}", Said("input.portfolio.not_a_value", {"raw": repr(raw)})) from None
        change = Change(path, op, value, text.strip())  # type: ignore[arg-type]
        _check_path(change)
        changes.append(change)
    return changes


def _check_path(change: Change) -> None:
    head, *rest = change.path.split(".")
    if head in CoverageTerms.model_fields:
        if len(rest) > 1 or (rest and rest[0] not in Coverage.__members__.values()):
            known = ", ".join(c.value for c in Coverage)
            raise InvalidInput.one(
                change.field,
                Said(
                    "input.portfolio.term_and_coverage", {"example": "sublimit.business_interruption", "known": known}
                ),
            )
    elif head not in Policy.model_fields:
        terms = ", ".join([*CoverageTerms.model_fields, *Policy.model_fields])
        raise InvalidInput.one(change.field, Said("input.portfolio.unknown_term", {"head": repr(head), "terms": terms}))
    if change.op != "=" and head not in ("exclusions", "event_types"):
        raise InvalidInput.one(change.field, Said("input.portfolio.lists_only", {"lists": "exclusions, event_types"}))


def apply_changes(policy: Policy, changes: list[Change]) -> Policy:
    """The policy with the changes made in order, each validated as a policy file is."""
    for change in changes:
        data = policy.model_dump(mode="json", exclude_none=True)
        head, *rest = change.path.split(".")
        if head in CoverageTerms.model_fields:
            for cov, terms in data["coverages"].items():
                if rest and cov != rest[0]:
                    continue
                if head in TIME_TERMS and Coverage(cov) not in TIME_ELEMENT_COVERAGES:
                    continue
                _put(terms, [head], change)
        else:
            _put(data, change.path.split("."), change)
        try:
            policy = parse_model(Policy, data)
        except InvalidInput as exc:
            raise InvalidInput.one(change.field, _refused(exc.problems)) from None
    return policy


def _refused(problems: list[Problem]) -> Said:
    """Why the changed policy no longer validates, each problem in the reader's language (the validator's
    catalogue sentences); the English is the validator's own, as before."""
    from cyberins.model.messages import LANGS, text

    def said(p: Problem, lang: Lang) -> str:
        what = p.in_lang(lang)
        return text("api.problem.sentence", lang, field=p.field, what=what) if p.field else what

    joined = {lang: ("；" if lang == "zh" else "; ").join(said(p, lang) for p in problems) for lang in LANGS}
    return Said("input.portfolio.set_refused", {"problems": joined})


def _put(data: dict[str, Any], parts: list[str], change: Change) -> None:
    for part in parts[:-1]:
        node = data.setdefault(part, {})
        if not isinstance(node, dict):
            raise InvalidInput.one(change.field, Said("input.portfolio.no_fields", {"part": repr(part)}))
        data = node
    key = parts[-1]
    if change.op == "=":
        data[key] = change.value
        return
    values = change.value if isinstance(change.value, list) else [change.value]
    current = list(data.get(key) or [])
    if change.op == "+=":
        data[key] = current + [v for v in values if v not in current]
    else:
        data[key] = [v for v in current if v not in values]


def with_terms(book: Book, changes: list[Change]) -> Book:
    """The book with every insured line's policy changed (uninsured lines stay uninsured)."""
    lines = tuple(
        line if line.policy is None else dataclasses.replace(line, policy=apply_changes(line.policy, changes))
        for line in book.lines
    )
    return book.with_lines(lines)


def whatif_stress(
    book: Book, scenario_id: str, hours: float, confidence: Confidence | None, changes: list[Change]
) -> dict[str, Any]:
    """The contract §7 document of the book as it is, plus a `whatif` block: the same event under the changed
    terms, its totals and lines, and the change of each (what-if − base)."""
    base = stress(book, scenario_id, hours, confidence)
    changed = stress(with_terms(book, changes), scenario_id, hours, confidence)
    totals = ("ground_up", "gross", "net", "policies_hit")
    by_line = {
        lid: {
            "gross_base": block["gross"],
            "gross": changed["by_line"][lid]["gross"],
            "outcome_base": block["outcome"],
            "outcome": changed["by_line"][lid]["outcome"],
        }
        for lid, block in base["by_line"].items()
    }
    base["whatif"] = {
        "set": [c.text for c in changes],
        **{key: changed[key] for key in totals},
        "ceded": changed["ceded"],
        "reinstatement_premium": changed["reinstatement_premium"],
        "change": {key: changed[key] - base[key] for key in ("gross", "net")},
        "by_industry": changed["by_industry"],
        "by_line": by_line,
    }
    return base
