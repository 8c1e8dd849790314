"""The version order of range bounds (monitor/versions.py): every worked example of contract §4, and its rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cyberins.monitor.versions import compare, in_range, split_update_suffix, version_key

# Contract §4, word for word: "So 2.3.1 < 2.12.2; 4.3 = 4.3.0; 2.0-beta9 < 2.0 < 2.0.1; ...".
LESS = [
    ("2.3.1", "2.12.2"),  # numbers compare numerically, not as text
    ("2.0-beta9", "2.0"),  # a pre-release is before its release
    ("2.0", "2.0.1"),
    ("1.0.1", "1.0.1f"),  # a letter after numbers is a patch level (a tag): after the bare version
    ("1.0.1f", "1.0.1g"),  # tags alphabetically
    ("1.0.1g", "1.0.2"),
    ("4.2.8p9", "4.2.8p15"),
    ("10.0.19045.3570", "10.0.19045.4412"),  # four-part builds, no semver truncation
]
EQUAL = [
    ("4.3", "4.3.0"),  # zeros at the end dropped
    ("1.20rc1", "1.20.0-rc1"),  # a zero right before a marker dropped
    ("4.3.1.0020", "4.3.1.20"),  # leading zeros ignored
    (r"9.5\(3\)", "9.5.3"),  # escapes removed, parentheses separate
    ("1.8.0_321", "1.8.0.321"),
]


@pytest.mark.parametrize(("low", "high"), LESS)
def test_worked_examples_in_order(low: str, high: str) -> None:
    assert compare(low, high) == -1
    assert compare(high, low) == 1


@pytest.mark.parametrize(("left", "right"), EQUAL)
def test_worked_examples_equal(left: str, right: str) -> None:
    assert compare(left, right) == 0


@pytest.mark.parametrize(
    ("low", "high"),
    [
        ("1.0-dev", "1.0-alpha"),
        ("1.0-alpha", "1.0-beta"),
        ("1.0-beta", "1.0-milestone"),
        ("1.0-milestone", "1.0-rc"),
        ("1.0-rc", "1.0"),
        ("1.0-rc2", "1.0-rc10"),
        ("1.0-beta9", "1.0-rc1"),
        ("1.0.rc1", "1.0.0.1"),  # at one position: marker < number
        ("1.0.5", "1.0.a"),  # number < tag
        ("1.0-rc1", "1.0.1"),
        ("5.3.0", "5.3.18"),
    ],
)
def test_markers_numbers_tags(low: str, high: str) -> None:
    assert compare(low, high) == -1


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("1.0-SNAPSHOT", "1.0-dev"),
        ("1.0-rc1", "1.0-cr1"),
        ("1.0-pre1", "1.0-preview1"),
        ("1.0-RC1", "1.0-rc1"),  # case ignored
        ("1.0.0.0", "1"),
        ("0", ""),
        ("1.0+build", "1.0~build"),  # separators are interchangeable
    ],
)
def test_equal_spellings(left: str, right: str) -> None:
    assert version_key(left) == version_key(right)


@pytest.mark.parametrize(
    ("version", "bounds", "inside"),
    [
        ("2.4.49", {"versionStartIncluding": "2.4.49", "versionEndIncluding": "2.4.49"}, True),
        ("2.4.49", {"versionStartExcluding": "2.4.49"}, False),  # an excluded start bound
        ("2.4.50", {"versionStartExcluding": "2.4.49"}, True),
        ("2.4.49", {"versionEndExcluding": "2.4.49"}, False),  # an excluded end bound
        ("2.4.48", {"versionEndExcluding": "2.4.49"}, True),
        ("2.4.49", {"versionEndIncluding": "2.4.49"}, True),
        ("2.4.50", {"versionEndIncluding": "2.4.49"}, False),
        ("2.4.48", {"versionStartIncluding": "2.4.49"}, False),
        ("4.3", {"versionEndIncluding": "4.3"}, True),
        ("4.3.0", {"versionEndIncluding": "4.3"}, True),
        ("5.3.17", {"versionStartIncluding": "5.3.0", "versionEndExcluding": "5.3.18"}, True),
        ("5.3.18", {"versionStartIncluding": "5.3.0", "versionEndExcluding": "5.3.18"}, False),
        ("5.2.99", {"versionStartIncluding": "5.3.0", "versionEndExcluding": "5.3.18"}, False),
        ("1.0.1f", {"versionStartIncluding": "1.0.1", "versionEndExcluding": "1.0.1g"}, True),
        ("1.0.2", {"versionStartIncluding": "1.0.1", "versionEndExcluding": "1.0.1g"}, False),
        ("2.0-beta9", {"versionStartIncluding": "2.0-beta9", "versionEndExcluding": "2.15.0"}, True),
        ("2.0-beta8", {"versionStartIncluding": "2.0-beta9", "versionEndExcluding": "2.15.0"}, False),
        ("1.2.3", {}, True),
    ],
)
def test_in_range_bounds_included_and_excluded(version: str, bounds: dict[str, str], inside: bool) -> None:
    assert in_range(version, bounds) is inside


@pytest.mark.parametrize(
    ("version", "split"),
    [
        ("2.0-beta9", ("2.0", "beta9")),
        ("2.0beta9", ("2.0", "beta9")),
        ("1.2.3_rc1", ("1.2.3", "rc1")),
        ("1.2.3.preview", ("1.2.3", "preview")),
        ("3-Milestone2", ("3", "Milestone2")),
        ("5.1-dev", ("5.1", "dev")),
        ("2.0", None),
        ("1.0.1f", None),
        ("2.0-sp1", None),  # not a pre-release word
        ("2.0-beta9-hotfix", None),
    ],
)
def test_update_suffix_reading(version: str, split: tuple[str, str] | None) -> None:
    assert split_update_suffix(version) == split


VERSIONS = st.lists(
    st.one_of(
        st.integers(0, 30).map(str),
        st.sampled_from(["alpha", "beta", "rc", "dev", "a", "p", "f", "sp"]),
    ),
    max_size=6,
).flatmap(lambda parts: st.sampled_from([".", "-", "_"]).map(lambda sep: sep.join(parts)))


@given(VERSIONS, VERSIONS, VERSIONS)
def test_the_order_is_total_and_transitive(a: str, b: str, c: str) -> None:
    assert compare(a, b) == -compare(b, a)
    if compare(a, b) <= 0 and compare(b, c) <= 0:
        assert compare(a, c) <= 0


@given(st.lists(st.integers(0, 99), min_size=1, max_size=5), st.integers(1, 3))
def test_trailing_zeros_never_count(numbers: list[int], zeros: int) -> None:
    version = ".".join(map(str, numbers))
    assert compare(version, version + ".0" * zeros) == 0
