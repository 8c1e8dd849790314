"""Alert notifications (issue 18 §3): queued in the scan's transaction, one per (alert event, channel); delivered
after it through the `Notifier` Protocol; a failure counted, its error kept and retried by the next run, never
lost; the first delivery stamps the alert's `notified_at`. The webhook body is HMAC-signed with the
installation's webhook key; the e-mail goes through smtplib (a fake SMTP class here: no network)."""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import socketserver
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy.orm import Session

from cyberins.monitor.inventory import read_assets
from cyberins.services import monitoring, notifications
from cyberins.services.clock import FixedClock
from cyberins.services.notifications import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    DeliveryError,
    EmailNotifier,
    Notice,
    WebhookNotifier,
    configured_notifiers,
    deliver_pending,
)
from cyberins.services.secrets import webhook_key
from cyberins.settings import Settings, get_settings
from cyberins.store.models import AlertRecord
from tests.monitor.test_feeds_load import _cli, installation
from tests.monitor.test_monitoring_platform import EXAMPLES, loaded
from tests.one_language import chinese_in, english_in
from tests.platform import conftest as platform
from tests.platform.world import World

database_url, engine, session = platform.database_url, platform.engine, platform.session
clock, settings, world = platform.clock, platform.settings, platform.world
__all__ = ["installation", "loaded"]
KEY = b"k" * 32
ALERT_ID = "3f9a0c1e2b4d5f6a7b8c9d0e"


@dataclass
class FakeNotifier:
    """An in-memory channel: records what it is sent; fails while `down`."""

    channel: str
    down: bool = False
    sent: list[Notice] = field(default_factory=list)

    def send(self, notice: Notice) -> None:
        if self.down:
            raise DeliveryError(f"{self.channel}: connection refused")
        self.sent.append(notice)


def _scan(session: Session, world: World, clock: FixedClock, channels: tuple[str, ...]) -> monitoring.InsuredScan:
    return monitoring.scan_insured(
        session, world.principal["insured_a"], world.org["insured_a"], read_assets(EXAMPLES / "assets.csv"),
        clock=clock, channels=channels,
    )  # fmt: skip


def test_every_opened_alert_is_queued_per_channel_and_a_failure_is_retried_until_delivered(
    session: Session, loaded: World, clock: FixedClock
) -> None:
    done = _scan(session, loaded, clock, ("webhook", "email"))
    insured = loaded.org["insured_a"]
    assert len(notifications.pending_notices(session, insured)) == 2 * len(done.opened)
    hook, mail = FakeNotifier("webhook"), FakeNotifier("email", down=True)
    first = deliver_pending(session, [hook, mail], clock=clock)
    assert len(first.delivered) == len(done.opened) and len(first.failed) == len(done.opened)
    assert {n.alert["id"] for n in hook.sent} == set(done.opened) and {n.event for n in hook.sent} == {"opened"}
    pending = notifications.pending_notices(session, insured)
    assert {(n.channel, n.attempts, n.last_error) for n in pending} == {("email", 1, "email: connection refused")}
    alert = session.get(AlertRecord, done.opened[0])
    assert alert is not None and alert.notified_at == clock.now()  # the webhook reached someone
    assert monitoring.stored_alert(alert)["notified_at"] == alert.notified_at.isoformat()
    later = FixedClock(clock.now() + timedelta(hours=1))
    mail.down = False
    second = deliver_pending(session, [hook, mail], clock=later)
    assert len(second.delivered) == len(done.opened) and not second.failed
    assert len(mail.sent) == len(done.opened) and len(hook.sent) == len(done.opened)  # nothing sent twice
    assert notifications.pending_notices(session, insured) == []
    assert session.get(AlertRecord, done.opened[0]).notified_at == clock.now()  # type: ignore[union-attr]


def test_a_notice_waits_while_its_channel_is_not_configured_and_a_rescan_queues_nothing_new(
    session: Session, loaded: World, clock: FixedClock
) -> None:
    done = _scan(session, loaded, clock, ("email",))
    assert deliver_pending(session, [FakeNotifier("webhook")], clock=clock).delivered == []
    assert len(notifications.pending_notices(session, loaded.org["insured_a"])) == len(done.opened)
    assert session.get(AlertRecord, done.opened[0]).notified_at is None  # type: ignore[union-attr]
    _scan(session, loaded, clock, ("email",))  # the same alerts: already announced
    assert len(notifications.pending_notices(session, loaded.org["insured_a"])) == len(done.opened)


def _notice() -> Notice:
    alert = {"id": ALERT_ID, "cve": "CVE-2023-27997", "priority": 1, "due_by": "2026-09-14",
             "asset": {"hostname": "hz-fw-01"}, "kev": {"listed": True}}  # fmt: skip
    return Notice("opened", "org-1", alert, platform.NOW)


def test_the_webhook_body_is_signed_with_the_installation_key() -> None:
    posted: list[tuple[str, bytes, dict[str, str]]] = []

    def post(url: str, body: bytes, headers: dict[str, str]) -> int:
        posted.append((url, body, headers))
        return 204

    WebhookNotifier("https://hooks.example/cyber", KEY, post).send(_notice())
    (url, body, headers), = posted  # fmt: skip
    assert url == "https://hooks.example/cyber" and json.loads(body)["alert"]["cve"] == "CVE-2023-27997"
    stamp = headers[TIMESTAMP_HEADER]
    expected = hmac.new(KEY, stamp.encode() + b"." + body, hashlib.sha256).hexdigest()  # the receiver's check
    assert headers[SIGNATURE_HEADER] == f"sha256={expected}" and stamp == str(int(platform.NOW.timestamp()))
    tampered = body.replace(b"CVE-2023-27997", b"CVE-2023-00000")
    assert notifications.sign(KEY, stamp, tampered) != headers[SIGNATURE_HEADER]


@pytest.mark.parametrize("outcome", [500, OSError("connection refused")])
def test_a_webhook_that_does_not_answer_2xx_is_a_delivery_error(outcome: int | OSError) -> None:
    def post(url: str, body: bytes, headers: dict[str, str]) -> int:
        if isinstance(outcome, OSError):
            raise outcome
        return outcome

    with pytest.raises(DeliveryError, match="hooks.example"):
        WebhookNotifier("https://hooks.example/cyber", KEY, post).send(_notice())


class FakeSMTP:
    """Stands in for `smtplib.SMTP`: records the connection and the messages; `refuse` makes it fail."""

    sent: list[tuple[str, int, EmailMessage]] = []
    refuse = False

    def __init__(self, host: str, port: int, timeout: float) -> None:
        if FakeSMTP.refuse:
            raise smtplib.SMTPConnectError(421, b"busy")
        self.host, self.port, self.tls = host, port, False

    def __enter__(self) -> FakeSMTP:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def starttls(self) -> None:
        self.tls = True

    def send_message(self, message: EmailMessage) -> None:
        assert self.tls
        FakeSMTP.sent.append((self.host, self.port, message))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_email_goes_to_the_configured_host_in_one_language(lang: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(FakeSMTP, "sent", [])
    notifier = EmailNotifier("mail.example", 2525, "cyberins@insurer.example", ("soc@insured.example",), lang,
                             starttls=True, smtp=FakeSMTP)  # fmt: skip
    notifier.send(_notice())
    (host, port, message), = FakeSMTP.sent  # fmt: skip
    assert (host, port, message["To"], message["From"]) == (
        "mail.example",
        2525,
        "soc@insured.example",
        "cyberins@insurer.example",
    )
    content = message["Subject"] + "\n" + message.get_content()
    for cited in ("CVE-2023-27997", "hz-fw-01", "2026-09-14", ALERT_ID):
        assert cited in content
    names = ("hz-fw-01", "org-1", "CVE-2023-27997", ALERT_ID)
    assert (english_in(content, names) if lang == "zh" else chinese_in(content)) in (set(), [])
    monkeypatch.setattr(FakeSMTP, "refuse", True)
    with pytest.raises(DeliveryError, match="mail.example:2525"):
        notifier.send(_notice())


def test_settings_configure_the_channels(tmp_path: Path) -> None:
    base = Settings(secret_key=SecretStr("s" * 40), database_url=f"sqlite:///{tmp_path / 'db.sqlite'}")
    assert configured_notifiers(base) == []
    both = base.model_copy(update={"notify_webhook_url": "https://hooks.example/x", "smtp_host": "mail.example",
                                   "notify_email_to": "a@example.com, b@example.com"})  # fmt: skip
    hook, mail = configured_notifiers(both)
    assert isinstance(hook, WebhookNotifier) and hook.key == webhook_key(both) and hook.key != b"s" * 40
    assert isinstance(mail, EmailNotifier) and mail.recipients == ("a@example.com", "b@example.com")
    with pytest.raises(Exception, match="CYBERINS_NOTIFY_WEBHOOK_URL"):
        configured_notifiers(base.model_copy(update={"notify_webhook_url": "ftp://x"}))


class LocalSMTP(socketserver.ThreadingTCPServer):
    """A tiny SMTP server on the loopback (aiosmtpd is not a dependency): enough of RFC 5321 for smtplib,
    keeping each message's DATA; while `refuse` is set it answers MAIL with 554."""

    daemon_threads = allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SMTPSession)
        self.messages: list[bytes] = []
        self.refuse = False


class _SMTPSession(socketserver.StreamRequestHandler):
    server: LocalSMTP

    def handle(self) -> None:
        self.wfile.write(b"220 local ESMTP\r\n")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.wfile.write(b"250 local\r\n")
            elif verb == b"MAIL" and self.server.refuse:
                self.wfile.write(b"554 no thanks\r\n")
            elif verb == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                data = b"".join(iter(self.rfile.readline, b".\r\n"))
                self.server.messages.append(data)
                self.wfile.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:  # MAIL, RCPT, RSET, NOOP
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_server() -> Iterator[LocalSMTP]:
    server = LocalSMTP()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_cli_notify_delivers_through_smtp_and_keeps_what_it_cannot(
    installation: str,
    session: Session,
    loaded: World,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
    smtp_server: LocalSMTP,
) -> None:
    done = _scan(session, loaded, clock, ("email",))
    code, out, err = _cli(["monitor", "notify", "--json"])  # no channel configured: nothing sent, nothing lost
    assert (code, json.loads(out)) == (0, {"delivered": [], "failed": {}}), err
    monkeypatch.setenv("CYBERINS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CYBERINS_SMTP_PORT", str(smtp_server.server_address[1]))
    monkeypatch.setenv("CYBERINS_NOTIFY_EMAIL_TO", "soc@insured.example")
    monkeypatch.setenv("CYBERINS_LANG", "en")
    get_settings.cache_clear()
    smtp_server.refuse = True
    code, out, _ = _cli(["monitor", "notify", "--lang", "en"])
    assert code == 1 and f"0 notices delivered, {len(done.opened)} failed (kept to retry)" in out
    session.rollback()  # end the read transaction: see what the command committed
    assert {n.attempts for n in notifications.pending_notices(session, loaded.org["insured_a"])} == {1}
    smtp_server.refuse = False
    code, out, _ = _cli(["monitor", "notify", "--json"])
    assert code == 0 and len(json.loads(out)["delivered"]) == len(done.opened)
    assert len(smtp_server.messages) == len(done.opened)
    assert all(b"Subject: [cyberins] New alert CVE-" in m for m in smtp_server.messages)
    session.rollback()  # end the read transaction: see what the command committed
    assert notifications.pending_notices(session, loaded.org["insured_a"]) == []
