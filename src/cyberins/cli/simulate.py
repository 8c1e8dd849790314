"""`cyberins simulate MODEL --policy POLICY --years N --seed S [--json]` (issue 4 contract).

Imports what a run needs inside the functions that need it: an explicit model with `--json` never loads the
assessor (SciPy), the table renderer or the settings, so start-up stays a small part of a run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from cyberins.cli.options import DEFAULT_YEARS, SEED_MAX, lang_option
from cyberins.model.errors import InvalidInput, Said
from cyberins.model.ids import Lang
from cyberins.model.loading import load_model, parse_model, read_document
from cyberins.model.messages import text as say
from cyberins.quant.sizes import YEARS_LIMIT

if TYPE_CHECKING:
    from cyberins.quant.metrics import LossMeasures
    from cyberins.quant.model import RiskModel
    from cyberins.quant.simulate import SimulationResult


def simulate_command(
    model_file: Path = typer.Argument(..., help="Organisation profile or explicit model (YAML/JSON)."),
    policy_file: Path | None = typer.Option(None, "--policy", help="Policy whose terms give the insured loss."),
    years: int = typer.Option(DEFAULT_YEARS, "--years", min=1, max=YEARS_LIMIT, help="Simulated policy years."),
    seed: int | None = typer.Option(None, "--seed", min=0, max=SEED_MAX, help="Random seed (default: settings.seed)."),
    as_json: bool = typer.Option(False, "--json", help="Print the contract JSON document."),
    progress: bool = typer.Option(False, "--progress", help="Show a progress bar."),
    ylt: Path | None = typer.Option(None, "--ylt", help="Write the year-loss table (.csv or .parquet)."),
    lang: Lang = lang_option("zh or en."),
) -> None:
    """Simulate annual losses, gross and after the policy's terms."""
    from cyberins.model.policy import Policy
    from cyberins.quant.simulate import simulate
    from cyberins.quant.summary import simulation_document

    model = _risk_model(model_file)
    policy = load_model(Policy, policy_file) if policy_file else None
    if policy and policy.currency != model.currency:
        said = Said("input.currency_mismatch", {"model": model.currency, "policy": policy.currency})
        raise InvalidInput.one("currency", said, str(policy_file))
    if seed is None:
        from cyberins.settings import get_settings

        seed = get_settings().seed
    if progress:
        from rich.progress import Progress

        from cyberins.cli.render import console

        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("simulating", total=years)
            result = simulate(model, policy, years, seed, progress=lambda n: bar.advance(task, n))
    else:
        result = simulate(model, policy, years, seed)
    if ylt:
        write_ylt(result, ylt)
    doc = simulation_document(result, policy_number=policy.policy_number if policy else None)
    if as_json:
        print(json.dumps(doc))
        return
    print_result(result, lang)


def _risk_model(path: Path) -> RiskModel:
    """An explicit model straight from `quant` (no assessor to load); anything else through the assessor."""
    data = read_document(path)
    if isinstance(data, dict) and data.get("kind") == "explicit":
        from cyberins.quant.explicit import ExplicitModelFile

        return parse_model(ExplicitModelFile, data, str(path)).to_model()
    from cyberins.assess import load_risk_model

    return load_risk_model(path)


def write_ylt(result: SimulationResult, path: Path) -> None:
    import numpy as np

    write_columns(
        {
            "year": np.arange(result.years),
            "gross": result.ylt.gross,
            "insured": result.ylt.insured,
            "gross_largest": result.ylt.gross_largest,
            "insured_largest": result.ylt.insured_largest,
        },
        path,
    )


def write_columns(columns: dict[str, Any], path: Path) -> None:
    """A year-loss table: `.parquet`, or `.csv` with a header, the first column whole, amounts to the cent."""
    import numpy as np

    if path.suffix == ".parquet":
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise InvalidInput.one(
                "--ylt",
                Said(
                    "input.cli.needs_package",
                    {"format": "Parquet", "package": "pyarrow", "command": "pip install 'cyberins[parquet]'"},
                ),
            ) from None
        pq.write_table(pa.table(columns), path)
    elif path.suffix == ".csv":
        np.savetxt(
            path,
            np.column_stack(list(columns.values())),
            delimiter=",",
            header=",".join(columns),
            comments="",
            fmt=["%d"] + ["%.2f"] * (len(columns) - 1),
        )
    else:
        raise InvalidInput.one(
            "--ylt", Said("input.unknown_format", {"suffix": repr(path.suffix), "formats": ".csv, .parquet"})
        )


def print_result(result: SimulationResult, lang: Lang) -> None:
    from rich.table import Table

    from cyberins.cli.render import console, label
    from cyberins.model.money import format_money

    gross = result.gross()
    insured = result.insured() if result.has_policy else None
    title = say("cli.simulate.title", lang, years=result.years, seed=result.seed, currency=result.currency)
    table = Table(title=title)
    table.add_column(say("cli.simulate.measure", lang))
    table.add_column(say("cli.simulate.gross", lang), justify="right")
    if insured:
        table.add_column(say("cli.simulate.insured", lang), justify="right")

    def row(name: str, pick: object) -> None:
        values = [pick(m) for m in (gross, insured) if m is not None]  # type: ignore[operator]
        table.add_row(name, *(format_money(v, result.currency, lang) for v in values))

    row(say("cli.simulate.aal", lang), lambda m: m.aal)
    row(say("cli.simulate.s_e", lang), lambda m: m.aal_se)
    row(say("cli.simulate.std", lang), lambda m: m.std)
    for level in gross.var:
        pct = f"{float(level) * 100:g}%"
        row(say("cli.simulate.var", lang, pct=pct), lambda m, q=level: m.var[q])
        row(say("cli.simulate.tvar", lang, pct=pct), lambda m, q=level: m.tvar[q])
    console.print(table)
    heads = [say(f"cli.simulate.event_heads.{k}", lang) for k in ("event_type", "per_year", "gross_aal", "insured_aal")]
    contributions = Table(title=say("cli.simulate.by_event_type", lang))
    for n, col in enumerate(heads):
        contributions.add_column(col, justify="left" if n == 0 else "right")
    for et, (g, i) in result.by_event_type.items():
        contributions.add_row(
            label(et, lang),
            f"{result.frequency[et]:.4f}",
            format_money(g, result.currency, lang),
            format_money(i, result.currency, lang),
        )
    console.print(contributions)
    console.print(exceedance_chart(gross, insured, result.currency, lang))
    for c in result.money_only_time_element:
        console.print(say("cli.policy.money_only", lang, coverage=label(c, lang)))


def exceedance_chart(
    gross: LossMeasures, insured: LossMeasures | None, currency: str, lang: Lang, width: int = 48
) -> str:
    """A text loss-exceedance chart: one bar per return period, gross (█) with insured (▓) inside it."""
    from cyberins.model.money import format_money

    top = max(v for _, v in gross.aep) or 1.0
    lines = [say("cli.simulate.aggregate_exceedance_aep_return_period", lang)]
    for i, (rp, g) in enumerate(gross.aep):
        ins = insured.aep[i][1] if insured else 0.0
        n_ins, n_g = round(width * ins / top), round(width * g / top)
        bar = "▓" * n_ins + "█" * max(n_g - n_ins, 0)
        lines.append(
            f"{int(rp):>5} {say('cli.simulate.yr', lang)} │{bar:<{width}}│ {format_money(g, currency, lang)}"
            + (f" / {format_money(ins, currency, lang)}" if insured else "")
        )
    return "\n".join(lines)
