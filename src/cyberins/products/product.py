"""A product as pricing sees it: the validated file with every reference resolved (no paths left).

`cyberins.products.loader` builds a `Product` from a file; the pricing of each form reads only this.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cyberins.assess import OrganizationProfile, load_questionnaire, model_with
from cyberins.model.policy import Policy
from cyberins.products.forms import ProductSpec
from cyberins.quant.model import Factor, RiskModel


@dataclass(frozen=True)
class Insured:
    """One insured: its risk model, and the organisation profile it was assessed from (None for explicit)."""

    id: str
    name: str
    model: RiskModel
    profile: OrganizationProfile | None = None

    def with_controls(self, controls: Iterable[str]) -> RiskModel:
        """The model with these questionnaire controls fully in place.

        An assessed insured is re-assessed with the controls answered at their best (the assessor's own
        factors, bounds included); an explicit model is multiplied by the questionnaire's relative effects
        (with / without the control), the analyst's estimate being taken as one without it.
        """
        wanted = frozenset(controls)
        if not wanted:
            return self.model
        if self.profile is not None:
            return model_with(self.profile)(wanted)
        return self.model.adjusted(control_factors(wanted))


def control_factors(controls: Iterable[str]) -> list[Factor]:
    """The questionnaire's relative effects of `controls` as factors, one per (control, event type)."""
    questionnaire = load_questionnaire()
    out = []
    for ident in sorted(set(controls)):
        question = questionnaire.question(ident)
        for effect in question.effects:
            source = ", ".join(effect.source_ids) or "assumption"
            reason = effect.reason or effect.note or ""
            for et in effect.event_types:
                out.append(
                    Factor(f"control:{ident}", et, effect.frequency, effect.severity, source=source, reason=reason)
                )
    return out


@dataclass(frozen=True)
class Product:
    """A validated product file with its references resolved.

    `policy` is the policy template (its `form` set to the product's); `template` the same as written, for
    certificates that override it key by key. `insureds` holds the insureds the file names, by where it
    names them (`insured`, `customers[0]`, `members[3]`); `certificates` the group scheme's certificate of
    each named member and of each generated segment, by member or segment id.
    """

    spec: ProductSpec
    source: str
    policy: Policy
    template: Mapping[str, Any]
    insureds: Mapping[str, Insured] = field(default_factory=dict)
    certificates: Mapping[str, Policy] = field(default_factory=dict)

    @property
    def form(self) -> str:
        return self.spec.form
