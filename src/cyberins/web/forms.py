"""The forms: sign-in and sign-out, then each lifecycle step, through the same services as the API.

Every POST checks its CSRF token before anything changes (403 otherwise). A step that succeeds answers 303 to
the object's page; one the services refuse re-renders the page with the problem in the reader's language and
the field it concerns, never a traceback. Bind and settle act once per hidden idempotency key.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from cyberins.model.errors import CyberinsError, InvalidInput, Said
from cyberins.model.loading import parse_document, parse_model
from cyberins.pricing.subsidy import SubsidyScheme
from cyberins.services import (
    adjusting,
    assessment,
    auth,
    claims,
    idempotency,
    jobs,
    marketplace,
    policies,
    programmes,
    signin,
    underwriting,
    websessions,
)
from cyberins.services.access import Action, require
from cyberins.services.clock import Clock
from cyberins.services.errors import Conflict, Forbidden, NotFound, TooManyAttempts, Unauthenticated
from cyberins.web import insight
from cyberins.web.figures import wording
from cyberins.web.session import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    Db,
    ViewerDep,
    check_csrf,
    check_form,
    local_path,
    set_cookie,
    settings_of,
)
from cyberins.web.views import (
    SERVICE_CATEGORIES,
    claim_page,
    dashboard_page,
    followed,
    login_page,
    policy_page,
    portfolio_page,
    queue_of,
    submission_form,
    submission_page,
)

router = APIRouter(include_in_schema=False)

Text = Annotated[str, Form()]
Csrf = Annotated[str, Form()]


def _clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _see_page(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def problem(error: CyberinsError, lang: Any, field: str = "") -> dict[str, Any]:
    """What the page says went wrong: the message and each field it names, in the reader's language."""
    if isinstance(error, InvalidInput):
        prefix = error.source or field
        fields = [
            {"field": ".".join(x for x in (prefix, p.field) if x) or prefix, "message": p.in_lang(lang)}
            for p in error.problems
        ]
        return {"message": None, "fields": fields}
    return {"message": error.in_lang(lang), "fields": []}


def _status(error: CyberinsError) -> int:
    for kind, status in ((InvalidInput, 422), (Conflict, 409), (Forbidden, 403), (NotFound, 404)):
        if isinstance(error, kind):
            return status
    return 400


def document(text: str, field: str) -> dict[str, Any]:
    """A YAML or JSON document typed into (or uploaded to) a form, as the API's JSON body would carry it."""
    data = parse_document(text, field)
    if not isinstance(data, dict):
        raise InvalidInput.one("", Said("input.web.mapping"), field)
    plain: dict[str, Any] = json.loads(json.dumps(data, default=str))  # dates and amounts as the API's JSON text
    return plain


def whole(text: str, field: str) -> int | None:
    if not text.strip():
        return None
    try:
        return int(text.strip())
    except ValueError:
        raise InvalidInput.one(field, Said("input.web.whole_number")) from None


@router.post("/login")
def login(
    request: Request,
    db: Db,
    email: Text = "",
    password: Text = "",
    csrf_token: Csrf = "",
    next: Text = "/",  # noqa: A002
) -> Response:
    check_csrf(settings_of(request), request.cookies.get(LOGIN_COOKIE, ""), csrf_token)
    attempt = signin.Attempt(email, _address(request))
    try:  # the API's throttle and checks: failures here count against the same account and address
        user = auth.check_password(db, attempt, password, settings_of(request), _clock(request))
        principal = auth.principal_of(db, user)
    except TooManyAttempts as exc:
        response = login_page(request, next_path=next, error="throttled", status=429)
        response.headers["Retry-After"] = str(exc.retry_after_s)
        return response
    except Unauthenticated:
        return login_page(request, next_path=next, error="wrong", status=401)
    raw = websessions.open_session(db, principal)  # real time, as the API's tokens: expiry is security
    response = _see_page(local_path(next))
    set_cookie(request, response, SESSION_COOKIE, raw)
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(request: Request, db: Db, reader: ViewerDep, csrf_token: Csrf = "") -> Response:
    check_form(request, csrf_token)
    websessions.close_session(db, reader.principal, request.cookies.get(SESSION_COOKIE, ""))
    response = _see_page("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/web/submissions/new")
def submit(
    request: Request, db: Db, reader: ViewerDep, csrf_token: Csrf = "", insurer_org_id: Text = "",
    insured_org_id: Text = "", profile: Text = "",
) -> Response:  # fmt: skip
    check_form(request, csrf_token)
    form = {"insurer_org_id": insurer_org_id, "insured_org_id": insured_org_id, "profile": profile}
    try:
        data = document(profile, "profile")
        sub = underwriting.submit(db, reader.principal, insurer_org_id, data, insured_org_id or None)
    except CyberinsError as exc:
        return submission_form(request, db, reader, error=problem(exc, reader.lang), status=_status(exc), form=form)
    return _see_page(f"/web/submissions/{sub.id}")


@router.post("/web/submissions/new/questionnaire")
async def questionnaire(request: Request, db: Db, reader: ViewerDep) -> Response:
    """The short questionnaire answered: the submission form again, its profile filled from the answers
    (checked as the submission will be, so a problem shows now, naming the field). Nothing is stored."""
    answers = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    return await run_in_threadpool(_filled_in, request, db, reader, answers)


def _filled_in(request: Request, db: Db, reader: Any, answers: dict[str, str]) -> Response:
    check_form(request, answers.get("csrf_token", ""))
    profile = insight.profile_from_answers(answers)
    form = {"profile": profile} | {k: answers.get(k, "") for k in ("insurer_org_id", "insured_org_id")}
    try:
        underwriting.validate_profile(document(profile, "profile"))
    except CyberinsError as exc:
        error = problem(exc, reader.lang) | {"form": "questionnaire"}
        return submission_form(request, db, reader, error=error, status=_status(exc), form=form, answers=answers)
    return submission_form(request, db, reader, form=form, answers=answers)


@router.post("/web/submissions/{submission_id}/assess")
def assess(
    submission_id: str, request: Request, db: Db, reader: ViewerDep, csrf_token: Csrf = "", seed: Text = "",
    years: Text = "",
) -> Response:  # fmt: skip
    check_form(request, csrf_token)
    settings = settings_of(request)
    try:
        given = whole(seed, "seed")
        handle = jobs.start_assessment(
            queue_of(request), settings.database_url, db, reader.principal, submission_id,
            seed=settings.seed if given is None else given, years=whole(years, "years"), clock=_clock(request),
        )  # fmt: skip
    except CyberinsError as exc:
        error = problem(exc, reader.lang) | {"form": "assess"}
        form = {"seed": seed, "years": years}
        return submission_page(request, db, reader, submission_id, error=error, status=_status(exc), form=form)
    # the simulation runs as a job: the page follows it (a queue that ran it already shows the result)
    return _see_page(followed(submission_id, handle))


def amounts(text: str, field: str) -> tuple[Decimal, ...]:
    """Amounts typed as a list (`500000, 1000000`): commas, spaces or both between them."""
    try:
        return tuple(Decimal(part) for part in text.replace(",", " ").split())
    except InvalidOperation:
        raise InvalidInput.one(field, Said("input.web.amounts")) from None


def grid_options(limits: str, retentions: str) -> assessment.GridOptions | None:
    """The limit × retention grid to price beside the wording; none when both fields are empty."""
    if not limits.strip() and not retentions.strip():
        return None
    return assessment.GridOptions(amounts(limits, "limits"), amounts(retentions, "retentions"))


#: What separates a tier's controls on its line (`MFA, EDR`, `多因素认证、离线备份`).
CONTROL_SEPARATORS = re.compile(r"[,，、;；]")


def tier_lines(text: str) -> tuple[assessment.Tier, ...]:
    """Tiers typed one a line, `name: control, control`, each control by its id or its name in either
    language (as the tier's checkboxes show them); a problem names `tiers[i]`."""
    known = {name.casefold(): ident for lang in ("zh", "en") for ident, name in insight.control_names(lang).items()}
    known |= {ident: ident for ident in insight.control_names("en")}
    tiers = []
    for i, line in enumerate(x for x in text.splitlines() if x.strip()):
        name, colon, rest = line.replace("：", ":").partition(":")
        if not colon or not name.strip():
            raise InvalidInput.one(f"tiers[{i}]", Said("input.tiers.no_name"))
        controls = []
        for given in (x.strip() for x in CONTROL_SEPARATORS.split(rest) if x.strip()):
            if given.casefold() not in known:
                raise InvalidInput.one(f"tiers[{i}]", Said("input.tiers.unknown_control", {"name": given}))
            controls.append(known[given.casefold()])
        tiers.append(assessment.Tier(name.strip(), tuple(dict.fromkeys(controls))))
    return tuple(tiers)


@router.post("/web/submissions/{submission_id}/quote")
def quote(
    submission_id: str, request: Request, db: Db, reader: ViewerDep, csrf_token: Csrf = "", document_: Annotated[
        str, Form(alias="document")] = "", limits: Text = "", retentions: Text = "", tier_name: Text = "",
    tier_controls: Annotated[list[str] | None, Form()] = None, subsidy: Text = "", tiers: Text = "",
) -> Response:  # fmt: skip
    check_form(request, csrf_token)
    controls = tuple(tier_controls or ())
    try:
        wording_ = document(document_, "document")
        asks = assessment.QuoteAsks(
            tier=assessment.Tier(tier_name.strip() or "tier", controls) if controls else None,
            grid=grid_options(limits, retentions),
            subsidy=parse_model(SubsidyScheme, document(subsidy, "subsidy"), "subsidy") if subsidy.strip() else None,
            tiers=tier_lines(tiers),
        )
        handle = jobs.start_quote(
            queue_of(request), settings_of(request).database_url, db, reader.principal, submission_id, wording_,
            asks, clock=_clock(request),
        )  # fmt: skip
    except CyberinsError as exc:
        error = problem(exc, reader.lang) | {"form": "quote"}
        form = {"document": document_, "limits": limits, "retentions": retentions, "tier_name": tier_name,
                "tier_controls": " ".join(controls), "subsidy": subsidy, "tiers": tiers}  # fmt: skip
        return submission_page(request, db, reader, submission_id, error=error, status=_status(exc), form=form)
    # priced as a job, as the assessment: the page follows it (a queue that ran it already shows the quote)
    return _see_page(followed(submission_id, handle))


@router.post("/web/submissions/{submission_id}/bind")
def bind(
    submission_id: str, request: Request, db: Db, reader: ViewerDep, csrf_token: Csrf = "",
    policy_number: Text = "", idempotency_key: Text = "",
) -> Response:  # fmt: skip
    check_form(request, csrf_token)
    number = policy_number.strip() or None

    def run() -> tuple[int, dict[str, Any]]:
        record = underwriting.bind_submission(db, reader.principal, submission_id, policy_number=number)
        return 201, {"id": record.id}

    try:
        request_ = {"submission_id": submission_id, "policy_number": number}
        outcome = idempotency.once(db, reader.principal, idempotency_key, "web bind", request_, run)
    except CyberinsError as exc:
        error = problem(exc, reader.lang) | {"form": "bind"}
        form = {"policy_number": policy_number}
        return submission_page(request, db, reader, submission_id, error=error, status=_status(exc), form=form)
    return _see_page(f"/web/policies/{outcome.body['id']}")


def _moment(text: str, field: str, zone: ZoneInfo) -> datetime:
    """`YYYY-MM-DDTHH:MM` read in the policy's zone (rule 10)."""
    try:
        moment = datetime.strptime(text.strip(), "%Y-%m-%dT%H:%M")
    except ValueError:
        raise InvalidInput.one(field, Said("input.web.date_time")) from None
    return moment.replace(tzinfo=zone)


@router.post("/web/policies/{policy_id}/report")
def report(
    policy_id: str, request: Request, db: Db, reader: ViewerDep, csrf_token: Csrf = "", summary: Text = "",
    occurred_at: Text = "", discovered_at: Text = "", event_types: Annotated[list[str] | None, Form()] = None,
) -> Response:  # fmt: skip
    check_form(request, csrf_token)
    form = {"summary": summary, "occurred_at": occurred_at, "discovered_at": discovered_at}
    try:
        record = policies.get_policy(db, reader.principal, policy_id)
        zone = policies.validate_document(wording(record)).zone
        if not summary.strip():
            raise InvalidInput.one("summary", Said("input.web.summary"))
        incident = claims.report_incident(
            db, reader.principal, policy_id, summary.strip(), _moment(occurred_at, "occurred_at", zone),
            _moment(discovered_at, "discovered_at", zone), {"event_types": list(event_types or [])},
            clock=_clock(request),
        )  # fmt: skip
    except CyberinsError as exc:
        error = problem(exc, reader.lang) | {"form": "report"}
        return policy_page(request, db, reader, policy_id, error=error, status=_status(exc), form=form)
    return _see_page(f"/web/claims/{incident.id}")


def _claim_step(
    request: Request, db: Db, reader: Any, incident_id: str, name: str, step: Any, form: dict[str, str]
) -> Response:
    try:
        step()
    except CyberinsError as exc:
        error = problem(exc, reader.lang) | {"form": name}
        return claim_page(request, db, reader, incident_id, error=error, status=_status(exc), form=form)
    return _see_page(f"/web/claims/{incident_id}")


@router.post("/web/claims/{incident_id}/assign")
def assign(
    incident_id: str, request: Request, db: Db, reader: ViewerDep, csrf_token: Csrf = "", responder_org_id: Text = ""
) -> Response:
    check_form(request, csrf_token)
    return _claim_step(
        request, db, reader, incident_id, "assign",
        lambda: claims.assign_responder(db, reader.principal, incident_id, responder_org_id), {},
    )  # fmt: skip


@router.post("/web/claims/{incident_id}/findings")
def findings(
    incident_id: str, request: Request, db: Db, reader: ViewerDep, csrf_token: Csrf = "", findings: Text = ""
) -> Response:
    check_form(request, csrf_token)

    def step() -> None:
        claims.submit_forensics(
            db, reader.principal, incident_id, document(findings, "findings"), clock=_clock(request)
        )

    return _claim_step(request, db, reader, incident_id, "findings", step, {"findings": findings})


@router.post("/web/claims/{incident_id}/decide")
def decide(incident_id: str, request: Request, db: Db, reader: ViewerDep, csrf_token: Csrf = "") -> Response:
    check_form(request, csrf_token)
    return _claim_step(
        request, db, reader, incident_id, "decide",
        lambda: adjusting.decide_coverage(db, reader.principal, incident_id, None), {},
    )  # fmt: skip


@router.post("/web/claims/{incident_id}/adjust")
def adjust(incident_id: str, request: Request, db: Db, reader: ViewerDep, csrf_token: Csrf = "") -> Response:
    check_form(request, csrf_token)
    return _claim_step(
        request, db, reader, incident_id, "adjust",
        lambda: adjusting.adjust_loss(db, reader.principal, incident_id, None), {},
    )  # fmt: skip


@router.post("/web/claims/{incident_id}/settle")
def settle(
    incident_id: str, request: Request, db: Db, reader: ViewerDep, csrf_token: Csrf = "", idempotency_key: Text = ""
) -> Response:
    check_form(request, csrf_token)

    def run() -> tuple[int, dict[str, Any]]:
        adjusting.settle_claim(db, reader.principal, incident_id, None)
        return 200, {"id": incident_id}

    def step() -> None:
        idempotency.once(db, reader.principal, idempotency_key, "web settle", {"incident_id": incident_id}, run)

    return _claim_step(request, db, reader, incident_id, "settle", step, {})


@router.post("/web/portfolio/programme")
def programme(
    request: Request, db: Db, reader: ViewerDep, csrf_token: Csrf = "", currency: Text = "", version: Text = "",
    programme: Text = "",
) -> Response:  # fmt: skip
    """Replace the insurer's reinsurance programme (the API's `PUT /portfolio/programme`) as its next version."""
    check_form(request, csrf_token)
    try:
        data = document(programme, "programme")
        programmes.set_programme(
            db, reader.principal, currency.strip(), data, expected_version=whole(version, "version")
        )
    except CyberinsError as exc:
        error = problem(exc, reader.lang) | {"form": "programme"}
        form = {"currency": currency, "version": version, "programme": programme}
        return portfolio_page(request, db, reader, error=error, status=_status(exc), form=form)
    return _see_page("/web/portfolio")


#: The longest offer name the store and the API keep (`api.schemas.platform.ServiceCreate`).
NAME_MAX = 200


def _offer(name: str, category: str, price: str, currency: str) -> tuple[str, Decimal | None, str | None]:
    """The publish form's name, price and currency as `marketplace.publish_service` takes them; a blank or
    overlong name, a category the form does not offer or a price that is no amount is refused naming its field.
    An empty price publishes the offer at a price on request (no currency)."""
    if not name.strip():
        raise InvalidInput.one("name", Said("api.problem.missing"))
    if len(name.strip()) > NAME_MAX:
        raise InvalidInput.one("name", Said("api.problem.string_too_long", {"max_length": NAME_MAX}))
    if category not in SERVICE_CATEGORIES:
        raise InvalidInput.one("category", Said("api.problem.enum", {"expected": ", ".join(SERVICE_CATEGORIES)}))
    if not price.strip():
        return name.strip(), None, None
    try:
        return name.strip(), Decimal(price.strip()), currency
    except InvalidOperation:
        raise InvalidInput.one("price", Said("api.problem.decimal_parsing")) from None


@router.post("/web/services")
def publish(
    request: Request, db: Db, reader: ViewerDep, name: Text = "", category: Text = "", description: Text = "",
    price: Text = "", currency: Text = "CNY", controls: Annotated[list[str] | None, Form()] = None,
    csrf_token: Csrf = "",
) -> Response:  # fmt: skip
    """A provider publishes an offer from its dashboard (`publish-form`), with the questionnaire controls it puts
    in place at a subscriber (checkboxes `controls`); refused, the dashboard shows the form again naming the field."""
    check_form(request, csrf_token)
    held = controls or []
    try:
        require(reader.principal, Action.PUBLISH_SERVICE)  # before the fields: a party that may not publish learns so
        checked, amount, in_currency = _offer(name, category, price, currency)
        marketplace.publish_service(
            db, reader.principal, checked, category, description.strip(), amount, in_currency, held
        )
    except CyberinsError as exc:
        error = problem(exc, reader.lang) | {"form": "publish"}
        form = {"name": name, "category": category, "description": description, "price": price,
                "currency": currency, "controls": held}  # fmt: skip
        return dashboard_page(request, db, reader, error=error, status=_status(exc), form=form)
    return _see_page("/")


def reserve_amount_of(text: str) -> Decimal | None:
    """The amount typed into the reserve form; empty asks for the estimate from the findings."""
    if not text.strip():
        return None
    try:
        return Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        raise InvalidInput.one("reserve_amount", Said("input.reserve.not_amount", {"value": text.strip()})) from None


@router.post("/web/claims/{incident_id}/reserve")
def reserve(
    incident_id: str, request: Request, db: Db, reader: ViewerDep, csrf_token: Csrf = "", reserve_amount: Text = "",
    reserve_reason: Text = "",
) -> Response:  # fmt: skip
    check_form(request, csrf_token)

    def step() -> None:
        adjusting.set_case_reserve(
            db, reader.principal, incident_id, reserve_amount_of(reserve_amount), reserve_reason, clock=_clock(request)
        )

    form = {"reserve_amount": reserve_amount, "reserve_reason": reserve_reason}
    return _claim_step(request, db, reader, incident_id, "reserve", step, form)
