"""Loss quantification (定损) and its rules: 2-4 (business interruption, cost categories), 6-8, betterment,
vendors and consent. Each expected amount is worked out by hand in the comment above it."""

from __future__ import annotations

from typing import Any

from cyberins.claims import Status
from tests.claims.helpers import BI, DR, EXT, FRAUD, IR, LEGAL, PR, PRIV, REG, D, adjust, codes, policy, policy_data

US_TIMES = {
    "occurred_at": "2026-10-01T10:00:00-04:00",
    "discovered_at": "2026-10-01T12:00:00-04:00",
    "reported_at": "2026-10-02T10:00:00-04:00",
}
ENT_TIMES = {
    "occurred_at": "2026-06-10T02:00:00+08:00",
    "discovered_at": "2026-06-10T06:30:00+08:00",
    "reported_at": "2026-06-11T09:00:00+08:00",
}


def outage(start: str, end: str, share: str = "1", **extra: Any) -> dict[str, Any]:
    return {"system": "erp", "start": start, "end": end, "revenue_share": share, **extra}


# --- rules 2 and 3: business interruption as outage segments for the engine ---------------------------


def test_rule_2_segments_count_from_the_first_outage_and_extra_expense_is_not_waited() -> None:
    """SME: 12 h time retention, retention 10,000, hourly gross profit 10,000.
    ERP [0 h, 20 h) at share 0.5 → 5,000/h; web [4 h, 10 h) at share 0.25 → 2,500/h.
    Income 20×5,000 + 6×2,500 = 115,000; extra expense 7,000 → adjusted 122,000.
    Waiting: ERP 12×5,000 + web 6×2,500 (all of it inside the first 12 h) = 75,000 → 47,000;
    retention 10,000 → 37,000."""
    outages = [
        outage("2026-09-02T06:00:00+08:00", "2026-09-03T02:00:00+08:00", "0.5"),
        outage("2026-09-02T10:00:00+08:00", "2026-09-02T16:00:00+08:00", "0.25", system="web"),
    ]
    result = adjust(outages=outages, financials={"hourly_gross_profit": 10000, "extra_expense": 7000}, costs=[])
    assert result.adjusted_loss[BI] == D(122000)
    assert result.payable[BI] == D(37000)
    steps = {line.step: line for line in result.statement if line.coverage is BI}
    assert steps["waiting_period"].deducted == D(75000)
    assert steps["retention"].deducted == D(10000)


def test_rule_2_net_profit_plus_continuing_costs() -> None:
    """1,500 net profit + 2,500 continuing costs = 4,000/h; 30 h → 120,000; minus 12 h (48,000) and 10,000."""
    result = adjust(
        outages=[outage("2026-09-02T06:00:00+08:00", "2026-09-03T12:00:00+08:00")],
        financials={"net_profit_per_hour": 1500, "continuing_costs_per_hour": 2500},
        costs=[],
    )
    assert result.adjusted_loss[BI] == D(120000) and result.payable[BI] == D(62000)


def test_rule_3_indemnity_period_cuts_hours_after_it() -> None:
    """SME indemnity period 90 days = 2,160 h; an outage of 2,200 h at 100/h loses 220,000, of which
    hours 2,160-2,200 (4,000) are not paid; waiting 1,200; retention 10,000 → 204,800."""
    result = adjust(
        outages=[outage("2026-09-02T00:00:00+08:00", "2026-12-02T16:00:00+08:00")],  # 91 days + 16 h
        financials={"hourly_gross_profit": 100},
        costs=[],
    )
    assert result.adjusted_loss[BI] == D(220000)
    steps = {line.step: line.deducted for line in result.statement if line.coverage is BI}
    assert steps == {"indemnity_period": D(4000), "waiting_period": D(1200), "retention": D(10000)}
    assert result.payable[BI] == D(204800)


def test_fractional_hours_are_exact_to_the_cent() -> None:
    """20 minutes past the waiting period at 3,600/h is 1,200 of income; below the retention."""
    result = adjust(
        outages=[outage("2026-09-02T06:00:00+08:00", "2026-09-02T18:20:00+08:00")],
        financials={"hourly_gross_profit": 3600, "extra_expense": 9000},
        costs=[],
    )
    # 12 h 20 min × 3,600 = 44,400 + 9,000 = 53,400; minus 43,200 waiting = 10,200; minus 10,000 = 200.
    assert result.adjusted_loss[BI] == D("53400.00") and result.payable[BI] == D("200.00")


# --- rule 4: cost categories --------------------------------------------------------------------------


def test_rule_4_cost_categories_map_to_coverages() -> None:
    """forensics + notification + call centre + credit monitoring → incident response; negotiation → extortion."""
    costs = [
        {"category": c, "amount": 10000} for c in ("forensics", "notification", "call_centre", "credit_monitoring")
    ] + [{"category": "negotiation", "amount": 30000, "insurer_consent": True}]
    result = adjust(costs=costs)
    assert result.adjusted_loss[IR] == D(40000) and result.payable[IR] == D(30000)
    assert result.adjusted_loss[EXT] == D(30000) and result.payable[EXT] == D(20000)


# --- rule 6: defence costs --------------------------------------------------------------------------


def test_rule_6_retention_taken_from_defence_first_then_inside_the_limits() -> None:
    """SME privacy: retention 20,000, sublimit 1,000,000, defence erodes the limits.
    Defence 15,000 + settlement 1,100,000: retention takes the 15,000 defence and 5,000 of the settlement;
    1,095,000 is capped at the sublimit 1,000,000."""
    result = adjust(
        costs=[{"category": "defence", "coverage": "privacy_liability", "amount": 15000}],
        third_party_claims=[{"coverage": "privacy_liability", "amount_claimed": 2000000, "amount_settled": 1100000}],
    )
    assert result.adjusted_loss[PRIV] == D(1115000) and result.payable[PRIV] == D(1000000)


def test_rule_6_defence_outside_the_limits() -> None:
    """US privacy: sublimit 5,000,000, retention 25,000, defence in addition (erode false).
    Defence 300,000 + settlement 5,100,000: retention from defence → 275,000; settlement capped at
    5,000,000; paid 5,275,000 (above the sublimit by the defence)."""
    result = adjust(
        "us",
        costs=[{"category": "defence", "coverage": "privacy_liability", "amount": 300000}],
        third_party_claims=[{"coverage": "privacy_liability", "amount_settled": 5100000}],
        **US_TIMES,
    )
    assert result.payable[PRIV] == D(5275000)


# --- rule 7: ransom -----------------------------------------------------------------------------------


def ransom(**changes: Any) -> dict[str, Any]:
    return {
        "demanded": 500000,
        "paid": 200000,
        "currency_kind": "fiat",
        "insurer_consent": True,
        "police_report": True,
        **changes,
    }


def test_rule_7_cn_fiat_ransom_with_consent_and_police_report_is_paid() -> None:
    result = adjust(event_types=["ransomware"], ransom=ransom(), costs=[])
    assert result.decision[EXT].status is Status.COVERED
    assert result.payable[EXT] == D(190000)  # 200,000 − retention 10,000


def test_rule_7_cn_virtual_currency_ransom_never_paid_but_negotiation_is() -> None:
    costs = [{"category": "negotiation", "amount": 50000, "insurer_consent": True}]
    result = adjust(event_types=["ransomware"], ransom=ransom(currency_kind="virtual"), costs=costs)
    assert result.decision[EXT].status is Status.PARTIALLY_COVERED
    assert "ransom_virtual_currency" in codes(result, EXT)
    assert result.claimed[EXT] == D(250000) and result.adjusted_loss[EXT] == D(50000)
    assert result.payable[EXT] == D(40000)


def test_rule_7_cn_ransom_needs_a_police_report() -> None:
    result = adjust(event_types=["ransomware"], ransom=ransom(police_report=False), costs=[])
    assert result.decision[EXT].status is Status.EXCLUDED
    assert "ransom_no_police_report" in codes(result, EXT) and result.payable[EXT] == 0


def test_rule_7_ransom_and_negotiation_need_consent() -> None:
    costs = [{"category": "negotiation", "amount": 50000}]
    result = adjust(event_types=["ransomware"], ransom=ransom(insurer_consent=False), costs=costs)
    assert {"ransom_no_consent", "negotiation_no_consent"} <= set(codes(result, EXT))
    assert result.payable[EXT] == 0


def test_rule_7_virtual_currency_ransom_outside_cn_is_paid_with_consent() -> None:
    result = adjust(
        "us",
        event_types=["ransomware"],
        ransom=ransom(currency_kind="virtual", police_report=False),
        costs=[],
        **US_TIMES,
    )
    assert result.payable[EXT] == D(175000)  # 200,000 − 25,000


# --- rule 8: fines ------------------------------------------------------------------------------------


def test_rule_8_fines_never_insurable_in_cn() -> None:
    defence = {"category": "defence", "coverage": "regulatory_defence", "amount": 300000, "approved_vendor": True}
    result = adjust("ent", costs=[defence], fines=[{"authority": "CAC", "amount": 800000}], **ENT_TIMES)
    assert result.decision[REG].status is Status.PARTIALLY_COVERED
    assert "fine_not_insurable" in codes(result, REG)
    assert result.adjusted_loss[REG] == D(300000) and result.payable[REG] == D(100000)  # − 200,000 retention


def test_rule_8_fines_paid_elsewhere_under_a_regulatory_cover() -> None:
    result = adjust("us", costs=[], fines=[{"authority": "State AG", "amount": 100000}], **US_TIMES)
    assert result.decision[REG].status is Status.COVERED and result.payable[REG] == D(75000)


def test_rule_8_fines_not_paid_without_a_regulatory_cover() -> None:
    coverages = {k: v for k, v in policy_data("us")["coverages"].items() if k != "regulatory_defence"}
    pol = policy("us", coverages=coverages)
    result = adjust(pol, costs=[], fines=[{"authority": "State AG", "amount": 100000}], **US_TIMES)
    assert result.decision[REG].status is Status.EXCLUDED and codes(result, REG) == ["not_purchased"]
    assert result.adjusted_loss[REG] == 0 and result.claimed[REG] == D(100000)


# --- betterment, approved vendors, PR/legal consent ------------------------------------------------------


def test_betterment_deducted_only_where_the_policy_excludes_it() -> None:
    """SME does not exclude betterment: 100,000 − 10,000 retention. The endorsement excludes it:
    100,000 − 30,000 betterment − 50,000 retention = 20,000."""
    costs = [{"category": "restoration", "amount": 100000, "betterment": 30000}]
    assert adjust(costs=costs).payable[DR] == D(90000)
    end_times = {
        "occurred_at": "2026-03-15T21:40:00+08:00",
        "discovered_at": "2026-03-15T22:05:00+08:00",
        "reported_at": "2026-03-16T09:30:00+08:00",
    }
    result = adjust("end", costs=costs, **end_times)
    assert result.decision[DR].status is Status.PARTIALLY_COVERED
    assert result.adjusted_loss[DR] == D(70000) and result.payable[DR] == D(20000)


def test_vendor_not_approved_where_required() -> None:
    """ENT requires approved vendors: an unapproved line (or one that does not say) is disallowed whole,
    betterment is not deducted twice."""
    costs = [
        {"category": "forensics", "amount": 300000, "approved_vendor": True},
        {"category": "forensics", "amount": 50000, "approved_vendor": False, "vendor": "X"},
        {"category": "notification", "amount": 20000},
    ]
    result = adjust("ent", costs=costs, **ENT_TIMES)
    assert result.adjusted_loss[IR] == D(300000) and result.payable[IR] == D(200000)
    disallowed = [line for line in result.statement if line.step == "disallowed"]
    assert [(line.source, line.deducted) for line in disallowed] == [("costs[1]", D(50000)), ("costs[2]", D(20000))]


def test_pr_and_legal_need_consent_where_the_policy_says() -> None:
    """ENT: PR 80,000 without consent is disallowed; legal 90,000 with consent pays 90,000 − 50,000."""
    costs = [
        {"category": "pr", "amount": 80000, "approved_vendor": True},
        {"category": "legal", "amount": 90000, "approved_vendor": True, "insurer_consent": True},
    ]
    result = adjust("ent", costs=costs, **ENT_TIMES)
    assert result.decision[PR].status is Status.EXCLUDED
    assert codes(result, PR) == ["all_items_disallowed", "pr_legal_no_consent"]
    assert result.payable[LEGAL] == D(40000)


def test_fraud_net_of_recovery() -> None:
    """SME fraud: 150,000 − 50,000 recovered = 100,000; − 20,000 retention = 80,000; 20% coinsurance → 64,000."""
    result = adjust(
        event_types=["funds_transfer_fraud"], fraud={"amount_transferred": 150000, "recovered": 50000}, costs=[]
    )
    assert result.decision[FRAUD].status is Status.COVERED
    assert result.adjusted_loss[FRAUD] == D(100000) and result.payable[FRAUD] == D(64000)


def test_open_third_party_claim_pays_nothing_yet() -> None:
    result = adjust(third_party_claims=[{"coverage": "privacy_liability", "amount_claimed": 500000}])
    assert result.decision[PRIV].status is Status.COVERED
    assert "claim_open" in codes(result, PRIV) and result.payable[PRIV] == 0
