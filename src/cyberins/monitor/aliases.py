"""Vendor aliases of CPE names (`monitor/data/aliases.yaml`): `vendor:product` pairs that name one product.

>>> load_aliases()[("todd_miller", "sudo")]
'sudo_project'
"""

from __future__ import annotations

import functools
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field, field_validator

from cyberins.model.loading import parse_model, read_packaged


class AliasGroup(BaseModel):
    """Names (`vendor:product`, lower case) matched as if their vendor were `vendor`, and why."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    names: list[str] = Field(min_length=1)
    vendor: str = Field(min_length=1)
    source: str = Field(min_length=1)

    @field_validator("names")
    @classmethod
    def _pairs(cls, names: list[str]) -> list[str]:
        for name in names:
            vendor, _, product = name.partition(":")
            if not vendor or not product or ":" in product:
                raise ValueError(f"{name!r} is not vendor:product")
        return names


class AliasFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    aliases: list[AliasGroup]


def alias_table(groups: list[AliasGroup]) -> dict[tuple[str, str], str]:
    """(vendor, product) → canonical vendor, all lower case."""
    table: dict[tuple[str, str], str] = {}
    for group in groups:
        for name in group.names:
            vendor, _, product = name.lower().partition(":")
            table[(vendor, product)] = group.vendor.lower()
    return table


@functools.cache
def load_aliases() -> dict[tuple[str, str], str]:
    """The packaged alias table (`cyberins/monitor/data/aliases.yaml`)."""
    path = resources.files("cyberins.monitor").joinpath("data", "aliases.yaml")
    return alias_table(parse_model(AliasFile, read_packaged(path), "cyberins/monitor/data/aliases.yaml").aliases)
