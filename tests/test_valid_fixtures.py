"""Valid edge cases: each report under tests/fixtures/valid/ validates, alone and built into a package."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT
from war_report_events.validator.cli import run

REPORTS = sorted((FIXTURES / "valid").glob("*/data/reports/*.json"))


@pytest.mark.parametrize("report", REPORTS, ids=[r.parents[2].name for r in REPORTS])
def test_valid_report_alone(report: Path) -> None:
    code, out = run([str(report)])
    assert code == 0, out


def test_valid_reports_build_into_a_valid_package(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    for case in sorted((FIXTURES / "valid").iterdir()):
        shutil.copytree(case, pkg, dirs_exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "war_report_events", "build", str(pkg)], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    code, out = run([str(pkg)])
    assert code == 0, out
    quantities = (pkg / "data" / "quantities.csv").read_text(encoding="utf-8")
    assert ",injured,person,,5,8,range,zwischen fünf und acht Menschen," in quantities
    assert ",intercepted,drone,,20,,more_than,mehr als 20 Drohnen," in quantities


def test_schema_0_2_0_package_with_several_sources_on_one_event_is_valid() -> None:
    """Two sources, each with its own claimant and figures, on one event; a superseded claim; a translation."""
    import csv

    pkg = FIXTURES / "base-0.2.0"
    code, out = run([str(pkg)])
    assert code == 0, out
    with open(pkg / "data" / "claims.csv", newline="", encoding="utf-8") as f:
        claims = list(csv.DictReader(f))
    on_attack = {c["source_id"] for c in claims if c["event_id"] == "2024-10-30-ru-drone-missile-attack-ua"}
    assert on_attack == {"2024-10-30-drone-strikes-north-korea", "2024-10-30-fixture-air-force-post"}
    superseded = next(c for c in claims if c["claim_id"].endswith("north-korea.c05"))
    assert (superseded["status"], superseded["status_source_id"]) == ("superseded", "2024-10-31-fixture-korrektur")
    correction = next(c for c in claims if c["supersedes_claim_id"])
    assert correction["quote"].startswith("Die Stadtverwaltung") and correction["quote_translation"].startswith(
        "The city"
    )


def test_a_withdrawn_id_may_be_gone(package: Path) -> None:
    (package / "schema" / "released").mkdir(parents=True)
    (package / "schema" / "released" / "0.1.0.ids.csv").write_text("table,id\nclaims,gone.c01\n")
    code, out = run([str(package)])
    assert code == 1 and "[id-removed]" in out
    (package / "data" / "withdrawn.csv").write_text("table,id,reason\nclaims,gone.c01,publisher's takedown request\n")
    assert run([str(package)])[0] == 0
