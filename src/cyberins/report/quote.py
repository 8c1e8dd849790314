"""The assessment and quote report (评估与报价报告): numbers from `underwrite`, pictures from `charts`."""

from __future__ import annotations

from cyberins.assess import Outcome, outcome_label
from cyberins.catalog import get_catalog
from cyberins.model.ids import Lang
from cyberins.report.charts import Curve, bars_svg, exceedance_svg
from cyberins.report.render import render
from cyberins.underwriting import UnderwritingResult
from cyberins.underwriting.document import quote_document

WORDS: dict[str, dict[str, str]] = {
    "lec_title": {"zh": "损失超越曲线（年累计）", "en": "Loss exceedance (annual aggregate)"},
    "rp": {"zh": "重现期（年）", "en": "Return period (years)"},
    "annual_loss": {"zh": "年损失", "en": "Annual loss"},
    "gross": {"zh": "毛损失", "en": "Gross"},
    "insured": {"zh": "保险赔付", "en": "Insured"},
    "retained": {"zh": "自留（推荐方案）", "en": "Retained (recommended cover)"},
    "retained_now": {"zh": "自留（当前方案）", "en": "Retained (this wording)"},
    "tolerance": {"zh": "风险容忍度", "en": "Risk tolerance"},
    "adequacy_title": {"zh": "限额充足性", "en": "Limit adequacy"},
    "by_event": {"zh": "各事件类型年均毛损失", "en": "Expected gross loss by event type"},
    "by_coverage": {"zh": "各保障年均赔付", "en": "Expected insured loss by coverage"},
    "controls": {"zh": "安全投入净收益（每年）", "en": "Net annual benefit of security controls"},
}


def _w(key: str, lang: Lang) -> str:
    return WORDS[key][lang]


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
        ),
        "by_event": bars_svg(
            [(cat.label(et, lang), g) for et, (g, _i) in r.simulation.by_event_type.items() if g > 0],
            title=_w("by_event", lang),
            currency=currency,
        ),
        "by_coverage": bars_svg(
            [(cat.label(c, lang), i) for c, (_g, i) in r.simulation.by_coverage.items() if i > 0],
            title=_w("by_coverage", lang),
            currency=currency,
            colour="#2a9d8f",
        ),
    }
    if r.adequacy is not None:
        current = r.grid.cell(r.policy.aggregate_limit, max(t.retention for t in r.policy.coverages.values()))
        curves = [Curve(_w("gross", lang), r.grid.rows[0].gross_aep, "gross")]
        if current is not None:
            curves.append(Curve(_w("retained_now", lang), current.retained_aep, "insured"))
        if r.adequacy.recommended is not None:
            curves.append(Curve(_w("retained", lang), r.adequacy.recommended.retained_aep, "retained"))
        curves.append(Curve(_w("tolerance", lang), r.adequacy.tolerance.curve(), "tolerance"))
        out["adequacy"] = exceedance_svg(
            curves, title=_w("adequacy_title", lang), currency=currency, x_label=_w("rp", lang),
            y_label=_w("annual_loss", lang),
        )  # fmt: skip
    if r.controls is not None:
        out["controls"] = bars_svg(
            [(", ".join(sorted(c.controls)), float(c.net_benefit)) for c in r.controls.ranked],
            title=_w("controls", lang),
            currency=currency,
            colour="#e76f51",
        )
    return out


def render_quote_html(r: UnderwritingResult, lang: Lang = "zh") -> str:
    """The report page: summary, eligibility, the loss model and its factors, premium, grid, limit adequacy,
    the ranked security investments and the subsidy, each with its picture."""
    cat = get_catalog()
    doc = quote_document(r)
    return render(
        "quote.html.j2",
        {
            "lang": lang,
            "currency": r.policy.currency,
            "doc": doc,
            "charts": charts(r, lang),
            "label": lambda ident: cat.label(ident, lang),
            "coverage_label": lambda ident: cat.label(f"coverage:{ident}", lang),
            "outcome_label": lambda outcome: outcome_label(Outcome(outcome), lang),
            "catalog_version": cat.version,
        },
    )
