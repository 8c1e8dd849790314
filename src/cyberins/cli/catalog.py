"""`cyberins catalog …`: the catalog as people read it (contracts/standards.md (a))."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(help="The cyber catalog: ids, bilingual labels and standard codes (术语).", no_args_is_help=True)


@app.command("glossary")
def glossary(
    out: Path | None = typer.Option(None, "--out", dir_okay=False, help="Write the Markdown here, not to stdout."),
) -> None:
    """Print the bilingual glossary: one Markdown row per id of every catalog table (docs/glossary.md)."""
    from cyberins.catalog import get_catalog
    from cyberins.catalog.glossary import glossary_markdown

    text = glossary_markdown(get_catalog())
    if out is None:
        print(text, end="")
    else:
        out.write_text(text, encoding="utf-8")
