"""The validation table: each model figure beside its published figure and a tolerance band.

Bands are wide on purpose: the published figures are means of US/UK books whose mix of sizes, industries,
limits and retentions we only approximate, so a band is the published figure ÷/× about 1.5-2 unless a
source gives a range (then the range). A band marked `assumed` has no published figure behind it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cyberins.assess.engine import assess
from cyberins.assess.severity import DriverSeverity
from cyberins.assess.validation import (
    LARGE_BOOK,
    MID_RANSOMWARE,
    NETDILIGENCE_SME,
    annual_claim_frequency,
    book,
    large_policy,
    profile,
    sme_models,
    sme_policy,
)
from cyberins.model.ids import Coverage, EventType

RW, FTF, UA = EventType.RANSOMWARE, EventType.FUNDS_TRANSFER_FRAUD, EventType.UNAUTHORIZED_ACCESS


@dataclass(frozen=True)
class Check:
    id: str
    metric: str
    unit: str
    published: str
    source: str
    low: float
    high: float
    value: float

    @property
    def inside(self) -> bool:
        return self.low <= self.value <= self.high


#: (id, metric, unit, published figure, source, low, high): the rows of docs/validation.md.
CHECKS: tuple[tuple[str, str, str, str, str, float, float], ...] = (
    ("sme_claim_frequency", "SME claim frequency (policy-years with a paid claim, USD 10k retention)",
     "%/year", "1.48% (US 1.54%, UK 1.09%)", "Coalition 2024", 1.0, 2.0),
    ("sme_mean_claim", "SME mean paid claim", "USD k", "115 (H1 2024: 122)", "Coalition 2024", 60, 230),
    ("ransomware_share", "Ransomware share of SME claims", "%", "20%", "Coalition 2024", 12, 30),
    ("ransomware_mean_claim", "Ransomware mean paid claim (SME)", "USD k",
     "292 (H1 2024: 353; At-Bay: 508)", "Coalition 2024; At-Bay", 146, 600),
    ("ftf_frequency", "Funds-transfer fraud claim frequency (SME)", "%/year", "0.44%", "Coalition 2024",
     0.25, 0.7),
    ("ftf_mean_claim", "Funds-transfer fraud mean paid claim (SME)", "USD k", "185", "Coalition 2024",
     90, 370),
    ("bec_mean_claim", "E-mail compromise (unauthorized access) mean paid claim (SME)", "USD k", "35 (BEC)",
     "Coalition 2024", 15, 80),
    ("bec_ftf_share", "BEC + FTF share of SME claims", "%", "60%", "Coalition 2024", 45, 75),
    ("first_party_share", "First-party share of SME claims (no liability payment)", "%", "75%",
     "Aon / AM Best (US market)", 60, 90),
    ("large_vs_sme", "Mean paid claim, USD 150M-300M firms / SME book", "ratio",
     "2.5 (USD 307k / 122k, H1 2024)", "Coalition 2024", 1.5, 5.0),
    ("ransomware_downtime", "Ransomware mean downtime (driver)", "days", "7.3 (2019) to 23 (2021)",
     "Coveware", 7.3, 30),
    ("mid_ransomware_cost", "Ransomware ground-up cost excl. ransom, 1,500-staff firm", "USD M",
     "2.73 mean recovery cost excl. ransom", "Sophos 2024", 1.1, 6.8),
    ("breach_27k", "Insurable breach cost at 27k records, USD 1.5B firm (mean)", "USD M",
     "4.45-4.88 total; insurable part assumed 30-75%", "IBM 2023, 2024", 1.4, 3.7),
    ("breach_1m", "Insurable breach cost at 1M records, USD 10B firm (mean)", "USD M",
     "42-375 total (1M+ records); insurable part assumed 30-75%", "IBM 2024", 12.6, 281),
    ("outage_claim_ratio", "Mean paid SME claim with a business-interruption payment / without one", "ratio",
     "more than 6", "NetDiligence Cyber Claims Study 2025", 3, 12),
    ("bi_payment_108m", "Mean BI payment of a claim with BI, USD 108M manufacturer (USD 1M limits)", "USD k",
     "487 (SMEs, mean revenue USD 108M)", "NetDiligence 2024, 2025", 240, 970),
    ("bi_share", "Business-interruption share of SME paid losses", "%", "no published figure (assumed band)",
     "assumed", 5, 40),
)  # fmt: skip


def run_checks(years: int, events: int, seed: int) -> list[Check]:
    """Every check of docs/validation.md: `years` simulated per SME, `events` drawn per event type."""
    smes = sme_models()
    sme = book(smes, sme_policy(), events, seed)
    large = book([assess(profile(spec)) for spec in LARGE_BOOK], large_policy(), events, seed + 100)
    nd_sme = book([assess(profile(NETDILIGENCE_SME))], sme_policy(), events, seed + 200)
    freq = annual_claim_frequency(smes, sme_policy(), years, seed)
    rw = _severity(smes[1], RW)
    assert rw.outage is not None
    downtime_days = rw.outage.mean_downtime() / 24
    mid = _severity(assess(profile(MID_RANSOMWARE)), RW).mean()
    pib = EventType.PERSONAL_INFORMATION_BREACH
    big = _severity(assess(profile({**MID_RANSOMWARE, "annual_revenue": 1_500_000_000, "employees": 8000})), pib)
    huge = _severity(assess(profile({**MID_RANSOMWARE, "annual_revenue": 10_000_000_000, "employees": 50000})), pib)
    values = {
        "sme_claim_frequency": 100 * freq,
        "sme_mean_claim": sme.mean_claim() / 1e3,
        "ransomware_share": 100 * sme.claim_rate((RW,)) / sme.claim_rate(),
        "ransomware_mean_claim": sme.mean_claim((RW,)) / 1e3,
        "ftf_frequency": 100 * sme.claim_rate((FTF,)),
        "ftf_mean_claim": sme.mean_claim((FTF,)) / 1e3,
        "bec_mean_claim": sme.mean_claim((UA,)) / 1e3,
        "bec_ftf_share": 100 * sme.claim_rate((UA, FTF)) / sme.claim_rate(),
        "first_party_share": 100 * sme.share("first_party_share"),
        "large_vs_sme": large.mean_claim() / sme.mean_claim(),
        "ransomware_downtime": downtime_days,
        "mid_ransomware_cost": (sum(mid.values()) - mid.get(Coverage.CYBER_EXTORTION, 0.0)) / 1e6,
        "breach_27k": _records_cost(big, 27_000) / 1e6,
        "breach_1m": _records_cost(huge, 1_000_000) / 1e6,
        "outage_claim_ratio": sme.outage_claim_ratio(),
        "bi_payment_108m": nd_sme.mean_bi_payment() / 1e3,
        "bi_share": 100 * sme.bi_share(),
    }
    return [Check(*spec, value=values[spec[0]]) for spec in CHECKS]


def _severity(model: object, et: EventType) -> DriverSeverity:
    from cyberins.quant.model import RiskModel

    assert isinstance(model, RiskModel)
    sev = next(m.severity for m in model.event_types if m.event_type is et)
    assert isinstance(sev, DriverSeverity)
    return sev


def _records_cost(sev: DriverSeverity, records: float) -> float:
    """Mean of the records-driven cost lines when exactly `records` records are exposed."""
    assert sev.breach is not None
    scale = (records / sev.breach.unit) ** sev.breach.exponent
    return float(sev.scale * scale * math.fsum(line.mean() for line in sev.costs if line.records_driven))
