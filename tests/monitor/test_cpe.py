"""CPE 2.3 names (monitor/cpe.py): the contract's malformed cases, escapes, building and the 2.2 URI binding."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cyberins.monitor.cpe import (
    ATTRIBUTES,
    build_cpe,
    has_wildcard,
    logical,
    parse_cpe,
    split_attributes,
    uri_to_formatted,
)

APACHE = "cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*"


def test_parse_names_the_eleven_attributes() -> None:
    name = parse_cpe("cpe:2.3:a:microsoft:exchange_server:2016:cumulative_update_19:*:*:*:*:x64:*")
    assert (name.part, name.vendor, name.product, name.version) == ("a", "microsoft", "exchange_server", "2016")
    assert (name.update, name.target_hw, name.other) == ("cumulative_update_19", "x64", "*")
    assert name.raw == "cpe:2.3:a:microsoft:exchange_server:2016:cumulative_update_19:*:*:*:*:x64:*"
    assert len(name.values()) == len(ATTRIBUTES) == 11


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("cpe:/a:apache:http_server:2.4.49", "not a CPE 2.3 formatted string"),
        ("apache http_server 2.4.49", "not a CPE 2.3 formatted string"),
        ("", "not a CPE 2.3 formatted string"),
        ("cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*", "has 10 attributes, expected 11"),
        ("cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*:*", "has 12 attributes, expected 11"),
        ("cpe:2.3:x:apache:http_server:2.4.49:*:*:*:*:*:*:*", "part 'x' is not a, o, h or *"),
        ("cpe:2.3:app:apache:http_server:2.4.49:*:*:*:*:*:*:*", "part 'app' is not a, o, h or *"),
        ("cpe:2.3:a:apache::2.4.49:*:*:*:*:*:*:*", "the product attribute is empty"),
        ("cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:", "the other attribute is empty"),
        ("cpe:2.3:a:apache:http_server:2.4.49\\", "ends with a lone backslash"),
    ],
)
def test_malformed_names_give_a_short_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_cpe(text)
    assert str(caught.value) == reason


@pytest.mark.parametrize(
    ("text", "attribute"),
    [
        ("cpe:2.3:a:apache:http_server:2.4.*:*:*:*:*:*:*:*", "version"),
        ("cpe:2.3:a:apache:http_server:2.4.4?:*:*:*:*:*:*:*", "version"),
        ("cpe:2.3:a:apache:http_server:?:*:*:*:*:*:*:*", "version"),
        ("cpe:2.3:a:apache:*http*:2.4.49:*:*:*:*:*:*:*", "product"),
        ("cpe:2.3:a:apache:http_server:2.4.49:sp*:*:*:*:*:*:*", "update"),
    ],
)
def test_an_asset_may_not_carry_a_wildcard_inside_a_value(text: str, attribute: str) -> None:
    parse_cpe(text)  # an entry (criteria) may: it is a pattern
    with pytest.raises(ValueError, match=f"the {attribute} attribute has a wildcard"):
        parse_cpe(text, asset=True)


def test_an_asset_may_be_any_or_na_and_may_quote_wildcards() -> None:
    assert parse_cpe("cpe:2.3:a:apache:http_server:*:-:*:*:*:*:*:*", asset=True).update == "-"
    assert parse_cpe(r"cpe:2.3:a:vendor:product:1.0\*:*:*:*:*:*:*:*", asset=True).version == r"1.0\*"


@pytest.mark.parametrize(
    "text",
    [
        "CPE:2.3:A:Apache:HTTP_Server:2.4.49:*:*:*:*:*:*:*",  # letters of either case
        r"cpe:2.3:o:cisco:ios:15.2\(5\)E:*:*:*:*:*:*:*",
        r"cpe:2.3:a:vendor:product:1.0\:2:*:*:*:*:*:*:*",  # an escaped colon is no separator
        r"cpe:2.3:a:vendor:product:a\\b:*:*:*:*:*:*:*",  # an escaped backslash
        "cpe:2.3:*:vendor:product:1.0:*:*:*:*:*:*:*",
        "cpe:2.3:h:cisco:catalyst_4500e_supervisor_engine_9-e:-:*:*:*:*:*:*:*",
        "cpe:2.3:a:vendor:product:1.0:*:*:en-us:*:*:*:*",
        r"cpe:2.3:a:vendor:product:1\.0:*:*:*:*:*:*:*",  # quoting a character that needs none
        "cpe:2.3:a:vendor:product:*1.0?:*:*:*:*:*:*:*",  # wildcards at both ends (an entry)
    ],
)
def test_the_grammar_allows(text: str) -> None:
    assert parse_cpe(text).raw == text


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("cpe:2.3:a:vendor:product:1.0(2):*:*:*:*:*:*:*", "the version attribute '1.0(2)' has whitespace"),
        ("cpe:2.3:a:vendor:product:1 0:*:*:*:*:*:*:*", "the version attribute '1 0' has whitespace"),
        ("cpe:2.3:a:vendor:product:1*2:*:*:*:*:*:*:*", "the version attribute '1*2' has whitespace"),
        ("cpe:2.3:a:vendor:product:1:*:*:123:*:*:*:*", "the language attribute '123' is not a language tag"),
    ],
)
def test_the_grammar_check_rejects(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=re.escape(reason)):
        parse_cpe(text)
    assert parse_cpe(text, grammar=False).version  # the structural checks alone pass


def test_split_and_logical_values() -> None:
    assert split_attributes(r"a:b\:c:d") == ["a", r"b\:c", "d"]
    assert split_attributes(r"a\\:b") == [r"a\\", "b"]
    assert logical(r"15.2\(5\)E") == "15.2(5)e"
    assert logical(r"a\\b") == "a\\b"
    assert has_wildcard("2.4.*") and has_wildcard("?") and not has_wildcard(r"2\*")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("o", "cisco", "ios", "15.2(5)E"), r"cpe:2.3:o:cisco:ios:15.2\(5\)E:*:*:*:*:*:*:*"),
        (("a", "apache", "http_server", ""), "cpe:2.3:a:apache:http_server:*:*:*:*:*:*:*:*"),
        (("", "apache", "http_server", "2.4.49"), APACHE),
        (("a", "vendor", "my product", "1.0+build!"), r"cpe:2.3:a:vendor:my_product:1.0\+build\!:*:*:*:*:*:*:*"),
        (("a", "vendor", "product", "-"), "cpe:2.3:a:vendor:product:-:*:*:*:*:*:*:*"),
        (("a", "vendor", "product", "1.*"), r"cpe:2.3:a:vendor:product:1.\*:*:*:*:*:*:*:*"),
    ],
)
def test_build_cpe_escapes(args: tuple[str, str, str, str], expected: str) -> None:
    built = build_cpe(*args)
    assert built == expected
    parse_cpe(built, asset=True)


@given(
    st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=12),
    st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=12),
)
def test_built_names_parse_back_to_the_values(product: str, version: str) -> None:
    name = parse_cpe(build_cpe("a", "vendor", product, version), asset=True)
    expected_version = "*" if version == "*" else "-" if version == "-" else version.lower()
    assert logical(name.version) == expected_version
    assert logical(name.product) == ("*" if product == "*" else "-" if product == "-" else product.lower())


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("cpe:/a:apache:http_server:2.4.49", APACHE),
        ("cpe:/o:microsoft:windows", "cpe:2.3:o:microsoft:windows:*:*:*:*:*:*:*:*"),
        ("cpe:/h:cisco", "cpe:2.3:h:cisco:*:*:*:*:*:*:*:*:*"),
        ("cpe:/a:openbsd:openssh:7.4p1", "cpe:2.3:a:openbsd:openssh:7.4p1:*:*:*:*:*:*:*"),
        ("cpe:/a:vendor:product:1.0(2)", r"cpe:2.3:a:vendor:product:1.0\(2\):*:*:*:*:*:*:*"),
        ("cpe:/a:vendor:product:1.0%7e2", r"cpe:2.3:a:vendor:product:1.0\~2:*:*:*:*:*:*:*"),
        ("cpe:/a:vendor:product:1.%02", "cpe:2.3:a:vendor:product:1.*:*:*:*:*:*:*:*"),
        ("cpe:/a:vendor:product:1.0:sp1:~~~~win~", "cpe:2.3:a:vendor:product:1.0:sp1:*:*:*:*:win:*"),
        ("cpe:/a:vendor:product:-:::en-us", "cpe:2.3:a:vendor:product:-:*:*:en-us:*:*:*:*"),
    ],
)
def test_uri_to_formatted(uri: str, expected: str) -> None:
    assert uri_to_formatted(uri) == expected


@pytest.mark.parametrize(
    "uri", ["cpe:2.3:a:apache:http_server", "cpe:/a:b:c:d:e:f:g:h", "cpe:/a:b:c:1%2", "cpe:/a:b:c:1::~a~b"]
)
def test_uri_to_formatted_rejects(uri: str) -> None:
    with pytest.raises(ValueError):
        uri_to_formatted(uri)
