"""Verifying the audit log and reconciling the data it protects.

Two checks, each discrepancy named with its kind:

- every chain is recomputed from its first entry (`chain_break`: an entry edited, deleted, moved or
  re-hashed without the key; `head_mismatch`: the head row, or an anchor the operator published, differs
  from the recomputed last hash: a truncated or re-chained tail);
- every audited row is reconciled with the last entry about it (`edited`: its columns no longer match the
  entry's after-digest, or the entry itself is not authentic; `unaudited`: a row no entry names, such as a
  payment inserted by SQL; `deleted`: a row the log says exists is gone).

The operator (CLI) checks everything. An insurer's admin (API) checks its own chain and the rows it owns,
and learns nothing of other tenants: no count, id or head of theirs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from cyberins.model.errors import Said
from cyberins.services import audit
from cyberins.services.access import Action, Principal, require
from cyberins.store.models import (
    ApiKey,
    CaseReserveRecord,
    FeedLoad,
    Incident,
    Organization,
    Payment,
    PolicyRecord,
    ReinsuranceProgramme,
    Relationship,
    ServiceOffer,
    ServiceSubscription,
    SignInLock,
    Submission,
    User,
)
from cyberins.store.models.platform import GENESIS_HASH, LEGACY_CHAIN
from cyberins.store.repos import audit as repo


class Kind(StrEnum):
    EDITED = "edited"
    UNAUDITED = "unaudited"
    DELETED = "deleted"
    CHAIN_BREAK = "chain_break"
    HEAD_MISMATCH = "head_mismatch"


@dataclass(frozen=True)
class Audited:
    """A table whose rows the log protects, and the columns naming the organization that owns a row."""

    model: type[Any]
    owners: tuple[str, ...]


#: Every `entity_type` that `audit.record` is called with, and its table.
AUDITED: Mapping[str, Audited] = {
    "organization": Audited(Organization, ("id",)),
    "user": Audited(User, ("org_id",)),
    "api_key": Audited(ApiKey, ("org_id",)),
    "relationship": Audited(Relationship, ("from_org_id", "to_org_id")),
    "submission": Audited(Submission, ("insurer_org_id",)),
    "policy": Audited(PolicyRecord, ("insurer_org_id",)),
    "incident": Audited(Incident, ("insurer_org_id",)),
    "payment": Audited(Payment, ("insurer_org_id",)),
    "case_reserve": Audited(CaseReserveRecord, ("insurer_org_id",)),
    "service": Audited(ServiceOffer, ("provider_org_id",)),
    "service_subscription": Audited(ServiceSubscription, ("insured_org_id",)),
    "reinsurance_programme": Audited(ReinsuranceProgramme, ("insurer_org_id",)),
    # a lock belongs to an account or an address, no tenant: the operator's check covers it
    "sign_in_lock": Audited(SignInLock, ()),
    # a feed load is platform data (public feeds), no tenant's: the operator's check covers it
    "feed_load": Audited(FeedLoad, ()),
}

#: The audited entity type of each audited table.
ENTITY_OF_TABLE: Mapping[str, str] = {audited.model.__tablename__: name for name, audited in AUDITED.items()}


@dataclass(frozen=True)
class Discrepancy:
    kind: Kind
    #: `audit_entry` (with `chain:chain_seq` as id) or `audit_chain` for the log itself, else an entity type.
    entity_type: str
    entity_id: str
    #: What is wrong, in either language (`said.in_lang`); `detail` is the English text the JSON carries.
    said: Said

    @property
    def detail(self) -> str:
        return str(self.said)


@dataclass(frozen=True)
class ChainState:
    chain: str
    entries: int
    head_hash: str


@dataclass
class AuditReport:
    chains: list[ChainState] = field(default_factory=list)
    entities: int = 0
    discrepancies: list[Discrepancy] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.discrepancies

    @property
    def entries(self) -> int:
        """Entries in the chains checked."""
        return sum(chain.entries for chain in self.chains)


def verify(session: Session, actor: Principal) -> AuditReport:
    """An insurer admin's check of its own chain and of the rows its organization owns."""
    require(actor, Action.VERIFY_AUDIT)
    key = audit.audit_key(session)
    report = AuditReport()
    chain = audit.chain_of(actor)
    _check_chain(session, key, chain, repo.heads(session, [chain]).get(chain), report, None)
    for entity_type, audited in AUDITED.items():
        if not audited.owners:
            continue
        owner = repo.Owner(actor.org_id, audited.owners)
        rows = repo.rows_owned_by(session, audited.model, owner)
        # rows its chain wrote that exist no more (those of other owners it acted on are theirs to check)
        gone = repo.gone_in_chain(session, chain, entity_type, audited.model)
        last = repo.last_entries(session, entity_type, audited.model, owner, also=gone)
        _reconcile(key, entity_type, rows, last, gone, report)
    return report


def verify_all(session: Session, expected_heads: Mapping[str, str] | None = None) -> AuditReport:
    """The operator's check: every chain (against `expected_heads`, chain -> published hash, where given)
    and every audited row."""
    key = audit.audit_key(session)
    report = AuditReport()
    heads = repo.heads(session)
    expected = dict(expected_heads or {})
    for chain in sorted(set(heads) | set(repo.chains_in_log(session)) | set(expected)):
        _check_chain(session, key, chain, heads.get(chain), report, expected.get(chain))
    for entity_type, audited in AUDITED.items():
        rows = repo.all_rows(session, audited.model)
        last = repo.last_entries(session, entity_type)
        _reconcile(key, entity_type, rows, last, set(last) - {row.id for row in rows}, report)
    return report


def _check_chain(
    session: Session, key: bytes, chain: str, head: Any | None, report: AuditReport, expected: str | None
) -> None:
    """Recompute one chain; name its first bad entry, then compare its end with the head row and the anchor."""
    prev = GENESIS_HASH if chain == LEGACY_CHAIN else repo.origin(session)
    count, last_seq = 0, 0
    broken = False
    for entry in repo.chain_entries(session, chain):
        count += 1
        problem: Said | None = None
        if entry.chain_seq != count:
            problem = Said("audit.detail.moved", {"count": count, "found": entry.chain_seq})
        elif entry.seq <= last_seq:  # `seq` picks an entity's last entry across chains: it must follow the chain
            problem = Said("audit.detail.reordered", {"seq": entry.seq, "last": last_seq})
        elif entry.prev_hash != prev:
            problem = Said("audit.detail.prev_hash")
        elif audit.entry_hash(entry, key) != entry.hash:
            problem = Said("audit.detail.content")
        if problem:
            report.discrepancies.append(Discrepancy(Kind.CHAIN_BREAK, "audit_entry", f"{chain}:{count}", problem))
            broken = True
            break
        prev, last_seq = entry.hash, entry.seq
    if not broken:
        if head is None and count:
            problem = Said("audit.detail.no_head")
            report.discrepancies.append(Discrepancy(Kind.HEAD_MISMATCH, "audit_chain", chain, problem))
        elif head is not None and (head.seq != count or head.hash != prev):
            problem = Said("audit.detail.head_says", {"seq": head.seq, "hash": head.hash[:12], "count": count})
            report.discrepancies.append(Discrepancy(Kind.HEAD_MISMATCH, "audit_chain", chain, problem))
        if expected is not None and expected != prev:
            problem = Said("audit.detail.anchor", {"last": prev[:12], "expected": expected[:12]})
            report.discrepancies.append(Discrepancy(Kind.HEAD_MISMATCH, "audit_chain", chain, problem))
    report.chains.append(ChainState(chain, count, prev))


def _reconcile(
    key: bytes, entity_type: str, rows: list[Any], last: Mapping[str, Any], gone: set[str], report: AuditReport
) -> None:
    """Each row against the last entry about it; each id in `gone` (recorded, no row) against its entry."""
    present = {row.id: row for row in rows}
    report.entities += len(present)
    for entity_id, row in present.items():
        entry = last.get(entity_id)
        if entry is None:
            problem = Said("audit.detail.unaudited")
            report.discrepancies.append(Discrepancy(Kind.UNAUDITED, entity_type, entity_id, problem))
        elif audit.entry_hash(entry, key) != entry.hash:
            problem = Said("audit.detail.not_authentic", {"entry": f"{entry.chain}:{entry.chain_seq}"})
            report.discrepancies.append(Discrepancy(Kind.EDITED, entity_type, entity_id, problem))
        elif audit.digest(row) != entry.after_digest:
            problem = Said(
                "audit.detail.columns_differ", {"action": entry.action, "entry": f"{entry.chain}:{entry.chain_seq}"}
            )
            report.discrepancies.append(Discrepancy(Kind.EDITED, entity_type, entity_id, problem))
    for entity_id in sorted(gone):
        entry = last[entity_id]
        if entry.after_digest is not None:
            problem = Said("audit.detail.gone", {"action": entry.action, "entry": f"{entry.chain}:{entry.chain_seq}"})
            report.discrepancies.append(Discrepancy(Kind.DELETED, entity_type, entity_id, problem))


def published_heads(session: Session, chains: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """Chain -> {seq, hash} of the head rows (all, or those named), to keep outside the database."""
    return {chain: {"seq": head.seq, "hash": head.hash} for chain, head in sorted(repo.heads(session, chains).items())}


def as_dict(report: AuditReport) -> dict[str, Any]:
    """The report as plain JSON-ready data."""
    return {
        "ok": report.ok,
        "entries": report.entries,
        "entities": report.entities,
        "chains": [{"chain": c.chain, "entries": c.entries, "head_hash": c.head_hash} for c in report.chains],
        "discrepancies": [
            {"kind": d.kind.value, "entity_type": d.entity_type, "entity_id": d.entity_id, "detail": d.detail}
            for d in report.discrepancies
        ],
    }
