"""`upgrade`: every 0.1.0 report becomes a 0.2.0 report that keeps every value, and a valid one stays valid."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BASE, FIXTURES, ROOT
from war_report_events.failure import UserError
from war_report_events.standard import tables
from war_report_events.tools import upgrade as upgrading
from war_report_events.validator.cli import run


def fixtures_0_1_0() -> list[Path]:
    found = []
    for path in sorted(FIXTURES.rglob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError, RecursionError):
            continue  # fixtures of broken or hostile JSON: nothing to upgrade
        if isinstance(data, dict) and data.get("schema_version") == "0.1.0":
            found.append(path)
    return found


FIXTURES_0_1_0 = fixtures_0_1_0()
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}  # run inside a package folder, with this checkout's code


def test_there_are_many_0_1_0_fixtures() -> None:
    assert len(FIXTURES_0_1_0) > 40 and BASE / "data" / "reports" in [p.parent for p in FIXTURES_0_1_0]


@pytest.mark.parametrize("path", FIXTURES_0_1_0, ids=[str(p.relative_to(FIXTURES)) for p in FIXTURES_0_1_0])
def test_upgrade_keeps_every_value(path: Path) -> None:
    old = json.loads(path.read_text(encoding="utf-8"))
    new = upgrading.upgrade(old)
    assert new["schema_version"] == "0.2.0"
    assert upgrading.lost_values(old, new) == []
    assert upgrading.upgrade(new) == new  # already the latest: unchanged


def test_the_shipped_0_1_0_report_upgrades_to_a_valid_report_whose_tables_round_trip(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    shutil.copytree(BASE, pkg)
    done = subprocess.run(
        [sys.executable, "-m", "war_report_events", "upgrade"], cwd=pkg, capture_output=True, text=True, env=ENV
    )
    assert done.returncode == 0 and "1 report(s) upgraded" in done.stdout, done.stdout + done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "war_report_events", "build", str(pkg)], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    code, out = run([str(pkg)])
    assert code == 0, out
    report = json.loads(next((pkg / "data" / "reports").glob("*.json")).read_text(encoding="utf-8"))
    rebuilt = tables.unflatten(tables.build_tables([report], "0.2.0"), "0.2.0")
    assert [tables.canonical(r) for r in rebuilt] == [tables.canonical(report)]
    before = json.loads(next((BASE / "data" / "reports").glob("*.json")).read_text(encoding="utf-8"))
    assert upgrading.lost_values(before, report) == []


def test_check_writes_nothing_and_says_what_needs_upgrading(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    shutil.copytree(BASE, pkg)
    report = next((pkg / "data" / "reports").glob("*.json"))
    before = report.read_bytes()
    done = subprocess.run(
        [sys.executable, "-m", "war_report_events", "upgrade", "--check"],
        cwd=pkg,
        capture_output=True,
        text=True,
        env=ENV,
    )
    assert done.returncode == 1 and "needs upgrading to 0.2.0" in done.stdout
    assert report.read_bytes() == before


def test_unknown_versions_and_broken_files_are_refused_without_writing(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="cannot upgrade from schema_version '9.9.9'"):
        upgrading.upgrade({"schema_version": "9.9.9"})
    good = tmp_path / "good.json"
    shutil.copyfile(next((BASE / "data" / "reports").glob("*.json")), good)
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema_version": "0.1.0",')
    before = good.read_bytes()
    done = subprocess.run(
        [sys.executable, "-m", "war_report_events", "upgrade", str(good), str(broken)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and "not valid JSON" in done.stderr and "Traceback" not in done.stderr
    assert good.read_bytes() == before  # all or nothing


def test_a_step_that_would_lose_a_value_is_caught() -> None:
    assert upgrading.lost_values({"a": {"b": 1}, "c": [1, 2]}, {"a": {}, "c": [1]}) == ["$.a.b", "$.c"]
    assert upgrading.lost_values({"a": 1}, {"a": True}) == ["$.a"]
