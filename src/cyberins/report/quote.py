"""The assessment and quote report (评估与报价报告): numbers from `underwrite`, pictures from `charts`.

Page 1 answers an insured's questions: who is covered, for when, under which cover schedule, at what premium,
whether it can be bound (and what to fix first if not), and which security investments pay. The detail
follows; the model's factors, with readable citations, close the report as appendices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from cyberins.assess import Outcome, load_questionnaire, outcome_label
from cyberins.assess.explain import ExplainRow, cite_sources, factor_label
from cyberins.assess.grade import load_grade_scale
from cyberins.catalog import get_catalog
from cyberins.model.ids import Lang
from cyberins.model.messages import text, texts
from cyberins.model.policy import Policy
from cyberins.quant.metrics import exceedance
from cyberins.quant.model import FloatArray
from cyberins.report.charts import Curve, bars_svg, exceedance_svg
from cyberins.report.render import render
from cyberins.underwriting import UnderwritingResult
from cyberins.underwriting.document import quote_document


def _w(key: str, lang: Lang) -> str:
    return text(f"report.quote_charts.{key}", lang)


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


@dataclass(frozen=True)
class ScheduleRow:
    """One coverage of the cover schedule, as the insured reads it."""

    coverage: str
    sublimit: Decimal
    retention: Decimal
    each_claim_limit: Decimal | None
    coinsurance: str | None
    waiting: str | None
    indemnity: str | None


def cover_schedule(policy: Policy, lang: Lang) -> list[ScheduleRow]:
    """The wording's coverages with their sublimit, retention, waiting and indemnity periods."""
    cat = get_catalog()
    rows = []
    for cov, t in policy.coverages.items():
        rows.append(
            ScheduleRow(
                coverage=cat.label(f"coverage:{cov}", lang),
                sublimit=t.sublimit,
                retention=t.retention,
                each_claim_limit=t.each_claim_limit,
                coinsurance=f"{_number(t.coinsurance * 100)}%" if t.coinsurance else None,
                waiting=None
                if t.waiting_period_hours is None
                else text("report.quote_charts.hours", lang, n=_number(t.waiting_period_hours)),
                indemnity=None
                if t.indemnity_period_days is None
                else text("report.quote_charts.days", lang, n=_number(t.indemnity_period_days)),
            )
        )
    return rows


@dataclass(frozen=True)
class FactorRow:
    label: str
    frequency: float
    severity: float
    effect: float
    refs: list[int]  # numbers into the reference list; empty: an assumption


@dataclass(frozen=True)
class Reference:
    number: int
    text: str


def factor_appendix(
    factors: Sequence[ExplainRow], lang: Lang
) -> tuple[list[tuple[str, list[FactorRow]]], list[Reference]]:
    """The model's factors grouped by event type under readable labels, and the sources they cite, numbered
    (the report's appendix, and the submission page's from the stored assessment)."""
    cat = get_catalog()
    cited, references = cite_sources([f.source for f in factors])
    groups: dict[str, list[FactorRow]] = {}
    for f, refs in zip(factors, cited, strict=True):
        row = FactorRow(factor_label(f.factor, lang), f.frequency, f.severity, f.effect, refs)
        groups.setdefault(cat.label(f.event_type, lang), []).append(row)
    return list(groups.items()), [Reference(n, text) for n, text in references]


@dataclass(frozen=True)
class FixFirst:
    """A control as page 1 shows it: what it costs and saves the insured a year, and its net."""

    names: str
    annual_cost: Decimal
    saving: Decimal
    net_benefit: Decimal
    standard_error: Decimal | None  # of the saving and of the net alike: the cost is not simulated


def fix_first(r: UnderwritingResult, lang: Lang, count: int = 3) -> list[FixFirst]:
    """The controls that leave the insured best off, by net benefit a year (saving less cost)."""
    if r.controls is None:
        return []
    best = sorted(r.controls.ranked, key=lambda c: (-c.net_benefit, sorted(c.controls)))[:count]
    return [
        FixFirst(
            _control_names(sorted(c.controls), lang),
            c.annual_cost,
            c.retained_loss_drop + c.premium_drop,
            c.net_benefit,
            c.net_benefit_se,
        )
        for c in best
    ]


def _control_names(controls: list[str], lang: Lang) -> str:
    questions = load_questionnaire()
    names = [questions.question(c).name.in_lang(lang) if c in questions.ids else c for c in sorted(controls)]
    return ("、" if lang == "zh" else ", ").join(names)


def charts(r: UnderwritingResult, lang: Lang) -> dict[str, str]:
    cat, currency = get_catalog(), r.policy.currency
    gross, insured = r.simulation.gross(), r.simulation.insured()
    out = {
        "lec": exceedance_svg(
            [
                Curve(_w("gross", lang), [(p[0], p[1]) for p in gross.aep], "gross"),
                Curve(_w("insured", lang), [(p[0], p[1]) for p in insured.aep], "insured"),
            ],
            title=_w("lec_title", lang),
            currency=currency,
            x_label=_w("rp", lang),
            y_label=_w("annual_loss", lang),
            lang=lang,
        ),
        "by_event": bars_svg(
            [(cat.label(et, lang), g) for et, (g, _i) in r.simulation.by_event_type.items() if g > 0],
            title=_w("by_event", lang),
            currency=currency,
            lang=lang,
        ),
        "by_coverage": bars_svg(
            [(cat.label(c, lang), i) for c, (_g, i) in r.simulation.by_coverage.items() if i > 0],
            title=_w("by_coverage", lang),
            currency=currency,
            colour="#2a9d8f",
            lang=lang,
        ),
    }
    if r.adequacy is not None:
        # the wording's own retained loss (its several retentions), not a grid cell's single retention
        retained_now = exceedance(_retained_years(r))
        curves = [
            Curve(_w("gross", lang), [(p[0], p[1]) for p in gross.aep], "gross"),
            Curve(_w("retained_now", lang), [(p[0], p[1]) for p in retained_now], "insured"),
        ]
        if r.adequacy.recommended is not None:
            curves.append(Curve(_w("retained", lang), r.adequacy.recommended.retained_aep, "retained"))
        curves.append(Curve(_w("tolerance", lang), r.adequacy.tolerance.curve(), "tolerance"))
        out["adequacy"] = exceedance_svg(
            curves, title=_w("adequacy_title", lang), currency=currency, x_label=_w("rp", lang),
            y_label=_w("annual_loss", lang), lang=lang,
        )  # fmt: skip
    if r.controls is not None:
        out["controls"] = bars_svg(
            [(_control_names(sorted(c.controls), lang), float(c.net_benefit)) for c in r.controls.ranked],
            title=_w("controls", lang),
            currency=currency,
            colour="#e76f51",
            lang=lang,
        )
    return out


def render_quote_html(r: UnderwritingResult, lang: Lang = "zh") -> str:
    """The report page: a one-page summary (cover schedule, premium, eligibility and what to fix, the controls
    that pay first), then the loss model, premium, options, limit adequacy, controls and subsidy, and the
    eligibility rules and model factors as appendices."""
    cat = get_catalog()
    doc = quote_document(r)
    groups, references = factor_appendix(r.factors, lang)
    insured = r.simulation.insured()
    grade = r.grade()
    return render(
        "quote.html.j2",
        {
            "lang": lang,
            "t": texts("report.quote", lang),
            "currency": r.policy.currency,
            "doc": doc,
            "policy": r.policy,
            "schedule": cover_schedule(r.policy, lang),
            "wording": {
                "retained": insured_retained(r),
                "tvar": insured.tvar.get("0.995"),
            },
            "grade": {
                "title": text("grade.report.title", lang),
                "value": text(
                    "grade.report.value", lang, grade=grade.grade, label=load_grade_scale().label(grade.grade, lang)
                ),
                "ratio": text("grade.report.ratio", lang, pct=f"{grade.expected_loss_ratio * 100:.4f}%"),
            },
            "fix_first": fix_first(r, lang),
            "factor_groups": groups,
            "references": references,
            "assumption": _w("assumption", lang),
            "charts": charts(r, lang),
            "label": lambda ident: cat.label(ident, lang),
            "coverage_label": lambda ident: cat.label(f"coverage:{ident}", lang),
            "control_names": lambda ids: _control_names(list(ids), lang),
            "outcome_label": lambda outcome: outcome_label(Outcome(outcome), lang),
            "catalog_version": cat.version,
        },
    )


def _retained_years(r: UnderwritingResult) -> FloatArray:
    """What the insured keeps each simulated year under the wording itself: gross less what the policy pays."""
    return r.simulation.ylt.gross - r.simulation.ylt.insured


def insured_retained(r: UnderwritingResult) -> float:
    """The expected loss the insured keeps under the wording itself."""
    return float(_retained_years(r).mean())
