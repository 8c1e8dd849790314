"""Premium subsidies: share, cap, eligibility and rounding, from the example scheme file."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from cyberins.model.errors import InvalidInput
from cyberins.pricing import InsuredFacts, SubsidyScheme, apply_subsidy, load_scheme

SMALL_MAKER = InsuredFacts(employees=120, revenue=Decimal(15_000_000), industry="manufacturing")


@pytest.fixture
def scheme(examples: Path) -> SubsidyScheme:
    return load_scheme(examples / "subsidies" / "sme-cyber-subsidy-cny.yaml")


def test_every_example_scheme_is_valid_and_its_numbers_carry_provenance(examples: Path) -> None:
    files = sorted((examples / "subsidies").glob("*.yaml"))
    assert files
    for path in files:
        s = load_scheme(path)
        numbers = [s.share, s.cap_per_policy, s.eligibility.max_employees, s.eligibility.max_revenue]
        for number in (n for n in numbers if n is not None):
            assert number.source or (number.assumption and number.reason)


def test_the_share_is_paid_below_the_cap(scheme: SubsidyScheme) -> None:
    result = apply_subsidy(Decimal("20000.00"), scheme, SMALL_MAKER, currency="CNY")
    assert (result.subsidy, result.payable) == (Decimal("6000.00"), Decimal("14000.00"))  # 30%
    assert result.eligible and result.reasons == ()


def test_the_cap_binds_a_large_premium(scheme: SubsidyScheme) -> None:
    result = apply_subsidy(Decimal(50_000), scheme, SMALL_MAKER)
    assert (result.subsidy, result.payable) == (Decimal("10000.00"), Decimal("40000.00"))
    assert result.reasons == ("capped at 10000.00 CNY per policy",)


def test_the_subsidy_is_rounded_down_to_the_fen_and_the_parts_add_up(scheme: SubsidyScheme) -> None:
    result = apply_subsidy(Decimal("3333.33"), scheme, SMALL_MAKER)
    assert result.subsidy == Decimal("999.99")  # 30% is 999.999
    assert result.subsidy + result.payable == result.premium == Decimal("3333.33")


def test_either_size_bound_qualifies_under_an_any_test(scheme: SubsidyScheme) -> None:
    big_staff = InsuredFacts(employees=800, revenue=Decimal(10_000_000), industry="logistics")
    assert apply_subsidy(Decimal(10_000), scheme, big_staff).eligible
    too_big = InsuredFacts(employees=800, revenue=Decimal(90_000_000), industry="logistics")
    result = apply_subsidy(Decimal(10_000), scheme, too_big)
    assert not result.eligible and result.subsidy == 0 and result.payable == Decimal("10000.00")
    assert len(result.reasons) == 2


def test_under_an_all_test_each_bound_must_hold(scheme: SubsidyScheme) -> None:
    strict = scheme.model_copy(update={"eligibility": scheme.eligibility.model_copy(update={"size_test": "all"})})
    big_staff = InsuredFacts(employees=800, revenue=Decimal(10_000_000), industry="logistics")
    result = apply_subsidy(Decimal(10_000), strict, big_staff)
    assert not result.eligible
    assert result.reasons == ("800 employees is above the scheme's 300",)


def test_an_industry_outside_the_scheme_is_not_eligible(scheme: SubsidyScheme) -> None:
    bank = InsuredFacts(employees=50, revenue=Decimal(5_000_000), industry="banking")
    result = apply_subsidy(Decimal(10_000), scheme, bank)
    assert not result.eligible and "industry 'banking'" in result.reasons[0]
    # the same reason for a zh report, industries under the catalogue's Chinese labels
    assert result.reasons_zh[0].startswith("行业“银行”不在方案所列行业（制造业、")


def test_a_premium_in_another_currency_is_refused(scheme: SubsidyScheme) -> None:
    with pytest.raises(InvalidInput, match="premium is in USD"):
        apply_subsidy(Decimal(1_000), scheme, SMALL_MAKER, currency="USD")


def test_a_scheme_paying_more_than_the_premium_is_invalid(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: bad\nauthority: x\ncurrency: CNY\nshare: {value: 1.2, source: test}\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"share 1.2 must be in \(0, 1\]"):
        load_scheme(path)


def test_a_retailer_and_an_it_firm_are_eligible_by_their_catalog_ids(scheme: SubsidyScheme) -> None:
    for industry in ("retail", "it_services"):
        firm = InsuredFacts(employees=50, revenue=Decimal(5_000_000), industry=industry)
        assert apply_subsidy(Decimal(10_000), scheme, firm).eligible, industry


def test_an_industry_the_catalog_does_not_know_is_refused_on_load(tmp_path: Path) -> None:
    path = tmp_path / "typo.yaml"
    path.write_text(
        "name: typo\nauthority: x\ncurrency: CNY\nshare: {value: 0.3, source: test}\n"
        "eligibility: {industries: [manufacturing, wholesale_and_retail]}\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInput, match=r"eligibility\.industries.*wholesale_and_retail.*known: .*retail"):
        load_scheme(path)
