"""Alert notifications (issue 18 §3): every alert a scan opens or re-opens is announced on each configured
channel — a webhook (JSON, HMAC-signed) and e-mail (SMTP) — behind the `Notifier` Protocol (a fake in tests).

Never losing an alert: `queue_notices` writes one `alert_notifications` row per (alert event, channel) in the
scan's own transaction, so an alert is never stored without its pending notices. `deliver_pending` runs after
the commit (and again from a later scan or `cyberins monitor notify`): each pending notice is sent once per
run, its attempt counted and, on failure, its error kept (`last_error`) for the next run to retry; a notice
is never dropped. The first delivery stamps the alert's `notified_at`.

The webhook body is signed with a key of its own derived from the installation secret
(`secrets.webhook_key`), so a receiver can tell our notices from forged ones (docs/monitoring.md shows the
check): `X-Cyberins-Signature: sha256=<hex HMAC-SHA256(key, timestamp + "." + body)>` with the timestamp in
`X-Cyberins-Timestamp` (a receiver refuses stale ones: no replays).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberins.model.errors import InvalidInput, Said
from cyberins.model.ids import Lang
from cyberins.model.messages import text
from cyberins.services.clock import SYSTEM_CLOCK, Clock
from cyberins.services.secrets import webhook_key
from cyberins.services.uow import unit_of_work
from cyberins.settings import Settings
from cyberins.store.models import AlertRecord, NotificationRecord

#: Header names of a webhook notice.
SIGNATURE_HEADER, TIMESTAMP_HEADER, EVENT_HEADER = "X-Cyberins-Signature", "X-Cyberins-Timestamp", "X-Cyberins-Event"


class DeliveryError(Exception):
    """A notice that did not reach its channel (the message is kept as the notice's `last_error`)."""


@dataclass(frozen=True)
class Notice:
    """One alert event to announce: `opened` or `reopened`, with the stored alert's JSON."""

    event: str
    insured: str
    alert: dict[str, Any]
    at: datetime


class Notifier(Protocol):
    """A channel notices go out on; `send` raises `DeliveryError` when the notice did not arrive."""

    @property
    def channel(self) -> str: ...

    def send(self, notice: Notice) -> None: ...


def sign(key: bytes, timestamp: str, body: bytes) -> str:
    """The webhook signature of `body` sent at `timestamp`: `sha256=` and the hex HMAC-SHA256."""
    return "sha256=" + hmac.new(key, timestamp.encode("ascii") + b"." + body, hashlib.sha256).hexdigest()


#: Posts (url, body, headers) and returns the HTTP status; raises OSError when the receiver is unreachable.
Post = Callable[[str, bytes, dict[str, str]], int]


def _urllib_post(url: str, body: bytes, headers: dict[str, str], timeout_s: float = 10.0) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310 (scheme checked)
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


@dataclass(frozen=True)
class WebhookNotifier:
    """POSTs each notice as JSON to `url`, signed with `key` (module doc); any status but 2xx is a failure."""

    url: str
    key: bytes
    post: Post = _urllib_post
    channel: str = "webhook"

    def send(self, notice: Notice) -> None:
        body = json.dumps(
            {"event": notice.event, "insured": notice.insured, "at": notice.at.isoformat(), "alert": notice.alert},
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode("utf-8")
        timestamp = str(int(notice.at.timestamp()))
        headers = {
            "Content-Type": "application/json",
            EVENT_HEADER: f"alert.{notice.event}",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(self.key, timestamp, body),
        }
        try:
            status = self.post(self.url, body, headers)
        except OSError as exc:
            raise DeliveryError(f"webhook {self.url}: {exc}") from None
        if not 200 <= status < 300:
            raise DeliveryError(f"webhook {self.url}: HTTP {status}")


@dataclass(frozen=True)
class EmailNotifier:
    """Sends each notice as a plain-text e-mail in `lang` through the SMTP server at `host`:`port`."""

    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    lang: Lang = "zh"
    starttls: bool = False
    smtp: Callable[..., smtplib.SMTP] = smtplib.SMTP
    timeout_s: float = 10.0
    channel: str = "email"

    def message(self, notice: Notice) -> EmailMessage:
        alert, lang = notice.alert, self.lang
        asset, kev = alert.get("asset") or {}, alert.get("kev") or {}
        values = {
            "cve": alert.get("cve", ""),
            "host": asset.get("hostname", ""),
            "priority": alert.get("priority", ""),
            "due": alert.get("due_by") or "—",
            "kev": text(f"monitoring.notify.kev_{'yes' if kev.get('listed') else 'no'}", lang),
            "insured": notice.insured,
            "id": alert.get("id", ""),
        }
        mail = EmailMessage()
        mail["Subject"] = text(f"monitoring.notify.subject_{notice.event}", lang, **values)
        mail["From"], mail["To"] = self.sender, ", ".join(self.recipients)
        mail.set_content(text("monitoring.notify.body", lang, **values))
        return mail

    def send(self, notice: Notice) -> None:
        try:
            with self.smtp(self.host, self.port, timeout=self.timeout_s) as server:
                if self.starttls:
                    server.starttls()
                server.send_message(self.message(notice))
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"e-mail via {self.host}:{self.port}: {exc}") from None


def configured_notifiers(settings: Settings) -> list[Notifier]:
    """The channels `settings` configure: a webhook (`notify_webhook_url`, signed with `secrets.webhook_key`)
    and e-mail (`smtp_host` and `notify_email_to`, in `lang`)."""
    out: list[Notifier] = []
    if settings.notify_webhook_url:
        if not settings.notify_webhook_url.startswith(("https://", "http://")):
            raise InvalidInput.one("CYBERINS_NOTIFY_WEBHOOK_URL", Said("input.service.webhook_url"))
        out.append(WebhookNotifier(settings.notify_webhook_url, webhook_key(settings)))
    if settings.smtp_host and settings.notify_email_to:
        recipients = tuple(r.strip() for r in settings.notify_email_to.split(",") if r.strip())
        out.append(
            EmailNotifier(settings.smtp_host, settings.smtp_port, settings.smtp_sender, recipients, settings.lang,
                          settings.smtp_starttls)
        )  # fmt: skip
    return out


def queue_notices(
    session: Session, insured_org_id: str, events: Iterable[tuple[str, str]], channels: Sequence[str], now: datetime
) -> None:
    """One pending notice per ((alert id, event), channel), in the caller's transaction."""
    session.add_all(
        NotificationRecord(
            alert_id=alert_id, insured_org_id=insured_org_id, channel=channel, event=event, created_at=now, attempts=0
        )
        for alert_id, event in events
        for channel in channels
    )


@dataclass
class Delivery:
    """What one `deliver_pending` run did: notices delivered and notices that failed (kept for the next run)."""

    delivered: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"delivered": self.delivered, "failed": self.failed}


def deliver_pending(
    session: Session,
    notifiers: Sequence[Notifier],
    *,
    insured_org_id: str | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> Delivery:
    """Send every undelivered notice (of one insured, or all) on its channel, once. Each is sent outside any
    transaction (a slow receiver holds no lock) and its attempt recorded in a unit of its own, so a crash
    half-way loses nothing already learnt; delivery is at least once (a crash between the send and the record
    sends it again: a receiver tells repeats by `alert.id` and `event`). A notice whose channel is not
    configured now stays pending."""
    by_channel = {n.channel: n for n in notifiers}
    stmt = select(NotificationRecord).where(NotificationRecord.delivered_at.is_(None))
    if insured_org_id is not None:
        stmt = stmt.where(NotificationRecord.insured_org_id == insured_org_id)
    pending = list(session.scalars(stmt.order_by(NotificationRecord.created_at, NotificationRecord.id)))
    done = Delivery()
    for notice in pending:
        notifier = by_channel.get(notice.channel)
        if notifier is None:
            continue
        alert = session.get(AlertRecord, notice.alert_id)
        assert alert is not None  # a foreign key
        now = clock.now().astimezone(UTC)
        error = None
        try:
            notifier.send(Notice(notice.event, notice.insured_org_id, _alert_json(alert), now))
        except DeliveryError as exc:
            error = str(exc)
        with unit_of_work(session):
            notice.attempts += 1
            notice.last_attempt_at, notice.last_error = now, error
            if error is None:
                notice.delivered_at = now
                alert.notified_at = alert.notified_at or now
        if error is None:
            done.delivered.append(notice.id)
        else:
            done.failed[notice.id] = error
    return done


def _alert_json(row: AlertRecord) -> dict[str, Any]:
    return row.payload | {"state": row.state, "opened_at": row.opened_at.isoformat(),
                          "due_by": row.due_by.isoformat() if row.due_by else None}  # fmt: skip


def pending_notices(session: Session, insured_org_id: str) -> list[NotificationRecord]:
    """The insured's notices not yet delivered, oldest first, with their attempts and last error."""
    stmt = select(NotificationRecord).where(
        NotificationRecord.insured_org_id == insured_org_id, NotificationRecord.delivered_at.is_(None)
    )
    return list(session.scalars(stmt.order_by(NotificationRecord.created_at, NotificationRecord.id)))
