"""Write examples/claims/transactions.csv and premium.csv: a synthetic cyber book, deterministic from SEED.

    python examples/claims/make_transactions.py          # from the repository root

The book: each example organisation in examples/orgs/ stands for POLICIES_PER_ORG insureds like it, each
insured for the accident years 2022-2025, under the example SME policy (revenue under CNY 500M) or the
large-enterprise policy. For every policy-year the organisation's assessed risk model (`cyberins.assess`)
draws its events and their ground-up losses; the one terms engine (`cyberins.terms.apply_terms`) gives
what the policy pays. Each event with a loss becomes a claim: reported after a lag, reserved at report,
paid in one to four instalments with the case reserve revised after each, closed at zero when nothing is
payable. Transactions after the valuation date (2025-12-31) are left out: the IBNR the triangle must find.
Lags, instalments and reserve errors are assumptions of this example (see `_claim`), not calibrated.

premium.csv holds each accident quarter's earned premium at a 60% expected loss ratio on the pricing
basis: the policies' expected insured loss from `cyberins.quant.simulate` (20,000 years) / 0.6.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np

from cyberins.assess import assess, load_profile
from cyberins.model.loading import load_model
from cyberins.model.policy import Policy
from cyberins.quant.model import RiskModel
from cyberins.quant.simulate import simulate
from cyberins.terms import CompiledTerms, LossTable, Outages, apply_terms

SEED = 20260501
POLICIES_PER_ORG = 60
FIRST_YEAR, YEARS = 2022, 4
VALUATION = date(2025, 12, 31)
LOSS_RATIO = 0.6
ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def _events(
    model: RiskModel, policy: Policy, n_years: int, rng: np.random.Generator
) -> list[tuple[int, float, str, float, float]]:
    """(policy-year, time in year, event type, gross, payable) of every event with a loss, in draw order."""
    covs = model.coverages
    column = {c: j for j, c in enumerate(covs)}
    period, types, money, seg = [], [], [], ([], [], [], [])
    start = 0
    for et in model.event_types:
        counts = et.frequency.sample(rng, n_years)
        n = int(counts.sum())
        draws = et.severity.sample(rng, n)
        block = np.zeros((n, len(covs)))
        block[:, [column[c] for c in draws.coverages]] = draws.money
        period.append(np.repeat(np.arange(n_years), counts))
        types += [et.event_type.value] * n
        money.append(block)
        for j, (hours, per_hour) in draws.outages.items():
            seg[0].append(np.arange(start, start + n))
            seg[1].append(np.full(n, column[draws.coverages[j]]))
            seg[2].append(hours)
            seg[3].append(per_hour)
        start += n
    cat = np.concatenate
    hours = cat(seg[2]) if seg[2] else np.zeros(0)
    outages = Outages(cat(seg[0]), cat(seg[1]), np.zeros_like(hours), hours, cat(seg[3])) if seg[0] else None
    table = LossTable(covs, cat(period), rng.random(start), cat(money), outages=outages)
    payable = apply_terms(table, CompiledTerms.from_policy(policy)).payable.sum(axis=1)
    gross = table.ground_up.sum(axis=1)
    if outages is not None:
        np.add.at(gross, outages.event, hours * outages.per_hour)
    keep = gross > 0
    return [
        (int(p), float(t), e, float(g), float(x))
        for p, t, e, g, x, k in zip(table.period, table.time, types, gross, payable, keep, strict=True)
        if k
    ]


def _cents(x: float) -> Decimal:
    return Decimal(f"{x:.2f}")


def _claim(
    claim_id: str, accident: date, gross: float, payable: float, rng: np.random.Generator
) -> list[dict[str, str]]:
    """Report lag, instalments and case reserves of one claim (assumptions of the example)."""
    report = accident + timedelta(days=int(rng.lognormal(np.log(30), 1.0)))
    rows = []

    def add(when: date, paid: Decimal, reserve: Decimal) -> None:
        rows.append(
            {
                "claim_id": claim_id,
                "accident_date": accident.isoformat(),
                "report_date": report.isoformat(),
                "transaction_date": when.isoformat(),
                "paid": str(paid),
                "case_reserve": str(reserve),
            }
        )

    if payable <= 0:  # under the retention or not covered: reserved on report, closed at nil
        add(report, Decimal("0.00"), _cents(min(gross, 200_000) * 0.5))
        add(report + timedelta(days=int(rng.lognormal(np.log(60), 0.5))), Decimal("0.00"), Decimal("0.00"))
        return rows
    add(report, Decimal("0.00"), _cents(payable * rng.lognormal(0.0, 0.5)))
    k = 1 + int(rng.binomial(3, 0.4))
    shares = rng.dirichlet(np.ones(k))
    when, paid = report, Decimal(0)
    for i in range(k):
        when += timedelta(days=int(rng.lognormal(np.log(120), 0.8)))
        amount = _cents(payable) - paid if i == k - 1 else _cents(payable * shares[i])
        paid += amount
        left = float(_cents(payable) - paid)
        add(when, amount, _cents(left * rng.lognormal(0.0, 0.3)) if i < k - 1 else Decimal("0.00"))
    return rows


def write_book(out_dir: Path) -> tuple[int, int, float]:
    """Write transactions.csv and premium.csv into `out_dir`; (transactions, claims, premium a quarter)."""
    sme = load_model(Policy, ROOT / "examples/policies/sme-standalone-cny.yaml")
    large = load_model(Policy, ROOT / "examples/policies/large-enterprise-cny.yaml")
    rows: list[dict[str, str]] = []
    expected_quarter = 0.0
    for index, path in enumerate(sorted((ROOT / "examples/orgs").glob("*.yaml"))):
        profile = load_profile(path)
        model = assess(profile)
        policy = sme if profile.annual_revenue < 500_000_000 else large
        rng = np.random.default_rng([SEED, index])
        events = _events(model, policy, POLICIES_PER_ORG * YEARS, rng)
        for n, (py, t, event_type, gross, payable) in enumerate(events):
            year = FIRST_YEAR + py % YEARS
            start = date(year, 1, 1)
            accident = start + timedelta(days=int(t * (date(year + 1, 1, 1) - start).days))
            for row in _claim(f"{path.stem}-{n:04d}", accident, gross, payable, rng):
                rows.append({**row, "segment": path.stem, "event_type": event_type, "currency": "CNY"})
        aal = simulate(model, policy, 20_000, SEED).insured().aal
        expected_quarter += POLICIES_PER_ORG * aal / 4
    kept = [r for r in rows if date.fromisoformat(r["transaction_date"]) <= VALUATION]
    kept.sort(key=lambda r: (r["transaction_date"], r["claim_id"]))
    with (out_dir / "transactions.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(kept[0]))
        writer.writeheader()
        writer.writerows(kept)
    with (out_dir / "premium.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["origin", "premium"])
        for year in range(FIRST_YEAR, FIRST_YEAR + YEARS):
            for q in range(1, 5):
                writer.writerow([f"{year}Q{q}", f"{expected_quarter / LOSS_RATIO:.2f}"])
    return len(kept), len({r["claim_id"] for r in kept}), expected_quarter / LOSS_RATIO


def main() -> None:
    rows, claims, premium = write_book(HERE)
    print(f"{rows} transactions of {claims} claims; premium {premium:,.0f} a quarter")


if __name__ == "__main__":
    main()
