"""`cyberins monitor scan|book`: real vulnerability intelligence matched to asset inventories (保中监测).

`scan` matches one inventory against a feeds folder and prints the alerts, the exposure signals they add
and, with a profile, their effect on the expected loss; `book` asks a book of insureds about one CVE or
product. Both read exactly the folder given (contract `monitoring.md` §2-§3); `docs/monitoring.md` explains.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cyberins.cli.errors import CyberinsGroup
from cyberins.cli.options import SEED_MAX, lang_option
from cyberins.model.errors import InvalidInput, Said, os_reason
from cyberins.model.ids import Lang
from cyberins.quant.sizes import YEARS_LIMIT

if TYPE_CHECKING:
    from cyberins.monitor.alerts import Alert
    from cyberins.monitor.book import BookView
    from cyberins.monitor.effect import Effect
    from cyberins.monitor.feeds import Snapshot
    from cyberins.monitor.scan import ScanResult

app = typer.Typer(
    cls=CyberinsGroup,
    help="In-policy monitoring: match asset inventories to vulnerability feeds; alerts, re-scoring, the book.",
    no_args_is_help=True,
)

FeedsOption = typer.Option(..., "--feeds", file_okay=False, help="Feeds folder (NVD *.jsonl[.gz], KEV, EPSS, ATT&CK).")
#: How the plain output names each feed source.
SOURCE_NAMES = {"kev": "KEV", "epss": "EPSS", "nvd": "NVD", "attack": "ATT&CK"}
#: Alerts listed in the plain output (all of them are in `--json`).
TOP = 15


def _snapshot(feeds: Path) -> Snapshot:
    from cyberins.monitor.feeds import NVD_PATTERNS, read_feeds

    if not feeds.is_dir():
        raise InvalidInput.one("--feeds", Said("input.not_a_folder", {"path": feeds}))
    snapshot = read_feeds(feeds)
    if not snapshot.nvd:
        raise InvalidInput.one("--feeds", Said("input.no_nvd", {"path": feeds, "patterns": NVD_PATTERNS}))
    return snapshot


@app.command("scan")
def scan_command(
    assets: Path = typer.Argument(..., dir_okay=False, help="Inventory: .csv, .json or Nmap -sV -oX .xml."),
    feeds: Path = FeedsOption,
    as_json: bool = typer.Option(False, "--json", help="Print the JSON object of the contract."),
    insured: str | None = typer.Option(None, "--insured", help="Platform insured: store its alerts."),
    profile: Path | None = typer.Option(None, "--profile", dir_okay=False, help="Organisation profile for the effect."),
    policy: Path | None = typer.Option(None, "--policy", dir_okay=False, help="Policy file for the due dates."),
    years: int = typer.Option(
        100_000, "--years", min=1000, max=YEARS_LIMIT, help="Simulated years for the renewal premium."
    ),
    seed: int | None = typer.Option(None, "--seed", min=0, max=SEED_MAX, help="Random seed (default: settings.seed)."),
    lang: Lang = lang_option(),
) -> None:
    """Match an asset inventory against a feeds folder: alerts by priority, exposure added, effect on the loss
    and, with a profile and a policy, on the renewal premium."""
    from cyberins.assess.loader import load_profile
    from cyberins.model.loading import load_model
    from cyberins.model.policy import Policy
    from cyberins.monitor.effect import Pricing
    from cyberins.monitor.inventory import read_assets
    from cyberins.monitor.scan import scan
    from cyberins.pricing.basis import default_basis
    from cyberins.settings import get_settings

    pricing = Pricing(default_basis(), get_settings().seed if seed is None else seed, years)
    inventory = read_assets(assets)
    snapshot = _snapshot(feeds)
    if insured is not None:
        if profile is not None or policy is not None:
            raise InvalidInput.one(
                "--insured", Said("input.cli.insured_alone", {"profile": "--profile", "policy": "--policy"})
            )
        from cyberins.cli.platform import database_session
        from cyberins.model.messages import text
        from cyberins.services.access import Principal
        from cyberins.services.monitoring import scan_insured
        from cyberins.services.notifications import configured_notifiers, deliver_pending

        notifiers = configured_notifiers(get_settings())
        with database_session(migrate=True) as session:
            stored = scan_insured(
                session, Principal.system_actor(), insured, inventory, snapshot=snapshot,
                channels=[n.channel for n in notifiers], pricing=pricing,
            )  # fmt: skip
            delivery = deliver_pending(session, notifiers, insured_org_id=insured)
        for notice, error in delivery.failed.items():
            typer.echo(
                text("monitoring.notify.failed", lang, notice=notice, error=error, command="cyberins monitor notify"),
                err=True,
            )
        result = stored.result
    else:
        org = load_profile(profile) if profile is not None else None
        terms = load_model(Policy, policy) if policy is not None else None
        result = scan(
            inventory, snapshot, opened_at=datetime.now(UTC).replace(microsecond=0), profile=org, policy=terms,
            pricing=pricing,
        )  # fmt: skip
    if as_json:
        typer.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
        return
    _print_scan(result, lang)


@app.command("book")
def book_command(
    cve: str | None = typer.Argument(None, metavar="[CVE-ID]", help="A CVE id (or give --product)."),
    product: str | None = typer.Option(None, "--product", help="VENDOR:PRODUCT as in CPE names, e.g. apache:log4j."),
    book: Path | None = typer.Option(None, "--book", dir_okay=False, help="Book file (YAML/JSON) of insureds."),
    feeds: Path | None = typer.Option(None, "--feeds", file_okay=False, help="Feeds folder (with --book)."),
    as_json: bool = typer.Option(False, "--json", help="Print the JSON object of the contract."),
    lang: Lang = lang_option(),
) -> None:
    """Which insureds and policies a CVE or a product exposes, their limits and the confirmed total."""
    from cyberins.monitor.book import Target, book_view

    target = Target.parse(cve, product)
    if book is None:
        if feeds is not None:
            raise InvalidInput.one("--feeds", Said("input.cli.feeds_only_with_book", {"book": "--book"}))
        from cyberins.cli.platform import database_session
        from cyberins.services.access import Principal
        from cyberins.services.monitoring import book_from_store

        with database_session(migrate=True) as session:
            view = book_from_store(
                session, Principal.system_actor(), target, opened_at=datetime.now(UTC).replace(microsecond=0)
            )
    elif feeds is None:
        raise InvalidInput.one("--feeds", Said("input.cli.feeds_with_book", {"book": "--book"}))
    else:
        view = book_view(book, _snapshot(feeds), target, opened_at=datetime.now(UTC).replace(microsecond=0))
    if as_json:
        typer.echo(json.dumps(view.to_json(), ensure_ascii=False, indent=1))
        return
    _print_book(view, lang)


@app.command("alerts")
def alerts_command(
    insured: str = typer.Option(..., "--insured", help="An insured of the platform database."),
    state: str | None = typer.Option(None, "--state", help="Only alerts in this state (open, acknowledged...)."),
    as_json: bool = typer.Option(False, "--json", help="Print the stored alerts as JSON."),
    lang: Lang = lang_option(),
) -> None:
    """The stored alerts of an insured with their states, highest priority first."""
    from cyberins.cli.platform import database_session
    from cyberins.cli.render import print_fitted
    from cyberins.model.messages import text
    from cyberins.services.access import Principal
    from cyberins.services.monitoring import list_alerts, stored_alert

    with database_session(migrate=True) as session:
        alerts = [stored_alert(a) for a in list_alerts(session, Principal.system_actor(), insured, state=state)]
    if as_json:
        typer.echo(json.dumps({"insured": insured, "alerts": alerts}, ensure_ascii=False, indent=1))
        return
    rows = [
        [a["id"], a["asset"]["hostname"], a["cve"], str(a["priority"]), text(f"cli.monitor.states.{a['state']}", lang),
         a.get("due_by") or "—"]
        for a in alerts
    ]  # fmt: skip
    heads = [text(f"cli.monitor.alerts_heads.{k}", lang) for k in ("id", "host", "cve", "priority", "state", "due")]
    print_fitted(text("cli.monitor.alerts_title", lang, insured=insured, n=len(alerts)), heads, rows, folding=())


@app.command("export-stix")
def export_stix_command(
    alerts_file: Path = typer.Argument(
        ..., dir_okay=False, help="Alerts JSON as `monitor scan --json` or `monitor alerts --insured ORG --json` print."
    ),
    out: Path = typer.Option(..., "--out", help="Write the STIX 2.1 bundle (JSON) here."),
) -> None:
    """Monitoring alerts as one STIX 2.1 bundle: vulnerabilities, sightings on the assets, EPSS/KEV notes."""
    from cyberins.exchange.alerts import Alerts, alerts_bundle  # stix2 loads only for this command
    from cyberins.model.loading import load_model

    bundle = alerts_bundle(load_model(Alerts, alerts_file).alerts)
    try:
        out.write_text(bundle + "\n", encoding="utf-8")
    except OSError as exc:
        raise InvalidInput.one("--out", Said("input.cannot_write", {"reason": os_reason(exc)}), str(out)) from None


def _move(alert_id: str, action: str, lang: Lang, **extra: object) -> None:
    from cyberins.cli.platform import database_session
    from cyberins.model.messages import text
    from cyberins.services import monitoring
    from cyberins.services.access import Principal

    with database_session(migrate=True) as session:
        row = getattr(monitoring, action)(session, Principal.system_actor(), alert_id, **extra)
        typer.echo(text("cli.monitor.moved", lang, id=row.id, state=text(f"cli.monitor.states.{row.state}", lang)))


@app.command("ack")
def ack_command(alert_id: str = typer.Argument(..., help="A stored alert's id."), lang: Lang = lang_option()) -> None:
    """Acknowledge a stored alert (open → acknowledged)."""
    _move(alert_id, "acknowledge", lang)


@app.command("remediate")
def remediate_command(
    alert_id: str = typer.Argument(..., help="A stored alert's id."), lang: Lang = lang_option()
) -> None:
    """Mark a stored alert remediated; a later scan that no longer matches it verifies it."""
    _move(alert_id, "remediate", lang)


@app.command("accept-risk")
def accept_risk_command(
    alert_id: str = typer.Argument(..., help="A stored alert's id."),
    reason: str = typer.Option(..., "--reason", help="Why the risk is accepted."),
    expires: str = typer.Option(..., "--expires", help="Until when (YYYY-MM-DD, after today)."),
    lang: Lang = lang_option(),
) -> None:
    """Accept the risk of a stored alert until a date, for a stated reason."""
    from datetime import date

    try:
        until = date.fromisoformat(expires)
    except ValueError:
        raise InvalidInput.one("--expires", Said("cli.monitor.not_a_date", {"text": repr(expires)})) from None
    _move(alert_id, "accept_risk", lang, reason=reason, expires=until)


@app.command("notify")
def notify_command(
    insured: str | None = typer.Option(None, "--insured", help="Only this insured's notices (default: all)."),
    as_json: bool = typer.Option(False, "--json", help="Print what was delivered and what failed as JSON."),
    lang: Lang = lang_option(),
) -> None:
    """Deliver the alert notices still pending (webhook, e-mail from the settings); failures are kept to retry."""
    from cyberins.cli.platform import database_session
    from cyberins.model.messages import text
    from cyberins.services.notifications import configured_notifiers, deliver_pending
    from cyberins.settings import get_settings

    notifiers = configured_notifiers(get_settings())
    with database_session(migrate=True) as session:
        delivery = deliver_pending(session, notifiers, insured_org_id=insured)
    if as_json:
        typer.echo(json.dumps(delivery.to_json(), ensure_ascii=False, indent=1))
    else:
        typer.echo(text("monitoring.notify.delivered", lang, delivered=len(delivery.delivered),
                        failed=len(delivery.failed), channels=len(notifiers)))  # fmt: skip
    if delivery.failed:
        raise typer.Exit(1)


def _print_scan(result: ScanResult, lang: Lang) -> None:
    from cyberins.cli.render import console, label, print_fitted
    from cyberins.model.messages import has, text
    from cyberins.model.money import format_money

    inv, alerts = result.inventory, result.alerts
    sep = text("cli.common.list_sep", lang)
    sources = ", ".join(f"{SOURCE_NAMES.get(s.source, s.source)} {s.records:,}" for s in result.snapshot.sources)
    console.rule(text("cli.monitor.scan.title", lang))
    console.print(text("cli.monitor.scan.inventory", lang, source=inv.source, rows=len(inv.rows), hosts=len(inv.hosts)),
                  markup=False)  # fmt: skip
    console.print(text("cli.monitor.scan.feeds", lang, dir=result.snapshot.dir, sources=sources), markup=False)
    confirmed, possible = result.count("confirmed"), result.count("possible")
    console.print(text("cli.monitor.scan.alerts", lang, confirmed=confirmed, possible=possible))
    if possible:
        why = Counter(u for a in alerts if a.match == "possible" for u in a.matched.uncertain)
        # an attribute the catalogue does not name yet is shown by its CPE name
        reasons = sep.join(
            f"{text(f'cli.monitor.uncertain.{u}', lang) if has(f'cli.monitor.uncertain.{u}') else u} {n}"
            for u, n in why.most_common())  # fmt: skip
        console.print(text("cli.monitor.scan.uncertain", lang, reasons=reasons), markup=False)
    by_level = {n: sum(1 for a in alerts if a.priority.level == n) for n in range(1, 6)}
    console.print(text("cli.monitor.scan.by_priority", lang) + "  ".join(f"P{n} {c}" for n, c in by_level.items()))
    if alerts:
        heads = [
            text(f"cli.monitor.alerts_heads.{k}", lang) for k in ("host", "cve", "match", "priority", "kev", "due")
        ]
        rows = [
            [a.asset.hostname, a.cve, _tier(a.match, lang), str(a.priority.level), _kev(a, lang),
             a.due_by.isoformat() if a.due_by else "—"]
            for a in alerts[:TOP]
        ]  # fmt: skip
        more = text("cli.monitor.scan.top_of", lang, top=TOP, n=len(alerts)) if len(alerts) > TOP else ""
        print_fitted(text("cli.monitor.scan.top", lang) + more, heads, rows, folding=())
        first = alerts[0]
        kinds = sep.join(label(r.event_type, lang) for r in first.event_types)
        console.print(text("cli.monitor.scan.first", lang, host=first.asset.hostname, cve=first.cve,
                           reason=first.priority.reason(lang), kinds=kinds), markup=False)  # fmt: skip
    x = result.exposure
    console.print(
        text("cli.monitor.scan.exposure", lang, vulnerabilities=len(x.vulnerabilities),
             kev=sum(1 for v in x.vulnerabilities if v.kev),
             vpn=", ".join(f"{v.product} {v.version or ''}".strip() for v in x.vpn_products) or "—",
             rdp=text("cli.common.answer_yes" if x.rdp_exposed else "cli.common.answer_no", lang),
             services=", ".join(x.risky_services) or "—"),
        markup=False,
    )  # fmt: skip
    e = result.effect
    if e is not None:
        console.print(
            text("cli.monitor.scan.expected_loss", lang, currency=e.currency,
                 before=format_money(e.expected_loss_before, e.currency, lang),
                 after=format_money(e.expected_loss_after, e.currency, lang)),
            markup=False,
        )  # fmt: skip
        _print_rescore(e, lang)


def _print_rescore(e: Effect, lang: Lang) -> None:
    """The renewal premium's change and the factor rows that explain it."""
    from cyberins.assess.explain import factor_label
    from cyberins.cli.render import console, label, print_fitted
    from cyberins.model.messages import text
    from cyberins.model.money import format_money

    r = e.renewal
    if r is not None:
        json_ = r.to_json()
        ratio = json_["premium_change_ratio"]
        console.print(
            text("monitoring.rescore.renewal", lang, currency=json_["currency"], policy=r.policy_number or "—",
                 before=format_money(r.before.premium, json_["currency"], lang),
                 after=format_money(r.after.premium, json_["currency"], lang),
                 change=("+" if r.change >= 0 else "") + format_money(r.change, json_["currency"], lang),
                 ratio="—" if ratio is None else f"{float(ratio):+.1%}", years=r.years, seed=r.seed),
            markup=False,
        )  # fmt: skip
    if e.factors:
        heads = [text(f"monitoring.rescore.{h}", lang) for h in ("factor", "event_type", "before", "after")]
        grouped: dict[tuple[str, float, float], list[str]] = {}  # a factor acting alike on several event types
        for f in e.factors:
            grouped.setdefault((f.id, f.before, f.frequency), []).append(label(f.event_type, lang))
        rows = [[factor_label(name, lang), text("cli.common.list_sep", lang).join(kinds), f"×{old:.3g}", f"×{new:.3g}"]
                for (name, old, new), kinds in grouped.items()]  # fmt: skip
        print_fitted(text("monitoring.rescore.factors", lang), heads, rows, folding=(0, 1))


def _tier(tier: str, lang: Lang) -> str:
    from cyberins.model.messages import text

    return text(f"cli.monitor.tiers.{tier}", lang)


def _kev(alert: Alert, lang: Lang) -> str:
    from cyberins.model.messages import text

    if not alert.kev.listed:
        return "—"
    return text("cli.monitor.kev.ransomware" if alert.kev.ransomware_known else "cli.monitor.kev.listed", lang)


def _print_book(view: BookView, lang: Lang) -> None:
    from rich.markup import escape

    from cyberins.cli.render import console, print_fitted
    from cyberins.model.messages import text
    from cyberins.model.money import format_money

    t = view.target
    console.rule(escape(text("cli.monitor.book.title", lang, what=t.cve or f"{t.vendor}:{t.product}")))
    if not view.items:
        console.print(text("cli.monitor.book.none", lang))
        return
    heads = [text(f"cli.monitor.book_heads.{k}", lang) for k in ("insured", "policy", "limit", "assets", "match")]
    rows = [
        [(i.name_zh or i.name) if lang == "zh" else i.name, i.policy or "—",
         f"{format_money(i.limit, i.currency, lang)} {i.currency}" if i.limit is not None and i.currency else "—",
         str(len({a.asset.hostname for a in i.alerts})), _tier(i.match, lang)]
        for i in view.items
    ]  # fmt: skip
    print_fitted(text("cli.monitor.book.exposed", lang), heads, rows, folding=(0, 1))
    totals = view.totals()
    sums = ", ".join(f"{c} {format_money(float(v), c, lang)}" for c, v in totals["limits_sum"].items()) or "—"
    console.print(text("cli.monitor.book.total", lang, insureds=totals["insureds"], policies=totals["policies"],
                       sums=sums), markup=False)  # fmt: skip
