"""The API's documents are typed: `/openapi.json` names the assessment, the quote and the settlement statement
with their fields, the request documents point at the models the service validates them with, real responses
match those shapes (not the as-stored fallback), and the API's quote is the document `cyberins quote --json`
prints."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cyberins.api.schemas.documents import (
    Adjustment,
    Assessment,
    AssessmentRecord,
    Decision,
    IncidentDocuments,
    Quote,
    QuoteRecord,
    SettlementStatement,
)
from cyberins.assess import OrganizationProfile
from cyberins.model.policy import Policy
from cyberins.store.models import Submission
from cyberins.underwriting import QuoteOptions, underwrite
from cyberins.underwriting.document import quote_document
from tests.platform.test_claims_engines import FINDINGS, _report, _through_settlement, _to_forensics
from tests.platform.world import World, policy_document, profile

PLATFORM_KEYS = {"policy", "tier", "services", "controls_applied", "tiers"}


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        own = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return own.union(*(_refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node))
    return set()


def _ref_of(prop: dict[str, Any]) -> set[str]:
    return {r.rsplit("/", 1)[-1] for r in _refs(prop)}


def test_openapi_names_the_documents_and_their_fields(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    statement = schemas["SettlementStatement"]["properties"]
    assert {"statement", "payable", "payable_by_coverage", "currency", "decision", "findings"} <= set(statement)
    line = schemas["StatementLine"]["properties"]
    assert {"coverage", "step", "amount_before", "amount_after", "deducted", "cite_zh", "cite_en"} <= set(line)
    assert line["deducted"]["type"] == "string"  # money is a decimal string
    assert {"premium", "bindable", "subject_to", "grid", "eligibility", "factors"} <= set(
        schemas["Quote"]["properties"]
    )
    assert {"technical_premium", "by_coverage"} <= set(schemas["Premium"]["properties"])
    assert {"gross", "explain", "eligibility", "seed", "years"} <= set(schemas["Assessment"]["properties"])
    assert _ref_of(schemas["Assessment"]["properties"]["once_fixed"]) == {"OnceFixed"}
    assert {"steps", "eligibility_after", "wording", "premium_once_fixed"} <= set(schemas["OnceFixed"]["properties"])
    assert {"event_types", "costs", "attribution"} <= set(schemas["Incident"]["properties"])
    assert {"coverages", "aggregate_limit", "period"} <= set(schemas["Policy"]["properties"])
    assert {"industry", "controls", "annual_revenue"} <= set(schemas["OrganizationProfile"]["properties"])
    # the responses point at them ...
    assert "QuoteRecord" in _ref_of(schemas["SubmissionPublic"]["properties"]["quote"])
    assert "AssessmentRecord" in _ref_of(schemas["SubmissionPublic"]["properties"]["assessment"])
    assert "SettlementStatement" in _ref_of(schemas["IncidentDocuments"]["properties"]["settlement"])
    assert "Policy" in _ref_of(schemas["PolicyPublic"]["properties"]["document"])
    # ... and so do the requests that carry those documents
    assert _ref_of(schemas["ClaimFindings"]["properties"]["findings"]) == {"Incident"}
    assert _ref_of(schemas["SubmissionQuote"]["properties"]["document"]) == {"Policy"}
    assert _ref_of(schemas["SubmissionCreate"]["properties"]["profile"]) == {"OrganizationProfile"}
    dangling = {r for r in _refs(spec) if r.rsplit("/", 1)[-1] not in schemas}
    assert dangling == set()


def _wording() -> dict[str, Any]:
    document = policy_document("sme-standalone-cny.yaml", "unused")
    document.pop("policy_number")
    return document


def test_assessment_and_quote_responses_match_their_schemas_and_the_cli_quote(client: TestClient, world: World) -> None:
    base = {"insurer_org_id": world.org["insurer_a"], "insured_org_id": world.org["insured_a"]}
    submitted = client.post(
        "/submissions", json=base | {"profile": profile("Typed Co")}, headers=world.headers("broker_a")
    )
    path, insurer = f"/submissions/{submitted.json()['id']}", world.headers("insurer_a")
    assessed = client.post(f"{path}/assess", json={"seed": 5, "years": 3000}, headers=insurer).json()
    record = AssessmentRecord.model_validate(assessed["assessment"])
    assert isinstance(record.summary, Assessment)  # the typed shape, not the as-stored fallback
    assert record.summary.model_dump(mode="json") == assessed["assessment"]["summary"]
    quoted = client.post(f"{path}/quote", json={"document": _wording()}, headers=insurer)
    assert quoted.status_code == 200, quoted.text
    quote = QuoteRecord.model_validate(quoted.json()["quote"])
    assert isinstance(quote.details, Quote)
    details = quoted.json()["quote"]["details"]
    # the API's quote is the engine quote `cyberins quote --json` prints, with what the platform applied beside it
    org, policy = OrganizationProfile.model_validate(profile("Typed Co")), Policy.model_validate(_wording())
    if details["controls_applied"]:  # the insured's active marketplace services put controls in place
        org = org.with_controls(set(details["controls_applied"]))
    quoted_on = date.fromisoformat(details["quoted_on"])  # the platform's clock, in the wording's time zone
    options = QuoteOptions(years=3000, seed=5, recommend_controls=False, quoted_on=quoted_on, price_grid=False)
    cli = quote_document(underwrite(org, policy, options))
    api, engine = {k: v for k, v in details.items() if k not in PLATFORM_KEYS}, json.loads(json.dumps(cli))

    def in_order(doc: dict[str, Any]) -> dict[str, Any]:
        # PostgreSQL's jsonb keeps the stored profile's keys in its own order, and factors follow the
        # profile's control order: the same factors, listed in another order
        return doc | {"factors": sorted(doc["factors"], key=lambda f: (f["event_type"], f["factor"]))}

    assert in_order(api) == in_order(engine)
    assert details["premium"]["technical_premium"] == quoted.json()["quote"]["premium"]


def test_claim_documents_match_their_schemas(client: TestClient, world: World) -> None:
    incident = _report(client, world, "typed ransomware")
    _to_forensics(client, world, incident, FINDINGS)
    settled = _through_settlement(client, world, incident, "typed-settle")
    documents = IncidentDocuments.model_validate(settled["documents"])
    assert isinstance(documents.decision, Decision) and isinstance(documents.adjustment, Adjustment)
    statement = documents.settlement
    assert isinstance(statement, SettlementStatement)
    assert statement.payable == settled["settled_amount"] and statement.currency == "CNY"
    assert [line.model_dump(mode="json") for line in statement.statement] == settled["documents"]["settlement"][
        "statement"
    ]


def test_documents_stored_in_an_older_shape_are_returned_as_stored(
    client: TestClient, world: World, session: Session
) -> None:
    base = {"insurer_org_id": world.org["insurer_a"], "insured_org_id": world.org["insured_a"]}
    created = client.post("/submissions", json=base | {"profile": profile("Old Co")}, headers=world.headers("broker_a"))
    # as services/risk.py wrote them before one document per result: `rule_id`/`zh`/`en` reasons, factor rows
    # without labels, the premium under `technical_premium.premium` and the grid as rows and skipped cells
    summary = {
        "catalog_version": "1.0.0",
        "currency": "CNY",
        "years": 4000,
        "seed": 11,
        "eligibility": {"outcome": "accept", "reasons": [{"rule_id": "r", "outcome": "accept", "zh": "是", "en": "y"}]},
        "gross": {"aal": "1200.50", "var": {"0.99": "30000.00"}, "tvar": {"0.99": "45000.00"}},
        "expected_loss_by_event_type": [],
        "explain": [{"factor": "control:mfa", "event_type": "ransomware", "frequency": 0.5, "severity": 1.0,
                     "effect": "-100.00", "source": "s", "reason": "r"}],
    }  # fmt: skip
    details = {
        "technical_premium": {"premium": "18000.00", "expected_insured_loss": "9000.00"},
        "grid": {"years": 4000, "seed": 11, "rows": [], "skipped": []},
        "eligibility": summary["eligibility"],
        "seed": 11,
        "years": 4000,
    }
    sub = session.get(Submission, created.json()["id"])
    assert sub is not None
    sub.state, sub.assessment = "quoted", {"summary": summary, "seed": 11, "at": "2026-07-01T00:00:00+00:00"}
    sub.quote = {"premium": "18000.00", "currency": "CNY", "details": details}
    session.commit()
    read = client.get(f"/submissions/{sub.id}", headers=world.headers("insurer_a"))
    assert read.status_code == 200, read.text
    assert read.json()["assessment"]["summary"] == summary
    assert read.json()["quote"] == {"premium": "18000.00", "currency": "CNY", "details": details}
