"""Asset inventories: the rows a scan matches, read from CSV, JSON or Nmap XML (contract `monitoring.md` §2).

One `AssetRow` per component (a host with several products has several rows sharing its `hostname`). Every
row's CPE is a valid CPE 2.3 formatted string, as given or built from vendor, product and version. Nmap
service detection also yields outside-in signals (`rdp_exposed`, `risky_services`) from the open ports.
Bad input raises `InvalidInput` naming the file, the row (CSV: the file's line number, header = 1; JSON: the
0-based index; Nmap: the host and port) and the column.
"""

from __future__ import annotations

import csv
import io
import ipaddress
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast, get_args
from urllib.parse import quote, unquote
from xml.parsers import expat

from cyberins.model.errors import InvalidInput, InvalidValue, Problem, Said, english_only, os_reason
from cyberins.model.loading import read_document
from cyberins.model.messages import has
from cyberins.monitor.cpe import build_cpe, parse_cpe, uri_to_formatted

Criticality = Literal["high", "medium", "low"]
CRITICALITIES: tuple[str, ...] = get_args(Criticality)
PARTS = ("a", "o", "h")
#: The columns every CSV inventory holds (as `example_assets.csv`); `criticality` and `part` are optional.
REQUIRED = ("hostname", "ip", "vendor", "product", "version", "cpe", "role", "internet_facing")
OPTIONAL = ("criticality", "part")
#: Open TCP/UDP ports that are outside-in signals of the risk model (`ExposureSignals.risky_services`).
RISKY_PORTS: Mapping[int, str] = {
    445: "smb", 23: "telnet", 21: "ftp", 3306: "database", 5432: "database", 1433: "database", 5900: "vnc",
    161: "snmp",
}  # fmt: skip
RDP_PORT = 3389
#: Problems reported before giving up on a file: enough to fix a column of mistakes in one go.
MAX_PROBLEMS = 20


@dataclass(frozen=True)
class AssetRow:
    """One component of one host. `cpe` is the row's CPE 2.3 formatted string (as given, or built)."""

    hostname: str
    ip: str
    vendor: str
    product: str
    version: str
    cpe: str
    role: str
    internet_facing: bool
    criticality: Criticality = "medium"
    part: str = "a"
    #: Where the row is in its file: `row 3` (CSV line), `[2]` (JSON index) or `host web-1, port 443/tcp`.
    where: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "hostname": self.hostname, "ip": self.ip, "vendor": self.vendor, "product": self.product,
            "version": self.version, "cpe": self.cpe, "role": self.role, "internet_facing": self.internet_facing,
            "criticality": self.criticality, "part": self.part,
        }  # fmt: skip


@dataclass(frozen=True)
class Inventory:
    """The rows of one inventory file and what its open ports say (Nmap only; CSV and JSON list no ports)."""

    source: str
    rows: tuple[AssetRow, ...]
    rdp_exposed: bool = False
    risky_services: tuple[str, ...] = ()

    @property
    def hosts(self) -> dict[str, tuple[AssetRow, ...]]:
        """Rows by hostname, in file order."""
        out: dict[str, list[AssetRow]] = {}
        for row in self.rows:
            out.setdefault(row.hostname, []).append(row)
        return {host: tuple(rows) for host, rows in out.items()}


def read_assets(path: Path) -> Inventory:
    """Read an inventory by its extension: `.csv`, `.json` or Nmap `-sV -oX` `.xml`."""
    suffix = path.suffix.lower()
    readers = {".csv": _read_csv, ".json": _read_json, ".xml": _read_nmap}
    if suffix not in readers:
        said = Said("input.unknown_format", {"suffix": repr(suffix or "—"), "formats": ".csv, .json, .xml"})
        raise InvalidInput.one("", said, str(path))
    return readers[suffix](path)


class _Problems:
    """Problems of one file, collected row by row and raised together (at most `MAX_PROBLEMS`)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[Problem] = []

    def add(self, where: str, column: str, said: Said) -> None:
        # JSON rows are paths (`[2].cpe`); CSV and Nmap rows are named in words (`row 3, cpe`)
        field = f"{where}.{column}" if where.startswith("[") else f"{where}, {column}"
        self.items.append(Problem.of(field, said))
        if len(self.items) >= MAX_PROBLEMS:
            self.raise_if_any()

    def raise_if_any(self) -> None:
        if self.items:
            raise InvalidInput(self.items, self.source)


def asset_row(values: Mapping[str, Any], where: str, problems: _Problems, *, json_: bool = False) -> AssetRow | None:
    """One row from its column values (CSV text, or JSON values); None after adding its problems."""
    before = len(problems.items)

    def text(column: str, *, required: bool = False) -> str:
        value = values.get(column)
        if value is None:
            value = ""
        if not isinstance(value, str):
            problems.add(where, column, Said("input.inventory.not_text", {"kind": _kind(value)}))
            return ""
        if required and not value.strip():
            problems.add(where, column, Said("input.inventory.empty"))
        return value.strip()

    hostname = text("hostname", required=True)
    ip = text("ip")
    if ip:
        try:
            ipaddress.ip_address(ip)
        except ValueError:
            problems.add(where, "ip", Said("input.inventory.not_ip", {"value": repr(ip)}))
    facing = _facing(values.get("internet_facing"), json_)
    if facing is None:
        said = Said("input.inventory.not_json_bool" if json_ else "input.inventory.not_bool")
        problems.add(where, "internet_facing", Said(said.id, {"value": repr(values.get("internet_facing"))}))
    criticality = text("criticality").lower() or "medium"
    if criticality not in CRITICALITIES:
        problems.add(where, "criticality", _not_one_of(criticality, CRITICALITIES))
    part = text("part").lower() or "a"
    if part not in PARTS:
        problems.add(where, "part", _not_one_of(part, PARTS))
    vendor, product, version, role = text("vendor"), text("product"), text("version"), text("role")
    cpe = text("cpe")
    if cpe:
        try:
            parse_cpe(cpe, asset=True)
        except ValueError as exc:
            problems.add(where, "cpe", _why(exc))
    elif vendor and product and part in PARTS:
        cpe = build_cpe(part, vendor, product, version)
        try:
            parse_cpe(cpe, asset=True)
        except ValueError as exc:
            problems.add(where, "cpe", Said("input.inventory.built_cpe", {"why": _why(exc)}))
    else:
        problems.add(where, "cpe", Said("input.inventory.no_cpe"))
    if len(problems.items) > before:
        return None
    part = cpe.split(":")[2]  # the CPE wins over the `part` column
    return AssetRow(
        hostname,
        ip,
        vendor,
        product,
        version,
        cpe,
        role,
        bool(facing),
        cast(Criticality, criticality),
        part,
        where,
    )


def _kind(value: Any) -> Said | str:
    """What a value is instead of text or an object, in words (`input.kind.*`), else its Python type's name."""
    kind = type(value).__name__
    return Said(f"input.kind.{kind}") if has(f"input.kind.{kind}") else kind


def _not_one_of(value: str, known: Iterable[str]) -> Said:
    return Said("input.inventory.not_one_of", {"value": repr(value), "known": ", ".join(known)})


def _why(exc: ValueError) -> Said:
    """Why the CPE parser refused a value: its catalogue sentence (every refusal of `monitor.cpe` has one)."""
    return (
        exc.said
        if isinstance(exc, InvalidValue)
        else Said("input.inventory.invalid", {"detail": english_only(str(exc))})
    )


def _facing(value: Any, json_: bool) -> bool | None:
    if json_:
        return value if isinstance(value, bool) else None
    text = value.strip().lower() if isinstance(value, str) else None
    return {"true": True, "false": False}.get(text or "")


def _read_csv(path: Path) -> Inventory:
    source = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")  # the BOM Excel writes is not part of the header
    except OSError as exc:
        raise InvalidInput.one("", Said("input.cannot_read", {"reason": os_reason(exc)}), source) from None
    except UnicodeDecodeError as exc:
        raise InvalidInput.one("", Said("input.not_utf8", {"byte": exc.start}), source) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InvalidInput.one("", Said("input.empty_csv"), source) from None
    except csv.Error as exc:
        raise InvalidInput.one(
            "row 1", Said("input.malformed_csv", {"detail": english_only(str(exc))}), source
        ) from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        said = Said("input.column_missing")
        raise InvalidInput([Problem.of(c, said) for c in missing], source)
    problems, rows = _Problems(source), []
    line = reader.line_num  # the file line a record starts on: a quoted field may span lines (RFC 4180)
    while True:
        start = line + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.add(f"row {start}", "(row)", Said("input.malformed_csv", {"detail": english_only(str(exc))}))
            break
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        where = f"row {start}"
        if len(record) != len(header):
            problems.add(where, "(row)", Said("input.inventory.fields", {"n": len(record), "header": len(header)}))
            continue
        row = asset_row(dict(zip(header, record, strict=True)), where, problems)
        if row is not None:
            rows.append(row)
    problems.raise_if_any()
    return Inventory(source, tuple(rows))


def _read_json(path: Path) -> Inventory:
    return json_inventory(read_document(path), str(path))


def json_inventory(data: Any, source: str) -> Inventory:
    """An inventory from JSON values already read (a file's, or an API body's `assets`): a list of objects
    with the CSV columns, `internet_facing` boolean; problems name `[i].column`."""
    if not isinstance(data, list):
        raise InvalidInput.one("", Said("input.not_asset_list"), source)
    problems, rows = _Problems(source), []
    for i, item in enumerate(data):
        where = f"[{i}]"
        if not isinstance(item, dict):
            problems.add(where, "(item)", Said("input.inventory.not_object", {"kind": _kind(item)}))
            continue
        missing = [c for c in REQUIRED if c not in item]
        for column in missing:
            problems.add(where, column, Said("input.inventory.key_missing"))
        if not missing:
            row = asset_row(item, where, problems, json_=True)
            if row is not None:
                rows.append(row)
    problems.raise_if_any()
    return Inventory(source, tuple(rows))


class _ForbiddenXml(ValueError):
    pass


def _forbid(*_: object) -> None:
    raise _ForbiddenXml("entity declarations and external references are not allowed in an inventory")


def parse_xml(data: bytes) -> ET.Element:
    """An element tree from Expat with entity declarations refused (no "billion laughs", no external entities):
    a DOCTYPE may name the document type, as Nmap writes it, but declare nothing."""
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    for handler in ("EntityDeclHandler", "UnparsedEntityDeclHandler", "ExternalEntityRefHandler"):
        setattr(parser, handler, _forbid)
    parser.Parse(data, True)
    return builder.close()


def _read_nmap(path: Path) -> Inventory:
    source = str(path)
    try:
        root = parse_xml(path.read_bytes())
    except OSError as exc:
        raise InvalidInput.one("", Said("input.cannot_read", {"reason": os_reason(exc)}), source) from None
    except _ForbiddenXml:
        raise InvalidInput.one("", Said("input.monitor.xml_entities"), source) from None
    except expat.ExpatError as exc:
        at = {"line": exc.lineno, "column": exc.offset + 1}
        said = Said("input.malformed_xml", {**at, "detail": english_only(expat.ErrorString(exc.code))})
        raise InvalidInput.one("", said, source) from None
    if root.tag != "nmaprun":
        raise InvalidInput.one("", Said("input.monitor.not_nmap", {"root": root.tag, "expected": "nmaprun"}), source)
    problems, rows = _Problems(source), list[AssetRow]()
    rdp, risky = False, set[str]()
    for index, host in enumerate(root.iter("host"), start=1):
        status = host.find("status")
        if status is not None and status.get("state", "up") != "up":
            continue
        ip = _address(host)
        hostname = next((h.get("name", "") for h in host.iter("hostname") if h.get("name")), "") or ip
        if not hostname:
            problems.add(
                f"host #{index}",
                "address",
                Said("input.inventory.no_host", {"name": "<hostname>", "address": "<address>"}),
            )
            continue
        seen: set[str] = set()
        for port in host.iter("port"):
            state = port.find("state")
            if state is None or state.get("state") != "open":
                continue
            portid = port.get("portid", "")
            number = int(portid) if portid.isdigit() else 0
            rdp |= number == RDP_PORT
            if number in RISKY_PORTS:
                risky.add(RISKY_PORTS[number])
            service = port.find("service")
            if service is None:
                continue
            where = f"host {hostname}, port {number}/{port.get('protocol', 'tcp')}"
            role = f"{service.get('name', 'service')} on {number}/{port.get('protocol', 'tcp')}"
            version = (service.get("version") or "").split(" ")[0]
            for element in service.iter("cpe"):
                _nmap_row(element.text or "", version, hostname, ip, role, where, seen, rows, problems)
        for osclass in host.iter("osclass"):
            for element in osclass.iter("cpe"):
                where = f"host {hostname}, osclass"
                _nmap_row(element.text or "", "", hostname, ip, "operating system", where, seen, rows, problems)
    problems.raise_if_any()
    return Inventory(source, tuple(rows), rdp, tuple(s for s in dict.fromkeys(RISKY_PORTS.values()) if s in risky))


def _address(host: ET.Element) -> str:
    addresses = {a.get("addrtype"): a.get("addr", "") for a in host.iter("address")}
    return addresses.get("ipv4") or addresses.get("ipv6") or ""


def _nmap_row(
    uri: str,
    version: str,
    hostname: str,
    ip: str,
    role: str,
    where: str,
    seen: set[str],
    rows: list[AssetRow],
    problems: _Problems,
) -> None:
    """A row for one Nmap `<cpe>` (a CPE 2.2 URI), the service version filling a missing one."""
    uri = uri.strip()
    parts = uri.removeprefix("cpe:/").split(":")
    if not uri.startswith("cpe:/") or len(parts) < 3 or parts[0] not in PARTS:
        problems.add(
            where, "cpe", Said("input.inventory.not_uri", {"uri": repr(uri), "form": "cpe:/part:vendor:product..."})
        )
        return
    if version and (len(parts) < 4 or parts[3] in ("", "*")):
        parts = [*parts[:3], quote(version, safe=""), *parts[4:]]
    try:
        cpe = uri_to_formatted("cpe:/" + ":".join(parts))
        parse_cpe(cpe, asset=True)
    except ValueError as exc:
        problems.add(where, "cpe", Said("input.inventory.uri", {"uri": repr(uri), "why": _why(exc)}))
        return
    if cpe in seen:
        return
    seen.add(cpe)
    rows.append(
        AssetRow(
            hostname,
            ip,
            unquote(parts[1]),
            unquote(parts[2]),
            unquote(parts[3]) if len(parts) > 3 else "",
            cpe,
            role,
            True,
            "medium",
            parts[0],
            where,
        )  # fmt: skip
    )
