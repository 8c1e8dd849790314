"""The one message catalogue: every id in both languages with the same placeholders, each text in its own script."""

from __future__ import annotations

import pytest

from cyberins.model.errors import InvalidInput
from cyberins.model.ids import Lang
from cyberins.model.messages import check_messages, flatten, messages, text, texts
from tests.one_language import chinese_in, english_in


def test_the_packaged_catalogue_is_complete_and_consistent() -> None:
    entries = messages()
    assert len(entries) > 100
    assert check_messages(entries) == []


def test_an_en_message_has_no_chinese_and_a_zh_message_no_english_word() -> None:
    stray_en = {id_: chinese_in(e["en"]) for id_, e in messages().items() if chinese_in(e["en"])}
    assert stray_en == {}
    # a zh text may name a placeholder ({field}) and the file paths and codes it shows verbatim
    stray_zh = {}
    for id_, entry in messages().items():
        words = english_in(_without_placeholders(entry["zh"]))
        if words:
            stray_zh[id_] = words
    assert stray_zh == {}


def _without_placeholders(template: str) -> str:
    import string

    return "".join(lit for lit, *_ in string.Formatter().parse(template))


def test_text_fills_the_placeholders_in_the_reader_language() -> None:
    assert text("report.quote_charts.days", "zh", n=30) == "30 天"
    assert text("report.quote_charts.days", "en", n=30) == "30 days"
    assert texts("report.statement", "en")["title"] == "Cyber insurance settlement statement"


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"zh": "缺英文"}, "needs exactly the texts zh and en"),
        ({"zh": "{n} 天", "en": "{days} days"}, "placeholders differ"),
        ({"zh": "", "en": "empty"}, "non-empty"),
        ({"zh": "{n", "en": "{n"}, "not a str.format template"),
        ({"zh": "甲", "en": "a", "fr": "un"}, "needs exactly the texts zh and en"),
    ],
)
def test_a_broken_entry_is_named_with_its_problem(entry: dict[str, str], problem: str) -> None:
    problems = check_messages({"group.broken": entry, "group.fine": {"zh": "{n} 天", "en": "{n} days"}})
    assert [p.field for p in problems] == ["group.broken"]
    assert problem in problems[0].message


def test_groups_nest_into_dotted_ids() -> None:
    tree = {"cli": {"quote": {"title": {"zh": "报价", "en": "Quote"}}}}
    assert flatten(tree) == {"cli.quote.title": {"zh": "报价", "en": "Quote"}}


def test_a_catalogue_that_fails_its_check_is_refused_as_invalid_input(monkeypatch: pytest.MonkeyPatch) -> None:
    import cyberins.model.loading as loading

    messages.cache_clear()
    monkeypatch.setattr(loading, "read_packaged", lambda _: {"version": "x", "a": {"zh": "{n}", "en": "none"}})
    try:
        with pytest.raises(InvalidInput, match="placeholders differ"):
            messages()
    finally:
        monkeypatch.undo()
        messages.cache_clear()


def _said(exc: InvalidInput, lang: Lang) -> str:
    (problem,) = exc.problems
    return problem.in_lang(lang)


def test_the_generic_refusals_outside_validation_speak_both_languages() -> None:
    """Families the API meets without the CLI: a page limit, simulated years, a misspelt catalogue id."""
    from cyberins.catalog import get_catalog
    from cyberins.services.common import page_args

    with pytest.raises(InvalidInput) as limit:
        page_args(0, 0)
    assert _said(limit.value, "zh").startswith("应在 1 与 ") and _said(limit.value, "en").startswith(
        "must be between 1"
    )
    with pytest.raises(InvalidInput) as near:
        get_catalog().coverage_for_cost("forensic")
    assert (_said(near.value, "zh"), _said(near.value, "en")) == (
        "未知取值 'forensic'；是否应为 'forensics'？", "unknown value 'forensic'; did you mean 'forensics'?"
    )  # fmt: skip
    with pytest.raises(InvalidInput) as unknown:
        get_catalog().coverage_for_cost("zzz")
    assert _said(unknown.value, "zh").startswith("未知取值 'zzz'；可选：") and "known: " in _said(unknown.value, "en")


def test_a_system_error_keeps_its_own_words_in_en_and_its_code_where_zh_has_none() -> None:
    import errno

    from cyberins.model.errors import os_reason

    assert os_reason(FileNotFoundError(errno.ENOENT, "No such file or directory")) == {
        "zh": "文件或文件夹不存在", "en": "No such file or directory"
    }  # fmt: skip
    assert os_reason(OSError(errno.EIO, "Input/output error")) == {"zh": "EIO", "en": "Input/output error"}
