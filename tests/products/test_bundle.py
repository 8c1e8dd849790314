"""Service bundle (安全服务绑定保险): without and with the services, on the same simulated years."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyberins.assess import CANDIDATE_CONTROLS, OrganizationProfile, assess
from cyberins.model.errors import InvalidInput
from cyberins.pricing import default_basis
from cyberins.pricing.roi import Candidate, whatif
from cyberins.products import Insured, ServiceSpec, model_with_services, price_product
from cyberins.quant.model import Factor
from tests.products.helpers import bundle, load, service

YEARS = 100_000


def halving(event_type: str = "ransomware", frequency: float = 1.0, severity: float = 1.0) -> dict:
    return {"event_type": event_type, "frequency": frequency, "severity": severity, "source": "test"}


def lines(result: object) -> dict:
    return {line.id: line for line in result.lines}  # type: ignore[attr-defined]


def test_a_frequency_factor_scales_the_expected_loss_by_that_factor() -> None:
    # Poisson(0.4) events of exactly 50,000, nothing binds: EL = 0.4 × 50,000 = 20,000 without, 10,000 with
    # a service that halves the frequency.
    product = load(bundle([service(factors=[halving(frequency=0.5)])]))
    insured = product.insureds["insured"]
    assert insured.model.expected_loss() == 20_000
    assert model_with_services(insured, product.spec.services).expected_loss() == pytest.approx(10_000)
    r = price_product(product, YEARS, seed=5)
    by_id = lines(r)
    for ident, lam in (("without_services", 0.4), ("with_services", 0.2)):
        se = math.sqrt(lam) * 50_000 / math.sqrt(YEARS)
        assert abs(by_id[ident].expected_insured_loss - lam * 50_000) < 4 * se
    assert r.expected_insured_loss == by_id["with_services"].expected_insured_loss
    assert r.technical_premium == by_id["with_services"].technical_premium


def test_a_severity_factor_scales_every_simulated_year_exactly() -> None:
    # Same seed, same events: a severity factor of 0.8 with no retention or limit makes every loss 0.8 × as big.
    r = price_product(load(bundle([service(factors=[halving(severity=0.8)])])), 20_000, seed=2)
    by_id = lines(r)
    assert by_id["with_services"].expected_insured_loss == pytest.approx(
        0.8 * by_id["without_services"].expected_insured_loss, rel=1e-12
    )
    assert r.insured.var["0.99"] == pytest.approx(
        0.8 * price_product(load(bundle([service()])), 20_000, 2).insured.var["0.99"]
    )


def test_the_bundle_price_and_whether_services_pay_for_themselves() -> None:
    # A retention of 10,000 on 50,000 losses: the insured keeps 10,000 an event, 4,000 a year without services.
    data = bundle([service("a", 1_500, factors=[halving(frequency=0.5)]), service("b", 500)], retention=10_000)
    r = price_product(load(data), 50_000, seed=9)
    d = r.details
    by_id = lines(r)
    assert d.services_cost == Decimal(2_000)
    assert d.bundle_price == r.technical_premium + Decimal(2_000)
    assert d.premium_saving == by_id["without_services"].technical_premium - by_id["with_services"].technical_premium
    retained = [
        by_id[i].expected_gross_loss - by_id[i].expected_insured_loss for i in ("without_services", "with_services")
    ]
    assert float(d.retained_loss_drop) == pytest.approx(retained[0] - retained[1], abs=0.01)
    assert d.net_benefit == d.premium_saving + d.retained_loss_drop - d.services_cost
    assert d.pays_for_itself is (d.net_benefit > 0)
    doc_services = d.as_dict()["services"]
    assert [s["id"] for s in doc_services] == ["a", "b"]
    assert doc_services[0]["factors"][0]["name"] == "service:a"


def test_the_bundle_return_is_the_security_roi_of_its_services() -> None:
    # The services are one security investment: the bundle's saving, retained-loss drop and net benefit are
    # the figures `pricing.roi.whatif` gives for the same controls, cost, policy, years and seed. Seven years
    # of 50,000 losses give means in sevenths, where rounding each mean before subtracting (as the roi module
    # does) and rounding the difference differ by a cent.
    product = load(bundle([service(cost=1_500, controls=["edr"])], retention=10_000))
    insured = product.insureds["insured"]
    d = price_product(product, 7, seed=1).details
    _, change = whatif(
        insured.with_controls, [], [Candidate("edr", Decimal(1_500))], product.policy, default_basis(),
        years=7, seed=1,
    )  # fmt: skip
    assert change.net_benefit != 0
    assert (d.premium_saving, d.retained_loss_drop, d.net_benefit) == (
        change.premium_drop,
        change.retained_loss_drop,
        change.net_benefit,
    )


def test_services_cost_more_than_they_save_when_they_change_nothing() -> None:
    r = price_product(load(bundle([service(cost=5_000)])), 5_000, seed=1)
    assert r.details.premium_saving == 0 and r.details.retained_loss_drop == 0
    assert r.details.pays_for_itself is False


def test_controls_on_an_explicit_model_use_the_questionnaire_effects() -> None:
    # edr: ransomware frequency × 0.4 and severity × 0.8 in the questionnaire (with / without the control).
    product = load(bundle([service(controls=["edr"])]))
    after = model_with_services(product.insureds["insured"], product.spec.services)
    assert after.expected_loss() == pytest.approx(20_000 * 0.4 * 0.8)
    names = {f.name for et in after.event_types for f in et.factors}
    assert names == {"control:edr"}


PROFILE = OrganizationProfile(
    name="Demo", industry="manufacturing", annual_revenue=Decimal(80_000_000), employees=200, controls={"mfa": False}
)


def test_controls_on_a_profile_reassess_it() -> None:
    product = load(
        bundle([service(controls=["mfa", "offline_backups"])], insured={"profile": PROFILE.model_dump(mode="json")})
    )
    insured = product.insureds["insured"]
    assert insured.profile is not None
    after = model_with_services(insured, product.spec.services)
    assert after.expected_loss() == pytest.approx(
        assess(PROFILE.with_controls({"mfa", "offline_backups"})).expected_loss()
    )
    assert after.expected_loss() < insured.model.expected_loss()


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.sampled_from(CANDIDATE_CONTROLS), max_size=4),
    st.lists(
        st.tuples(
            st.sampled_from(["ransomware", "malware", "denial_of_service"]), st.floats(0.2, 1), st.floats(0.2, 1)
        ),
        max_size=3,
    ),
    st.sampled_from(CANDIDATE_CONTROLS),
)
def test_adding_a_service_never_raises_the_expected_loss(
    controls: list[str], factors: list[tuple[str, float, float]], extra: str
) -> None:
    insured = Insured("demo", "Demo", assess(PROFILE), PROFILE)
    base = [
        ServiceSpec.model_validate(
            service(
                f"s{i}",
                controls=[c],
                factors=[
                    {"event_type": et, "frequency": f, "severity": s, "source": "t"} for et, f, s in factors[i : i + 1]
                ],
            )
        )
        for i, c in enumerate(controls)
    ]
    before = model_with_services(insured, base).expected_loss()
    added = ServiceSpec.model_validate(service("new", controls=[extra]))
    assert model_with_services(insured, [*base, added]).expected_loss() <= before * (1 + 1e-12)
    assert before <= insured.model.expected_loss() * (1 + 1e-12)


def test_a_severity_only_service_never_raises_any_years_insured_loss() -> None:
    # With common random numbers, scaling every loss down can only lower each year's payment.
    data = bundle([service(factors=[halving(severity=0.6)])], retention=20_000, sublimit=120_000, aggregate=200_000)
    r = price_product(load(data), 20_000, seed=4)
    by_id = lines(r)
    assert by_id["with_services"].expected_insured_loss <= by_id["without_services"].expected_insured_loss


def test_bad_services_are_refused_naming_the_field() -> None:
    with pytest.raises(InvalidInput) as err:
        load(bundle([service(controls=["telepathy"])]))
    assert err.value.problems[0].field == "services[0].controls"
    with pytest.raises(InvalidInput) as err:
        load(bundle([service(factors=[{"event_type": "ransomware", "frequency": 0.5}])]))
    assert err.value.problems[0].field == "services[0].factors[0]"
    with pytest.raises(InvalidInput) as err:
        load(bundle([service(factors=[halving(frequency=1.5)])]))
    assert err.value.problems[0].field == "services[0].factors[0].frequency"
    with pytest.raises(InvalidInput) as err:
        load(bundle([service("x"), service("x")]))
    assert "twice" in str(err.value)


def test_factor_provenance_is_kept() -> None:
    product = load(
        bundle(
            [
                service(
                    "ir",
                    factors=[
                        {
                            "event_type": "ransomware",
                            "severity": 0.9,
                            "assumption": True,
                            "reason": "faster containment",
                        }
                    ],
                )
            ]
        )
    )
    after = model_with_services(product.insureds["insured"], product.spec.services)
    (factor,) = after.event_types[0].factors
    assert factor == Factor(
        "service:ir", factor.event_type, 1.0, 0.9, source="", reason="assumption: faster containment"
    )
