"""Settlement: the adjusted loss through the policy's terms with the one terms engine, and the statement.

The claim becomes a one-event `Decimal` `LossTable` (`terms.incident_table`, the builder `policy apply` uses
too) whose `excluded` mask is the coverage decision (step 1 of rule 1, rule 19 included); `settle_incident`
does every other step and rounds with `round_in_order`, so a claim, a scenario and a quote can never disagree
on a term or on a cent. The
statement walks each coverage from the claimed amount to the payable: first the disallowed items, then each
engine step that changes the amount, every amount at the currency's minor unit (half up).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from cyberins.claims.context import ClaimContext
from cyberins.claims.decision import CoverageDecision
from cyberins.claims.quantify import Quantification, Segment
from cyberins.claims.reasons import Bi, Param, StepText, label, phrase, reason, step_text
from cyberins.model.ids import Coverage, WaitingPeriodMode
from cyberins.model.money import to_minor
from cyberins.terms import Step, Waiting, incident_table, settle_incident

#: Engine steps after the ground-up loss, in rule 1's order of application.
ENGINE_STEPS: tuple[Step, ...] = tuple(s for s in Step if s is not Step.GROUND_UP)
#: The reason added to a covered coverage that pays nothing, by the step that took the last of its loss.
ZEROED_BY: Mapping[Step, str] = {
    Step.WAITING_PERIOD: "within_waiting_period",
    Step.RETENTION: "within_retention",
    Step.SUBLIMIT: "limit_exhausted",
    Step.AGGREGATE: "limit_exhausted",
}


@dataclass(frozen=True)
class StatementLine:
    """One line of the settlement statement (理算书): one change of one coverage's amount, and why: `rule` for
    developers (policy field, design rule), `cite_*` for the claimant (the policy's clause or the law)."""

    coverage: Coverage
    step: str
    amount_before: Decimal
    amount_after: Decimal
    rule: str
    text_zh: str
    text_en: str
    cite_zh: str
    cite_en: str
    code: str | None = None
    source: str | None = None

    @property
    def deducted(self) -> Decimal:
        return self.amount_before - self.amount_after

    def to_json(self) -> dict[str, str | None]:
        return {
            "coverage": self.coverage.value,
            "step": self.step,
            "amount_before": str(self.amount_before),
            "amount_after": str(self.amount_after),
            "deducted": str(self.deducted),
            "rule": self.rule,
            "text_zh": self.text_zh,
            "text_en": self.text_en,
            "cite_zh": self.cite_zh,
            "cite_en": self.cite_en,
            "code": self.code,
            "source": self.source,
        }


@dataclass(frozen=True)
class Settlement:
    """Amounts per coverage at the currency's minor unit, the statement, and the final decisions."""

    claimed: dict[Coverage, Decimal]
    adjusted_loss: dict[Coverage, Decimal]
    payable: dict[Coverage, Decimal]
    statement: tuple[StatementLine, ...]
    decisions: dict[Coverage, CoverageDecision]
    money_only_time_element: tuple[Coverage, ...]


def settle(
    ctx: ClaimContext,
    q: Quantification,
    decisions: dict[Coverage, CoverageDecision],
    prior_paid: Mapping[Coverage, Decimal],
) -> Settlement:
    """Run the terms engine on the claim and write the statement (module docstring)."""
    policy, minor = ctx.policy, ctx.currency
    purchased = tuple(c for c in policy.coverages if c in decisions)
    order = purchased + tuple(c for c in decisions if c not in policy.coverages)
    steps: dict[Coverage, dict[Step, Decimal]] = {}
    payable: dict[Coverage, Decimal] = {}
    money_only: tuple[Coverage, ...] = ()
    one_retention: Decimal | None = None
    waiting: dict[Coverage, Waiting] = {}
    if purchased:
        table = incident_table(
            purchased,
            {c: q.money(c) for c in purchased},
            {c: q.defence(c) for c in purchased},
            q.segments,
            excluded={c: not decisions[c].pays for c in purchased},
        )
        settled = settle_incident(policy, table, prior_paid)
        steps, payable, money_only = settled.steps, settled.payable, settled.money_only_time_element
        one_retention, waiting = settled.incident_retention, settled.waiting
    lines: list[StatementLine] = []
    final = dict(decisions)
    for c in order:
        lines.extend(_item_lines(ctx, q, c))
        if c not in steps:
            if q.adjusted(c) > 0:
                lines.append(_line(ctx, c, "exclusions", q.adjusted(c), Decimal(0), _excluded_text(decisions[c])))
            continue
        cited = _Cited(prior_paid, one_retention, waiting, q.segments)
        lines.extend(_engine_lines(ctx, c, steps[c], decisions[c], cited))
        rounded = to_minor(steps[c][Step.AGGREGATE], minor)
        if payable[c] != rounded:
            lines.append(_line(ctx, c, "rounding", rounded, payable[c], step_text("rounding")))
        if decisions[c].pays and steps[c][Step.AGGREGATE] == 0 and q.adjusted(c) > 0:
            zeroed = next(s for s in ENGINE_STEPS if steps[c][s] == 0)
            if zeroed is Step.RETENTION and one_retention is not None:
                final[c] = final[c].with_reason(reason("within_incident_retention", retention=ctx.money(one_retention)))
            elif zeroed in ZEROED_BY:
                final[c] = final[c].with_reason(reason(ZEROED_BY[zeroed], coverage=c.value))
    return Settlement(
        claimed={c: to_minor(q.claimed(c), minor) for c in order},
        adjusted_loss={c: to_minor(q.adjusted(c), minor) for c in order},
        payable={c: payable.get(c, to_minor(Decimal(0), minor)) for c in order},
        statement=tuple(lines),
        decisions={c: final[c] for c in order},
        money_only_time_element=money_only,
    )


def _line(
    ctx: ClaimContext, c: Coverage, step: str, before: Decimal, after: Decimal, text: StepText, **extra: str | None
) -> StatementLine:
    return StatementLine(
        coverage=c,
        step=step,
        amount_before=to_minor(before, ctx.currency),
        amount_after=to_minor(after, ctx.currency),
        rule=text.rule,
        text_zh=text.text_zh,
        text_en=text.text_en,
        cite_zh=text.cite_zh,
        cite_en=text.cite_en,
        code=extra.get("code"),
        source=extra.get("source"),
    )


def _item_lines(ctx: ClaimContext, q: Quantification, c: Coverage) -> list[StatementLine]:
    running, out = q.claimed(c), []
    for item in q.items_of(c):
        for d in item.deductions:
            r = d.reason
            text = StepText(r.clause, r.text_zh, r.text_en, r.cite_zh, r.cite_en)
            out.append(
                _line(ctx, c, "disallowed", running, running - d.amount, text, code=d.reason.code, source=item.source)
            )
            running -= d.amount
    return out


def _excluded_text(decision: CoverageDecision) -> StepText:
    why = Bi("；".join(r.text_zh for r in decision.reasons), " ".join(r.text_en for r in decision.reasons))
    text = step_text("exclusions", why=why)
    if not decision.reasons:
        return text
    first = decision.reasons[0]
    return StepText(f"{text.rule}; {first.clause}", text.text_zh, text.text_en, first.cite_zh, first.cite_en)


@dataclass(frozen=True)
class _Cited:
    """What the statement texts cite besides the policy: the year's prior payments, the incident's one
    retention (`retention_basis: per_incident`, else None), and the waiting period's figures as the engine
    computed them with the outages they came from (in the same order)."""

    prior_paid: Mapping[Coverage, Decimal]
    one_retention: Decimal | None
    waiting: Mapping[Coverage, Waiting]
    segments: tuple[Segment, ...]


def _engine_lines(
    ctx: ClaimContext, c: Coverage, values: dict[Step, Decimal], decision: CoverageDecision, cited: _Cited
) -> list[StatementLine]:
    out, before = [], values[Step.GROUND_UP]
    for step in ENGINE_STEPS:
        after = values[step]
        if to_minor(after, ctx.currency) != to_minor(before, ctx.currency):
            if step is Step.EXCLUSIONS:
                text, code = _excluded_text(decision), decision.reasons[0].code if decision.reasons else None
            elif step is Step.RETENTION and cited.one_retention is not None:
                text, code = step_text("retention_per_incident", retention=ctx.money(cited.one_retention)), None
            elif step in (Step.WAITING_PERIOD, Step.RETENTION):
                text, code = _waiting_or_retention(ctx, c, step, cited), None
            else:
                text, code = step_text(step.value, **_step_params(ctx, c, step, cited.prior_paid)), None
            out.append(_line(ctx, c, step.value, before, after, text, code=code))
        before = after
    return out


def _waiting_or_retention(ctx: ClaimContext, c: Coverage, step: Step, cited: _Cited) -> StepText:
    """The waiting period's line, or the retention's, with the figures the engine used: under
    `time_retention` the income inside the waiting period (hours × income an hour per outage), under
    `trigger` the interruption's length, under `greater_of` the income the retention is compared with."""
    terms, figures = ctx.policy.coverages[c], cited.waiting.get(c)
    mode = terms.waiting_period_mode
    retention = ctx.money(terms.retention)
    hours = _number(terms.waiting_period_h)
    if step is Step.RETENTION:
        if mode is not WaitingPeriodMode.GREATER_OF or figures is None or terms.waiting_period_hours is None:
            return step_text("retention", retention=retention)
        parts = _waiting_parts(ctx, c, figures, cited.segments)
        return step_text(
            "retention_greater_of", retention=retention, hours=hours, parts=parts, income=ctx.money(figures.income)
        )
    assert figures is not None  # the engine's waiting step changes only a loss given in hours
    params: dict[str, Param] = {"hours": hours, "mode": label("waiting_modes", mode.value)}
    if mode is WaitingPeriodMode.TRIGGER:
        return step_text("waiting_period_trigger", span=_number(figures.span_h), **params)
    parts = _waiting_parts(ctx, c, figures, cited.segments)
    return step_text("waiting_period_time_retention", parts=parts, income=ctx.money(figures.income), **params)


def _waiting_parts(ctx: ClaimContext, c: Coverage, figures: Waiting, segments: tuple[Segment, ...]) -> Bi:
    """`erp 12 h × CNY 2,520.00 an hour + …`: each outage's hours inside the waiting period (the engine's)
    times its income an hour, with where that rate comes from when the system earns part of the revenue."""
    gross = ctx.money(ctx.incident.financials.per_hour)
    pieces = []
    mine = [s for s in segments if s.coverage is c]
    for segment, (hours, rate) in zip(mine, figures.parts, strict=True):
        if hours == 0:
            continue
        params: dict[str, Param] = {"system": segment.system, "hours": _number(hours), "rate": ctx.money(rate)}
        if segment.revenue_share != 1:
            pieces.append(phrase("waiting_part_share", gross=gross, share=_percent(segment.revenue_share), **params))
        else:
            pieces.append(phrase("waiting_part", **params))
    return Bi(" + ".join(p.zh for p in pieces), " + ".join(p.en for p in pieces))


def _number(value: Decimal) -> str:
    """Hours as a reader writes them: `12`, `7.5`, at most two decimals."""
    text = f"{value.quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _percent(share: Decimal) -> str:
    text = f"{share * 100:f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


def _step_params(
    ctx: ClaimContext, c: Coverage, step: Step, prior_paid: Mapping[Coverage, Decimal]
) -> dict[str, Param]:
    policy, terms = ctx.policy, ctx.policy.coverages[c]
    if step is Step.INDEMNITY_PERIOD:
        return {"days": f"{terms.indemnity_period_days}", "hours": f"{terms.indemnity_period_h}"}
    if step is Step.EACH_CLAIM_LIMIT:
        return {"limit": ctx.money(terms.each_claim_limit or terms.sublimit)}
    if step is Step.COINSURANCE:
        return {"share": _percent(terms.coinsurance)}
    if step is Step.SUBLIMIT:
        return {"limit": ctx.money(terms.sublimit), "prior": ctx.money(prior_paid.get(c, Decimal(0)))}
    prior_total = sum(prior_paid.values(), Decimal(0))
    return {"limit": ctx.money(policy.aggregate_limit), "prior": ctx.money(prior_total)}
