"""The tables and datapackage.json are built from the reports: up to date, deterministic, lossless."""

from __future__ import annotations

import csv
import json
import random
import subprocess
import sys
from pathlib import Path

from conftest import ROOT
from war_report_events import __version__
from war_report_events.standard import schema
from war_report_events.standard import tables as building
from war_report_events.validator import rules

REPORTS = sorted((ROOT / "data" / "reports").glob("*.json"))


def _reports() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in REPORTS]


def _read_tables(root: Path) -> dict[str, list[dict]]:
    out = {}
    for tb in schema.tables():
        with open(root / "data" / f"{tb.name}.csv", newline="", encoding="utf-8") as f:
            out[tb.name] = [
                {k: rules.cell_value(tb.field(k), v)[0] for k, v in row.items()} for row in csv.DictReader(f)
            ]
    return out


def test_shipped_files_are_what_build_writes() -> None:
    for rel, text in building.expected_files(_reports()).items():
        assert (ROOT / rel).read_text(encoding="utf-8") == text, f"{rel} is out of date: run `make build`"


def test_build_check_command_agrees() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "war_report_events", "build", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_build_is_deterministic_and_independent_of_file_order() -> None:
    reports = _reports()
    first = building.expected_files(reports)
    shuffled = reports[:]
    random.Random(7).shuffle(shuffled)
    assert building.expected_files(shuffled) == first
    assert all("\r" not in t and t.endswith("\n") for t in first.values())


def test_tables_lose_nothing_every_report_rebuilds_from_them() -> None:
    rebuilt = building.unflatten(_read_tables(ROOT))
    assert [building.canonical(r) for r in rebuilt] == [building.canonical(r) for r in _reports()]


def test_build_writes_tables_into_an_empty_package(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    for sub in ("reports", "sources"):
        (tmp_path / "data" / sub).mkdir()
        for p in (ROOT / "data" / sub).iterdir():
            (tmp_path / "data" / sub / p.name).write_bytes(p.read_bytes())
    done = subprocess.run(
        [sys.executable, "-m", "war_report_events", "build", str(tmp_path)], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    for rel in ["datapackage.json"] + [f"data/{t.name}.csv" for t in schema.tables()]:
        assert (tmp_path / rel).read_bytes() == (ROOT / rel).read_bytes(), rel


def test_build_refuses_invalid_reports_and_writes_nothing(package: Path) -> None:
    report = next((package / "data" / "reports").glob("*.json"))
    report.write_text(report.read_text().replace('"value": 62,', '"value": -62,'))
    before = {p: p.read_bytes() for p in package.rglob("*") if p.is_file()}
    (package / "data" / "claims.csv").unlink()
    done = subprocess.run(
        [sys.executable, "-m", "war_report_events", "build", str(package)], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "out-of-range" in done.stdout and "Nothing was written" in done.stderr
    assert not (package / "data" / "claims.csv").exists()
    assert {p: p.read_bytes() for p in package.rglob("*") if p.is_file()} == {
        p: b for p, b in before.items() if p.name != "claims.csv"
    }


def test_stock_frictionless_validates_the_package() -> None:
    import frictionless

    report = frictionless.validate(str(ROOT / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_descriptor_is_data_package_v1_and_v2_shaped() -> None:
    d = json.loads((ROOT / "datapackage.json").read_text())
    assert d["version"] == __version__ and d["licenses"] and d["contributors"]
    assert d["profile"] == "tabular-data-package"
    for res in d["resources"]:
        assert res["type"] == "table" and res["profile"] == "tabular-data-resource"
        assert res["path"] == f"data/{res['name']}.csv" and res["encoding"] == "utf-8"
    claims = next(r for r in d["resources"] if r["name"] == "claims")
    assert len(claims["licenses"]) == 2, "quoted text carries its own terms"


def test_build_fills_missing_quote_offsets_as_locate_prints_them(package: Path) -> None:
    report = next((package / "data" / "reports").glob("*.json"))
    original = report.read_text(encoding="utf-8")
    data = json.loads(original)
    for event in data["events"]:
        for claim in event["claims"]:
            del claim["quote_start"], claim["quote_end"]
    report.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "war_report_events", "build", str(package)], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "filled the offsets of 16 quote(s)" in done.stdout
    assert report.read_text(encoding="utf-8") == original
