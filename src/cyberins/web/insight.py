"""What the pages draw from the stored documents: the insured's quantified risk at a glance, the starting texts
of the forms (a profile, a wording to quote) and the idempotency keys the forms carry."""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

import yaml
from sqlalchemy.orm import Session

from cyberins.assess import ExplainRow, Outcome, outcome_label, plan_remediation
from cyberins.assess.grade import load_grade_scale
from cyberins.assess.questionnaire import AnswerType, Question
from cyberins.assess.resources import load_questionnaire
from cyberins.model.ids import EventType, Lang
from cyberins.model.messages import text
from cyberins.pricing.subsidy import InsuredFacts, SubsidyScheme, apply_subsidy
from cyberins.report.quote import FactorRow, Reference, factor_appendix
from cyberins.services import assessment, monitoring, policies, underwriting
from cyberins.services.access import Principal
from cyberins.services.common import MAX_LIMIT
from cyberins.services.errors import Forbidden, NotFound
from cyberins.store.models import Incident, Payment, Submission
from cyberins.underwriting.document import remediation_document, subject_to_document

#: The submission form's starting profile: the fields an SME can answer in ten minutes (docs/profiles.md).
PROFILE_EXAMPLE = """name: Example Trading Co., Ltd.
industry: retail
annual_revenue: "80000000"
employees: 200
controls:
  mfa: true
  edr: true
  offline_backups: true
"""


#: The questionnaire's facts besides the controls, in the order the form asks them.
FACTS = ("name", "industry", "annual_revenue", "employees", "mlps_level")


def short_questions() -> tuple[Question, ...]:
    """The controls of the short form (`assess/data/questionnaire.yaml`): what an SME answers in minutes."""
    return load_questionnaire().form("short")


def control_names(lang: Lang) -> dict[str, str]:
    """Each questionnaire control's short name in `lang` (`多因素认证`, `MFA`)."""
    return {q.id: q.name.in_lang(lang) for q in load_questionnaire().questions}


def profile_from_answers(answers: Mapping[str, str]) -> str:
    """The profile (YAML, as `cyberins assess` reads it) that the questionnaire's answers give: the facts as
    typed, each answered control (`yes`/`no`, or a choice id); an unanswered one is left out, so the model
    takes the population's mix for it. The submission form's validation judges it like a typed profile."""
    profile: dict[str, Any] = {k: answers.get(k, "").strip() for k in FACTS if answers.get(k, "").strip()}
    for key in ("employees", "mlps_level"):
        if key in profile and profile[key].isdigit():
            profile[key] = int(profile[key])
    controls: dict[str, Any] = {}
    for question in short_questions():
        given = answers.get(f"control.{question.id}", "").strip()
        if not given:
            continue
        if question.answer is AnswerType.YES_NO:
            controls[question.id] = {"yes": True, "no": False}.get(given, given)
        else:
            controls[question.id] = given
    if controls:
        profile["controls"] = controls
    return yaml.safe_dump(profile, sort_keys=False, allow_unicode=True)


def new_key() -> str:
    """A fresh idempotency key for a form that must act once (bind, settle): a resubmission replays it."""
    return uuid.uuid4().hex


def quote_template(sub: Submission) -> str:
    """The quote form's starting wording (`services.assessment.default_wording`) in the assessment's currency;
    the underwriter edits it before pricing."""
    summary = (sub.assessment or {}).get("summary") if isinstance(sub.assessment, dict) else None
    currency = summary.get("currency", "CNY") if isinstance(summary, dict) else "CNY"
    return yaml.safe_dump(assessment.default_wording(sub, currency), sort_keys=False, allow_unicode=True)


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def contributions(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Each event type's share of the expected annual loss, largest first."""
    rows = [
        (str(r.get("event_type")), _number(r.get("expected_loss")) or 0.0)
        for r in summary.get("expected_loss_by_event_type", [])
    ]
    total = sum(v for _, v in rows)
    if total <= 0:
        return []
    return [{"id": id_, "share": v / total} for id_, v in sorted(rows, key=lambda r: -r[1]) if v > 0]


#: The exceedance chart's plot area in its SVG user units (x: log return period, y: loss, 0 at the bottom).
_X0, _X1, _Y0, _Y1 = 40.0, 335.0, 170.0, 10.0


def exceedance_chart(curve: list[list[float]], other: list[list[float]]) -> dict[str, Any] | None:
    """SVG polyline points of an exceedance curve (`[[return period, loss], ...]`, 2–1000 years, log scale)
    and of a second curve on the same axes (the insured's tolerance, a book's net loss); None without a curve."""
    points = [(t, loss) for t, loss in curve if t > 0]
    if len(points) < 2:
        return None
    second = [(t, loss) for t, loss in other if t > 0]
    top = max(loss for _, loss in points + second) or 1.0
    low, high = math.log(min(t for t, _ in points)), math.log(max(t for t, _ in points))

    def line(pairs: list[tuple[float, float]]) -> str:
        xy = [
            (_X0 + (_X1 - _X0) * (math.log(t) - low) / ((high - low) or 1), _Y0 - (_Y0 - _Y1) * loss / top)
            for t, loss in pairs if low <= math.log(t) <= high
        ]  # fmt: skip
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)

    ticks = [
        {"x": round(_X0 + (_X1 - _X0) * (math.log(t) - low) / ((high - low) or 1), 1), "label": str(t)}
        for t in (2, 10, 100, 1000) if low <= math.log(t) <= high
    ]  # fmt: skip
    return {"main": line(points), "other": line(second) if second else "", "top": f"{top:.2f}", "ticks": ticks}


def insured_risk(session: Session, principal: Principal) -> dict[str, Any] | None:
    """The insured's latest assessed submission: its expected loss (± the quote's standard error), the
    contributions by event type, the loss-exceedance curve against its tolerance and what to fix first, in
    money (from the latest quote); None before any assessment."""
    subs = underwriting.list_submissions(session, principal, limit=MAX_LIMIT).items
    assessed = [s for s in subs if isinstance(_summary(s), dict)]
    if not assessed:
        return None
    sub = max(assessed, key=lambda s: s.updated_at)
    summary = _summary(sub)
    assert summary is not None
    quote = sub.quote.get("details") if isinstance(sub.quote, dict) else None
    quote = quote if isinstance(quote, dict) else {}
    gross = (quote.get("simulation") or {}).get("gross") or {}
    adequacy = quote.get("adequacy") or {}
    fixes = sorted(
        (c for c in quote.get("controls") or [] if (_number(c.get("net_benefit")) or 0) > 0),
        key=lambda c: -(_number(c.get("net_benefit")) or 0),
    )
    return {
        "submission": sub, "summary": summary, "bars": contributions(summary),
        "standard_error": _standard_error(summary, gross),
        "curve": exceedance_chart(gross.get("aep") or [], adequacy.get("tolerance") or []), "fixes": fixes[:3],
    }  # fmt: skip


def _standard_error(summary: dict[str, Any], gross: dict[str, Any]) -> str | None:
    """The AAL's standard error from the quote's simulation, shown only when that simulation is the
    assessment's (same AAL to the cent): a standard error belongs to the estimate it was computed with."""
    aal, se, assessed = _number(gross.get("aal")), _number(gross.get("aal_se")), _number(summary["gross"].get("aal"))
    if aal is None or se is None or assessed is None or abs(aal - assessed) > 0.01:
        return None
    return f"{se:.2f}"


def _summary(sub: Submission) -> dict[str, Any] | None:
    """An assessment summary in its current shape (with the gross loss), else None."""
    summary = sub.assessment.get("summary") if isinstance(sub.assessment, dict) else None
    return summary if isinstance(summary, dict) and isinstance(summary.get("gross"), dict) else None


def risk_grade(summary: Any, lang: Lang) -> dict[str, Any] | None:
    """The assessment's risk grade (docs/grading.md) as a reader in `lang` reads it: the grade, its band's
    label and every reason in that language; None for an assessment stored before grades."""
    stored = summary.get("grade") if isinstance(summary, dict) else None
    if not isinstance(stored, dict) or not isinstance(stored.get("grade"), int):
        return None
    grade = stored["grade"]
    reasons = [str(r.get(f"text_{lang}", "")) for r in stored.get("reasons") or [] if isinstance(r, dict)]
    return {"grade": grade, "label": load_grade_scale().label(grade, lang), "reasons": reasons}


def risk_since_binding(session: Session, principal: Principal, latest: Submission) -> dict[str, Any] | None:
    """How the insured's risk changed since its latest active policy was bound: the assessment of the submission
    it was bound from beside the latest assessment (`latest`), expected loss and grade; None when no active
    policy came from an assessed submission. Both figures are the stored assessments', as the API returns them."""
    bound = [
        r for r in policies.list_policies(session, principal, limit=MAX_LIMIT).items
        if r.state == "active" and r.submission_id
    ]  # fmt: skip
    for record in sorted(bound, key=lambda r: r.period_start, reverse=True):
        try:
            sub = underwriting.get_submission(session, principal, str(record.submission_id))
        except (NotFound, Forbidden):
            continue
        at_binding = _summary(sub)
        if at_binding is None:
            continue
        now = _summary(latest)
        assert now is not None
        change = None
        if at_binding.get("currency") == now.get("currency"):
            change = format(Decimal(str(now["gross"]["aal"])) - Decimal(str(at_binding["gross"]["aal"])), "+f")
        return {
            "policy": record, "bound": at_binding, "latest": now, "same": sub.id == latest.id, "change": change,
            "bound_grade": (at_binding.get("grade") or {}).get("grade"),
            "latest_grade": (now.get("grade") or {}).get("grade"),
        }  # fmt: skip
    return None


def open_alerts(session: Session, principal: Principal) -> int:
    """How many of the insured's monitoring alerts are open (`/web/alerts` lists them)."""
    return len(monitoring.list_alerts(session, principal, principal.org_id, state="open"))


def quote_comparison(sub: Submission) -> dict[str, Any] | None:
    """The quote's options side by side (the broker's comparison): the quoted wording, then each limit ×
    retention cell priced beside it, with what the insured pays after the premium subsidy the quote was given
    (`apply_subsidy` on each cell's premium, as on the wording's); None without a quote."""
    details = sub.quote.get("details") if isinstance(sub.quote, dict) else None
    if not isinstance(details, dict) or not isinstance(details.get("premium"), dict):
        return None
    stored = details.get("subsidy_scheme")
    scheme = SubsidyScheme.model_validate(stored) if isinstance(stored, dict) else None

    def pays(premium: str) -> str | None:
        if scheme is None:
            return None
        profile = underwriting.validate_profile(sub.profile)  # it was quoted, so it reads
        facts = InsuredFacts(employees=profile.employees, revenue=profile.annual_revenue, industry=profile.industry)
        return format(apply_subsidy(Decimal(premium), scheme, facts).payable, "f")

    policy = details.get("policy") or {}
    quoted = details["premium"]["technical_premium"]
    rows = [
        {"quoted": True, "aggregate_limit": policy.get("aggregate_limit"), "retention": None,
         "premium": quoted, "retained": None, "pays": pays(quoted)}
    ] + [
        {"quoted": False, "aggregate_limit": c["aggregate_limit"], "retention": c["retention"],
         "premium": c["technical_premium"], "retained": c["expected_retained_loss"],
         "pays": pays(c["technical_premium"])}
        for c in details.get("grid") or []
    ]  # fmt: skip
    return {
        "currency": details["currency"], "rows": rows, "tier": details.get("tier"), "scheme": scheme,
        "subsidy": details.get("subsidy"),
    }  # fmt: skip


def tier_comparison(sub: Submission) -> dict[str, Any] | None:
    """The quote's tiers side by side (`services.assessment.quote_submission`), the quoted one first; None
    when the quote compared no tiers."""
    details = sub.quote.get("details") if isinstance(sub.quote, dict) else None
    if not isinstance(details, dict) or not details.get("tiers"):
        return None
    return {"currency": details["currency"], "columns": details["tiers"]}


def assessment_factors(summary: Any, lang: Lang) -> tuple[list[tuple[str, list[FactorRow]]], list[Reference]] | None:
    """The stored assessment's factor rows (`explain`) grouped by event type under labels in `lang`, each citing
    its numbered sources, as the quote report's appendix shows them; None for an assessment without rows."""
    rows = summary.get("explain") if isinstance(summary, dict) else None
    if not isinstance(rows, list) or not rows:
        return None
    factors = [
        ExplainRow(str(r["factor"]), EventType(r["event_type"]), float(r["frequency"]), float(r["severity"]),
                   float(r["effect"]), str(r["source"]), str(r.get("reason", "")))
        for r in rows
    ]  # fmt: skip
    return factor_appendix(factors, lang)


def _remediation(sub: Submission, summary: dict[str, Any]) -> dict[str, Any] | None:
    """What clears the declined risk: the assessment's `once_fixed` (`services.assessment.once_fixed`), or for
    an assessment stored before it, planned now on the submission's profile (`plan_remediation`)."""
    if "once_fixed" in summary:
        stored = summary["once_fixed"]
        return stored if isinstance(stored, dict) else None
    plan = plan_remediation(underwriting.validate_profile(sub.profile))  # it was assessed, so it reads
    return remediation_document(plan) | {"steps": subject_to_document(plan)} if plan else None


def eligibility_rules(sub: Submission, summary: Any, lang: Lang) -> dict[str, Any] | None:
    """The eligibility rules the assessment fired, in `lang`; each declining one with what clears it and its
    yearly cost (as a quote's `subject_to` states them: a declined risk is not quoted), and what all the
    remedies cost a year and whether together they lift the decline; None when no rule fired."""
    reasons = ((summary or {}).get("eligibility") or {}).get("reasons") if isinstance(summary, dict) else None
    if not reasons:
        return None
    plan = _remediation(sub, summary)
    remedies = {s["rule"]: s for s in plan["steps"]} if plan else {}
    rules = [
        {"rule": r["rule"], "outcome": r["outcome"], "outcome_label": outcome_label(Outcome(r["outcome"]), lang),
         "text": r[f"text_{lang}"], "remedy": (remedies.get(r["rule"]) or {}).get(f"text_{lang}"),
         "cost": (remedies.get(r["rule"]) or {}).get("cost")}
        for r in reasons
    ]  # fmt: skip
    whole = plan is not None and set(remedies) <= {r["rule"] for r in rules}  # the plan answers the rules shown
    return {
        "rules": rules, "currency": summary.get("currency"),
        "annual_cost": plan["annual_cost"] if whole and plan else None,
        # "no longer declined" said only of a declined risk (a referred one's plan answers its referrals)
        "clears": plan["clears_decline"] if whole and plan and summary["eligibility"]["outcome"] == "decline" else None,
    }  # fmt: skip


def once_fixed(summary: Any, lang: Lang) -> dict[str, Any] | None:
    """The declined risk once fixed, as the assessment stored it (`services.assessment.once_fixed`) and read in
    `lang`: each step in order (the controls to put in place by name, the exposure fixes, its yearly cost and
    the rule it clears), the eligibility after all of them and the premium once fixed (None: the remedies do
    not lift the decline); None for a risk nothing declines, or an assessment stored before it."""
    stored = summary.get("once_fixed") if isinstance(summary, dict) else None
    if not isinstance(stored, dict):
        return None
    names = control_names(lang)
    after = stored["eligibility_after"]
    steps = [
        {"controls": [names.get(c, c) for c in s["controls"]],
         "fixes": [text(f"web.once_fixed.fix_{f}", lang) for f in s["fixes"]],
         "cost": s["cost"], "rule": s["rule"], "clears": s[f"reason_{lang}"]}
        for s in stored["steps"]
    ]  # fmt: skip
    premium = stored.get("premium_once_fixed")
    return {
        "steps": steps, "currency": summary.get("currency"), "outcome": after["outcome"],
        "outcome_label": outcome_label(Outcome(after["outcome"]), lang),
        "still": [r[f"text_{lang}"] for r in after["reasons"]],
        "premium": premium["technical_premium"] if isinstance(premium, dict) else None,
        "aggregate_limit": stored["wording"]["aggregate_limit"],
    }  # fmt: skip


#: The claim timeline's axis in its SVG user units.
_T0, _T1 = 20.0, 340.0


def claim_timeline(incident: Incident, paid: list[Payment]) -> list[dict[str, Any]]:
    """The instants the claim holds (occurred, discovered, reported, each finding's `at`, each payment), in
    order, each placed on the SVG axis in proportion to the time between the first and the last."""
    moments: list[tuple[str, datetime]] = [
        ("occurred", incident.occurred_at), ("discovered", incident.discovered_at),
        ("reported", incident.reported_at),
    ]  # fmt: skip
    documents = incident.documents if isinstance(incident.documents, dict) else {}
    for finding in documents.get("forensics") or []:
        try:
            at = datetime.fromisoformat(str(finding.get("at")))
        except ValueError:
            continue  # a finding without a readable instant stays in the list only
        if at.tzinfo is not None:
            moments.append(("forensics", at))
    moments += [("paid", p.created_at) for p in paid]
    moments.sort(key=lambda m: m[1])
    first, span = moments[0][1], (moments[-1][1] - moments[0][1]).total_seconds() or 1.0
    return [
        {"key": key, "at": at, "x": round(_T0 + (_T1 - _T0) * (at - first).total_seconds() / span, 1),
         "above": i % 2 == 0}
        for i, (key, at) in enumerate(moments)
    ]  # fmt: skip
