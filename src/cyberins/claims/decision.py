"""The coverage decision (定责): for each coverage the incident could trigger, covered or not, and why.

The order of the tests follows rule 1 (exclusions and jurisdiction rules come before any monetary term):

1. no loss presented → `not_triggered`; a coverage the policy does not buy → `excluded`, `not_purchased`
   (rule 16);
2. the trigger (rule 10): occurrence inside the period, or for claims-made the notice (third party) or the
   discovery (first party) inside the period, the occurrence on or after the retroactive date; a notice later
   than the reporting deadline denies the claim → `excluded`, `late_notice`;
3. the coverage's cover by event type (rule 19: a coverage listing `event_types` none of the incident's
   types → `excluded`, `event_type_not_covered`), the incident's exclusions (war and state-backed operations,
   rule 9; prior knowledge, unencrypted devices, infrastructure failure, intentional acts) and the
   minimum-security condition → `excluded`;
4. the loss items' rulings (consent, approved vendors, betterment, ransom and fines by jurisdiction, rules 7-8):
   part refused → `partially_covered`, all refused → `excluded`; else `covered`.

A covered coverage whose loss the retention or waiting period absorbs stays `covered` and pays 0 (rule 16);
`settle.py` adds the reason once the engine has run.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Protocol

from cyberins.claims.context import ClaimContext
from cyberins.claims.quantify import Quantification
from cyberins.claims.reasons import Reason, label, reason
from cyberins.model.ids import THIRD_PARTY_COVERAGES, Confidence, Coverage, Exclusion, TriggerKind
from cyberins.model.policy import Policy, ReportingDeadline


class Status(StrEnum):
    COVERED = "covered"
    PARTIALLY_COVERED = "partially_covered"
    EXCLUDED = "excluded"
    NOT_TRIGGERED = "not_triggered"


@dataclass(frozen=True)
class CoverageDecision:
    coverage: Coverage
    status: Status
    reasons: tuple[Reason, ...]

    @property
    def pays(self) -> bool:
        """Whether the terms engine may pay anything under this coverage (else it is masked, rule 1 step 1)."""
        return self.status in (Status.COVERED, Status.PARTIALLY_COVERED)

    def with_reason(self, extra: Reason) -> CoverageDecision:
        return replace(self, reasons=(*self.reasons, extra))

    def to_json(self) -> dict[str, object]:
        return {"status": self.status.value, "reasons": [r.to_json() for r in self.reasons]}


class Notice(Protocol):
    """The moments of an incident that rule 10's reporting deadline reads (an `Incident`, a stored report)."""

    @property
    def occurred_at(self) -> datetime: ...
    @property
    def discovered_at(self) -> datetime: ...
    @property
    def reported_at(self) -> datetime: ...


def notice_deadline(rule: ReportingDeadline, notice: Notice) -> datetime:
    """Rule 10: the last moment a notice is in time, `rule.days` after the moment `rule.after` names."""
    start: datetime = getattr(notice, rule.after)
    return start + timedelta(days=rule.days)


def late_notice(rule: ReportingDeadline | None, notice: Notice) -> datetime | None:
    """Rule 10: the deadline the notice missed (a report at the deadline itself is in time), else None."""
    if rule is None:
        return None
    deadline = notice_deadline(rule, notice)
    return deadline if notice.reported_at > deadline else None


def candidate_coverages(ctx: ClaimContext, quantification: Quantification) -> tuple[Coverage, ...]:
    """Coverages the event types can trigger (catalog) plus any the incident's losses name, in catalog order."""
    named = set(quantification.coverages())
    for event_type in ctx.incident.event_types:
        named.update(ctx.catalog.event_types[event_type].triggers)
    return tuple(c for c in Coverage if c in named)


def timing(ctx: ClaimContext, coverage: Coverage) -> tuple[Status | None, list[Reason]]:
    """Rule 10: the trigger and the reporting deadline. A status when they bar the coverage, else None."""
    policy, incident = ctx.policy, ctx.incident
    period = {"period": ctx.period(), "zone": policy.zone.key}
    reasons = []
    if policy.trigger.kind is TriggerKind.OCCURRENCE:
        code = "occurrence_in_period" if policy.covers(incident.occurred_at) else "occurrence_outside_period"
        reasons.append(reason(code, occurred_at=ctx.when(incident.occurred_at), **period))
        if code == "occurrence_outside_period":
            return Status.NOT_TRIGGERED, reasons
    else:
        field = "reported_at" if coverage in THIRD_PARTY_COVERAGES else "discovered_at"
        moment: datetime = getattr(incident, field)
        inside = policy.covers(moment)
        code = "claim_made_in_period" if inside else "claim_made_outside_period"
        reasons.append(reason(code, moment=ctx.when(moment), moment_label=label("moments", field), **period))
        if not inside:
            return Status.NOT_TRIGGERED, reasons
        retro = policy.trigger.retroactive_date
        if retro is not None and incident.occurred_at < datetime.combine(retro, time(0), policy.zone):
            return Status.NOT_TRIGGERED, [
                reason("before_retroactive_date", occurred_at=ctx.when(incident.occurred_at), retro=str(retro))
            ]
    deadline_rule = policy.trigger.reporting_deadline
    if deadline_rule is not None:
        deadline = notice_deadline(deadline_rule, incident)
        params = {"reported_at": ctx.when(incident.reported_at), "deadline": ctx.when(deadline)}
        if late_notice(deadline_rule, incident) is not None:
            after = label("moments", deadline_rule.after)
            return Status.EXCLUDED, [reason("late_notice", days=str(deadline_rule.days), after=after, **params)]
        reasons.append(reason("notice_in_time", **params))
    return None, reasons


def attribution_bars(
    policy: Policy, *, war: bool, state_backed: bool, confidence: Confidence, infrastructure_failure: bool
) -> tuple[tuple[Exclusion, ...], bool]:
    """Rule 9 and the infrastructure exclusion on an incident's flags: the policy's exclusions that bar it (in
    the order war, state-backed operation, infrastructure failure), and whether a state-backed attribution is
    under review (listed, but below `attribution_confidence_required`). The claim decision and the portfolio's
    systemic events both read this, so they cannot disagree on what a wording excludes."""
    listed = set(policy.exclusions)
    barred: list[Exclusion] = []
    under_review = False
    if war and Exclusion.WAR in listed:
        barred.append(Exclusion.WAR)
    if state_backed and Exclusion.STATE_BACKED_CYBER_OPERATION in listed:
        if confidence.rank >= policy.attribution_confidence_required.rank:
            barred.append(Exclusion.STATE_BACKED_CYBER_OPERATION)
        else:
            under_review = True
    if infrastructure_failure and Exclusion.INFRASTRUCTURE_FAILURE in listed:
        barred.append(Exclusion.INFRASTRUCTURE_FAILURE)
    return tuple(barred), under_review


def exclusions(ctx: ClaimContext) -> tuple[list[Reason], list[Reason]]:
    """The incident's exclusions and condition breaches (they bar every coverage), and notes that do not."""
    policy, incident = ctx.policy, ctx.incident
    listed, att = set(policy.exclusions), incident.attribution
    bars, under_review = attribution_bars(
        policy,
        war=att.war,
        state_backed=att.state_backed,
        confidence=att.confidence,
        infrastructure_failure=incident.has_infrastructure_failure,
    )
    barred: list[Reason] = []
    notes: list[Reason] = []
    if Exclusion.WAR in bars:
        barred.append(reason("war"))
    if Exclusion.STATE_BACKED_CYBER_OPERATION in bars or under_review:
        code = "attribution_under_review" if under_review else "state_backed_cyber_operation"
        (notes if under_review else barred).append(
            reason(code, confidence=att.confidence.value, required=policy.attribution_confidence_required.value)
        )
    flags = (
        (incident.prior_knowledge, Exclusion.PRIOR_KNOWLEDGE),
        (incident.unencrypted_portable_device, Exclusion.UNENCRYPTED_PORTABLE_DEVICES),
        (incident.intentional_act, Exclusion.INTENTIONAL_ACTS),
    )
    barred.extend(reason(exclusion.value) for flag, exclusion in flags if flag and exclusion in listed)
    if Exclusion.INFRASTRUCTURE_FAILURE in bars:
        failure = incident.infrastructure_failure
        what = "" if isinstance(failure, bool) else " ".join(filter(None, (failure.kind, failure.provider)))
        barred.append(reason("infrastructure_failure", infrastructure=what or "—"))
    breach = minimum_security_breach(ctx)
    if breach is not None:
        barred.append(breach)
    return barred, notes


def event_type_scope(ctx: ClaimContext, coverage: Coverage) -> Reason | None:
    """Rule 19: the reason a coverage that lists its `event_types` answers none of the incident's, else None.
    An incident of several types is answered when any of them is listed (the engine's `answers` matrix reads
    the same `CoverageTerms.answers`)."""
    terms = ctx.policy.coverages[coverage]
    if terms.event_types is None or any(terms.answers(e) for e in ctx.incident.event_types):
        return None
    return reason(
        "event_type_not_covered",
        cov=ctx.cov(coverage),
        coverage=coverage.value,
        listed=ctx.labels(terms.event_types),
        events=ctx.events(),
    )


def minimum_security_breach(ctx: ClaimContext) -> Reason | None:
    """A known-exploited vulnerability left unpatched beyond `kev_patch_days` until the incident occurred.

    The platform's monitoring alerts on the exploited CVE (on the exploited asset, when the root cause names
    it), opened by the day of the incident, are the evidence when there are any: the condition applies if one
    of them was past its due date and neither fixed nor an accepted risk on the day the incident occurred, and
    it does not apply otherwise (the alerts show the fix in time). Without such an alert, the incident file's
    own statement (`known_exploited_since`) is read: the days from the listing to the occurrence.
    """
    condition, cause = ctx.policy.conditions.minimum_security, ctx.incident.root_cause
    if condition is None or cause is None:
        return None
    occurred_day = ctx.incident.occurred_at.astimezone(ctx.policy.zone).date()
    seen = [  # an alert opened after the incident says nothing of the days before it
        a for a in ctx.kev_alerts if cause.cve is not None and a.cve.upper() == cause.cve.upper()
        and (cause.asset is None or a.asset.lower() == cause.asset.lower()) and a.opened_on <= occurred_day
    ]  # fmt: skip
    if seen:
        late = sorted((a for a in seen if a.unpatched_past_due(occurred_day)), key=lambda a: (a.due_on, a.asset))
        if not late:
            return None
        alert = late[0]
        return reason(
            "minimum_security_alert",
            alert=alert.alert_id,
            asset=alert.asset,
            cve=alert.cve,
            opened=str(alert.opened_on),
            due=str(alert.due_on),
            occurred=str(occurred_day),
            late=str((occurred_day - alert.due_on).days),
            limit=str(condition.kev_patch_days),
        )
    if cause.known_exploited_since is None:
        return None
    elapsed = (occurred_day - cause.known_exploited_since).days
    if elapsed <= condition.kev_patch_days:
        return None
    return reason(
        "minimum_security",
        cve=cause.cve or cause.kind,
        since=str(cause.known_exploited_since),
        elapsed=str(elapsed),
        limit=str(condition.kev_patch_days),
    )


def decide(ctx: ClaimContext, quantification: Quantification) -> dict[Coverage, CoverageDecision]:
    """The decision for every candidate coverage (module docstring for the order of the tests)."""
    barred, notes = exclusions(ctx)
    out = {}
    for coverage in candidate_coverages(ctx, quantification):
        out[coverage] = _decide_one(ctx, quantification, coverage, barred, notes)
    return out


def _decide_one(
    ctx: ClaimContext, q: Quantification, coverage: Coverage, barred: list[Reason], notes: list[Reason]
) -> CoverageDecision:
    cov = {"cov": ctx.cov(coverage), "coverage": coverage.value}
    items = q.items_of(coverage)
    purchased = coverage in ctx.policy.coverages
    if not items:
        extra = [] if purchased else [reason("not_purchased", **cov)]
        return CoverageDecision(coverage, Status.NOT_TRIGGERED, (reason("no_loss", **cov), *extra))
    if not purchased:
        return CoverageDecision(coverage, Status.EXCLUDED, (reason("not_purchased", **cov),))
    barred_by_time, time_reasons = timing(ctx, coverage)
    if barred_by_time is not None:
        return CoverageDecision(coverage, barred_by_time, tuple(time_reasons))
    scope = event_type_scope(ctx, coverage)
    if scope is not None or barred:
        return CoverageDecision(coverage, Status.EXCLUDED, (*([scope] if scope else []), *barred))
    refusals = [d.reason for i in items for d in i.deductions if d.refuses]
    other = [d.reason for i in items for d in i.deductions if not d.refuses] + [n for i in items for n in i.notes]
    head = reason("covered", events=ctx.events(), **cov)
    if refusals and q.adjusted(coverage) == 0 and all(not i.notes for i in items):
        return CoverageDecision(coverage, Status.EXCLUDED, (reason("all_items_disallowed", **cov), *refusals))
    status = Status.PARTIALLY_COVERED if refusals else Status.COVERED
    summary = [reason("items_disallowed", **cov)] if refusals else []
    return CoverageDecision(coverage, status, (head, *time_reasons, *notes, *summary, *refusals, *other))
