"""docs/examples/aerial_attacks.py runs on the shipped tables, keeps qualifiers visible, writes a PNG."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "docs" / "examples" / "aerial_attacks.py"


@pytest.fixture(scope="module")
def example():
    spec = importlib.util.spec_from_file_location("aerial_attacks", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def row(qualifier: str, value=None, lower=None, upper=None) -> pd.Series:
    return pd.Series({"qualifier": qualifier, "value": value, "lower": lower, "upper": upper})


def test_runs_on_the_shipped_tables_and_writes_a_png(example, tmp_path: Path, capsys) -> None:
    out = tmp_path / "plots" / "aerial.png"
    assert example.main(["--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 10_000
    header = printed.splitlines()[0].split()
    assert header == ["claimant", "event", "measure", "subject", "figure", "wording"]
    rows = load_expected()
    for _, q in rows.iterrows():  # every launched/intercepted/jammed figure of an aerial attack is listed
        assert q["wording"] in printed
    assert "vague (no number)" in printed  # "scores of drone strikes" is not turned into a number


def load_expected() -> pd.DataFrame:
    q = pd.read_csv(ROOT / "data/quantities.csv")
    c = pd.read_csv(ROOT / "data/claims.csv")
    e = pd.read_csv(ROOT / "data/events.csv")
    rows = q.merge(c, on="claim_id").merge(e, on="event_id")
    return rows[(rows.event_type == "aerial_attack") & rows.measure.isin(["launched", "intercepted", "jammed"])]


def test_qualifiers_decide_the_text_and_the_bar(example) -> None:
    assert example.figure_text(row("about", value=30)) == "about 30"
    assert example.figure_text(row("at_least", lower=4)) == "at least 4"
    assert example.figure_text(row("range", lower=10, upper=20)) == "10 to 20"
    assert example.figure_text(row("vague")) == "vague (no number)"
    assert example.plotted_number(row("exact", value=62)) == 62
    assert example.plotted_number(row("at_most", upper=5)) == 5
    assert example.plotted_number(row("vague")) is None


def test_vague_figures_get_no_bar(example) -> None:
    rows = example.load(ROOT / "data")
    fig = example.plot(rows)
    bars = sum(len(ax.patches) for ax in fig.axes)
    assert bars == sum(example.plotted_number(r) is not None for _, r in rows.iterrows())
    assert bars < len(rows)  # the seed article has one vague launch figure
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert any(t.startswith("vague, no number:") for t in texts)


def test_missing_data_folder_is_explained(example, tmp_path: Path, capsys) -> None:
    assert example.main(["--data", str(tmp_path), "--out", str(tmp_path / "x.png")]) == 1
    assert "make build" in capsys.readouterr().err
