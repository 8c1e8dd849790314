"""The public API of `cyberins.claims` is curated: this pins it."""

from __future__ import annotations

import cyberins.claims as claims
from cyberins.claims.reasons import reason, reason_codes


def test_public_api_is_pinned() -> None:
    assert claims.__all__ == [
        "ClaimAdjustment",
        "CoverageDecision",
        "Deduction",
        "EventTypeInfo",
        "KevAlert",
        "LossItem",
        "Quantification",
        "Reason",
        "Segment",
        "StatementLine",
        "Status",
        "adjust_claim",
        "resolve_policy",
    ]
    assert all(hasattr(claims, name) for name in claims.__all__)


def test_every_reason_has_both_languages_and_a_clause() -> None:
    for code in reason_codes():
        try:
            filled = reason(code, **{k: "x" for k in PARAMS})
        except KeyError as exc:  # a template names a parameter the test does not know
            raise AssertionError(f"{code}: unknown parameter {exc}") from None
        assert filled.clause and filled.text_zh and filled.text_en and filled.text_zh != filled.text_en


PARAMS = (
    "after",
    "alert",
    "amount",
    "asset",
    "confidence",
    "cov",
    "coverage",
    "cve",
    "days",
    "deadline",
    "due",
    "elapsed",
    "events",
    "item",
    "infrastructure",
    "jurisdiction",
    "jurisdiction_name",
    "late",
    "limit",
    "listed",
    "moment",
    "moment_label",
    "occurred",
    "occurred_at",
    "opened",
    "period",
    "reported_at",
    "required",
    "retention",
    "retro",
    "since",
    "zone",
)
