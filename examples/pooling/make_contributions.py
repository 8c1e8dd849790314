"""Write the SYNTHETIC worked example of docs/pooling.md: three insurers' loss contributions and their exposure.

Nothing here is real data: insurer names, insureds, revenues, dates and costs are drawn from a seeded generator.
Each segment's true claim frequency is the model's frequency for its example profile times a factor the
pool should reveal (manufacturing 0.7, retail 1.8, professional services 1.0), so the re-calibration
(`cyberins exchange recalibrate`) has a known direction to find. Run from the project root:

    python examples/pooling/make_contributions.py
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import yaml

HERE = Path(__file__).parent
SEED = 20260421
YEARS = (2023, 2024, 2025)
INSURERS = ("synthetic-insurer-a", "synthetic-insurer-b", "synthetic-insurer-c")
#: segment: (example profile, model frequency of that profile (events a year), true factor, policy-years a year,
#: catalog industries, revenue median CNY)
SEGMENTS = {
    "manufacturing": (
        "../orgs/sme-manufacturer.yaml",
        0.0760,
        0.7,
        400,
        ("manufacturing", "automotive_manufacturing"),
        4e7,
    ),
    "trade_retail": ("../orgs/sme-retailer.yaml", 0.0133, 1.8, 1500, ("retail", "trading_wholesale"), 2.5e7),
    "professional_services": (
        "../orgs/professional-services.yaml",
        0.0182,
        1.0,
        800,
        ("professional_services",),
        1.5e8,
    ),
}
REGIONS = ("CN-ZJ", "CN-JS", "CN-SH", "CN-GD", "CN-BJ", "CN-SD", "CN-FJ", "CN-SC", "CN-HB", "CN-TJ")
EVENTS = {  # event type: (share, causes, costs by coverage: median CNY)
    "ransomware": (
        0.3,
        ("phishing", "unpatched_vulnerability", "exposed_rdp"),
        {"incident_response": 120000, "data_restoration": 90000, "business_interruption": 200000},
    ),
    "unauthorized_access": (
        0.3,
        ("credential_phishing", "misconfiguration", "unpatched_vulnerability"),
        {"incident_response": 60000, "legal": 20000},
    ),
    "funds_transfer_fraud": (0.25, ("business_email_compromise", "impersonation_call"), {"cyber_fraud": 150000}),
    "personal_information_breach": (
        0.15,
        ("misconfiguration", "insider", "credential_phishing"),
        {"incident_response": 80000, "privacy_liability": 100000, "regulatory_defence": 40000},
    ),
}


def main() -> None:
    rng = np.random.default_rng(SEED)
    records: dict[str, list[dict[str, object]]] = {i: [] for i in INSURERS}
    exposure: dict[str, object] = {}
    for segment, (profile, model_freq, factor, years_each, industries, revenue) in SEGMENTS.items():
        exposure[segment] = {"profile": profile, "policy_years": {y: years_each for y in YEARS}}
        for year in YEARS:
            for _ in range(rng.poisson(model_freq * factor * years_each)):
                insurer = INSURERS[rng.integers(len(INSURERS))]
                event = rng.choice(list(EVENTS), p=[e[0] for e in EVENTS.values()])
                _, causes, costs = EVENTS[event]
                occurred = date(year, 1, 1) + timedelta(days=int(rng.integers(365)))
                n = len(records[insurer]) + 1
                records[insurer].append(
                    {
                        "record_id": f"{insurer}-{n:04d}",
                        "insured_name": f"Synthetic Insured {insurer[-1].upper()}{n:04d} Co., Ltd.",
                        "event_type": event,
                        "industry": industries[rng.integers(len(industries))],
                        "annual_revenue": f"{revenue * rng.lognormal(0, 0.6):.2f}",
                        "currency": "CNY",
                        "region": REGIONS[rng.integers(len(REGIONS))],
                        "occurred_on": occurred.isoformat(),
                        "reported_on": (occurred + timedelta(days=int(rng.integers(1, 60)))).isoformat(),
                        "cause": causes[rng.integers(len(causes))],
                        "costs": {c: f"{m * rng.lognormal(0, 0.8):.2f}" for c, m in costs.items()},
                    }
                )
    for insurer, recs in records.items():
        doc = {"format": "cyberins-loss-contribution", "version": 1, "contributor": insurer, "records": recs}
        (HERE / f"{insurer}.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    note = "# SYNTHETIC exposure of the three synthetic insurers (examples/pooling/make_contributions.py).\n"
    doc = {"format": "cyberins-pool-exposure", "version": 1, "segments": exposure}
    (HERE / "exposure.yaml").write_text(note + yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")


if __name__ == "__main__":
    main()
