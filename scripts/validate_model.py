#!/usr/bin/env python
"""Put the assessed risk model beside published loss figures and write docs/validation.md.

    .venv/bin/python scripts/validate_model.py [--years 200000] [--events 200000] [--seed 2026]
        [--before docs/validation-before.json] [--record FILE.json]

Each published figure has a tolerance band; the table says whether the model is inside it. The checks
themselves live in `cyberins.assess.validation_checks` so that `tests/assess/test_validation.py` asserts
the same bands with fewer draws. `--record` writes this run's figures as JSON; `--before` reads such a file
(made by the previous model with the same settings) and prints its figures beside today's.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from cyberins.assess import DriverSeverity, assess, load_profile
from cyberins.assess.validation import (
    LARGE_BOOK,
    MID_RANSOMWARE,
    NETDILIGENCE_SME,
    SME_BOOK,
    book,
    profile,
    reference_policy,
    sme_models,
    sme_policy,
)
from cyberins.assess.validation_checks import run_checks
from cyberins.model.ids import EventType
from cyberins.quant.simulate import simulate

ROOT = Path(__file__).resolve().parents[1]

INTRO = """# Validation: the assessed model beside published figures

Made by `.venv/bin/python scripts/validate_model.py --years {years} --events {events} --seed {seed}`;
`tests/assess/test_validation.py` asserts the same bands with 30,000 draws. "Before" is the model as it
stood before issue 15 (size bands, the 0.4 ransomware impairment, weaker control effects), recorded with
the same settings in `docs/validation-before.json`; a figure that did not exist then shows "–".

Claims studies count *paid claims of insured firms after the retention*; the model draws *ground-up*
events. So the SME rows run the model through a typical SME policy (USD 1M limits, USD 10k retention
per coverage, BI waiting period 8 hours, indemnity 180 days) and count an event as a claim when the
policy pays something. Claim frequency is the share of simulated policy-years (`simulate`, {years:,}
years per insured) with a paid claim; per-event figures draw {events:,} events of each type per insured
and apply the terms engine to each event alone. The reference insureds are US-style (`INTL`, USD), with
nothing answered in the questionnaire (the population average the base rates stand for):
"""

BANDS = """
## Why these bands

- Published figures are book averages of US/UK insureds whose sizes, industries, limits and
  retentions we only approximate, so a band is roughly the figure ÷/× 1.5-2, or a range the sources
  give (Coveware's mean downtime moved from 7.3 to 23 days between 2019 and 2021).
- IBM's breach costs are totals (internal detection and staff time, lost business); a policy pays
  only part of them. The band assumes 30-75% is insurable; the model sits near 40%.
- The base rates were fitted to Coalition's SME claim counts before issue 15 and not refitted since;
  no other figure in this table set a parameter: the size slope comes from Cyentia's incident rates,
  the business-interruption parts from Coveware and Sophos downtimes, the control effects from Marsh
  McLennan 2023 (docs/risk-model.md). The NetDiligence rows and the large/SME ratio are checks only.
- The BI-share band has no published figure behind it (assumed); it guards against BI vanishing or
  dominating.
- Sampling error is far inside the bands: over ten seeds at 30,000 draws the widest spread is the
  SME claim frequency (1.32-1.48%/year); every other figure moves by less than 3%."""

TENSIONS = """
Known tensions (inside the bands, but worth knowing):

- Large/SME severity ratio {large_vs_sme:.1f} against Coalition's 2.5, and SME mean paid claim
  {sme_mean_claim:.0f}k against 115-122k. Business interruption now grows with gross profit (no unsourced
  revenue^-0.2 any more), so larger firms' BI claims are larger; Coalition's larger insureds may also
  have better controls than the population average the reference book assumes (not measured).
- Claims with a BI payment cost {outage_claim_ratio:.1f} times those without on the USD 2-30M SME book
  (USD 1M limits), against NetDiligence's "more than 6" for SMEs up to USD 2B. For NetDiligence's average
  SME (USD 108M) the model's mean BI payment is USD {bi_payment_108m:.0f}k (NetDiligence: 487k) and the
  ratio {ratio_5m:.1f} under USD 5M limits: the gap is the size and limits of the book, not the BI parts.
- For a USD 12.5B manufacturer (the average large company of NetDiligence 2025) one ransomware outage
  costs USD {large_outage:.0f}M of BI ground-up, against NetDiligence's USD 26M mean BI cost of
  large-company claims. Claims are capped by limits and include short non-ransomware outages, but the
  gap suggests that stopping all IT-dependent operations overstates the BI of large multi-site firms; no
  source we have measures the share stopped by size, so none is assumed.
"""

EVENT_TYPES = """
## SME book by event type (model)

| event type | claims / year, before | claims / year | mean paid claim, before (USD) | mean paid claim (USD) \
| share of claims |
|---|---:|---:|---:|---:|---:|"""

EXAMPLES = """
## Example organisations (CN, CNY; no published Chinese claims data to compare with)

The white paper notes that China has no cyber-claims history yet (section 4(3)); these figures are the
model's, built on the US-calibrated rates with the CN cost levels and jurisdiction rules of the
calibration file. Ground-up, before any policy; "before" as above.

| example | events / year, before → after | expected annual loss (CNY), before → after | simulated AAL (CNY) \
| 1-in-100 year (CNY), before → after |
|---|---:|---:|---:|---:|"""

BY_EVENT_TYPE = """
### Expected annual loss by event type where it moved by more than 10% (CNY, before → after)

| example | event type | before | after | ratio |
|---|---|---:|---:|---:|"""


def figures(years: int, events: int, seed: int) -> dict[str, Any]:
    """Every figure of the page: the checks, the SME book by event type and the example organisations."""
    checks = run_checks(years, events, seed)
    sme = book(sme_models(), sme_policy(), events, seed)
    orgs = {}
    for path in sorted((ROOT / "examples" / "orgs").glob("*.yaml")):
        model = assess(load_profile(path))
        result = simulate(model, None, years, seed)
        aep = {int(t): v for t, v in result.gross().aep}
        orgs[path.stem] = {
            "events": sum(et.frequency.mean() for et in model.event_types),
            "eal": model.expected_loss(),
            "aal": result.gross().aal,
            "p100": aep[100],
            "by_event_type": {et.event_type.value: sum(et.expected_loss().values()) for et in model.event_types},
        }
    nd_sme = assess(profile(NETDILIGENCE_SME))
    large = assess(profile({**NETDILIGENCE_SME, "annual_revenue": 12_500_000_000, "employees": 30_000}))
    rw = next(et.severity for et in large.event_types if et.event_type is EventType.RANSOMWARE)
    assert isinstance(rw, DriverSeverity) and rw.outage is not None
    o = rw.outage
    tensions = {
        "ratio_5m": book([nd_sme], reference_policy(5_000_000, 10_000), events, seed).outage_claim_ratio(),
        "large_outage": o.mean_downtime() * o.hours_per_downtime_hour * o.per_hour
        * (1 + o.extra_expense_share) / 1e6,
    }
    return {
        "tensions": tensions,
        "checks": {c.id: c.value for c in checks},
        "rows": checks,
        "sme_by_event_type": {
            et.value: {"rate": sme.claim_rate((et,)), "mean": sme.mean_claim((et,))} for et in EventType
        },
        "sme_claim_rate": sme.claim_rate(),
        "orgs": orgs,
    }


def _was(before: dict[str, Any], *keys: str) -> float | None:
    node: Any = before
    for k in keys:
        if not isinstance(node, dict) or k not in node:
            return None
        node = node[k]
    return float(node)


def _fmt(x: float | None, spec: str) -> str:
    return "–" if x is None else format(x, spec)


def render(fig: dict[str, Any], before: dict[str, Any], args: argparse.Namespace) -> list[str]:
    lines = [
        INTRO.format(years=args.years, events=args.events, seed=args.seed),
        *[f"- SME book: {s['name']}, {s['industry']}, {s['employees']} staff" for s in SME_BOOK],
        *[
            f"- large book (USD 3M limits, USD 25k retention): {s['name']}, {s['industry']}"
            for s in LARGE_BOOK
        ],
        f"- Sophos comparison: {MID_RANSOMWARE['name']}",
        "",
        "| metric | before | model | published | source | band | inside |",
        "|---|---:|---:|---|---|---|:---:|",
    ]
    for c in fig["rows"]:
        lines.append(
            f"| {c.metric} ({c.unit}) | {_fmt(_was(before, 'checks', c.id), ',.2f')} | {c.value:,.2f} | "
            f"{c.published} | {c.source} | {c.low:g} – {c.high:g} | {'yes' if c.inside else '**no**'} |"
        )
    lines += [BANDS, TENSIONS.format(**fig["checks"], **fig["tensions"]), EVENT_TYPES]
    total = fig["sme_claim_rate"]
    for et, row in fig["sme_by_event_type"].items():
        rate0, mean0 = _was(before, "sme_by_event_type", et, "rate"), _was(before, "sme_by_event_type", et, "mean")
        lines.append(
            f"| {et} | {_fmt(None if rate0 is None else 100 * rate0, '.3f')}% | {100 * row['rate']:.3f}% | "
            f"{_fmt(mean0, ',.0f')} | {row['mean']:,.0f} | {100 * row['rate'] / total:.1f}% |"
        )
    lines.append(EXAMPLES)
    moved = []
    for stem, org in fig["orgs"].items():
        lam0, eal0, p0 = (_was(before, "orgs", stem, k) for k in ("events", "eal", "p100"))
        lines.append(
            f"| {stem} | {_fmt(lam0, '.3f')} → {org['events']:.3f} | {_fmt(eal0, ',.0f')} → {org['eal']:,.0f} | "
            f"{org['aal']:,.0f} | {_fmt(p0, ',.0f')} → {org['p100']:,.0f} |"
        )
        for et, value in org["by_event_type"].items():
            was = _was(before, "orgs", stem, "by_event_type", et)
            if was and value and not 1 / 1.1 <= value / was <= 1.1:
                moved.append(f"| {stem} | {et} | {was:,.0f} | {value:,.0f} | {value / was:.2f} |")
    if moved:
        lines += [BY_EVENT_TYPE, *moved]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=200_000)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "validation.md")
    parser.add_argument("--before", type=Path, default=ROOT / "docs" / "validation-before.json")
    parser.add_argument("--record", type=Path, help="write this run's figures as JSON to this file")
    args = parser.parse_args()
    start = time.perf_counter()
    fig = figures(args.years, args.events, args.seed)
    if args.record:
        plain = {k: v for k, v in fig.items() if k != "rows"}
        args.record.write_text(json.dumps(plain, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    before = json.loads(args.before.read_text(encoding="utf-8")) if args.before.exists() else {}
    lines = render(fig, before, args)
    lines += ["", f"Run time: {time.perf_counter() - start:.0f} s.", ""]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    inside = sum(c.inside for c in fig["rows"])
    print(f"{inside}/{len(fig['rows'])} figures inside their bands; wrote {args.out}")


if __name__ == "__main__":
    main()
