"""The driver-based severity: hand-computed means, analytic mean against sampling, scaling, BI as hours."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from scipy import stats

from cyberins.assess import assess
from cyberins.assess.severity import Breach, CostLine, DriverSeverity, Outage, Ransom, capped_lognormal_mean
from cyberins.model.errors import InvalidInput
from cyberins.model.ids import Coverage, EventType
from tests.assess.helpers import event_type, make_profile

BI, DBI = Coverage.BUSINESS_INTERRUPTION, Coverage.DEPENDENT_BUSINESS_INTERRUPTION
IR, EXT, PRIV = Coverage.INCIDENT_RESPONSE, Coverage.CYBER_EXTORTION, Coverage.PRIVACY_LIABILITY


def hand_made() -> DriverSeverity:
    """10-hour outages at 50 an hour (+10% extra expense), a fifth at a dependency; fixed costs."""
    return DriverSeverity(
        coverages=(BI, DBI, EXT, IR, PRIV),
        outage=Outage(1.0, math.log(10), 1e-9, 1e6, 50.0, 0.1, 0.2),
        breach=Breach(0.5, 1.0, 1.0, 8000.0, 1000.0, 1.0),
        ransom=Ransom(0.5, math.log(1000), 1e-9, 0.5, 0.4),
        costs=(
            CostLine("forensics", IR, 0.5, math.log(1000), 1e-9),
            CostLine("claims", PRIV, 1.0, math.log(100), 1e-9, records_driven=True),
        ),
    )


def test_mean_by_hand() -> None:
    m = hand_made().mean()
    assert m[BI] == pytest.approx(10 * 50 * 1.1 * 0.8)
    assert m[DBI] == pytest.approx(10 * 50 * 1.1 * 0.2)
    assert m[EXT] == pytest.approx(0.5 * 0.5 * 0.4 * 1000)
    assert m[IR] == pytest.approx(0.5 * 1000)
    # Beta(1, 1) share of 8,000 records, b = 1: E[E/1000] = 0.5 x 8 = 4; a breach half of the time.
    assert m[PRIV] == pytest.approx(100 * 0.5 * 4)


def test_business_interruption_comes_back_as_hours_and_rate() -> None:
    draws = hand_made().sample(np.random.default_rng(1), 1000)
    bi, dbi = draws.coverages.index(BI), draws.coverages.index(DBI)
    hours_bi, rate = draws.outages[bi]
    hours_dbi, _ = draws.outages[dbi]
    assert np.allclose(rate, 50.0)
    # Each outage is either direct or at a dependency, never both.
    assert np.allclose(hours_bi + hours_dbi, 10.0)
    assert np.all((hours_bi == 0) | (hours_dbi == 0))
    # Money holds only the extra expense of the time-element coverages.
    assert np.allclose(draws.money[:, bi], 0.1 * hours_bi * 50)


def test_capped_lognormal_mean_matches_numeric_integration() -> None:
    mu, sigma, cap = 5.0, 1.2, 400.0
    dist = stats.lognorm(s=sigma, scale=math.exp(mu))
    numeric = dist.expect(lambda x: min(x, cap), lb=0, ub=np.inf)
    assert capped_lognormal_mean(mu, sigma, cap) == pytest.approx(numeric, rel=1e-6)


@pytest.mark.parametrize(
    "et",
    [
        EventType.RANSOMWARE,
        EventType.PERSONAL_INFORMATION_BREACH,
        EventType.SYSTEM_FAILURE,
        EventType.FUNDS_TRANSFER_FRAUD,
    ],
)
def test_analytic_mean_agrees_with_sampling(et: EventType) -> None:
    profile = make_profile(jurisdiction="INTL", dependencies=[{"name": "cloud", "kind": "cloud"}])
    sev = event_type(assess(profile), et).severity
    n = 400_000
    draws = sev.sample(np.random.default_rng(7), n)
    total = draws.money.sum(axis=1)
    for hours, rate in draws.outages.values():
        total += hours * rate
    analytic = sum(sev.mean().values())
    # Within four standard errors of the sample mean.
    assert abs(total.mean() - analytic) < 4 * total.std() / math.sqrt(n)


def test_scaled_multiplies_every_amount_and_the_hourly_rate() -> None:
    sev = event_type(assess(make_profile(jurisdiction="INTL")), EventType.RANSOMWARE).severity
    base = sev.sample(np.random.default_rng(3), 5000)
    half = sev.scaled(0.5).sample(np.random.default_rng(3), 5000)
    assert np.allclose(half.money, 0.5 * base.money)
    for j, (hours, rate) in base.outages.items():
        assert np.allclose(half.outages[j][0], hours)
        assert np.allclose(half.outages[j][1], 0.5 * rate)
    assert sum(sev.scaled(0.5).mean().values()) == pytest.approx(0.5 * sum(sev.mean().values()))


def test_draws_are_non_negative_and_sub_linear_in_records() -> None:
    small = make_profile(records={"personal_information": 10_000})
    big = make_profile(records={"personal_information": 10_000_000})
    et = EventType.PERSONAL_INFORMATION_BREACH
    s_small, s_big = (event_type(assess(p), et).severity for p in (small, big))
    draws = s_big.sample(np.random.default_rng(0), 10_000)
    assert (draws.money >= 0).all()
    ratio = s_big.mean()[Coverage.INCIDENT_RESPONSE] / s_small.mean()[Coverage.INCIDENT_RESPONSE]
    # 1,000x the records costs far less than 1,000x: economies of scale (exponent 0.59 -> about 59x).
    assert 20 < ratio < 100


def test_an_empty_event_sample_is_fine() -> None:
    draws = hand_made().sample(np.random.default_rng(0), 0)
    assert draws.money.shape == (0, 5)


def every_driver() -> DriverSeverity:
    """An assessed ransomware severity: outage (with dependency and ramp), breach, ransom and cost lines."""
    profile = make_profile(jurisdiction="INTL", dependencies=[{"name": "cloud", "kind": "cloud"}])
    sev = event_type(assess(profile), EventType.RANSOMWARE).severity
    assert isinstance(sev, DriverSeverity)
    assert sev.outage is not None and sev.breach is not None and sev.ransom is not None
    return sev


@pytest.mark.parametrize("make", [hand_made, every_driver])
@pytest.mark.parametrize("m", [0, 1, 37, 500])
def test_sampling_is_prefix_stable(make: object, m: int) -> None:
    # The first m of n events drawn from a seed are the m events drawn from the same seed.
    assert callable(make)
    sev = make()
    n = 1000
    long, short = sev.sample(np.random.default_rng(21), n), sev.sample(np.random.default_rng(21), m)
    assert np.array_equal(long.money[:m], short.money)
    assert long.outages.keys() == short.outages.keys()
    for j, (hours, rate) in short.outages.items():
        assert np.array_equal(long.outages[j][0][:m], hours)
        assert np.array_equal(long.outages[j][1][:m], rate)


def test_each_driver_has_its_own_stream() -> None:
    # Dropping the ransom (CN) leaves every other driver's draws as they were: streams sit in fixed slots.
    sev = every_driver()
    cn = replace(sev, ransom=None)
    a, b = sev.sample(np.random.default_rng(4), 2000), cn.sample(np.random.default_rng(4), 2000)
    ext = sev.coverages.index(EXT)
    others = [j for j in range(len(sev.coverages)) if j != ext]
    assert np.array_equal(a.money[:, others], b.money[:, others])
    assert not np.array_equal(a.money[:, ext], b.money[:, ext])


def test_the_recovery_ramp_adds_half_its_length_at_the_full_rate() -> None:
    # 10 hours down, then a ramp of 0.5 x 10 hours: lost income of 10 + 2.5 hours at 50 an hour.
    flat = hand_made()
    assert flat.outage is not None
    ramped = replace(flat, outage=replace(flat.outage, ramp=0.5))
    assert ramped.mean()[BI] == pytest.approx(12.5 * 50 * 1.1 * 0.8)
    hours, rate = ramped.sample(np.random.default_rng(2), 100).outages[ramped.coverages.index(BI)]
    assert np.allclose(hours[hours > 0], 12.5) and np.allclose(rate, 50.0)


def fraud_line(sev: DriverSeverity) -> CostLine:
    return next(c for c in sev.costs if c.coverage is Coverage.CYBER_FRAUD)


def test_a_capped_cost_line_never_exceeds_its_cap_and_its_mean_is_the_capped_mean() -> None:
    # Median 100, sigma 1.5, cap 300 (about 1.2 sigma above the median, so one draw in nine is capped).
    sev = DriverSeverity(
        coverages=(Coverage.CYBER_FRAUD,),
        costs=(CostLine("f", Coverage.CYBER_FRAUD, 1.0, math.log(100), 1.5, cap=300.0),),
    )
    draws = sev.sample(np.random.default_rng(5), 400_000).money[:, 0]
    assert draws.max() == 300.0
    assert np.mean(draws == 300.0) == pytest.approx(stats.norm.sf(math.log(3) / 1.5), abs=0.003)
    analytic = sev.mean()[Coverage.CYBER_FRAUD]
    assert analytic == pytest.approx(capped_lognormal_mean(math.log(100), 1.5, 300.0))
    assert analytic < 100 * math.exp(1.5**2 / 2)
    assert abs(draws.mean() - analytic) < 4 * draws.std() / math.sqrt(len(draws))


def test_a_records_driven_line_takes_no_cap() -> None:
    with pytest.raises(ValueError, match="records-driven"):
        CostLine("claims", PRIV, 1.0, math.log(100), 1.0, records_driven=True, cap=1e6)


@pytest.mark.parametrize(("currency", "revenue"), [("CNY", 2_000_000), ("CNY", 60_000_000), ("USD", 40_000_000)])
def test_a_fraud_transfer_is_at_most_a_quarter_of_the_annual_revenue(currency: str, revenue: int) -> None:
    # The calibration's cap_revenue_share 0.25, in the profile's own currency; no draw goes above it.
    profile = make_profile(currency=currency, jurisdiction="INTL", annual_revenue=revenue)
    sev = event_type(assess(profile), EventType.FUNDS_TRANSFER_FRAUD).severity
    assert isinstance(sev, DriverSeverity)
    assert fraud_line(sev).cap == pytest.approx(0.25 * revenue)
    draws = sev.sample(np.random.default_rng(11), 200_000)
    assert draws.money[:, sev.coverages.index(Coverage.CYBER_FRAUD)].max() <= 0.25 * revenue


def test_the_fraud_cap_binds_on_a_small_firm_and_hardly_on_a_large_one() -> None:
    # CNY 2M revenue: median 201k, cap 500k, so the cap removes about half of the uncapped mean; at CNY 8B
    # (median CNY 2.4M, cap CNY 2B: 5 sigma above it) they agree within 1e-4.
    def ratio(revenue: int) -> float:
        line = fraud_line(
            event_type(assess(make_profile(annual_revenue=revenue)), EventType.FUNDS_TRANSFER_FRAUD).severity
        )
        return line.mean() / math.exp(line.mu + line.sigma**2 / 2)

    assert ratio(2_000_000) == pytest.approx(0.53, abs=0.01)
    assert ratio(8_000_000_000) == pytest.approx(1.0, abs=1e-4)


def test_a_profile_overrides_the_fraud_cap() -> None:
    key = "event_types.funds_transfer_fraud.costs.fraud.cap_revenue_share"
    profile = make_profile(calibration_overrides={key: 0.05})
    line = fraud_line(event_type(assess(profile), EventType.FUNDS_TRANSFER_FRAUD).severity)
    assert line.cap == pytest.approx(0.05 * 30_000_000)


def test_breach_costs_refuse_a_cap() -> None:
    key = "breach_costs.costs.legal.cap_revenue_share"
    with pytest.raises(InvalidInput, match="breach_costs.costs: records-driven costs take no cap_revenue_share: legal"):
        assess(make_profile(calibration_overrides={key: 0.1}))
