"""The settlement statement (理算书) as an HTML page, in zh-CN or en, from a `ClaimAdjustment`.

Rendering only: the numbers and texts come from the adjustment (`cyberins.claims`). The template is package
data (`report/templates/statement.html.j2`); the caller saves the page, or prints it with `to_pdf` (A4).
A claimant reads it, so every ground it shows is the policy's own clause or the law (`cite_*`), never the
design rule a line also carries for developers (`rule`, `clause`: kept out of the context on purpose).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from functools import partial
from importlib import resources
from typing import Any

from cyberins.catalog import Catalog, get_catalog
from cyberins.claims.adjust import ClaimAdjustment
from cyberins.claims.reasons import label
from cyberins.model.errors import InvalidInput, Said
from cyberins.model.ids import Lang
from cyberins.model.messages import texts
from cyberins.model.money import format_money
from cyberins.model.policy import Policy
from cyberins.report.render import render


def statement_context(adjustment: ClaimAdjustment, lang: Lang, catalog: Catalog | None = None) -> dict[str, Any]:
    """Everything the template shows, already in `lang`."""
    findings = adjustment.incident.model_dump(mode="json")
    return result_context(adjustment.to_json(), adjustment.policy, findings, lang, catalog)


def result_context(
    result: Mapping[str, Any],
    policy: Policy,
    findings: Mapping[str, Any],
    lang: Lang,
    catalog: Catalog | None = None,
) -> dict[str, Any]:
    """The template's context from an adjustment's JSON (`ClaimAdjustment.to_json`), the policy it ran under
    and the incident findings it read (as JSON): what a stored claim keeps, so a statement printed later shows
    what was decided then, not what today's engine would say."""
    cat = catalog or get_catalog()
    currency = str(result["currency"])
    money = partial(format_money, currency=currency, lang=lang)
    zone = policy.zone

    def cov(c: str) -> str:
        return cat.label(c, lang)

    def when(moment: str) -> str:
        return str(datetime.fromisoformat(moment).astimezone(zone).isoformat(timespec="minutes"))

    def total(key: str) -> str:
        return money(sum((Decimal(v) for v in result[key].values()), Decimal(0)))

    insured = policy.insured
    # the totals list the coverages something was claimed or is paid under; the decision table has said why
    # each other one pays nothing, so the totals only count them (the large enterprise's wording has twelve)
    nil = {
        c
        for c in result["payable"]
        if not any(Decimal(result[key][c]) for key in ("claimed", "adjusted_loss", "payable"))
    }
    insured_name = "" if insured is None else (insured.name_zh or insured.name if lang == "zh" else insured.name)
    description = (findings.get("description_zh") if lang == "zh" else None) or findings.get("description") or ""
    return {
        "lang": lang,
        "t": texts("report.statement", lang),
        "currency": currency,
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
                f"{cat.label(e['id'], lang)} (GB/T 20986-2023 {e['gbt20986']} {e['gbt20986_' + lang]})"
                for e in result["event_types"]
            ],
            "occurred_at": when(findings["occurred_at"]),
            "discovered_at": when(findings["discovered_at"]),
            "reported_at": when(findings["reported_at"]),
            "description": description,
        },
        "decisions": [
            {
                "coverage": cov(c),
                "status": d["status"],
                "status_label": label("statuses", d["status"]).in_lang(lang),
                "reasons": [
                    {"code": r["code"], "cite": r[f"cite_{lang}"], "text": r[f"text_{lang}"]} for r in d["reasons"]
                ],
            }
            for c, d in result["decision"].items()
        ],
        "lines": statement_lines(list(result["statement"]), currency, lang, cat),
        "totals": [
            {
                "coverage": cov(c),
                "claimed": money(Decimal(result["claimed"][c])),
                "adjusted": money(Decimal(result["adjusted_loss"][c])),
                "payable": money(Decimal(result["payable"][c])),
            }
            for c in result["payable"]
            if c not in nil
        ],
        "nil_coverages": len(nil),
        "total_claimed": total("claimed"),
        "total_adjusted": total("adjusted_loss"),
        "total_payable": money(Decimal(result["total_payable"])),
        "under_review": bool(result["under_review"]),
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
    _check_lang(lang)
    return render("statement.html.j2", statement_context(adjustment, lang, catalog))


def render_settled_statement(
    settlement: Mapping[str, Any], policy: Policy, lang: Lang = "zh", *, whole_page: bool = False
) -> str:
    """The statement's content (`statement_body.html.j2`, for a page that frames it and links `statement_css`;
    `whole_page`: the self-contained page `render_statement_html` writes, to print) from a settled claim's
    stored settlement and the bound policy it was settled under. The store keeps the adjustment's JSON with the
    payables under `payable_by_coverage`, their total under `payable`, and the findings it read
    (`services.adjusting.settle_claim`): adapted here, at one place."""
    _check_lang(lang)
    result = {**settlement, "payable": settlement["payable_by_coverage"], "total_payable": settlement["payable"]}
    template = "statement.html.j2" if whole_page else "statement_body.html.j2"
    return render(template, result_context(result, policy, settlement["findings"], lang))


def statement_css() -> str:
    """The statement's stylesheet (scoped to `.statement-doc`), which the printed page inlines."""
    return resources.files("cyberins.report").joinpath("templates", "statement.css").read_text(encoding="utf-8")


def _check_lang(lang: str) -> None:
    if lang not in ("zh", "en"):
        raise InvalidInput.one("lang", Said("input.other.zh_or_en", {"lang": repr(lang), "zh": "zh", "en": "en"}))
