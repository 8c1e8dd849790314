"""Read a product file and everything it references into a `Product` (the only file I/O of the products).

Paths in a product file (`policy_file`, a `profile` or `model` given as a path) are relative to the product
file. Every failure is an `InvalidInput` whose field is a dotted path into the product file (or, for a
referenced file, into that file, named as the source).
"""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path
from typing import Any

from cyberins.assess import OrganizationProfile, assess, load_profile
from cyberins.model.errors import InvalidInput, Said
from cyberins.model.loading import parse_model, read_document
from cyberins.model.policy import Policy
from cyberins.products.forms import FORMS, GroupSchemeSpec, ProductSpec, ProductWarrantySpec, ServiceBundleSpec
from cyberins.products.population import check_segment
from cyberins.products.product import Insured, Product
from cyberins.products.spec import InsuredRef
from cyberins.quant.explicit import ExplicitModelFile


def load_product(path: Path) -> Product:
    """Read, validate and resolve a product file (YAML or JSON)."""
    return parse_product(read_document(path), path.parent, str(path))


def parse_product(data: Any, base: Path, source: str = "") -> Product:
    """Validate product `data`; references resolve against the folder `base`."""
    if not isinstance(data, dict):
        raise InvalidInput.one("", Said("input.products.top_mapping"), source)
    form = data.get("form")
    if form not in FORMS:
        forms = ", ".join(FORMS)
        said = (
            Said("input.products.form_missing", {"forms": forms})
            if form is None
            else Said("input.products.form_unknown", {"form": repr(form), "forms": forms})
        )
        raise InvalidInput.one("form", said, source)
    spec: ProductSpec = parse_model(FORMS[form], data, source)
    template = _template(spec, base, source)
    where = "policy" if spec.policy is not None else "policy_file"
    policy = _policy(template, where, source if spec.policy is not None else str(base / str(spec.policy_file)))
    insureds: dict[str, Insured] = {}
    certificates: dict[str, Policy] = {}
    if isinstance(spec, ServiceBundleSpec):
        insureds["insured"] = _insured(spec.insured, "insured", spec.id, base, source)
    elif isinstance(spec, ProductWarrantySpec):
        for i, c in enumerate(spec.customers):
            insureds[f"customers[{i}]"] = _insured(c, f"customers[{i}]", c.id or f"customer-{i + 1}", base, source)
    else:
        certificates = _certificates(spec, template, source)
        for i, m in enumerate(spec.members):
            insureds[f"members[{i}]"] = _insured(m, f"members[{i}]", m.id, base, source)
    for label, insured in insureds.items():
        if insured.model.currency != policy.currency:
            raise InvalidInput.one(
                label,
                Said("input.products.model_currency", {"model": insured.model.currency, "policy": policy.currency}),
                source,
            )
    if not isinstance(spec, ServiceBundleSpec):
        for i, seg in enumerate(spec.segments):
            check_segment(seg, f"segments[{i}]", policy, source)
    return Product(spec, source, policy, template, insureds, certificates)


def _template(spec: ProductSpec, base: Path, source: str) -> dict[str, Any]:
    """The policy template as written, its `form` set to the product's."""
    if spec.policy is not None:
        data = copy.deepcopy(spec.policy)
    else:
        path = base / str(spec.policy_file)
        if not path.is_file():
            raise InvalidInput.one("policy_file", Said("input.products.no_such_file", {"path": path}), source)
        data = read_document(path)
        if not isinstance(data, dict):
            raise InvalidInput.one("", Said("input.products.not_policy"), str(path))
    data["form"] = spec.form
    return data


def _policy(data: dict[str, Any], where: str, source: str) -> Policy:
    try:
        return parse_model(Policy, data, source)
    except InvalidInput as exc:
        if where == "policy_file":
            raise
        raise _prefixed(exc, where, source) from None


def _prefixed(exc: InvalidInput, prefix: str, source: str) -> InvalidInput:
    problems = [replace(p, field=f"{prefix}.{p.field}" if p.field else prefix) for p in exc.problems]
    return InvalidInput(problems, source)


def merged(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """`overrides` merged onto `base` key by key (mappings recursively); a `null` removes the key."""
    out = copy.deepcopy(base)
    for key, value in overrides.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _certificates(spec: GroupSchemeSpec, template: dict[str, Any], source: str) -> dict[str, Policy]:
    """Each named member's and each segment's certificate: the template with its overrides."""
    out = {}
    named = [(f"members[{i}]", m.id, m.certificate) for i, m in enumerate(spec.members)]
    generated = [(f"segments[{i}]", s.id, s.certificate) for i, s in enumerate(spec.segments)]
    for where, ident, overrides in named + generated:
        if "form" in overrides and overrides["form"] != spec.form:
            raise InvalidInput.one(f"{where}.certificate.form", Said("input.products.certificate_form"), source)
        try:
            out[ident] = parse_model(Policy, merged(template, overrides))
        except InvalidInput as exc:
            raise _prefixed(exc, f"{where}.certificate", source) from None
    return out


def _insured(ref: InsuredRef, where: str, ident: str, base: Path, source: str) -> Insured:
    """Resolve a profile (assessed) or an explicit model, inline or by path."""
    if ref.profile is not None:
        if isinstance(ref.profile, str):
            path = _existing(base / ref.profile, f"{where}.profile", source)
            profile = load_profile(path)
            origin = str(path)
        else:
            try:
                profile = parse_model(OrganizationProfile, ref.profile)
            except InvalidInput as exc:
                raise _prefixed(exc, f"{where}.profile", source) from None
            origin = source
        try:
            model = assess(profile)
        except InvalidInput as exc:
            raise InvalidInput(exc.problems, origin) from None
        return Insured(ident, profile.name, model, profile)
    assert ref.model is not None  # InsuredRef requires one of the two
    if isinstance(ref.model, str):
        path = _existing(base / ref.model, f"{where}.model", source)
        explicit = parse_model(ExplicitModelFile, read_document(path), str(path))
    else:
        try:
            explicit = parse_model(ExplicitModelFile, ref.model)
        except InvalidInput as exc:
            raise _prefixed(exc, f"{where}.model", source) from None
    model = explicit.to_model()
    return Insured(ident, explicit.name or ident, model, None)


def _existing(path: Path, field: str, source: str) -> Path:
    if not path.is_file():
        raise InvalidInput.one(field, Said("input.products.no_such_file", {"path": path}), source)
    return path
