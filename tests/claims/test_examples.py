"""The example incidents (examples/incidents/, rule 18) settled under their example policies, each against a
decision and a settlement worked out by hand in the comments."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from cyberins.claims import ClaimAdjustment, Status, adjust_claim
from cyberins.model.ids import Coverage
from cyberins.model.incident import Incident
from cyberins.model.loading import load_model
from cyberins.model.policy import Policy
from tests.claims.helpers import INCIDENTS, POLICY_FILES, D
from tests.claims.test_settle import check_statement

BY_NUMBER = {load_model(Policy, path).policy_number: path for path in POLICY_FILES.values()}

C, P, X, N = Status.COVERED, Status.PARTIALLY_COVERED, Status.EXCLUDED, Status.NOT_TRIGGERED
BI, DBI = Coverage.BUSINESS_INTERRUPTION, Coverage.DEPENDENT_BUSINESS_INTERRUPTION
DR, IR, EXT, FRAUD = (
    Coverage.DATA_RESTORATION,
    Coverage.INCIDENT_RESPONSE,
    Coverage.CYBER_EXTORTION,
    Coverage.CYBER_FRAUD,
)
PR, LEGAL, PRIV, REG = (
    Coverage.PUBLIC_RELATIONS,
    Coverage.LEGAL,
    Coverage.PRIVACY_LIABILITY,
    Coverage.REGULATORY_DEFENCE,
)

#: file -> {coverage: (status, adjusted loss, payable, a reason code it must carry)}, total payable
EXPECTED: dict[str, tuple[dict[Coverage, tuple[Status, int, int, str]], int]] = {
    # Large enterprise (claims-made, discovered 2026-06-10 inside 2026-04-01..2027-03-31, notice in 60 days).
    # BI: segments from 06:00: ERP [0,60 h) at 42,000 × 0.6 = 25,200/h; web shop [2,26 h) at 12,600/h.
    #   Income 60 × 25,200 + 24 × 12,600 = 1,512,000 + 302,400 = 1,814,400; + extra expense 180,000 = 1,994,400.
    #   greater_of (rule 2): waiting income ERP 8 × 25,200 + web 6 × 12,600 = 277,200 < retention 500,000,
    #   so one deduction of 500,000 → 1,494,400.
    # DR: 1,200,000 − betterment 150,000 (excluded) = 1,050,000 − 200,000 = 850,000.
    # IR: forensics 260,000 + notification 40,000 (vendor not approved: disallowed) → 260,000 − 100,000 = 160,000.
    # EXT: ransom 1,500,000 in Bitcoin never indemnified in CN (rule 7) + negotiation 280,000 → 280,000 − 200,000.
    # PR: 120,000 without the insurer's consent → nothing left: excluded. Legal: 90,000 − 50,000 = 40,000.
    # Total 1,494,400 + 850,000 + 160,000 + 80,000 + 40,000 = 2,624,400.
    "ransomware-virtual-ransom-cn.yaml": (
        {
            BI: (C, 1994400, 1494400, "covered"),
            DR: (P, 1050000, 850000, "betterment"),
            IR: (P, 260000, 160000, "vendor_not_approved"),
            EXT: (P, 280000, 80000, "ransom_virtual_currency"),
            PR: (X, 0, 0, "pr_legal_no_consent"),
            LEGAL: (C, 90000, 40000, "claim_made_in_period"),
        },
        2624400,
    ),
    # US (claims-made, New York). Fraud 480,000 − 130,000 recovered = 350,000; − 25,000 = 325,000;
    # coinsurance 10% → 292,500; sublimit 250,000 → 250,000. IR: 18,000 under the 25,000 retention → 0
    # (covered, rule 16). Legal is not bought → excluded, not_purchased. Total 250,000.
    "bec-partial-recovery-us.yaml": (
        {
            FRAUD: (C, 350000, 250000, "fraud_recovered"),
            IR: (C, 18000, 0, "within_retention"),
            LEGAL: (X, 12000, 0, "not_purchased"),
        },
        250000,
    ),
    # SME. Web shop down 10:15-19:15 = 9 h at 5,000 × 0.8 = 4,000/h → 36,000, all inside the 12-hour time
    # retention → 0 (covered, rule 16). IR: 25,000 − 10,000 = 15,000.
    # SME (the main job's claim). BI: 60 h × 3,600 × 0.7 = 151,200 + 22,000 extra expense = 173,200; the 12-hour
    # time retention removes 12 × 2,520 = 30,240 (rule 2), the retention 10,000 → 132,960. IR 68,000 − 10,000;
    # restoration 96,000 − 10,000; negotiation 15,000 − 10,000 (no ransom paid). Total 281,960.
    "sme-ransomware-erp.yaml": (
        {
            BI: (C, 173200, 132960, "covered"),
            IR: (C, 68000, 58000, "covered"),
            DR: (C, 96000, 86000, "covered"),
            EXT: (C, 15000, 5000, "covered"),
        },
        281960,
    ),
    "ddos-within-waiting-period.yaml": (
        {BI: (C, 36000, 0, "within_waiting_period"), IR: (C, 25000, 15000, "occurrence_in_period")},
        15000,
    ),
    # Large enterprise. IR: 180,000 + 240,000 + 60,000 + 150,000 = 630,000 − 100,000 = 530,000.
    # PR 100,000 − 50,000; legal 80,000 − 50,000. Privacy: defence 200,000 + settlement 1,200,000; the 500,000
    # retention takes the defence first (rule 6), then 300,000 → 900,000; the open claim pays nothing yet.
    # Regulatory: the CNY 1,000,000 fine is not insurable in CN (rule 8); defence 260,000 − 200,000 = 60,000.
    # Total 530,000 + 50,000 + 30,000 + 900,000 + 60,000 = 1,570,000.
    "pi-breach-regulatory-fine-cn.yaml": (
        {
            IR: (C, 630000, 530000, "covered"),
            PR: (C, 100000, 50000, "covered"),
            LEGAL: (C, 80000, 30000, "covered"),
            PRIV: (C, 1400000, 900000, "claim_open"),
            REG: (P, 260000, 60000, "fine_not_insurable"),
        },
        1570000,
    ),
    # Large enterprise requires high confidence; the attribution is high: every coverage excluded (rule 9).
    # BI adjusted: 72 h × 42,000 × 0.4 = 1,209,600 + 300,000 = 1,509,600.
    "state-attributed-wiper.yaml": (
        {
            BI: (X, 1509600, 0, "state_backed_cyber_operation"),
            DR: (X, 2000000, 0, "state_backed_cyber_operation"),
            IR: (X, 400000, 0, "state_backed_cyber_operation"),
        },
        0,
    ),
    # Large enterprise, no infrastructure-failure exclusion. DBI: 30 h at 42,000 × 0.5 = 630,000 + extra expense
    # 60,000 (every outage at the provider, so it is DBI's) = 690,000; 30 h > 12 h trigger → paid from hour 0;
    # − 500,000 = 190,000. DR: 240,000 − 200,000 = 40,000. Total 230,000.
    "cloud-provider-outage-dbi.yaml": (
        {DBI: (C, 690000, 190000, "covered"), DR: (C, 240000, 40000, "covered")},
        230000,
    ),
    # SME excludes infrastructure failure and buys no DBI. DBI: 24 h × (3,000 + 2,000) × 0.7 = 84,000.
    "cloud-outage-infrastructure-excluded.yaml": (
        {DBI: (X, 84000, 0, "not_purchased"), IR: (X, 20000, 0, "infrastructure_failure")},
        0,
    ),
    # Endorsement. BI: MES down 22:00 15 Mar → 10:00 18 Mar = 60 h × 15,000 = 900,000 + 40,000 = 940,000;
    # 60 h > 24 h trigger → from hour 0; 60 h inside 60 days; − 50,000 = 890,000.
    # DR: 180,000 − betterment 30,000 = 150,000 − 50,000 = 100,000. IR: 35,000 − 10,000 = 25,000.
    # Total 890,000 + 100,000 + 25,000 = 1,015,000.
    "insider-human-error.yaml": (
        {BI: (C, 940000, 890000, "covered"), DR: (P, 150000, 100000, "betterment"), IR: (C, 35000, 25000, "covered")},
        1015000,
    ),
    # SME: discovered 1 Aug 09:00, deadline 31 Aug 09:00, notice 5 Sep → denied (rule 10).
    "late-notice.yaml": (
        {IR: (X, 45000, 0, "late_notice"), DR: (X, 30000, 0, "late_notice")},
        0,
    ),
    # SME: CVE-2023-4966 on KEV since 2023-10-18, incident 2026-10-05: 1,083 days > 30 → minimum security.
    # BI adjusted 48 h × 8,000 × 0.6 = 230,400 + 20,000 = 250,400.
    "unpatched-kev-ransomware.yaml": (
        {
            IR: (X, 85000, 0, "minimum_security"),
            DR: (X, 120000, 0, "minimum_security"),
            BI: (X, 250400, 0, "minimum_security"),
        },
        0,
    ),
    # US, defence outside the limits. IR: 95,000 + 60,000 = 155,000 − 25,000 = 130,000.
    # Privacy: retention from defence 120,000 → 95,000; settlement 400,000; paid 495,000.
    # Regulatory: fine 150,000 (insurable outside CN, the policy buys regulatory cover, rule 8) + defence 70,000;
    # retention from defence → 45,000; paid 195,000. Total 130,000 + 495,000 + 195,000 = 820,000.
    "us-breach-fine-paid.yaml": (
        {IR: (C, 155000, 130000, "covered"), PRIV: (C, 520000, 495000, "covered"), REG: (C, 220000, 195000, "covered")},
        820000,
    ),
    # SME package, one retention per incident (rule 5) and BI for malicious events only (rule 19).
    # BI: 30 h × 6,000 = 180,000 + 15,000 extra expense = 195,000, from a system failure → excluded.
    # IR and DR are reached (BI is excluded, so not): one retention of max(10,000, 30,000) = 30,000, taken in
    # the policy's order: IR 25,000 → 0, then 5,000 from DR: 60,000 → 55,000. Total 55,000.
    "system-failure-bi-not-covered.yaml": (
        {
            BI: (X, 195000, 0, "event_type_not_covered"),
            IR: (C, 25000, 0, "within_incident_retention"),
            DR: (C, 60000, 55000, "covered"),
        },
        55000,
    ),
    # SME package. BI: 20 h × 5,000 = 100,000 + 10,000 = 110,000; the 8-hour time retention removes 40,000
    # (rule 2) → 70,000. One retention for the incident: the highest of IR 10,000, DR 30,000 and BI 50,000,
    # i.e. 50,000, taken in the policy's order: IR 40,000 → 0, DR 90,000 − 10,000 = 80,000, BI keeps 70,000.
    # Total 150,000 (one retention per coverage would pay 30,000 + 60,000 + 20,000 = 110,000).
    "ransomware-one-retention.yaml": (
        {
            IR: (C, 40000, 0, "within_incident_retention"),
            DR: (C, 90000, 80000, "covered"),
            BI: (C, 110000, 70000, "covered"),
        },
        150000,
    ),
}


def settle_example(name: str) -> ClaimAdjustment:
    found = load_model(Incident, INCIDENTS / name)
    assert found.policy_number is not None
    return adjust_claim(found, load_model(Policy, Path(BY_NUMBER[found.policy_number])))


def test_every_example_is_checked() -> None:
    assert {p.name for p in INCIDENTS.glob("*.yaml")} == set(EXPECTED)
    assert len(EXPECTED) >= 8


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_decision_and_settlement(name: str) -> None:
    result = settle_example(name)
    lines, total = EXPECTED[name]
    for cov, (status, adjusted, payable, code) in lines.items():
        decision = result.decision[cov]
        assert decision.status is status, (cov, [r.code for r in decision.reasons])
        assert code in [r.code for r in decision.reasons], cov
        assert (result.adjusted_loss[cov], result.payable[cov]) == (D(adjusted), D(payable)), cov
    others = {c: d.status for c, d in result.decision.items() if c not in lines}
    assert all(s is N for s in others.values()), others
    assert result.total_payable == D(total)
    assert result.total_payable == sum(result.payable.values(), Decimal(0))
    check_statement(result)
