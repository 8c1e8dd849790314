"""Why a model's frequencies and severities are what they are: one row per factor, with its money effect.

Factors multiply, so removing one divides its event type's expected annual loss by its frequency ×
severity multiplier m. A row's `effect` is what the factor adds to the expected annual ground-up loss:

    effect = EAL_et × (1 − 1/m)

(negative when the factor lowers the loss). Effects of several factors do not add up to the total, since
each is measured with all the others in place; each answers "what if only this factor were removed?".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cyberins.assess.resources import load_calibration, load_questionnaire
from cyberins.model.ids import EventType, Lang
from cyberins.model.messages import text
from cyberins.model.money import money_text
from cyberins.quant.model import RiskModel

#: Factors named by the catalogue (`assess.factor.<id>`), by factor name.
_LABELS = {
    "records_held": "records_held",
    "online_share": "online_share",
    "exposure:rdp_exposed": "rdp_exposed",
    "exposure:risky_services": "risky_services",
    "exposure:kev_unremediated": "kev_unremediated",
    "exposure:other_vulnerabilities": "other_vulnerabilities",
    "bound:controls": "bound_controls",
    "bound:exposure": "bound_exposure",
}


@dataclass(frozen=True)
class ExplainRow:
    """One factor of one event type and what it does to the expected annual loss (model currency)."""

    factor: str
    event_type: EventType
    frequency: float
    severity: float
    effect: float
    source: str
    reason: str

    def to_json(self, currency: str) -> dict[str, Any]:
        """The one shape of a factor row in every document: multipliers as numbers, the effect as money."""
        return {
            "factor": self.factor,
            "label": {"zh": factor_label(self.factor, "zh"), "en": factor_label(self.factor, "en")},
            "event_type": self.event_type.value,
            "frequency": self.frequency,
            "severity": self.severity,
            "effect": money_text(self.effect, currency),
            "source": self.source,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class EventTypeSummary:
    """Expected events a year, expected ground-up loss per event and per year (model currency)."""

    event_type: EventType
    frequency: float
    severity: float
    expected_loss: float

    def to_json(self, currency: str) -> dict[str, Any]:
        """Events a year as a number; the loss per event and per year as money."""
        return {
            "event_type": self.event_type.value,
            "frequency": self.frequency,
            "severity": money_text(self.severity, currency),
            "expected_loss": money_text(self.expected_loss, currency),
        }


def explain(model: RiskModel) -> list[ExplainRow]:
    """One row per factor of `model` (assessed or adjusted), in event-type order.

    Examples
    --------
    >>> from cyberins.assess import OrganizationProfile, assess, explain
    >>> p = OrganizationProfile(
    ...     name="Demo", industry="manufacturing", annual_revenue=30_000_000, employees=80,
    ...     controls={"mfa": True},
    ... )
    >>> rows = [r for r in explain(assess(p)) if r.factor == "control:mfa"]
    >>> row = next(r for r in rows if r.event_type == "ransomware")
    >>> row.frequency < 1 and row.effect < 0
    True
    """
    rows = []
    for et in model.event_types:
        eal = sum(et.expected_loss().values())
        for f in et.factors:
            m = f.frequency * f.severity
            effect = eal * (1 - 1 / m) if m > 0 else float("-inf")
            rows.append(ExplainRow(f.name, et.event_type, f.frequency, f.severity, effect, f.source, f.reason))
    return rows


def summary(model: RiskModel) -> list[EventTypeSummary]:
    """Per event type: frequency, mean severity and expected annual loss (ground-up)."""
    out = []
    for et in model.event_types:
        lam = et.frequency.mean()
        sev = sum(et.severity.mean().values())
        out.append(EventTypeSummary(et.event_type, lam, sev, lam * sev))
    return out


def factor_label(name: str, lang: Lang = "zh") -> str:
    """A reader's label for a factor name (`control:mfa` -> the question's text)."""
    kind, _, ident = name.partition(":")
    if name in _LABELS:
        return text(f"assess.factor.{_LABELS[name]}", lang)
    if kind == "control" and ident in load_questionnaire().ids:
        return load_questionnaire().question(ident).name.in_lang(lang)
    cal = load_calibration()
    if kind == "size_band":
        band = next((b for b in cal.revenue_bands if b.id == ident), None)
        return band.label.in_lang(lang) if band else name
    if kind == "industry" and ident in cal.industries:
        return cal.industries[ident].label.in_lang(lang)
    if kind == "exposure" and ident.startswith("vpn:"):
        return text("assess.factor.vpn", lang, product=ident[4:])
    if kind == "mlps":
        return (
            text("assess.factor.mlps_none", lang) if ident == "none" else text("assess.factor.mlps", lang, level=ident)
        )
    if kind == "history":
        return text("assess.factor.history", lang, n=ident)
    return name


def cite_sources(sources: list[str]) -> tuple[list[list[int]], list[tuple[int, str]]]:
    """Number the documents that factors cite, in order of first citation: for each factor's `source` the
    numbers it cites (none for an assumption), and the numbered references `(n, "publisher, title, year")`."""
    known = {s.id: s for s in load_calibration().sources}
    numbers: dict[str, int] = {}
    cited = []
    for source in sources:
        ids = [] if source == "assumption" else [s.strip() for s in source.split(",")]
        cited.append([numbers.setdefault(i, len(numbers) + 1) for i in ids])
    references = []
    for ident, n in numbers.items():
        s = known.get(ident)
        text = ident if s is None else ", ".join(str(x) for x in (s.publisher, s.title, s.year) if x)
        references.append((n, text))
    return cited, references
