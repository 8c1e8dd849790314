"""The settlement statement (理算书) as an HTML page, in zh-CN or en, from a `ClaimAdjustment`.

Rendering only: the numbers and texts come from the adjustment (`cyberins.claims`). The template is package
data (`report/templates/statement.html.j2`); the caller saves the page, or prints it with `to_pdf` (A4).
A claimant reads it, so every ground it shows is the policy's own clause or the law (`cite_*`), never the
design rule a line also carries for developers (`rule`, `clause`: kept out of the context on purpose).
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import Any

from cyberins.catalog import Catalog, get_catalog
from cyberins.claims.adjust import ClaimAdjustment
from cyberins.claims.reasons import label
from cyberins.model.errors import InvalidInput, Said
from cyberins.model.ids import Lang
from cyberins.model.messages import texts
from cyberins.model.money import format_money
from cyberins.report.render import render


def statement_context(adjustment: ClaimAdjustment, lang: Lang, catalog: Catalog | None = None) -> dict[str, Any]:
    """Everything the template shows, already in `lang`."""
    cat = catalog or get_catalog()
    policy, incident = adjustment.policy, adjustment.incident
    money = partial(format_money, currency=adjustment.currency, lang=lang)
    zone = policy.zone

    def cov(c: str) -> str:
        return cat.label(c, lang)

    def when(moment: Any) -> str:
        return str(moment.astimezone(zone).isoformat(timespec="minutes"))

    insured = policy.insured
    # the totals list the coverages something was claimed or is paid under; the decision table has said why
    # each other one pays nothing, so the totals only count them (the large enterprise's wording has twelve)
    nil = {
        c
        for c in adjustment.payable
        if not (adjustment.claimed[c] or adjustment.adjusted_loss[c] or adjustment.payable[c])
    }
    insured_name = "" if insured is None else (insured.name_zh or insured.name if lang == "zh" else insured.name)
    return {
        "lang": lang,
        "t": texts("report.statement", lang),
        "currency": adjustment.currency,
        "policy": {
            "number": policy.policy_number or "—",
            "insured": insured_name or "—",
            "period": f"{policy.period.start} – {policy.period.end} ({zone.key})",
            "trigger": cat.label(policy.trigger.kind, lang),
            "retroactive_date": str(policy.trigger.retroactive_date or "—"),
            "jurisdiction": cat.label(policy.jurisdiction, lang),
            "aggregate": money(policy.aggregate_limit),
        },
        "incident": {
            "event_types": [
                f"{cat.label(e.id, lang)} (GB/T 20986-2023 {e.gbt20986_code} "
                f"{e.gbt20986_zh if lang == 'zh' else e.gbt20986_en})"
                for e in adjustment.event_types
            ],
            "occurred_at": when(incident.occurred_at),
            "discovered_at": when(incident.discovered_at),
            "reported_at": when(incident.reported_at),
            "description": (incident.description_zh if lang == "zh" else None) or incident.description or "",
        },
        "decisions": [
            {
                "coverage": cov(c),
                "status": d.status.value,
                "status_label": label("statuses", d.status.value).in_lang(lang),
                "reasons": [
                    {
                        "code": r.code,
                        "cite": r.cite_zh if lang == "zh" else r.cite_en,
                        "text": r.text_zh if lang == "zh" else r.text_en,
                    }
                    for r in d.reasons
                ],
            }
            for c, d in adjustment.decision.items()
        ],
        "lines": statement_lines([line.to_json() for line in adjustment.statement], adjustment.currency, lang, cat),
        "totals": [
            {
                "coverage": cov(c),
                "claimed": money(adjustment.claimed[c]),
                "adjusted": money(adjustment.adjusted_loss[c]),
                "payable": money(adjustment.payable[c]),
            }
            for c in adjustment.payable
            if c not in nil
        ],
        "nil_coverages": len(nil),
        "total_claimed": money(sum(adjustment.claimed.values(), Decimal(0))),
        "total_adjusted": money(sum(adjustment.adjusted_loss.values(), Decimal(0))),
        "total_payable": money(adjustment.total_payable),
        "under_review": adjustment.under_review,
    }


def statement_lines(
    lines: list[dict[str, Any]], currency: str, lang: Lang, catalog: Catalog | None = None
) -> list[dict[str, str]]:
    """The statement's steps in `lang` from their stored shape (`StatementLine.to_json`, as a settled claim
    keeps them): coverage, step, amount before, deducted, after, and the clause or law it rests on."""
    cat = catalog or get_catalog()
    money = partial(format_money, currency=currency, lang=lang)
    return [
        {
            "coverage": cat.label(str(line["coverage"]), lang),
            "step": label("steps", str(line["step"])).in_lang(lang),
            "before": money(Decimal(str(line["amount_before"]))),
            "deducted": money(Decimal(str(line["deducted"]))),
            "after": money(Decimal(str(line["amount_after"]))),
            "cite": str(line["cite_zh"] if lang == "zh" else line["cite_en"]),
            "text": str(line["text_zh"] if lang == "zh" else line["text_en"]),
        }
        for line in lines
    ]


def render_statement_html(adjustment: ClaimAdjustment, lang: Lang = "zh", catalog: Catalog | None = None) -> str:
    """The statement page as one self-contained HTML document (inline CSS, no scripts)."""
    if lang not in ("zh", "en"):
        raise InvalidInput.one("lang", Said("input.other.zh_or_en", {"lang": repr(lang), "zh": "zh", "en": "en"}))
    return render("statement.html.j2", statement_context(adjustment, lang, catalog))
