"""`cyberins catalog glossary` (standards.md (a)): docs/glossary.md is its output, one row per catalog id."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cyberins.catalog import get_catalog
from cyberins.catalog.glossary import glossary_markdown
from cyberins.model.ids import Coverage, EventType

PAGE = Path(__file__).resolve().parents[2] / "docs" / "glossary.md"


def _invoke(*args: str) -> tuple[int, str]:
    from cyberins.cli.app import app

    result = CliRunner().invoke(app, ["catalog", "glossary", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.stdout


def _rows(text: str) -> dict[tuple[str, str], list[str]]:
    """`(table, id) -> [zh, en, codes]` of the Markdown table rows (the header and rule left out)."""
    out = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("|")][1:-1]
        if len(cells) == 5 and cells[1].startswith("`"):
            out[(cells[0], cells[1].strip("`"))] = cells[2:]
    return out


def test_the_committed_page_is_the_command_output() -> None:
    code, out = _invoke()
    assert code == 0
    assert PAGE.read_text(encoding="utf-8") == out, (
        "docs/glossary.md drifted: run `cyberins catalog glossary --out docs/glossary.md`"
    )


def test_out_writes_the_same_text(tmp_path: Path) -> None:
    code, out = _invoke("--out", str(tmp_path / "g.md"))
    assert code == 0 and out == ""
    assert (tmp_path / "g.md").read_text(encoding="utf-8") == glossary_markdown(get_catalog())


def test_every_id_of_every_table_has_its_labels_once() -> None:
    text = glossary_markdown(get_catalog())
    rows = _rows(text)
    expected = {(t, str(i)): entry.label for t, table in get_catalog().tables() for i, entry in table.items()}
    assert set(rows) == set(expected)
    assert len(rows) == sum(1 for line in text.splitlines() if line.startswith("| ") and "`" in line)
    for key, label in expected.items():
        assert rows[key][:2] == [label.zh, label.en], key
    assert {i for t, i in rows if t == "event_type"} == {e.value for e in EventType}
    assert {i for t, i in rows if t == "coverage"} == {c.value for c in Coverage}


def test_codes_come_from_the_catalog_entries() -> None:
    cat, rows = get_catalog(), _rows(glossary_markdown(get_catalog()))
    ransomware = cat.event_types[EventType.RANSOMWARE].gbt20986
    assert rows[("event_type", "ransomware")][2].startswith(f"GB/T 20986-2023 {ransomware.code}")
    for c, entry in cat.coverages.items():
        assert rows[("coverage", c.value)][2] == f"OED {entry.oed.code} {entry.oed.name}"
    for i, entry in cat.industries.items():
        assert rows[("industry", i)][2].startswith(f"GB/T 4754-2017 {entry.gbt4754.section}")
    assert rows[("exclusion", "war")][2] == ""
