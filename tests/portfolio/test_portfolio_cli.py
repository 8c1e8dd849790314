"""`cyberins portfolio run | stress` (contract §4-§7, §9): the documents, the YLT, Dask, errors with exit 2."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from cyberins.quant.metrics import LEVELS, LossMeasures
from tests.portfolio.books import FOLDER, mixed

BOOK = str(FOLDER / "mixed-book.yaml")
MEASURE_KEYS = set(LossMeasures.of(np.zeros(2), np.zeros(2)).as_dict())


def _invoke(*args: str) -> tuple[int, str, str]:
    from cyberins.cli.app import app

    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


def test_run_json_and_ylt(tmp_path: Path) -> None:
    ylt = tmp_path / "ylt.csv"
    code, out, err = _invoke("portfolio", "run", BOOK, "--years", "1000", "--seed", "11", "--json", "--ylt", str(ylt))
    assert code == 0, err
    doc = json.loads(out)
    assert doc["portfolio"] == "mixed-book-usd" and doc["years"] == 1000 and doc["seed"] == 11
    assert doc["currency"] == "USD" and doc["policies"] == 35
    for block in ("ground_up", "gross", "net"):
        assert MEASURE_KEYS <= set(doc[block])
    assert set(doc["ceded"]) == {"qs", "rxl", "cat_xl", "asl"} and set(doc["ils"]) == {"bond"}
    for treaty in doc["ceded"].values():
        assert {"expected_reinstatement_premium", "attachment_probability", "exhaustion_probability"} <= set(treaty)
    assert set(doc["ils"]["bond"]) >= {"attachment_probability", "exhaustion_probability", "expected_loss"}
    assert set(doc["by_scenario"]) == {"own_events", "cloud_region_outage", "edr_faulty_update"}
    assert doc["by_scenario"]["cloud_region_outage"]["rate"] == 0.2
    assert set(doc["by_dependency"]) == {"cloud_us_east", "edr_vendor", "none"}
    assert set(doc["contributions"]["tvar"]) == {str(q) for q in LEVELS}
    with ylt.open() as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 1000 and rows[0]["year"] == "0" and rows[-1]["year"] == "999"
    cols = set(rows[0])
    assert {"ground_up", "gross", "gross_largest", "net", "gross.own_events", "gross.edr_faulty_update"} <= cols
    assert {"ceded.qs", "ceded.asl", "reinstatement_premium.rxl", "reinstatement_premium.cat_xl", "ils.bond"} <= cols
    for r in rows:
        gross, net = float(r["gross"]), float(r["net"])
        ceded = sum(float(r[f"ceded.{t}"]) for t in ("qs", "rxl", "cat_xl", "asl"))
        assert abs(gross - net - ceded) <= 0.02  # to the cent, each column rounded to it
        assert net <= gross + 0.01 <= float(r["ground_up"]) + 0.02
        assert float(r["ceded.qs"]) <= 0.3 * gross + 0.01
    gross = np.array([float(r["gross"]) for r in rows])
    assert doc["gross"]["aal"] == pytest.approx(gross.mean(), abs=0.01)


def test_workers_and_in_process_agree_bit_for_bit(tmp_path: Path) -> None:
    args = ["portfolio", "run", BOOK, "--years", "9000", "--seed", "3", "--json"]
    outs = []
    for extra in ([], ["--workers", "1"], ["--workers", "2"]):
        code, out, err = _invoke(*args, *extra)
        assert code == 0, err
        outs.append(out)
    assert outs[0] == outs[1] == outs[2]


def test_stress_json() -> None:
    code, out, err = _invoke("portfolio", "stress", BOOK, "--scenario", "edr_faulty_update", "--hours", "36", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["scenario"] == "edr_faulty_update" and doc["hours"] == 36 and doc["policies_hit"] == 15
    assert set(doc["ceded"]) == {"qs", "rxl", "cat_xl", "asl"}
    assert set(doc["reinstatement_premium"]) == {"rxl", "cat_xl"}
    assert doc["by_line"]["retail-edr"]["outcome"] == "paid"


def test_plain_output_fits_80_columns() -> None:
    from cyberins.cli.render import console

    width = console.width
    console.width = 80
    try:
        code, out, err = _invoke("portfolio", "stress", BOOK, "--scenario", "edr_faulty_update", "--hours", "36")
    finally:
        console.width = width
    assert code == 0, err
    assert "retail-edr" in out


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["stress", BOOK, "--scenario", "nope", "--hours", "3"], "--scenario"),
        (["run", BOOK, "--years", "10", "--seed", "1", "--workers", "1", "--scheduler", "tcp://x:1"], "--workers"),
        (["run", BOOK, "--years", "10", "--seed", "1", "--ylt", "out.xlsx"], "--ylt"),
    ],
)
def test_bad_options_exit_2(args: list[str], field: str) -> None:
    code, _, err = _invoke("portfolio", *args)
    assert code == 2 and field in err


def test_bad_book_exits_2_naming_the_field(tmp_path: Path) -> None:
    data = mixed()
    data["scenarios"][0]["dependency"] = "nowhere"
    for line in data["policies"]:
        for key in ("model", "policy"):
            if isinstance(line.get(key), str):
                line[key] = str((FOLDER / line[key]).resolve())
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data))
    code, _, err = _invoke("portfolio", "run", str(path), "--years", "10", "--seed", "1")
    assert code == 2 and "scenarios[0].dependency" in err and "Traceback" not in err


def test_scheduler_option_uses_a_running_cluster() -> None:
    from distributed import LocalCluster

    args = ["portfolio", "run", BOOK, "--years", "5000", "--seed", "8", "--json"]
    # The scheduler's routes on any free port: on 8787 (its default even without a dashboard) a cluster that
    # another process holds makes Dask warn, and -W error fails the test.
    with LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        dashboard_address=None,
        scheduler_kwargs={"dashboard_address": ":0"},
    ) as cluster:
        code, remote, err = _invoke(*args, "--scheduler", cluster.scheduler_address)
    assert code == 0, err
    code, local, err = _invoke(*args)
    assert code == 0, err
    assert remote == local


def test_marginal_is_with_minus_without_and_speaks_one_language() -> None:
    from tests.one_language import chinese_in, english_in

    code, out, err = _invoke("portfolio", "marginal", BOOK, "--line", "retail-edr", "--years", "600", "--seed", "3",
                             "--json")  # fmt: skip
    assert code == 0, err
    doc = json.loads(out)
    assert doc["line"] == "retail-edr" and doc["years"] == 600
    for basis in ("ground_up", "gross", "net"):
        aal = doc[basis]["aal"]
        assert aal["marginal"] == pytest.approx(aal["with"] - aal["without"]) and aal["with"] >= aal["without"]
    assert doc["gross"]["aal"]["marginal"] > 0  # the line pays claims of its own
    code, zh, _ = _invoke("portfolio", "marginal", BOOK, "--line", "retail-edr", "--years", "600", "--seed", "3",
                          "--lang", "zh")  # fmt: skip
    assert code == 0 and english_in(zh, names=["retail-edr", "TVaR"]) == set()
    code, en, _ = _invoke("portfolio", "marginal", BOOK, "--line", "retail-edr", "--years", "600", "--seed", "3",
                          "--lang", "en")  # fmt: skip
    assert code == 0 and chinese_in(en) == []
    code, _, err = _invoke("portfolio", "marginal", BOOK, "--line", "nope", "--years", "10", "--seed", "3")
    assert code == 2 and "--line" in err and "retail-edr" in err
