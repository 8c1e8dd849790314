"""Open Exposure Data (OED 4.0.0, cyber class of business) account and location files, both ways.

Export (contract `standards.md` (c)): one account row per policy, one location row per account. Each
coverage maps to its catalog OED cyber coverage (DESIGN.md "Interoperability"); `PolLimit<ABBR>` is the sum
of the sublimits mapped there (at most the aggregate, `LayerLimit`), `PolDed<ABBR>` their smallest retention.
OED 4.0.0 names coverage 13 `LIAB` in `PolCoverage` but its fields `PolLimitLIA`/`PolDedLIA`; OED 5 renamed
the coverage `LIA`, so import reads either. `CYB` (all cyber, our cyber-physical damage) has no sublimit field.

Import is the inverse where OED carries the terms: each abbreviation becomes its first catalog coverage
(`INRE` -> incident_response, `LIAB` -> privacy_liability, ...) with the limit as sublimit and the deductible
as retention, so export -> import -> export gives the same rows. What OED cannot carry is lost: which of
several coverages sharing an abbreviation, waiting and indemnity periods, coinsurance, each-claim limits,
exclusions, conditions, trigger, form and jurisdiction (docs/exchange.md).
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from cyberins.catalog import get_catalog
from cyberins.exchange.book import BookInsured, BookPolicy, OedBook
from cyberins.model.errors import InvalidInput, Problem, Said, os_reason
from cyberins.model.ids import Coverage
from cyberins.model.loading import parse_model, read_csv_rows
from cyberins.model.policy import Policy

OED_VERSION = "4.0.0"
ACCOUNT_FILE = "account.csv"
LOCATION_FILE = "location.csv"
#: All cyber perils (OED peril group CC1 = CSB data and privacy breach + CPD cyber property damage).
ALL_CYBER_PERILS = "CC1"
#: What an import accepts as all cyber perils: the group or its two members.
ALL_CYBER_PERIL_SETS = ({"CC1"}, {"CSB", "CPD"})
INDUSTRY_SCHEME = "NAICS"
#: The one coverage without a sublimit field (OED 16, all cyber).
ALL_CYBER = "CYB"
#: OED 4.0.0's field suffix of coverage 13 (`PolLimitLIA`), whose `PolCoverage` abbreviation is `LIAB`.
FIELD_SUFFIX = {"LIAB": "LIA"}
#: OED 5's abbreviation of coverage 13, read as 4.0.0's.
RENAMED = {"LIA": "LIAB"}

ACCOUNT_HEAD = (
    "PortNumber", "AccNumber", "AccCurrency", "PolNumber", "PolInceptionDate", "PolExpiryDate",
    "PolPerilsCovered", "PolGrossPremium", "LayerParticipation", "LayerLimit", "LayerAttachment", "PolDed",
    "PolCoverage",
)  # fmt: skip
ACCOUNT_TAIL = (
    "InsuredName", "AnnualRevenue", "AnnualRevenueCurrency", "IndustryScheme1", "IndustryCode1", "OEDVersion",
)  # fmt: skip
LOCATION_COLUMNS = ("PortNumber", "AccNumber", "OEDVersion")


def _abbreviations() -> dict[Coverage, str]:
    return {Coverage(cid): entry.oed.name for cid, entry in get_catalog().coverages.items()}


def _oed_codes() -> dict[str, int]:
    return {entry.oed.name: entry.oed.code for entry in get_catalog().coverages.values()}


def _decimal(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")


def _limit_field(abbr: str) -> str:
    return "PolLimit" + FIELD_SUFFIX.get(abbr, abbr)


def _ded_field(abbr: str) -> str:
    return "PolDed" + FIELD_SUFFIX.get(abbr, abbr)


def policy_terms(policy: Policy) -> dict[str, tuple[Decimal, Decimal]]:
    """OED abbreviation -> (limit, deductible) in the policy's coverage order: the sum of the sublimits mapped
    there capped at the aggregate, and their smallest retention."""
    abbreviations = _abbreviations()
    limits: dict[str, Decimal] = {}
    deductibles: dict[str, Decimal] = {}
    for coverage, terms in policy.coverages.items():
        abbr = abbreviations[coverage]
        limits[abbr] = limits.get(abbr, Decimal(0)) + terms.sublimit
        deductibles[abbr] = min(deductibles.get(abbr, terms.retention), terms.retention)
    return {a: (min(limits[a], policy.aggregate_limit), deductibles[a]) for a in limits}


def account_rows(book: OedBook) -> tuple[list[str], list[dict[str, str]]]:
    """The account file's columns and rows: one row per policy, `AccNumber` one per insured (by name)."""
    industries = get_catalog().industries
    accounts: dict[str, str] = {}
    terms_of = [policy_terms(entry.policy) for entry in book.policies]
    used = {abbr for terms in terms_of for abbr in terms if abbr != ALL_CYBER}
    codes = _oed_codes()
    term_columns = [f(a) for a in sorted(used, key=codes.__getitem__) for f in (_limit_field, _ded_field)]
    rows: list[dict[str, str]] = []
    for entry, terms in zip(book.policies, terms_of, strict=True):
        policy, insured = entry.policy, entry.insured
        account = accounts.setdefault(insured.name, f"ACC{len(accounts) + 1:06d}")
        row = {
            "PortNumber": book.name,
            "AccNumber": account,
            "AccCurrency": policy.currency,
            "PolNumber": policy.policy_number or f"{book.name}-{len(rows) + 1}",
            "PolInceptionDate": policy.period.start.isoformat(),
            "PolExpiryDate": policy.period.end.isoformat(),
            "PolPerilsCovered": ALL_CYBER_PERILS,
            "PolGrossPremium": _decimal(entry.premium),
            "LayerParticipation": "1",
            "LayerLimit": _decimal(policy.aggregate_limit),
            "LayerAttachment": "0",
            "PolDed": "0",
            "PolCoverage": ";".join(terms),
            "InsuredName": insured.name,
            "AnnualRevenue": "" if insured.annual_revenue is None else _decimal(insured.annual_revenue),
            "AnnualRevenueCurrency": (insured.currency or "") if insured.annual_revenue is not None else "",
            "IndustryScheme1": INDUSTRY_SCHEME,
            "IndustryCode1": industries[insured.industry].naics.code,
            "OEDVersion": OED_VERSION,
        }
        for column in term_columns:
            row[column] = ""
        for abbr, (limit, deductible) in terms.items():
            if abbr != ALL_CYBER:
                row[_limit_field(abbr)] = _decimal(limit)
                row[_ded_field(abbr)] = _decimal(deductible)
        rows.append(row)
    return [*ACCOUNT_HEAD, *term_columns, *ACCOUNT_TAIL], rows


def location_rows(accounts: Iterable[dict[str, str]]) -> list[dict[str, str]]:
    """One location per account (a cyber account's exposure is the account itself)."""
    seen = dict.fromkeys((row["PortNumber"], row["AccNumber"]) for row in accounts)
    return [{"PortNumber": p, "AccNumber": a, "OEDVersion": OED_VERSION} for p, a in seen]


def write_oed(book: OedBook, folder: Path) -> tuple[Path, Path]:
    """Write `account.csv` and `location.csv` into `folder` (created if missing)."""
    columns, rows = account_rows(book)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        account, location = folder / ACCOUNT_FILE, folder / LOCATION_FILE
        _write_csv(account, columns, rows)
        _write_csv(location, list(LOCATION_COLUMNS), location_rows(rows))
    except OSError as exc:
        raise InvalidInput.one(
            "--out", Said("input.exchange.cannot_write", {"reason": os_reason(exc)}), str(folder)
        ) from None
    return account, location


def _write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


# --- import --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    where: str
    values: dict[str, str]

    def get(self, column: str) -> str:
        return (self.values.get(column) or "").strip()

    def required(self, column: str, problems: list[Problem]) -> str:
        value = self.get(column)
        if not value:
            problems.append(Problem.of(f"{self.where}.{column}", Said("input.oed.required")))
        return value

    def amount(self, column: str, problems: list[Problem], default: Decimal | None = None) -> Decimal | None:
        text = self.get(column)
        if not text:
            return default
        try:
            value = Decimal(text)
        except InvalidOperation:
            problems.append(Problem.of(f"{self.where}.{column}", Said("input.oed.not_number", {"text": repr(text)})))
            return default
        if not value.is_finite() or value < 0:
            said = Said("input.quant.not_non_negative", {"amount": repr(text)})
            problems.append(Problem.of(f"{self.where}.{column}", said))
            return default
        return value


def industry_of_naics(code: str) -> str | None:
    """The catalog industry whose NAICS code is the longest prefix of `code` (a 6-digit code finds its sector)."""
    best: tuple[int, str] | None = None
    for industry_id, entry in get_catalog().industries.items():
        prefix = entry.naics.code
        if code.startswith(prefix) and (best is None or len(prefix) > best[0]):
            best = (len(prefix), industry_id)
    return None if best is None else best[1]


def _first_coverages() -> dict[str, Coverage]:
    """Abbreviation -> the first catalog coverage mapped there (the one an import gives its terms)."""
    first: dict[str, Coverage] = {}
    for coverage, abbr in _abbreviations().items():
        first.setdefault(abbr, coverage)
    return first


def read_oed(folder: Path) -> OedBook:
    """An OED cyber book (account + location files in `folder`) as a book of policies; every problem names
    `account.csv row N.Column`."""
    account_path, location_path = folder / ACCOUNT_FILE, folder / LOCATION_FILE
    accounts = read_csv_rows(account_path, ("PortNumber", "AccNumber", "PolNumber"), "DIR")
    locations = read_csv_rows(location_path, ("PortNumber", "AccNumber"), "DIR")
    if not accounts:
        raise InvalidInput.one(ACCOUNT_FILE, Said("input.exchange.no_accounts"), str(folder))
    problems: list[Problem] = []
    known = {(r["PortNumber"], r["AccNumber"]) for r in accounts}
    for i, loc in enumerate(locations, start=2):
        if (loc["PortNumber"], loc["AccNumber"]) not in known:
            said = Said("input.oed.no_account", {"account": repr(loc["AccNumber"])})
            problems.append(Problem.of(f"{LOCATION_FILE} row {i}.AccNumber", said))
    ports = sorted({r["PortNumber"] for r in accounts})
    if len(ports) != 1:
        said = Said("input.oed.one_portfolio", {"found": ", ".join(ports)})
        problems.append(Problem.of(f"{ACCOUNT_FILE}.PortNumber", said))
    policies = [_policy(_Row(f"{ACCOUNT_FILE} row {i}", r), problems) for i, r in enumerate(accounts, start=2)]
    if problems:
        raise InvalidInput(problems, str(folder))
    return OedBook(ports[0], tuple(p for p in policies if p is not None))


def _policy(row: _Row, problems: list[Problem]) -> BookPolicy | None:
    before = len(problems)
    perils = set(filter(None, row.get("PolPerilsCovered").split(";")))
    if perils and perils not in ALL_CYBER_PERIL_SETS:
        said = Said("input.oed.perils", {"value": repr(row.get("PolPerilsCovered")), "one": "CC1", "other": "CSB;CPD"})
        problems.append(Problem.of(f"{row.where}.PolPerilsCovered", said))
    for column, expected in (
        ("LayerParticipation", Decimal(1)),
        ("LayerAttachment", Decimal(0)),
        ("PolDed", Decimal(0)),
    ):
        if row.amount(column, problems, expected) != expected:
            problems.append(Problem.of(f"{row.where}.{column}", Said("input.oed.whole_layer", {"expected": expected})))
    aggregate = row.amount("LayerLimit", problems)
    if aggregate is None:
        problems.append(Problem.of(f"{row.where}.LayerLimit", Said("input.oed.layer_limit")))
    first = _first_coverages()
    coverages: dict[str, Any] = {}
    for abbr in filter(None, row.get("PolCoverage").split(";")):
        abbr = RENAMED.get(abbr.strip(), abbr.strip())
        if abbr not in first:
            problems.append(Problem.of(f"{row.where}.PolCoverage", Said("input.oed.no_coverage", {"abbr": repr(abbr)})))
            continue
        limit: Decimal | None
        ded: Decimal | None
        if abbr == ALL_CYBER:
            limit, ded = aggregate, Decimal(0)
        else:
            limit = row.amount(_limit_field(abbr), problems) or aggregate
            ded = row.amount(_ded_field(abbr), problems, Decimal(0))
        coverages[first[abbr].value] = {"sublimit": str(limit), "retention": str(ded)}
    if not coverages:
        problems.append(Problem.of(f"{row.where}.PolCoverage", Said("input.oed.coverages", {"separator": ";"})))
    naics = row.get("IndustryCode1")
    industry = industry_of_naics(naics) if row.get("IndustryScheme1") == INDUSTRY_SCHEME else None
    if industry is None:
        problems.append(Problem.of(f"{row.where}.IndustryCode1", Said("input.oed.naics", {"code": repr(naics)})))
    insured_name = row.required("InsuredName", problems)
    data = {
        "policy_number": row.required("PolNumber", problems),
        "insured": {"name": insured_name},
        "currency": row.required("AccCurrency", problems),
        "period": {"start": row.required("PolInceptionDate", problems), "end": row.required("PolExpiryDate", problems)},
        "aggregate_limit": str(aggregate),
        "coverages": coverages,
    }
    premium = row.amount("PolGrossPremium", problems, Decimal(0))
    if len(problems) > before:
        return None
    try:
        policy = parse_model(Policy, data)
        revenue = row.amount("AnnualRevenue", problems)
        insured = parse_model(
            BookInsured,
            {
                "name": insured_name,
                "industry": industry,
                "annual_revenue": str(revenue) if revenue else None,
                "currency": row.get("AnnualRevenueCurrency") or None,
            },
        )
    except InvalidInput as exc:
        problems.extend(dataclasses.replace(p, field=f"{row.where}.{p.field}") for p in exc.problems)
        return None
    return BookPolicy(policy, insured, premium or Decimal(0))


def book_document(book: OedBook) -> dict[str, Any]:
    """A BOOK document (contract (c)) with the policies and profiles inline, as `load_oed_book` reads it."""
    return {
        "name": book.name,
        "policies": [
            {
                "policy": entry.policy.model_dump(mode="json", exclude_defaults=True),
                "profile": entry.insured.model_dump(mode="json", exclude_none=True),
                "premium": _decimal(entry.premium),
            }
            for entry in book.policies
        ],
    }
