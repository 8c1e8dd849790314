"""Match inventory rows (CPE 2.3 names) against NVD applicability configurations: two tiers, indexed.

The semantics are contract §4 (`../shared/contracts/monitoring.md`), from these sources:

- name matching: NISTIR 7696 (CPE 2.3 Name Matching, 2011), table 6-2, the relation of a source (entry)
  attribute value to a target (asset) value: EQUAL, SUPERSET, SUBSET or DISJOINT (`relate`);
- configurations: the NVD CVE API 2.0 schema (`configurations[].nodes[].cpeMatch[]`, `operator`, `negate`,
  `vulnerable`, `versionStart*`/`versionEnd*`); platform entries (`vulnerable: false`) must be met by the same
  host;
- the version order of range bounds: `cyberins.monitor.versions`; vendor aliases: `monitor/data/aliases.yaml`.

An entry against an asset gives a tier: `confirmed` (every attribute of the asset is named at least as
precisely as the entry asks: SUPERSET or EQUAL), `possible` (some attribute is less precise, SUBSET: the
asset says `*` where the entry names a value, or a range entry meets an asset version `*` or `-`; those
attribute names are `uncertain`) or none. One `Match` per (row, CVE) with the best tier over the record's
configurations; ties go to the first configuration, and in it the first `vulnerable: true` entry, in feed order.

Indexing: entries are indexed by (vendor, product) after aliasing (and by vendor alone, product alone, for
assets that leave one of them `*`); entries whose vendor or product is `*`, `-` or a pattern sit in a side list
checked for every asset. Each distinct CPE string is matched once, so a scan costs about
(distinct CPEs × entries sharing their vendor and product) + (rows × candidate CVEs), never rows × records.

>>> matcher = Matcher([("CVE-2021-41773", [{"nodes": [{"operator": "OR", "negate": False, "cpeMatch": [
...     {"vulnerable": True, "criteria": "cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*"}]}]}])])
>>> [(m.row, m.cve, m.tier) for m in matcher.scan([("web", "cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*"),
...                                                ("web", "cpe:2.3:a:apache:http_server:*:*:*:*:*:*:*:*")])]
[(0, 'CVE-2021-41773', 'confirmed'), (1, 'CVE-2021-41773', 'possible')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from functools import lru_cache
from itertools import chain
from typing import Any, Literal

from cyberins.monitor.aliases import load_aliases
from cyberins.monitor.cpe import ANY, ATTRIBUTES, NA, has_wildcard, logical, parse_cpe
from cyberins.monitor.versions import BOUNDS, in_range, split_update_suffix


class Relation(IntEnum):
    """NISTIR 7696 §6.2 attribute comparison results (source = entry, target = asset)."""

    DISJOINT = 0
    SUBSET = 1
    SUPERSET = 2
    EQUAL = 3


class Tier(IntEnum):
    """Match confidence, ordered: none < possible < confirmed."""

    NONE = 0
    POSSIBLE = 1
    CONFIRMED = 2


class Kind(IntEnum):
    """The logical kind of an attribute value (NISTIR 7695 §5.3.1)."""

    ANY = 0
    NA = 1
    VALUE = 2
    PATTERN = 3  # a source value with unescaped `*` or `?`


@dataclass(frozen=True, slots=True)
class Term:
    """One attribute value, compiled: its kind, its logical text (lower case, escapes removed), its pattern."""

    kind: Kind
    text: str
    pattern: re.Pattern[str] | None = None


_ANY_TERM = Term(Kind.ANY, ANY)
_NA_TERM = Term(Kind.NA, NA)
_VERSION, _UPDATE = ATTRIBUTES.index("version"), ATTRIBUTES.index("update")


@lru_cache(maxsize=1 << 16)
def term(value: str) -> Term:
    """Compile a formatted-string attribute value (`*` ANY, `-` NA, a pattern, or a value)."""
    if value == ANY:
        return _ANY_TERM
    if value == NA:
        return _NA_TERM
    if has_wildcard(value):
        return Term(Kind.PATTERN, logical(value), _pattern(value))
    return Term(Kind.VALUE, logical(value))


def _pattern(value: str) -> re.Pattern[str]:
    """NISTIR 7696 §6.3: unescaped `*` is any run of characters, `?` exactly one; the rest literal."""
    parts: list[str] = []
    chars = iter(value.lower())
    for char in chars:
        if char == "\\":
            parts.append(re.escape(next(chars, "\\")))
        elif char == "*":
            parts.append(".*")
        elif char == "?":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.DOTALL)


# Enum members bound to module names: a global lookup is much cheaper than `Kind.ANY` in the hot loops.
K_ANY, K_NA, K_VALUE = Kind.ANY, Kind.NA, Kind.VALUE
EQUAL, SUPERSET, SUBSET, DISJOINT = Relation.EQUAL, Relation.SUPERSET, Relation.SUBSET, Relation.DISJOINT
NONE, POSSIBLE, CONFIRMED = Tier.NONE, Tier.POSSIBLE, Tier.CONFIRMED


def relate(source: Term, target: Term) -> Relation:
    """The relation of an entry value to an asset value, NISTIR 7696 table 6-2 (contract §4)."""
    if source.kind is target.kind and source.text == target.text:
        return EQUAL  # ANY/ANY, NA/NA, x/x
    if source.kind is K_ANY:
        return SUPERSET
    if target.kind is K_ANY:
        return SUBSET
    if source.pattern is None or target.kind is K_NA:
        return DISJOINT  # NA on either side, or two different values
    return SUPERSET if source.pattern.fullmatch(target.text) else DISJOINT


def compile_name(text: str, aliases: Mapping[tuple[str, str], str], *, asset: bool) -> tuple[Term, ...]:
    """The 11 terms of a CPE 2.3 name, its vendor replaced by an alias's (`ValueError` when malformed)."""
    terms = tuple(term(value) for value in parse_cpe(text, asset=asset, grammar=asset).values())
    vendor, product = terms[1], terms[2]
    if vendor.kind is Kind.VALUE and product.kind is Kind.VALUE:
        canonical = aliases.get((vendor.text, product.text))
        if canonical is not None:
            return (terms[0], Term(Kind.VALUE, canonical), *terms[2:])
    return terms


@dataclass(frozen=True, slots=True)
class Entry:
    """An NVD `cpeMatch` item, compiled; `active` lists the attributes it constrains (not ANY, or a range)."""

    record: int
    configuration: int
    vulnerable: bool
    criteria: str
    bounds: dict[str, str]
    terms: tuple[Term, ...]
    active: tuple[int, ...]
    names_update: bool  # no range and a concrete update: rule (3) reads `2.0-beta9` as 2.0 update beta9


def compile_entry(
    item: Mapping[str, Any], record: int, configuration: int, aliases: Mapping[tuple[str, str], str]
) -> Entry:
    """Compile one `cpeMatch` item of record `record`'s configuration `configuration`."""
    criteria = str(item.get("criteria", ""))
    bounds = {key: str(item[key]) for key in BOUNDS if item.get(key) is not None}
    try:
        terms = compile_name(criteria, aliases, asset=False)
    except ValueError:  # a malformed criteria never matches (the feed loader reports it)
        terms = ()
    active = tuple(i for i, t in enumerate(terms) if t.kind is not Kind.ANY or (i == _VERSION and bounds))
    names_update = bool(terms) and not bounds and terms[_UPDATE].kind in (Kind.VALUE, Kind.PATTERN)
    vulnerable = bool(item.get("vulnerable", True))
    return Entry(record, configuration, vulnerable, criteria, bounds, terms, active, names_update)


def entry_result(entry: Entry, asset: tuple[Term, ...]) -> tuple[Tier, tuple[str, ...]]:
    """Rules (1)-(4) of contract §4: the tier of an entry against one asset, and the SUBSET attributes."""
    source = entry.terms
    if not source:
        return NONE, ()
    vendor = relate(source[1], asset[1])  # vendor and product first: they settle most pairs
    if vendor is DISJOINT:
        return NONE, ()
    product = relate(source[2], asset[2])
    if product is DISJOINT:
        return NONE, ()
    if (vendor is SUBSET and product is SUPERSET) or (vendor is SUPERSET and product is SUBSET):  # rule (1)
        return NONE, ()
    if entry.names_update and asset[_UPDATE].kind is K_ANY and asset[_VERSION].kind is K_VALUE:
        split = split_update_suffix(asset[_VERSION].text)
        if split is not None:  # rule (3)
            version, update = split
            asset = (*asset[:_VERSION], Term(K_VALUE, version), Term(K_VALUE, update), *asset[_UPDATE + 1 :])
    uncertain = []
    if vendor is SUBSET:
        uncertain.append(1)
    if product is SUBSET:
        uncertain.append(2)
    for i in entry.active:
        if i == 1 or i == 2:
            continue
        relation = relate(source[i], asset[i])
        if relation is DISJOINT:
            return NONE, ()
        if i == _VERSION and entry.bounds:  # rule (2)
            if asset[i].kind is K_ANY or asset[i].kind is K_NA:
                relation = SUBSET
            elif not in_range(asset[i].text, entry.bounds):
                return NONE, ()
        if relation is SUBSET:
            uncertain.append(i)
    if not uncertain:
        return CONFIRMED, ()
    return POSSIBLE, tuple(ATTRIBUTES[i] for i in sorted(uncertain))


@dataclass(frozen=True, slots=True)
class Node:
    """A configuration node: AND takes the worst of its entries and children, OR the best; negate swaps."""

    conjunctive: bool
    negate: bool
    entries: tuple[int, ...]
    children: tuple[Node, ...] = ()


@dataclass(frozen=True, slots=True)
class Configuration:
    conjunctive: bool
    negate: bool
    nodes: tuple[Node, ...]
    vulnerable: tuple[int, ...]  # its vulnerable:true entries, in feed order
    platform: tuple[int, ...]  # its vulnerable:false entries
    simple: bool  # OR all the way, no negate, no platform: its result on the host is never below the row's


@dataclass(frozen=True, slots=True)
class Match:
    """One (row, CVE) with tier `confirmed` or `possible` and what matched (contract §2 `matched`)."""

    row: int
    cve: str
    tier: Literal["confirmed", "possible"]
    criteria: str
    range: dict[str, str]
    configuration: int
    platform: tuple[str, ...]
    uncertain: tuple[str, ...]


@dataclass
class _Hits:
    """What one distinct CPE string matches: entry id → (tier, uncertain), and per record its configurations."""

    terms: tuple[Term, ...]
    entries: dict[int, tuple[Tier, tuple[str, ...]]] = field(default_factory=dict)
    # record → [(configuration, best tier of its vulnerable entries on this CPE, the first entry with it)]
    records: dict[int, list[tuple[int, Tier, int]]] = field(default_factory=dict)


class Matcher:
    """NVD records compiled and indexed once; `scan` matches inventories against them.

    `records`: (CVE id, configurations in the NVD 2.0 shape). `aliases`: (vendor, product) → vendor, lower
    case; the packaged table by default.
    """

    def __init__(
        self,
        records: Iterable[tuple[str, Sequence[Mapping[str, Any]]]],
        aliases: Mapping[tuple[str, str], str] | None = None,
    ) -> None:
        self.aliases: Mapping[tuple[str, str], str] = load_aliases() if aliases is None else aliases
        self.cves: list[str] = []
        self.entries: list[Entry] = []
        self.configurations: list[list[Configuration]] = []
        for cve, configurations in records:
            record = len(self.cves)
            self.cves.append(cve)
            self.configurations.append(
                [self._configuration(c, record, index) for index, c in enumerate(configurations)]
            )
        self._by_pair: dict[tuple[str, str], list[int]] = {}
        self._by_vendor: dict[str, list[int]] = {}
        self._by_product: dict[str, list[int]] = {}
        self._side: list[int] = []
        for index, entry in enumerate(self.entries):
            if not entry.terms:
                continue
            vendor, product = entry.terms[1], entry.terms[2]
            if vendor.kind is Kind.VALUE and product.kind is Kind.VALUE:
                self._by_pair.setdefault((vendor.text, product.text), []).append(index)
                self._by_vendor.setdefault(vendor.text, []).append(index)
                self._by_product.setdefault(product.text, []).append(index)
            else:
                self._side.append(index)
        self._hits: dict[str, _Hits] = {}

    def _configuration(self, data: Mapping[str, Any], record: int, index: int) -> Configuration:
        first = len(self.entries)
        nodes = tuple(self._node(node, record, index) for node in data.get("nodes") or ())
        own = range(first, len(self.entries))
        vulnerable = tuple(i for i in own if self.entries[i].vulnerable)
        platform = tuple(i for i in own if not self.entries[i].vulnerable)
        conjunctive = str(data.get("operator", "OR")).upper() == "AND"
        negate = bool(data.get("negate", False))
        simple = not (conjunctive or negate or platform) and all(_or_only(node) for node in nodes)
        return Configuration(conjunctive, negate, nodes, vulnerable, platform, simple)

    def _node(self, data: Mapping[str, Any], record: int, configuration: int) -> Node:
        entries: list[int] = []
        for item in data.get("cpeMatch") or ():
            entries.append(len(self.entries))
            self.entries.append(compile_entry(item, record, configuration, self.aliases))
        children = tuple(self._node(child, record, configuration) for child in data.get("children") or ())
        conjunctive = str(data.get("operator", "OR")).upper() == "AND"
        return Node(conjunctive, bool(data.get("negate", False)), tuple(entries), children)

    def candidates(self, asset: tuple[Term, ...]) -> Iterable[int]:
        """The entries that may match `asset`: those sharing its (aliased) vendor and product, and the side list."""
        vendor, product = asset[1], asset[2]
        if vendor.kind is Kind.VALUE and product.kind is Kind.VALUE:
            named: Iterable[int] = self._by_pair.get((vendor.text, product.text), ())
        elif vendor.kind is Kind.VALUE and product.kind is Kind.ANY:
            named = self._by_vendor.get(vendor.text, ())
        elif vendor.kind is Kind.ANY and product.kind is Kind.VALUE:
            named = self._by_product.get(product.text, ())
        elif vendor.kind is Kind.ANY and product.kind is Kind.ANY:
            named = chain.from_iterable(self._by_pair.values())
        else:  # NA vendor or product: disjoint from every named entry
            named = ()
        return chain(named, self._side)

    def hits(self, cpe: str) -> _Hits:
        """Every entry an asset CPE string matches (computed once per distinct string)."""
        found = self._hits.get(cpe)
        if found is not None:
            return found
        found = _Hits(compile_name(cpe, self.aliases, asset=True))
        for index in self.candidates(found.terms):
            entry = self.entries[index]
            tier, uncertain = entry_result(entry, found.terms)
            if tier is Tier.NONE:
                continue
            found.entries[index] = (tier, uncertain)
            if entry.vulnerable:
                configs = found.records.setdefault(entry.record, [])
                for position, (configuration, best, first) in enumerate(configs):
                    if configuration == entry.configuration:
                        if tier > best or (tier == best and index < first):
                            configs[position] = (configuration, tier, index)
                        break
                else:
                    configs.append((entry.configuration, tier, index))
        for configs in found.records.values():
            configs.sort()
        self._hits[cpe] = found
        return found

    def scan(self, rows: Sequence[tuple[str, str]]) -> list[Match]:
        """Match every row (hostname, CPE formatted string) against every record: one `Match` per (row, CVE).

        Ordered by row, then by record (the order given). A malformed CPE raises `ValueError` naming the row.
        """
        host_cpes: dict[str, list[str]] = {}
        for number, (hostname, cpe) in enumerate(rows):
            try:
                self.hits(cpe)
            except ValueError as error:
                raise ValueError(f"row {number}: {error}") from None
            cpes = host_cpes.setdefault(hostname, [])
            if cpe not in cpes:
                cpes.append(cpe)
        on_host: dict[tuple[str, int, int], tuple[Tier, bool, tuple[str, ...]]] = {}
        matches: list[Match] = []
        for number, (hostname, cpe) in enumerate(rows):
            row_hits = self._hits[cpe]
            for record in sorted(row_hits.records):
                best: tuple[Tier, int, int, bool, tuple[str, ...]] | None = None
                for configuration, row_tier, entry in row_hits.records[record]:
                    platform: tuple[str, ...] = ()
                    if self.configurations[record][configuration].simple:
                        tier, platform_possible = row_tier, False
                    else:
                        key = (hostname, record, configuration)
                        if key not in on_host:
                            on_host[key] = self._on_host(record, configuration, host_cpes[hostname])
                        host_tier, platform_possible, platform = on_host[key]
                        tier = min(host_tier, row_tier)
                    if tier is not Tier.NONE and (best is None or tier > best[0]):
                        best = (tier, configuration, entry, platform_possible, platform)
                        if tier is Tier.CONFIRMED:
                            break
                if best is not None:
                    matches.append(self._match(number, record, *best, row_hits))
        return matches

    def _match(
        self,
        row: int,
        record: int,
        tier: Tier,
        configuration: int,
        index: int,
        platform_possible: bool,
        platform: tuple[str, ...],
        row_hits: _Hits,
    ) -> Match:
        entry = self.entries[index]
        uncertain: tuple[str, ...] = ()
        if tier is Tier.POSSIBLE:
            uncertain = row_hits.entries[index][1] + (("platform",) if platform_possible else ())
        label: Literal["confirmed", "possible"] = "confirmed" if tier is Tier.CONFIRMED else "possible"
        cve = self.cves[record]
        return Match(row, cve, label, entry.criteria, dict(entry.bounds), configuration, platform, uncertain)

    def _on_host(self, record: int, index: int, cpes: list[str]) -> tuple[Tier, bool, tuple[str, ...]]:
        """A configuration's tier on a host; whether a platform entry is only possible; the host's platform CPEs."""
        configuration = self.configurations[record][index]
        results: dict[int, Tier] = {}
        for cpe in cpes:
            for entry, (tier, _) in self._hits[cpe].entries.items():
                if entry in results:
                    results[entry] = max(results[entry], tier)
                else:
                    results[entry] = tier
        platform_possible = False
        satisfied: list[str] = []
        for entry in configuration.platform:
            tier = results.get(entry, Tier.NONE)
            if tier is Tier.NONE and unknown_platform(self.entries[entry], [self._hits[cpe].terms for cpe in cpes]):
                results[entry] = tier = Tier.POSSIBLE  # platform unknown: the host says nothing of it
            platform_possible = platform_possible or tier is Tier.POSSIBLE
            satisfied.extend(cpe for cpe in cpes if entry in self._hits[cpe].entries and cpe not in satisfied)
        return configuration_tier(configuration, results), platform_possible, tuple(sorted(satisfied, key=cpes.index))


def unknown_platform(entry: Entry, host: Iterable[tuple[Term, ...]]) -> bool:
    """Whether no CPE of the host is non-DISJOINT from the entry in both vendor and product (contract §4)."""
    if not entry.terms:
        return False
    vendor, product = entry.terms[1], entry.terms[2]
    return all(Relation.DISJOINT in (relate(vendor, asset[1]), relate(product, asset[2])) for asset in host)


def configuration_tier(configuration: Configuration, results: Mapping[int, Tier]) -> Tier:
    """A configuration's tier from its entries' tiers on a host (entry id → tier; absent = none)."""
    tiers = [_node_tier(node, results) for node in configuration.nodes]
    tier = (min if configuration.conjunctive else max)(tiers, default=Tier.NONE)
    return _negated(tier) if configuration.negate else tier


def _or_only(node: Node) -> bool:
    return not (node.conjunctive or node.negate) and all(_or_only(child) for child in node.children)


def _negated(tier: Tier) -> Tier:
    """`negate` swaps confirmed and none; possible stays possible."""
    return {Tier.CONFIRMED: Tier.NONE, Tier.NONE: Tier.CONFIRMED}.get(tier, tier)


def _node_tier(node: Node, results: Mapping[int, Tier]) -> Tier:
    tiers = [results.get(entry, Tier.NONE) for entry in node.entries]
    tiers += [_node_tier(child, results) for child in node.children]
    tier = (min if node.conjunctive else max)(tiers, default=Tier.NONE)
    return _negated(tier) if node.negate else tier
