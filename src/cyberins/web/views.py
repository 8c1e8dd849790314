"""The pages people read: sign-in, the dashboard of each party, the lists and the object pages.

Each page asks the same services as the API with the reader's principal, so it shows exactly what the API
would: a list the same ids, an object page 404 where the API answers 404 (and none of the object's data).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from cyberins.assess import load_questionnaire
from cyberins.catalog import get_catalog
from cyberins.model.errors import CyberinsError
from cyberins.model.ids import Lang
from cyberins.model.messages import text
from cyberins.model.vocab import PROVIDER_KINDS, OrgKind
from cyberins.report.render import to_pdf
from cyberins.report.statement import render_settled_statement, statement_lines
from cyberins.reserving.reserves import ESTIMATE_STAGES
from cyberins.services import (
    accumulation,
    assessment,
    claims,
    jobs,
    marketplace,
    monitoring,
    parties,
    payments,
    policies,
    programmes,
    reserves,
    underwriting,
)
from cyberins.services.access import Action, allowed, require
from cyberins.services.claims import CLAIM_MACHINE
from cyberins.services.common import MAX_LIMIT
from cyberins.services.errors import Forbidden, NotFound
from cyberins.services.queue import JobHandle, JobQueue
from cyberins.services.underwriting import SUBMISSION_MACHINE
from cyberins.web import book_view, insight
from cyberins.web.figures import incident_figures, policy_figures, record_money, submission_figures, wording
from cyberins.web.render import page
from cyberins.web.session import (
    LOGIN_COOKIE,
    Db,
    ViewerDep,
    csrf_token,
    local_path,
    login_binding,
    page_lang,
    set_cookie,
    settings_of,
)

router = APIRouter(include_in_schema=False)

#: Rows a list page shows at once: the API's default page.
PAGE = 50
Offset = Annotated[int, Query(ge=0, le=2**31 - 1)]


def login_page(request: Request, *, next_path: str = "/", error: str | None = None, status: int = 200) -> Response:
    """The sign-in form, its CSRF token bound to a pre-session cookie (set here when the browser has none)."""
    bound, new = login_binding(request)
    lang = page_lang(request)
    context = {"csrf": csrf_token(settings_of(request), bound), "next": local_path(next_path), "error": error}
    response = page(request, "login.html.j2", lang, context, status=status)
    if new:
        set_cookie(request, response, LOGIN_COOKIE, bound)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> Response:  # noqa: A002 - the contract's field name
    return login_page(request, next_path=next)


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, db: Db, reader: ViewerDep) -> Response:
    return dashboard_page(request, db, reader)


def dashboard_page(
    request: Request, db: Db, reader: Any, *, error: dict[str, Any] | None = None, status: int = 200,
    form: dict[str, Any] | None = None,
) -> Response:  # fmt: skip
    """The reader's dashboard (`error` and `form`: a refused publish form, shown again with the problem)."""
    p = reader.principal
    subs = underwriting.list_submissions(db, p, limit=MAX_LIMIT)
    pols = policies.list_policies(db, p, limit=MAX_LIMIT)
    incs = claims.list_incidents(db, p, limit=MAX_LIMIT)
    totals: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    insured = p.org_kind == OrgKind.INSURED
    risk = insight.insured_risk(db, p) if insured else None
    for record in pols.items:
        totals[record.currency]["premium"] += record.premium
    for incident in incs.items:
        totals[incident.currency]["paid"] += incident.paid_amount
        totals[incident.currency]["payable"] += incident.settled_amount or Decimal(0)
    context = {
        "submissions": subs, "policies": pols, "incidents": incs,
        "totals": {c: dict(v) for c, v in sorted(totals.items())},
        "can_submit": allowed(p, Action.SUBMIT),
        "risk": risk, "grade": insight.risk_grade(risk["summary"], reader.lang) if risk else None,
        "since": insight.risk_since_binding(db, p, risk["submission"]) if risk else None,
        "services": marketplace.active_services(db, p.org_id, request.app.state.clock.now()) if insured else [],
        "open_alerts": insight.open_alerts(db, p) if insured else None,
        "control_names": insight.control_names(reader.lang),
        "cover": [(r, wording(r)) for r in pols.items if r.state == "active"] if insured else [],
        "provider": provider_desk(db, reader, incs.items) if p.org_kind in PROVIDER_KINDS else None,
        "error": error, "form": form or {},
    }  # fmt: skip
    return page(request, "dashboard.html.j2", reader.lang, context, reader=reader, status=status)


#: The categories the publish form offers, each labelled in the page's language (the API takes any snake_case id).
SERVICE_CATEGORIES = ("assessment", "monitoring", "incident_response", "legal", "pr", "loss_adjustment", "training")


def _findings_by(incident: Any, org_id: str) -> bool:
    """Whether `org_id` has filed findings on the incident (`documents.forensics[].by`, as the API returns it)."""
    docs = incident.documents if isinstance(incident.documents, dict) else {}
    return any(isinstance(f, dict) and f.get("by") == org_id for f in docs.get("forensics") or [])


def provider_desk(db: Db, reader: Any, incidents: list[Any]) -> dict[str, Any]:
    """A service provider's (or responder's) desk: its published offers, each with its number of active
    subscribers; the subscriptions to them with the subscriber's name (the API's `GET /subscriptions` and
    `GET /organizations/{id}` for the same user); the incidents assigned to it and whether its findings are in."""
    p = reader.principal
    offers = marketplace.list_services(db, p, provider_org_id=p.org_id, limit=MAX_LIMIT).items
    subscriptions = marketplace.list_subscriptions(db, p, limit=MAX_LIMIT).items
    active = Counter(s.service_id for s in subscriptions if s.state == "active")
    return {
        "offers": [
            (offer, active[offer.id], record_money(offer.price, offer.currency) if offer.currency else None)
            for offer in offers
        ],
        "offer_names": {offer.id: offer.name for offer in offers},
        "subscriptions": subscriptions,
        "subscribers": org_names(db, reader, *(s.insured_org_id for s in subscriptions)),
        "findings": {i.id: _findings_by(i, p.org_id) for i in incidents},
        "publish": allowed(p, Action.PUBLISH_SERVICE), "categories": SERVICE_CATEGORIES,
        "questions": load_questionnaire().questions,
    }  # fmt: skip


@router.get("/web/submissions", response_class=HTMLResponse)
def submission_list(request: Request, db: Db, reader: ViewerDep, offset: Offset = 0) -> Response:
    rows = underwriting.list_submissions(db, reader.principal, limit=PAGE, offset=offset)
    context = {"kind": "submission", "page": rows, "offset": offset, "size": PAGE}
    return page(request, "list.html.j2", reader.lang, context, reader=reader)


@router.get("/web/policies", response_class=HTMLResponse)
def policy_list(request: Request, db: Db, reader: ViewerDep, offset: Offset = 0) -> Response:
    rows = policies.list_policies(db, reader.principal, limit=PAGE, offset=offset)
    context = {"kind": "policy", "page": rows, "offset": offset, "size": PAGE}
    return page(request, "list.html.j2", reader.lang, context, reader=reader)


@router.get("/web/claims", response_class=HTMLResponse)
def claim_list(request: Request, db: Db, reader: ViewerDep, offset: Offset = 0) -> Response:
    rows = claims.list_incidents(db, reader.principal, limit=PAGE, offset=offset)
    context = {"kind": "claim", "page": rows, "offset": offset, "size": PAGE}
    return page(request, "list.html.j2", reader.lang, context, reader=reader)


def refused(request: Request, reader: Any, error: CyberinsError) -> Response:
    """404 (or 403) with the reader's page frame and none of the object's data."""
    status = 403 if isinstance(error, Forbidden) else 404
    context = {"status": status, "message": error.in_lang(reader.lang)}
    return page(request, "refused.html.j2", reader.lang, context, reader=reader, status=status)


def org_names(db: Db, reader: Any, *ids: str | None) -> dict[str, str]:
    """Names of the organizations a page mentions that the reader may see (others stay unnamed)."""
    names = {}
    for org_id in {i for i in ids if i}:
        try:
            names[org_id] = parties.get_organization(db, reader.principal, org_id).name
        except NotFound:
            continue
    return names


def _organizations(db: Db, reader: Any, kind: OrgKind) -> list[Any]:
    return list(parties.list_organizations(db, reader.principal, kind=kind, limit=MAX_LIMIT, offset=0).items)


def may(reader: Any, action: Action, machine: Any, step: str, state: str) -> bool:
    """Whether the form of `step` shows: the reader's kind and role may take it and the state allows it."""
    return allowed(reader.principal, action) and state in machine.transitions[step].sources


def queue_of(request: Request) -> JobQueue:
    queue: JobQueue = request.app.state.queue
    return queue


def followed(submission_id: str, handle: JobHandle) -> str:
    """The submission's page, following `handle` until it has ended well (then the page shows its result)."""
    page_path = f"/web/submissions/{submission_id}"
    ended_well = handle.status == "finished" and not (handle.result or {}).get("problem")
    return page_path if ended_well else f"{page_path}?job={handle.id}"


def job_state(request: Request, submission_id: str, job_id: str, lang: Lang) -> dict[str, Any] | None:
    """The submission's job the page follows: how far it is, or what refused it, in `lang`; None for an
    unknown job or one on another object. The caller has read the submission (who may see it may follow)."""
    try:
        handle = jobs.submission_job(queue_of(request), submission_id, job_id)
    except NotFound:
        return None
    poll = f"/web/submissions/{submission_id}/progress?job={handle.id}"
    url = followed(submission_id, handle)
    if handle.subject == jobs.quote_subject(submission_id):
        return progress_of(handle, url, poll, lang, title="quote_progress.title", starting="quote_progress.starting",
                           unit="quote_progress.simulations", refused="quote_progress.refused")  # fmt: skip
    return progress_of(handle, url, poll, lang)


def progress_of(
    handle: JobHandle, url: str, poll: str, lang: Lang, *, title: str = "progress.title",
    starting: str = "progress.choosing", unit: str = "progress.years", refused: str = "progress.refused",
) -> dict[str, Any]:  # fmt: skip
    """What the progress fragment (`progress.html.j2`) draws of a job: how far it is, or what refused it, in
    `lang`; `url` is where it sends the browser once the job has ended, `poll` where it asks meanwhile; the
    message keys of its `title`, of what it says once started before it reports, of how far it is (`unit`:
    years simulated, say, with `done` and `total`) and of what heads the refusal it met."""
    outcome = handle.result if isinstance(handle.result, dict) else {}
    said = (outcome.get("problem") or {}).get(lang)
    done, total = handle.progress or (0, 0)
    return {
        "id": handle.id, "status": handle.status, "running": handle.status in ("queued", "started"),
        "done": done, "total": total, "url": url, "poll": poll, "title": title,
        "starting": starting, "unit": unit, "refused": refused,
        "problem": text("web.progress.failed", lang) if handle.status == "failed" else said,
    }  # fmt: skip


def submission_page(
    request: Request, db: Db, reader: Any, submission_id: str, *, error: dict[str, Any] | None = None,
    status: int = 200, form: dict[str, str] | None = None, job_id: str = "",
) -> Response:  # fmt: skip
    try:
        sub = underwriting.get_submission(db, reader.principal, submission_id)
    except (NotFound, Forbidden) as exc:
        return refused(request, reader, exc)
    s = sub.state
    job = job_state(request, sub.id, job_id, reader.lang) if job_id else None
    summary = (sub.assessment or {}).get("summary") if isinstance(sub.assessment, dict) else None
    idle = not (job and job["running"])  # while a job works on the submission, no step that would race it
    forms = {
        "assess": may(reader, Action.ASSESS, SUBMISSION_MACHINE, "assess", s) and idle,
        "quote": may(reader, Action.QUOTE, SUBMISSION_MACHINE, "quote", s) and idle,
        "bind": may(reader, Action.BIND, SUBMISSION_MACHINE, "bind", s),
    }
    context = {
        "sub": sub, "fig": submission_figures(sub), "forms": forms, "error": error, "form": form or {},
        "names": org_names(db, reader, sub.insured_org_id, sub.insurer_org_id, sub.broker_org_id),
        "summary": summary, "grade": insight.risk_grade(summary, reader.lang),
        "quote_doc": insight.quote_template(sub), "key": insight.new_key(),
        "comparison": insight.quote_comparison(sub), "control_names": insight.control_names(reader.lang),
        "tiers": insight.tier_comparison(sub), "max_tiers": assessment.MAX_TIERS, "job": job,
        "factors": insight.assessment_factors(summary, reader.lang),
        "rules": insight.eligibility_rules(sub, summary, reader.lang),
        "once_fixed": insight.once_fixed(summary, reader.lang),
    }  # fmt: skip
    return page(request, "submission.html.j2", reader.lang, context, reader=reader, status=status)


def policy_page(
    request: Request, db: Db, reader: Any, policy_id: str, *, error: dict[str, Any] | None = None,
    status: int = 200, form: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    try:
        record = policies.get_policy(db, reader.principal, policy_id)
    except (NotFound, Forbidden) as exc:
        return refused(request, reader, exc)
    document = wording(record)
    context = {
        "policy": record, "doc": document, "fig": policy_figures(record), "error": error, "form": form or {},
        "report": allowed(reader.principal, Action.REPORT_INCIDENT) and record.state == "active",
        "event_types": [str(e) for e in get_catalog().event_types],
        "names": org_names(db, reader, record.insured_org_id, record.insurer_org_id, record.broker_org_id),
        "incidents": claims.list_incidents(db, reader.principal, policy_id=record.id, limit=MAX_LIMIT).items,
        "zone": policy_zone(db, reader, record.id),
    }  # fmt: skip
    return page(request, "policy.html.j2", reader.lang, context, reader=reader, status=status)


def claim_page(
    request: Request, db: Db, reader: Any, incident_id: str, *, error: dict[str, Any] | None = None,
    status: int = 200, form: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    try:
        incident = claims.get_incident(db, reader.principal, incident_id)
    except (NotFound, Forbidden) as exc:
        return refused(request, reader, exc)
    s, p = incident.state, reader.principal
    forms = {
        "assign": may(reader, Action.ASSIGN_RESPONDER, CLAIM_MACHINE, "assign_responder", s),
        "findings": may(reader, Action.SUBMIT_FORENSICS, CLAIM_MACHINE, "submit_forensics", s),
        "decide": may(reader, Action.DECIDE_COVERAGE, CLAIM_MACHINE, "decide_coverage", s),
        "adjust": may(reader, Action.ADJUST_LOSS, CLAIM_MACHINE, "adjust_loss", s),
        "settle": may(reader, Action.SETTLE, CLAIM_MACHINE, "settle", s),
    }
    # the claims service assigns incident responders only (a security service provider would be refused)
    responders = _organizations(db, reader, OrgKind.INCIDENT_RESPONDER) if forms["assign"] else []
    docs = incident.documents if isinstance(incident.documents, dict) else {}
    settlement = docs.get("settlement")
    statement = settlement.get("statement") if isinstance(settlement, dict) else None  # as settle_claim keeps it
    reserve = reserves.reserves_of(db, reader.principal, incident.id) if allowed(p, Action.VIEW_RESERVES) else None
    forms["reserve"] = allowed(p, Action.SET_RESERVE) and s in ESTIMATE_STAGES
    paid = list(payments.list_payments(db, reader.principal, incident_id=incident.id, limit=MAX_LIMIT).items)
    context = {
        "incident": incident, "fig": incident_figures(incident), "forms": forms, "error": error,
        "form": form or {}, "responders": responders, "key": insight.new_key(),
        "names": org_names(db, reader, incident.insured_org_id, incident.insurer_org_id, incident.responder_org_id),
        "docs": docs, "zone": policy_zone(db, reader, incident.policy_id),
        "payments": [(p, record_money(p.amount, p.currency)) for p in paid],
        "timeline": insight.claim_timeline(incident, paid),
        "steps": statement_lines(statement, incident.currency, reader.lang) if isinstance(statement, list) else None,
        "reserve": reserve and {
            "now": record_money(reserve.case_reserve, reserve.currency),
            "incurred": record_money(reserve.incurred, reserve.currency),
            "paid": record_money(reserve.paid, reserve.currency),
            "rows": [(r, record_money(r.amount, r.currency)) for r in reversed(reserve.history)],
        },
    }  # fmt: skip
    return page(request, "claim.html.j2", reader.lang, context, reader=reader, status=status)


@router.get("/web/claims/{incident_id}/statement", response_class=HTMLResponse)
def statement_view(
    incident_id: str, request: Request, db: Db, reader: ViewerDep, format: Literal["html", "pdf"] = "html"
) -> Response:  # noqa: A002 - the query parameter's name
    """The full settlement statement as printed (`cyberins claim adjust --html`, `?format=pdf` as `--pdf`),
    rebuilt from the claim's stored settlement and bound policy, never by running today's engine again; for
    whoever sees the claim."""
    try:
        incident, policy = claims.settled_statement(db, reader.principal, incident_id)
    except (NotFound, Forbidden) as exc:
        return refused(request, reader, exc)
    settlement = incident.documents["settlement"]
    if format == "pdf":
        printed = to_pdf(render_settled_statement(settlement, policy, reader.lang, whole_page=True))
        name = f"statement-{incident.id}-{reader.lang}.pdf"
        return Response(
            printed, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'}
        )
    context = {
        "incident": incident, "payable": record_money(incident.settled_amount, incident.currency),
        "body": Markup(render_settled_statement(settlement, policy, reader.lang)),  # autoescaped by report/
    }  # fmt: skip
    return page(request, "statement.html.j2", reader.lang, context, reader=reader)


def policy_zone(db: Db, reader: Any, policy_id: str) -> ZoneInfo:
    """The zone a policy reads its moments in (rule 10), where the reader may see the policy; else UTC."""
    try:
        record = policies.get_policy(db, reader.principal, policy_id)
        return policies.validate_document(wording(record)).zone
    except CyberinsError:
        return ZoneInfo("UTC")


@router.get("/web/submissions/new", response_class=HTMLResponse)
def new_submission(request: Request, db: Db, reader: ViewerDep) -> Response:
    return submission_form(request, db, reader)


def submission_form(
    request: Request, db: Db, reader: Any, *, error: dict[str, Any] | None = None, status: int = 200,
    form: dict[str, str] | None = None, answers: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    try:
        require(reader.principal, Action.SUBMIT)
    except Forbidden as exc:
        return refused(request, reader, exc)
    insureds = [] if reader.principal.org_kind == OrgKind.INSURED else _organizations(db, reader, OrgKind.INSURED)
    context = {
        "insurers": _organizations(db, reader, OrgKind.INSURER), "insureds": insureds, "error": error,
        "form": form or {}, "profile_example": insight.PROFILE_EXAMPLE, "answers": answers or {},
        "questions": insight.short_questions(), "industries": list(get_catalog().industries),
    }  # fmt: skip
    return page(request, "submission_new.html.j2", reader.lang, context, reader=reader, status=status)


@router.get("/web/submissions/{submission_id}", response_class=HTMLResponse)
def submission_view(submission_id: str, request: Request, db: Db, reader: ViewerDep, job: str = "") -> Response:
    return submission_page(request, db, reader, submission_id, job_id=job)


@router.get("/web/submissions/{submission_id}/progress", response_class=HTMLResponse)
def submission_progress(submission_id: str, request: Request, db: Db, reader: ViewerDep, job: str = "") -> Response:
    """The progress fragment the page polls (htmx, every second) while the submission's job runs; once it has
    ended, `HX-Redirect` sends the browser to the page, which then shows the result or what refused it."""
    try:
        sub = underwriting.get_submission(db, reader.principal, submission_id)
        state = job_state(request, sub.id, job, reader.lang)
        if state is None:
            raise NotFound("job", job)
    except (NotFound, Forbidden) as exc:
        return refused(request, reader, exc)
    response = page(request, "progress.html.j2", reader.lang, {"job": state, "sub": sub}, reader=reader)
    if not state["running"]:
        response.headers["HX-Redirect"] = state["url"]
    return response


@router.get("/web/policies/{policy_id}", response_class=HTMLResponse)
def policy_view(policy_id: str, request: Request, db: Db, reader: ViewerDep) -> Response:
    return policy_page(request, db, reader, policy_id)


@router.get("/web/claims/{incident_id}", response_class=HTMLResponse)
def claim_view(incident_id: str, request: Request, db: Db, reader: ViewerDep) -> Response:
    return claim_page(request, db, reader, incident_id)


@router.get("/web/alerts", response_class=HTMLResponse)
def alert_list(request: Request, db: Db, reader: ViewerDep, insured: str | None = None) -> Response:
    """An insured's monitoring alerts (its own by default; an insurer or broker names the insured)."""
    org_id = insured or reader.principal.org_id
    try:
        rows = monitoring.list_alerts(db, reader.principal, org_id)
    except (NotFound, Forbidden) as exc:
        return refused(request, reader, exc)
    return page(request, "alerts.html.j2", reader.lang, {"alerts": rows}, reader=reader)


#: Simulated years behind the book's exceedance curves when the page names none (`?years=` within the API's
#: bounds): enough for the 100-year point to rest on 100 worst years, few enough to draw within seconds.
CURVE_YEARS = 10_000
CurveYears = Annotated[int, Query(ge=accumulation.MIN_YEARS, le=accumulation.MAX_YEARS)]


@router.get("/web/portfolio", response_class=HTMLResponse)
def portfolio(
    request: Request, db: Db, reader: ViewerDep, years: CurveYears = CURVE_YEARS,
    seed: Annotated[int, Query(ge=0)] = 0, job: str = "",
) -> Response:  # fmt: skip
    """The book (insurers and reinsurers): accumulation by dependency, a 24-hour event per dependency, and the
    gross and net exceedance curves of `years` simulated years (the API's `GET /portfolio/accumulation`).
    Curves not cached yet are simulated as a job (`job`: the one the page follows), its progress shown."""
    return portfolio_page(request, db, reader, years=years, seed=seed, job_id=job)


def book_progress(reader: Any, handle: JobHandle, years: int, seed: int) -> dict[str, Any]:
    """The curves job the book page follows: once it has finished, the page (the curves now cached); a failed
    one, the page following it (which says so)."""
    page_path = f"/web/portfolio?years={years}&seed={seed}"
    url = page_path if handle.status == "finished" else f"{page_path}&job={handle.id}"
    poll = f"/web/portfolio/progress?years={years}&seed={seed}&job={handle.id}"
    return progress_of(handle, url, poll, reader.lang, title="book_progress.title", starting="book_progress.starting")


def portfolio_page(
    request: Request, db: Db, reader: Any, *, years: int = CURVE_YEARS, seed: int = 0,
    error: dict[str, Any] | None = None, status: int = 200, form: dict[str, str] | None = None, job_id: str = "",
) -> Response:  # fmt: skip
    """The book page; with the reinsurance programme that nets it and, for who may change it, its form.
    Curves not cached are queued (or the job `job_id` followed while it runs): the page shows the
    accumulation by dependency at once, and the job's progress until the curves are in."""
    p = reader.principal
    job = None
    try:
        handle = jobs.book_job(queue_of(request), p, job_id) if job_id else None  # caches a finished one's curves
        view = accumulation.book_view(db, p, years=years, seed=seed, simulate=False)
        if view.pending and not (handle and handle.status in ("queued", "started", "failed")):
            settings = settings_of(request)
            handle = jobs.start_book_curves(queue_of(request), settings.database_url, p, years=years, seed=seed)
            if handle.status == "finished":  # a queue that ran it already: the curves are cached
                view = accumulation.book_view(db, p, years=years, seed=seed, simulate=False)
        if view.pending and handle is not None:
            job = book_progress(reader, handle, years, seed)
    except (NotFound, Forbidden) as exc:
        return refused(request, reader, exc)
    book = view.document
    curves = book["curves"]
    charts = {
        kind: insight.exceedance_chart(curves["gross"][kind], curves["net"][kind]) for kind in ("aep", "oep")
    } if curves else {}  # fmt: skip
    stored = book["programme"]
    context = {
        "book": book, "charts": charts, "net_is_gross": not stored["reinsurance"], "error": error, "job": job,
        "treaties": book_view.programme_rows(stored), "points": book_view.exceedance_points(curves) if curves else [],
        "manage": allowed(p, Action.MANAGE_PROGRAMME), "form": form or {},
        "example": book_view.PROGRAMME_EXAMPLE,
    }  # fmt: skip
    if context["manage"] and not form:
        currency = book["currency"] or "CNY"  # no active policy yet: the platform's home currency to start with
        current = programmes.get_programme(db, p, currency)
        context["form"] = {
            "currency": currency,
            "version": str(current["version"]),
            "programme": book_view.programme_yaml(current),
        }
    return page(request, "portfolio.html.j2", reader.lang, context, reader=reader, status=status)


@router.get("/web/portfolio/progress", response_class=HTMLResponse)
def portfolio_progress(
    request: Request, reader: ViewerDep, years: CurveYears = CURVE_YEARS,
    seed: Annotated[int, Query(ge=0)] = 0, job: str = "",
) -> Response:  # fmt: skip
    """The progress fragment the book page polls while its curves are simulated; once the job has ended,
    `HX-Redirect` sends the browser to the page. Only who may read this book view may follow its job: any
    other reader (another organization, a party without the book view) is answered 404."""
    try:
        handle = jobs.book_job(queue_of(request), reader.principal, job)
    except (NotFound, Forbidden):
        return refused(request, reader, NotFound("job", job))
    state = book_progress(reader, handle, years, seed)
    response = page(request, "progress.html.j2", reader.lang, {"job": state}, reader=reader)
    if not state["running"]:
        response.headers["HX-Redirect"] = state["url"]
    return response
