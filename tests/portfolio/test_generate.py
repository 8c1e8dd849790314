"""Synthetic books (issue 19 §1): the same seed gives the same file, the book runs, shares are cited."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from cyberins.model.errors import InvalidInput
from cyberins.model.loading import parse_document, parse_model
from cyberins.portfolio.book import load_book
from cyberins.portfolio.document import run_document
from cyberins.portfolio.generate import SharesFile, book_text, generate_book, packaged_shares
from cyberins.portfolio.simulate import run_book
from tests.portfolio.books import EXAMPLES


def _invoke(*args: str) -> tuple[int, str, str]:
    from cyberins.cli.app import app

    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


def test_same_seed_same_file_and_another_seed_another(tmp_path: Path) -> None:
    paths = [tmp_path / f"{name}.yaml" for name in ("a", "b", "c")]
    for path, seed in zip(paths, ("4", "4", "5"), strict=True):
        code, out, err = _invoke(
            "portfolio", "generate", "--policies", "200", "--seed", seed,
            "--out", str(path), "--examples", str(EXAMPLES), "--lang", "en",
        )  # fmt: skip
        assert code == 0, err
        assert "200 policies" in out
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert paths[0].read_bytes() != paths[2].read_bytes()


def test_generated_book_of_500_runs_2000_years_and_the_invariants_hold(tmp_path: Path) -> None:
    path = tmp_path / "book.yaml"
    path.write_text(book_text(generate_book(500, 11, "USD", EXAMPLES)), encoding="utf-8")
    book = load_book(path)
    assert book.policies == 500
    assert {line.size for line in book.lines} == {"small", "medium", "large"}
    run = run_book(book, 2_000, 3)
    y = run.ylt
    assert (y["net"] <= y["gross"] + 1e-6).all() and (y["gross"] <= y["ground_up"] + 1e-6).all()
    ceded = sum(y[f"ceded.{t.id}"] for t in book.reinsurance)
    np.testing.assert_allclose(y["gross"], y["net"] + ceded, rtol=0, atol=0.01)
    assert (y["ceded.qs"] <= 0.3 * y["gross"] + 1e-6).all()
    sources = y["gross.own_events"] + sum(y[f"gross.{s.id}"] for s in book.scenarios)
    np.testing.assert_allclose(sources, y["gross"], rtol=1e-9, atol=1e-6)
    doc = run_document(run)
    tvar = doc["gross"]["tvar"]["0.99"]
    assert abs(sum(doc["contributions"]["tvar"]["0.99"]["by_dependency"].values()) - tvar) <= 1e-9 * tvar
    # The systemic catalogue strikes: some scenario pays in some year.
    assert sum(doc["by_scenario"][s.id]["gross_aal"] for s in book.scenarios) > 0


def test_dependency_shares_follow_the_market_shares() -> None:
    doc = generate_book(4_000, 1, "USD", EXAMPLES)
    shares = packaged_shares()
    using: dict[str, int] = {}
    for line in doc["policies"]:
        for dep in line["depends_on"]:
            using[dep] = using.get(dep, 0) + line["count"]
    for dep in ("aws", "azure", "windows", "crowdstrike_falcon", "cloudflare"):
        share = next(g.vendors[dep].share for g in shares.dependencies.values() if dep in g.vendors)
        se = np.sqrt(share * (1 - share) / 4_000)
        assert abs(using[dep] / 4_000 - share) < 5 * se, dep
    # Payment processors only for the industries that list them.
    for line in doc["policies"]:
        if line["industry"] not in ("retail", "ecommerce", "trading_wholesale"):
            assert not {"processor_a", "processor_b"} & set(line["depends_on"])


def test_every_share_is_cited_or_an_assumption() -> None:
    for group in packaged_shares().dependencies.values():
        assert group.source or (group.assumption and group.why)
    data = yaml.safe_load(json.dumps(packaged_shares().model_dump(mode="json")))
    data["dependencies"]["cloud_provider"].pop("source")
    with pytest.raises(InvalidInput) as exc:
        parse_model(SharesFile, data)
    assert exc.value.problems[0].field.startswith("dependencies.cloud_provider")


def test_cny_book_uses_the_cny_wordings() -> None:
    doc = generate_book(50, 2, "CNY", EXAMPLES)
    assert doc["currency"] == "CNY"
    assert {line["policy"]["currency"] for line in doc["policies"]} == {"CNY"}
    book = parse_document(book_text(doc), "generated")
    assert book["policies"][0]["model"]["currency"] == "CNY"


def test_unknown_currency_or_missing_examples_exit_2(tmp_path: Path) -> None:
    out = str(tmp_path / "b.yaml")
    code, _, err = _invoke("portfolio", "generate", "--policies", "5", "--seed", "1", "--currency", "EUR", "--out", out)
    assert code == 2 and "--currency" in err and "Traceback" not in err
    args = ("portfolio", "generate", "--policies", "5", "--seed", "1", "--out", out, "--examples", str(tmp_path))
    code, _, err = _invoke(*args)
    assert code == 2 and "--examples" in err


def test_profile_models_are_read_through_assess(tmp_path: Path) -> None:
    doc = generate_book(40, 5, "USD", EXAMPLES, models="profile")
    kinds = {line["model"]["kind"] for line in doc["policies"]}
    assert kinds == {"organization"}
    path = tmp_path / "profiles.yaml"
    path.write_text(book_text(doc), encoding="utf-8")
    book = load_book(path)
    assert all(line.model is not None and line.model.currency == "USD" for line in book.lines)
    run = run_book(book, 300, 1)
    assert run.ylt["ground_up"].sum() > 0
