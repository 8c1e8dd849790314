"""Loss items of a claim: each invoice, ransom, fraud loss, settlement and fine, with what is disallowed and why.

An item keeps its claimed amount and every deduction, so the statement can show the way from what the insured
presented to the adjusted loss (rule 16). Deductions that remove a whole line (a missing consent, a vendor
that is not approved, a ransom the jurisdiction forbids) come before partial ones (betterment), so nothing
is deducted twice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from cyberins.claims.context import ClaimContext
from cyberins.claims.reasons import Bi, Param, Reason, reason
from cyberins.model.errors import InvalidInput
from cyberins.model.ids import CostCategory, Coverage, Exclusion
from cyberins.model.incident import CostLine

#: Deductions that reduce the loss without disallowing anything (a recovery is not a refusal of cover).
NOT_A_REFUSAL: frozenset[str] = frozenset({"fraud_recovered"})


@dataclass(frozen=True)
class Deduction:
    amount: Decimal
    reason: Reason

    @property
    def refuses(self) -> bool:
        """Whether this deduction refuses part of the claim (rather than reflecting money recovered)."""
        return self.reason.code not in NOT_A_REFUSAL


@dataclass(frozen=True)
class LossItem:
    """One thing the insured claims under one coverage. `source` is where it sits in the incident file."""

    coverage: Coverage
    source: str
    kind: str
    label: Bi
    claimed: Decimal
    deductions: tuple[Deduction, ...] = ()
    defence: bool = False
    notes: tuple[Reason, ...] = ()

    @property
    def allowed(self) -> Decimal:
        return self.claimed - sum((d.amount for d in self.deductions), Decimal(0))


#: A ruling on an item: reason code, amount it removes (None: all that is left), template parameters.
Ruling = tuple[str, Decimal | None, dict[str, Param]]


def _deduct(ctx: ClaimContext, claimed: Decimal, rulings: list[Ruling]) -> tuple[Deduction, ...]:
    left, out = claimed, []
    for code, amount, params in rulings:
        taken = left if amount is None else min(amount, left)
        if taken > 0:
            out.append(Deduction(taken, reason(code, amount=ctx.money(taken), **params)))
            left -= taken
    return tuple(out)


def _line_label(ctx: ClaimContext, line: CostLine, number: int) -> Bi:
    """`Forensics (cost line 2, vendor)`: the line as the claim's list of costs counts it, not by the file's
    path (`costs[1]`, kept in `source` for developers)."""
    zh, en = ctx.catalog.label(line.category, "zh"), ctx.catalog.label(line.category, "en")
    vendor = (f"，{line.vendor}", f", {line.vendor}") if line.vendor else ("", "")
    return Bi(f"{zh}（费用第 {number} 项{vendor[0]}）", f"{en} (cost line {number}{vendor[1]})")


def cost_items(ctx: ClaimContext) -> list[LossItem]:
    """Invoices by category → coverage through the catalog (rule 4), net of disallowed parts."""
    policy, items = ctx.policy, []
    for i, line in enumerate(ctx.incident.costs):
        source = f"costs[{i}]"
        try:
            coverage = ctx.catalog.coverage_for_cost(line.category, line.coverage)
        except InvalidInput as exc:
            raise InvalidInput([replace(p, field=f"{source}.{p.field}".rstrip(".")) for p in exc.problems]) from None
        label = _line_label(ctx, line, i + 1)
        rulings: list[Ruling] = []
        if policy.conditions.approved_vendors_required and line.approved_vendor is not True:
            rulings.append(("vendor_not_approved", None, {"item": label}))
        consent_given = line.insurer_consent is True
        if line.category in (CostCategory.PR, CostCategory.LEGAL) and not consent_given:
            if policy.conditions.pr_legal_require_insurer_consent:
                rulings.append(("pr_legal_no_consent", None, {"item": label}))
        if line.category is CostCategory.NEGOTIATION and ctx.ransom_needs_consent and not consent_given:
            rulings.append(("negotiation_no_consent", None, {"item": label}))  # rule 7
        if Exclusion.BETTERMENT in policy.exclusions and line.betterment > 0:
            rulings.append(("betterment", line.betterment, {"item": label}))
        items.append(
            LossItem(
                coverage=coverage,
                source=source,
                kind=line.category.value,
                label=label,
                claimed=line.amount,
                deductions=_deduct(ctx, line.amount, rulings),
                defence=line.category is CostCategory.DEFENCE,
            )
        )
    return items


def ransom_item(ctx: ClaimContext) -> list[LossItem]:
    """A ransom paid falls under cyber extortion unless rule 7 forbids it."""
    ransom = ctx.incident.ransom
    if ransom is None or ransom.paid <= 0:
        return []
    rules = ctx.jurisdiction
    where: dict[str, Param] = {
        "jurisdiction": ctx.policy.jurisdiction.value,
        "jurisdiction_name": ctx.jurisdiction_name,
    }
    rulings: list[Ruling] = []
    if ransom.currency_kind == "virtual" and not rules.ransom_virtual_currency_indemnifiable:
        rulings.append(("ransom_virtual_currency", None, where))
    if rules.ransom_requires_police_report and not ransom.police_report:
        rulings.append(("ransom_no_police_report", None, where))
    if ctx.ransom_needs_consent and not ransom.insurer_consent:
        rulings.append(("ransom_no_consent", None, {}))
    kind = Bi("虚拟货币", "virtual currency") if ransom.currency_kind == "virtual" else Bi("法定货币", "fiat currency")
    label = Bi(f"已支付赎金（{kind.zh}）", f"Ransom paid ({kind.en})")
    return [
        LossItem(Coverage.CYBER_EXTORTION, "ransom", "ransom", label, ransom.paid, _deduct(ctx, ransom.paid, rulings))
    ]


def fraud_item(ctx: ClaimContext) -> list[LossItem]:
    """Money transferred to a fraudster, net of what was recovered, falls under cyber fraud."""
    fraud = ctx.incident.fraud
    if fraud is None or fraud.amount_transferred <= 0:
        return []
    deductions = _deduct(ctx, fraud.amount_transferred, [("fraud_recovered", fraud.recovered, {})])
    label = Bi("被骗转账", "Funds transferred to the fraudster")
    return [LossItem(Coverage.CYBER_FRAUD, "fraud", "fraud", label, fraud.amount_transferred, deductions)]


def liability_items(ctx: ClaimContext) -> list[LossItem]:
    """Settled third-party claims under their liability coverage; an open claim is noted and pays nothing yet."""
    items = []
    for i, claim in enumerate(ctx.incident.third_party_claims):
        source = f"third_party_claims[{i}]"
        who = (f"（{claim.claimant}）", f" ({claim.claimant})") if claim.claimant else ("", "")
        label = Bi(f"第三方索赔第 {i + 1} 项{who[0]}", f"Third-party claim {i + 1}{who[1]}")
        notes = () if claim.amount_settled is not None else (reason("claim_open", item=label),)
        settled = claim.amount_settled or Decimal(0)
        items.append(LossItem(claim.coverage, source, "settlement", label, settled, notes=notes))
    return items


def fine_items(ctx: ClaimContext) -> list[LossItem]:
    """Administrative fines: never in CN; elsewhere only under a regulatory cover the policy buys (rule 8)."""
    items = []
    named = Coverage.REGULATORY_DEFENCE in ctx.policy.coverages
    for i, fine in enumerate(ctx.incident.fines):
        source = f"fines[{i}]"
        label = Bi(fine.authority, fine.authority)
        params: dict[str, Param] = {
            "item": label,
            "jurisdiction": ctx.policy.jurisdiction.value,
            "jurisdiction_name": ctx.jurisdiction_name,
        }
        rulings: list[Ruling] = []
        if ctx.jurisdiction.administrative_fines == "never":
            rulings.append(("fine_not_insurable", None, params))
        elif not named:
            rulings.append(("fine_not_named", None, params))
        deductions = _deduct(ctx, fine.amount, rulings)
        items.append(LossItem(Coverage.REGULATORY_DEFENCE, source, "fine", label, fine.amount, deductions))
    return items
