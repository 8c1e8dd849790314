"""Synthetic books (issue 19 §1): `count`ed lines across industries and size bands, dependencies drawn from
market shares, own events from explicit parameters, policies on the example wordings, a systemic catalogue.

The shares, exposures and scenario templates are data (`portfolio/data/market_shares.yaml`): each share
names its source (title, publisher, year) or is marked an assumption, and a user may pass a file of the
same layout instead. One generator `numpy` stream seeded from the seed alone, and lines in a sorted order,
make the same seed give the same book, byte for byte.

Each policy draws its industry and size band, then one vendor of each dependency group (the shares of
policies using that vendor; the remainder uses none of the listed ones). Policies with the same industry,
band and vendors form one line with their count. Every dependency gets one scenario from its group's
template (`cloud_outage_aws`, `faulty_security_update_crowdstrike_falcon`, …).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field, NonNegativeFloat, PositiveFloat, model_validator

from cyberins.model.base import Frozen
from cyberins.model.errors import InvalidInput, Said
from cyberins.model.ids import Coverage, EventType
from cyberins.model.loading import parse_model, read_document, read_packaged
from cyberins.portfolio.book import DependencyKind, Family

#: The generator's stream key beside the seed (so a book's seed never replays a simulation's stream).
STREAM = 0x6E6

#: The packaged shares (`cyberins/portfolio/data/market_shares.yaml`).
PACKAGED = "market_shares.yaml"


class Sourced(Frozen):
    """A figure's provenance: a cited `source`, or `assumption: true` with `why`."""

    source: str | None = None
    assumption: bool = False
    why: str | None = None

    @model_validator(mode="after")
    def _cited(self) -> Sourced:
        if not self.source and not self.assumption:
            raise ValueError("give the figure's source, or mark it `assumption: true` with why")
        return self


class IndustryMix(Sourced):
    weights: dict[str, PositiveFloat] = Field(min_length=1)


class SizeBand(Frozen):
    share: PositiveFloat
    #: Amounts in USD (converted with `fx`): bi_per_hour, restoration_cost, ransom.
    exposure: dict[str, NonNegativeFloat]
    #: Own events a year (Poisson) of the explicit model.
    frequency: NonNegativeFloat
    #: `annual_revenue` (USD) and `employees` of the organisation profile (`--models profile`).
    profile: dict[str, PositiveFloat]
    #: The wording class (a key of `wordings.<currency>`).
    wording: str


class SizeMix(Sourced):
    bands: dict[str, SizeBand] = Field(min_length=1)


class FxRates(Sourced):
    rates: dict[str, PositiveFloat]


class OwnEvents(Sourced):
    hours_ci90: tuple[PositiveFloat, PositiveFloat]
    restoration_gamma: dict[str, PositiveFloat]


class Vendor(Frozen):
    share: float = Field(gt=0, le=1)
    vendor: str
    assumption: bool = False
    why: str | None = None


class DependencyGroup(Sourced):
    vendors: dict[str, Vendor] = Field(min_length=1)
    #: Only policies of these industries draw from the group (all when omitted).
    industries: list[str] | None = None

    @model_validator(mode="after")
    def _at_most_one(self) -> DependencyGroup:
        if sum(v.share for v in self.vendors.values()) > 1 + 1e-9:
            raise ValueError("the vendors' shares add up to more than 1")
        return self


class ScenarioTemplate(Frozen):
    family: Family
    event_type: EventType
    rate: NonNegativeFloat
    hit_probability: float = Field(gt=0, le=1)
    duration_hours: dict[str, Any]
    losses: dict[Coverage, str]
    source: str

    def scenario(self, dependency: str) -> dict[str, Any]:
        """The book's scenario (contract §1) of this template striking `dependency`: `<family>_<dependency>`."""
        return {
            "id": f"{self.family.value}_{dependency}",
            "family": self.family.value,
            "event_type": self.event_type.value,
            "dependency": dependency,
            "rate": self.rate,
            "hit_probability": self.hit_probability,
            "duration_hours": dict(self.duration_hours),
            "losses": {cov.value: basis for cov, basis in self.losses.items()},
            "source": self.source,
        }


class SharesFile(Frozen):
    version: int
    industries: IndustryMix
    sizes: SizeMix
    wordings: dict[str, dict[str, str]]
    fx: FxRates
    own_events: OwnEvents
    dependencies: dict[DependencyKind, DependencyGroup]
    scenarios: dict[DependencyKind, ScenarioTemplate]

    @model_validator(mode="after")
    def _templates(self) -> SharesFile:
        missing = [k.value for k in self.dependencies if k not in self.scenarios]
        if missing:
            raise ValueError(f"no scenario template for the dependency groups {', '.join(missing)}")
        return self


def packaged_shares() -> SharesFile:
    """The shares shipped with the package."""
    path = resources.files("cyberins.portfolio").joinpath("data", PACKAGED)
    return parse_model(SharesFile, read_packaged(path), f"cyberins/portfolio/data/{PACKAGED}")


def load_shares(path: Path) -> SharesFile:
    return parse_model(SharesFile, read_document(path), str(path))


def generate_book(
    policies: int,
    seed: int,
    currency: str,
    examples: Path,
    shares: SharesFile | None = None,
    models: Literal["explicit", "profile"] = "explicit",
) -> dict[str, Any]:
    """A `kind: portfolio` document of `policies` policies (contract §1), the same for the same arguments.

    `examples` is the folder the wordings' paths are relative to (the repository's `examples/`). `models`
    gives each line's own events as an explicit model from the band's parameters, or as an organisation
    profile of the line's industry and band that `assess` turns into a model when the book is read.
    """
    from cyberins.catalog import get_catalog

    spec = shares or packaged_shares()
    if policies < 1:
        raise InvalidInput.one("--policies", Said("input.portfolio.at_least_one"))
    if currency not in spec.wordings or currency not in spec.fx.rates:
        known = ", ".join(c for c in spec.wordings if c in spec.fx.rates)
        raise InvalidInput.one(
            "--currency", Said("input.portfolio.no_wording_rate", {"currency": repr(currency), "known": known})
        )
    unknown = [i for i in spec.industries.weights if i not in get_catalog().industries]
    if unknown:
        raise InvalidInput.one(
            "industries.weights", Said("input.portfolio.unknown_industries", {"ids": ", ".join(unknown)})
        )
    wordings = {cls: _wording(examples, rel, currency) for cls, rel in spec.wordings[currency].items()}
    for name, band in spec.sizes.bands.items():
        if band.wording not in wordings:
            raise InvalidInput.one(
                f"sizes.bands.{name}.wording",
                Said("input.portfolio.no_wording_in", {"wording": repr(band.wording), "currency": currency}),
            )

    rng = np.random.default_rng([seed, STREAM])
    industries = list(spec.industries.weights)
    bands = list(spec.sizes.bands)
    industry_of = rng.choice(len(industries), size=policies, p=_normalised(spec.industries.weights.values()))
    band_of = rng.choice(len(bands), size=policies, p=_normalised(b.share for b in spec.sizes.bands.values()))
    chosen: list[list[str]] = [[] for _ in range(policies)]
    for group in spec.dependencies.values():
        ids = list(group.vendors)
        p = [v.share for v in group.vendors.values()]
        draws = rng.choice(len(ids) + 1, size=policies, p=[*p, max(0.0, 1.0 - sum(p))])
        for k in range(policies):
            eligible = group.industries is None or industries[industry_of[k]] in group.industries
            if eligible and draws[k] < len(ids):
                chosen[k].append(ids[draws[k]])
    lines = Counter((industries[industry_of[k]], bands[band_of[k]], tuple(chosen[k])) for k in range(policies))

    fx = spec.fx.rates[currency]
    explicit = {name: _model(band, spec.own_events, currency, fx) for name, band in spec.sizes.bands.items()}
    profiles: dict[tuple[str, str], dict[str, Any]] = {}
    policy_lines = []
    for n, (industry, band, deps) in enumerate(sorted(lines)):
        size = spec.sizes.bands[band]
        policy_lines.append(
            {
                "id": f"{industry}-{band}-{n + 1:05d}",
                "count": lines[(industry, band, deps)],
                "industry": industry,
                "size": band,
                "depends_on": list(deps),
                "exposure": {k: round(v * fx, 2) for k, v in size.exposure.items()},
                "model": (
                    explicit[band]
                    if models == "explicit"
                    else profiles.setdefault((industry, band), _profile(industry, band, size, currency, fx))
                ),
                "policy": wordings[size.wording],
            }
        )
    return {
        "kind": "portfolio",
        "id": f"synthetic-{policies}-{seed}-{currency.lower()}",
        "currency": currency,
        "description": (
            f"A synthetic book of {policies} policies (cyberins portfolio generate, seed {seed}); dependency "
            "shares from the cited market-share figures in cyberins/portfolio/data/market_shares.yaml, "
            "exposures and the programme assumptions."
        ),
        "dependencies": _dependencies(spec),
        "policies": policy_lines,
        "scenarios": _scenarios(spec),
        "reinsurance": _programme(policy_lines),
    }


def _normalised(weights: Any) -> list[float]:
    values = [float(w) for w in weights]
    total = sum(values)
    return [w / total for w in values]


def _wording(examples: Path, relative: str, currency: str) -> dict[str, Any]:
    """An example wording, as plain data (inlined into the book so it stands alone)."""
    path = examples / relative
    if not path.is_file():
        raise InvalidInput.one(
            "--examples", Said("input.portfolio.no_wording_under", {"relative": relative, "examples": examples})
        )
    data = _plain(read_document(path))
    if not isinstance(data, dict) or data.get("currency") != currency:
        raise InvalidInput.one(
            f"wordings.{currency}", Said("input.portfolio.not_policy_in", {"relative": relative, "currency": currency})
        )
    return data


def _plain(value: Any) -> Any:
    """Parsed YAML with Decimals as numbers, so `yaml.safe_dump` writes it."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _model(band: SizeBand, own: OwnEvents, currency: str, fx: float) -> dict[str, Any] | None:
    """The band's explicit own-events model: ransomware at the band's frequency, BI hours × bi_per_hour."""
    if band.frequency <= 0:
        return None
    losses: dict[str, Any] = {}
    per_hour = band.exposure.get("bi_per_hour", 0.0) * fx
    if per_hour > 0:
        losses["business_interruption"] = {
            "hours": {"dist": "lognormal", "ci90": list(own.hours_ci90)},
            "per_hour": round(per_hour, 2),
        }
    restoration = band.exposure.get("restoration_cost", 0.0) * fx
    if restoration > 0:
        shape = own.restoration_gamma["shape"]
        losses["data_restoration"] = {"dist": "gamma", "shape": shape, "scale": round(restoration / shape, 2)}
    if not losses:
        return None
    return {
        "kind": "explicit",
        "currency": currency,
        "event_types": {"ransomware": {"frequency": {"dist": "poisson", "lam": band.frequency}, "losses": losses}},
    }


def _profile(industry: str, band: str, size: SizeBand, currency: str, fx: float) -> dict[str, Any]:
    """An organisation profile of the band (short questionnaire, nothing answered: `assess`'s defaults). Its
    dependencies are left out: the book's scenarios strike them, and `assess` would count them again."""
    return {
        "kind": "organization",
        "name": f"synthetic {industry} ({band})",
        "industry": industry,
        "currency": currency,
        "annual_revenue": round(size.profile["annual_revenue"] * fx),
        "employees": int(size.profile["employees"]),
        "hourly_gross_profit": round(size.exposure.get("bi_per_hour", 0.0) * fx, 2),
    }


def _dependencies(spec: SharesFile) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind, group in spec.dependencies.items():
        for dep_id, vendor in group.vendors.items():
            entry: dict[str, Any] = {"kind": kind.value, "vendor": vendor.vendor, "share": vendor.share}
            if vendor.assumption or group.assumption:
                entry["assumption"] = True
                entry["why"] = vendor.why or group.why
            else:
                entry["source"] = group.source
            out[dep_id] = entry
    return out


def _scenarios(spec: SharesFile) -> list[dict[str, Any]]:
    groups = spec.dependencies.items()
    return [spec.scenarios[kind].scenario(dep_id) for kind, group in groups for dep_id in group.vendors]


def _programme(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An illustrative programme (assumption): a 30% quota share, then a cat XL of 10% of the book's
    aggregate limits above 2% of them, one paid reinstatement."""
    limits = sum(float(line["policy"].get("aggregate_limit", 0)) * line["count"] for line in lines)
    attachment, limit = round(0.02 * limits, -3), round(0.10 * limits, -3)
    programme: list[dict[str, Any]] = [{"id": "qs", "kind": "quota_share", "share": 0.3}]
    if limit > 0:
        programme.append(
            {
                "id": "cat_xl",
                "kind": "cat_xl",
                "attachment": max(attachment, 1.0),
                "limit": limit,
                "premium": 0,
                "reinstatements": [{"rate": 1.0}],
            }
        )
    return programme


def book_text(doc: dict[str, Any]) -> str:
    """The book as YAML (a header comment, keys in the contract's order; a wording or model shared by many
    lines is written once and referred to by a YAML alias)."""
    import yaml

    header = (
        "# Generated by `cyberins portfolio generate`: dependency shares from cited market-share figures,\n"
        "# exposures, frequencies and the programme assumptions (cyberins/portfolio/data/market_shares.yaml).\n"
    )
    return header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=120)
