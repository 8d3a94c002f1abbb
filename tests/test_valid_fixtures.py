"""Valid edge cases: each report under tests/fixtures/valid/ validates, alone and built into a package."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT
from war_report_events.cli import run

REPORTS = sorted((FIXTURES / "valid").glob("*/data/reports/*.json"))


@pytest.mark.parametrize("report", REPORTS, ids=[r.parents[2].name for r in REPORTS])
def test_valid_report_alone(report: Path) -> None:
    code, out = run([str(report)])
    assert code == 0, out


def test_valid_reports_build_into_a_valid_package(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    for case in sorted((FIXTURES / "valid").iterdir()):
        shutil.copytree(case, pkg, dirs_exist_ok=True)
    done = subprocess.run([sys.executable, "-m", "war_report_events", "build", str(pkg)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    code, out = run([str(pkg)])
    assert code == 0, out
    quantities = (pkg / "data" / "quantities.csv").read_text(encoding="utf-8")
    assert ",injured,person,,5,8,range,zwischen fünf und acht Menschen," in quantities
    assert ",intercepted,drone,,20,,more_than,mehr als 20 Drohnen," in quantities
