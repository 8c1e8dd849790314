"""Read a risk-model file: an organisation profile (`kind: organization`, the default) or `kind: explicit`.

Both end as a `RiskModel`, so `simulate`, pricing and the portfolio never ask where a model came from.
Every failure is an `InvalidInput` naming the file and the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cyberins.assess.engine import assess
from cyberins.assess.profile import OrganizationProfile
from cyberins.model.errors import InvalidInput, Said
from cyberins.model.loading import parse_model, read_document
from cyberins.quant.explicit import ExplicitModelFile
from cyberins.quant.model import RiskModel

KINDS = ("organization", "explicit")


def load_profile(path: Path) -> OrganizationProfile:
    """Read and validate an organisation profile (YAML or JSON)."""
    data = read_document(path)
    if isinstance(data, dict) and data.get("kind", "organization") != "organization":
        raise InvalidInput.one(
            "kind",
            Said("input.other.kind_expected", {"expected": "organization", "kind": repr(data.get("kind"))}),
            str(path),
        )
    return parse_model(OrganizationProfile, data, str(path))


def load_risk_model(path: Path) -> RiskModel:
    """The risk model a file describes: `kind: explicit` as written, otherwise the assessed profile."""
    return parse_risk_model(read_document(path), str(path))


def parse_risk_model(data: Any, source: str = "") -> RiskModel:
    """The risk model parsed data describe (a file's, or one written inline in a portfolio book)."""
    kind = data.get("kind", "organization") if isinstance(data, dict) else "organization"
    if kind not in KINDS:
        raise InvalidInput.one(
            "kind", Said("input.other.unknown_kind", {"kind": repr(kind), "known": ", ".join(KINDS)}), source
        )
    if kind == "explicit":
        return parse_model(ExplicitModelFile, data, source).to_model()
    profile = parse_model(OrganizationProfile, data, source)
    try:
        return assess(profile)
    except InvalidInput as exc:
        raise InvalidInput(exc.problems, source) from None
