"""CPE 2.3 names: parse and validate formatted strings, build them from inventory columns, convert 2.2 URIs.

Sources: NISTIR 7695 (CPE 2.3 Naming Specification, 2011): §5.3.2 (no whitespace; `_` stands for it),
§6.1 (the 2.2 URI binding), §6.2 (the formatted-string binding and its grammar); the structural rules of
the monitoring contract §2 (`../shared/contracts/monitoring.md`). The grammar is checked with our own
expression of §6.2.2.2 (the `cpe` library's `CPE2_3_FS` rejects some names the grammar allows, such as a
quoted backslash, and takes ~120 µs a name) and language tags with the library. Each reason is short and
names the attribute. Our logical view (case-insensitive, escapes removed) is what matching compares.

>>> name = parse_cpe(r"cpe:2.3:o:cisco:ios:15.2\\(5\\)E:*:*:*:*:*:*:*")
>>> name.vendor, name.version, logical(name.version)
('cisco', '15.2\\\\(5\\\\)E', '15.2(5)e')
>>> build_cpe("o", "cisco", "ios", "15.2(5)E")
'cpe:2.3:o:cisco:ios:15.2\\\\(5\\\\)E:*:*:*:*:*:*:*'
>>> uri_to_formatted("cpe:/a:apache:http_server:2.4.49")
'cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from cyberins.model.errors import InvalidValue

#: The 11 attributes of a CPE 2.3 name, in binding order (NISTIR 7695 §5.3).
ATTRIBUTES: tuple[str, ...] = (
    "part",
    "vendor",
    "product",
    "version",
    "update",
    "edition",
    "language",
    "sw_edition",
    "target_sw",
    "target_hw",
    "other",
)
ANY = "*"  # logical value ANY (NISTIR 7695 §5.3.1): matches every value
NA = "-"  # logical value NA: the attribute does not apply
PARTS = frozenset({"a", "o", "h", ANY})
PREFIX = "cpe:2.3:"
#: Characters a formatted string carries unquoted (NISTIR 7695 §6.2.2.2: alphanumerics, `_`, `-`, `.`).
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")


@dataclass(frozen=True, slots=True)
class Cpe:
    """A CPE 2.3 name: the 11 attribute values as written in the formatted string (escapes kept) and `raw`."""

    part: str
    vendor: str
    product: str
    version: str
    update: str
    edition: str
    language: str
    sw_edition: str
    target_sw: str
    target_hw: str
    other: str
    raw: str

    def values(self) -> tuple[str, ...]:
        """The 11 attribute values in `ATTRIBUTES` order."""
        return (
            self.part,
            self.vendor,
            self.product,
            self.version,
            self.update,
            self.edition,
            self.language,
            self.sw_edition,
            self.target_sw,
            self.target_hw,
            self.other,
        )


def parse_cpe(text: str, *, asset: bool = False, grammar: bool = True) -> Cpe:
    """Parse a CPE 2.3 formatted string, or raise `ValueError` with a short reason ("has 10 attributes, ...").

    Malformed (contract §2): not `cpe:2.3:` then 11 attributes split by unescaped `:`; part not `a` `o` `h`
    `*`; an empty attribute; for an `asset` (a concrete installed component), `*` or `?` inside a value (a
    whole `*` is ANY and allowed). `grammar` adds the NISTIR 7695 formatted-string grammar (no whitespace or
    unquoted punctuation; wildcards only at the ends of a value) and a language-tag check by the `cpe`
    library. Letters of either case are always accepted.
    """
    return _parse(text, asset, grammar)


#: The common case checked in one pass: plain values (no quoting, no pattern), each non-empty or `*`.
_PLAIN_NAME = re.compile(r"cpe:2\.3:[aoh*](?::(?:[a-z0-9_.\-]+|\*)){10}", re.IGNORECASE)


@lru_cache(maxsize=1 << 16)
def _parse(text: str, asset: bool, grammar: bool) -> Cpe:
    if not isinstance(text, str) or text[: len(PREFIX)].lower() != PREFIX:
        raise InvalidValue("input.cpe.not_formatted")
    if _PLAIN_NAME.fullmatch(text):
        values = text[len(PREFIX) :].split(":")
        if grammar and values[6] not in (ANY, NA):
            _check_language(values[6])
        return _name(values, text)
    values = split_attributes(text[len(PREFIX) :])
    if len(values) != len(ATTRIBUTES):
        raise InvalidValue("input.cpe.attributes", n=len(values), expected=len(ATTRIBUTES))
    for name, value in zip(ATTRIBUTES, values, strict=True):
        if not value:
            raise InvalidValue("input.cpe.empty", name=name)
        if asset and value != ANY and has_wildcard(value):
            raise InvalidValue("input.cpe.wildcard", name=name)
    if values[0].lower() not in PARTS:
        raise InvalidValue("input.cpe.part", value=repr(values[0]), parts={"zh": "a、o、h 或 *", "en": "a, o, h or *"})
    if grammar:
        _check_grammar(values)
    return _name(values, text)


def _name(values: list[str], text: str) -> Cpe:
    part, vendor, product, version, update, edition, language, sw_edition, target_sw, target_hw, other = values
    return Cpe(part, vendor, product, version, update, edition, language, sw_edition, target_sw, target_hw, other, text)


#: One attribute value of the formatted-string grammar (NISTIR 7695 §6.2.2.2): an optional leading `*` or run of
#: `?`, then unreserved characters (`A-Z a-z 0-9 _ - .`, and for leniency any non-ASCII letter) or a `\\`-quoted
#: printable character, then an optional trailing `*` or run of `?`. Unquoted punctuation and whitespace fail.
_VALUE = re.compile(r"(?:\*|\?+)?(?:[A-Za-z0-9_.\-\u0080-\U0010ffff]|\\[!-~])*(?:\*|\?+)?")


def _check_grammar(values: list[str]) -> None:
    for name, value in zip(ATTRIBUTES, values, strict=True):
        if not _VALUE.fullmatch(value):
            raise InvalidValue("input.cpe.special", name=name, value=repr(value))
    if values[6] not in (ANY, NA):
        _check_language(values[6])


@lru_cache(maxsize=256)
def _check_language(language: str) -> None:
    """A language tag per RFC 5646 as NISTIR 7695 restricts it, checked by the `cpe` library."""
    from cpe.cpe2_3_fs import CPE2_3_FS  # type: ignore[import-untyped]  # slow import: only when a tag is given

    try:
        CPE2_3_FS(f"cpe:2.3:a:vendor:product:*:*:*:{language}:*:*:*:*")
    # The library signals a tag it cannot read with NotImplementedError as well as ValueError: both mean "not a
    # language tag" here; nothing of ours is unfinished.
    except (ValueError, NotImplementedError):
        raise InvalidValue("input.cpe.language", value=repr(language), examples="en, en-us, zh-cn") from None


def split_attributes(body: str) -> list[str]:
    """Split on unescaped `:` (a `\\` quotes the next character); a lone `\\` at the end is an error."""
    if "\\" not in body:
        return body.split(":")
    values: list[str] = []
    current: list[str] = []
    chars = iter(body)
    for char in chars:
        if char == "\\":
            quoted = next(chars, None)
            if quoted is None:
                raise InvalidValue("input.cpe.backslash")
            current.append(char + quoted)
        elif char == ":":
            values.append("".join(current))
            current = []
        else:
            current.append(char)
    values.append("".join(current))
    return values


def has_wildcard(value: str) -> bool:
    """Whether `value` holds an unescaped `*` or `?` (a pattern when it is not the whole ANY)."""
    if "\\" not in value:
        return "*" in value or "?" in value
    escaped = False
    for char in value:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "*?":
            return True
    return False


def logical(value: str) -> str:
    """The value compared by matching: lower case, escapes removed (`15.2\\(5\\)E` → `15.2(5)e`)."""
    value = value.lower()
    if "\\" not in value:
        return value
    out: list[str] = []
    escaped = False
    for char in value:
        if char == "\\" and not escaped:
            escaped = True
            continue
        out.append(char)
        escaped = False
    return "".join(out)


def escape(value: str) -> str:
    """Quote a plain value for a formatted string: `\\` before every character but `A-Z a-z 0-9 _ - .`.

    Whitespace becomes `_` (NISTIR 7695 §5.3.2: whitespace is not allowed; `_` stands for it).
    """
    return "".join(char if char in _PLAIN else "_" if char.isspace() else "\\" + char for char in value)


def build_cpe(part: str, vendor: str, product: str, version: str) -> str:
    """The CPE of an inventory row without one: `cpe:2.3:{part}:{vendor}:{product}:{version}:*:*:*:*:*:*:*`.

    Values are stripped and quoted (`15.2(5)E` → `15.2\\(5\\)E`); an empty value is ANY (`*`), empty part `a`,
    a lone `-` stays NA.
    """
    fields = [_bound(vendor), _bound(product), _bound(version)]
    return ":".join(["cpe:2.3", part.strip() or "a", *fields, *[ANY] * 7])


def _bound(value: str) -> str:
    value = value.strip()
    if value in ("", ANY):
        return ANY
    return NA if value == NA else escape(value)


def uri_to_formatted(uri: str) -> str:
    """A CPE 2.2 URI (`cpe:/a:apache:http_server:2.4.49`, as Nmap prints) as a 2.3 formatted string.

    NISTIR 7695 §6.1.3 (unbinding a URI): missing or empty components are ANY, `-` is NA, `%xx` decodes
    (`%01` → `?`, `%02` → `*`, the wildcards), and an edition starting with `~` packs
    `~edition~sw_edition~target_sw~target_hw~other`. Raises `ValueError` when it is not a 2.2 URI.
    """
    if not isinstance(uri, str) or uri[:5].lower() != "cpe:/":
        raise InvalidValue("input.cpe.not_uri", form="cpe:/...")
    components = uri[5:].split(":")
    if len(components) > 7:
        raise InvalidValue("input.cpe.components", n=len(components), most=7)
    components += [""] * (7 - len(components))
    part, vendor, product, version, update, edition, language = components
    extended = ["", "", "", ""]
    if edition.startswith("~"):
        packed = edition[1:].split("~")
        if len(packed) != 5:
            raise InvalidValue("input.cpe.packed", form="~edition~sw_edition~target_sw~target_hw~other")
        edition, extended = packed[0], packed[1:]
    values = [part or ANY] + [_from_uri(v) for v in (vendor, product, version, update, edition, language, *extended)]
    text = PREFIX + ":".join(values)
    parse_cpe(text)
    return text


def _from_uri(component: str) -> str:
    if component in ("", ANY):
        return ANY
    if component == NA:
        return NA
    out: list[str] = []
    index = 0
    while index < len(component):
        char = component[index]
        if char == "%":
            code = component[index + 1 : index + 3].lower()
            if len(code) != 2:
                raise InvalidValue("input.cpe.percent", value=repr(component[index:]))
            if code == "01":
                out.append("?")
            elif code == "02":
                out.append("*")
            else:
                try:
                    out.append(escape(chr(int(code, 16))))
                except ValueError:
                    raise InvalidValue("input.cpe.percent", value=repr(component[index : index + 3])) from None
            index += 3
            continue
        out.append(escape(char))
        index += 1
    return "".join(out)
