"""Shared helpers: where the fixtures are, and how a fixture case becomes a package on disk."""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
BASE = FIXTURES / "base"

#: Lines a test module wants printed at the end of the run (skipped browser tests, screenshot paths).
NOTES: list[str] = []


def pytest_terminal_summary(terminalreporter) -> None:
    for line in dict.fromkeys(NOTES):
        terminalreporter.write_line(line)


def copy_tree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, symlinks=True, dirs_exist_ok=True)


def materialize(case: Path, tmp: Path) -> Path:
    """The shipped-package copy in tests/fixtures/base with the case's deletions and overlay applied."""
    pkg = tmp / "pkg"
    base = case / "base.txt"  # which frozen package the case changes (default: base, the 0.1.0 package)
    copy_tree(FIXTURES / base.read_text().strip() if base.exists() else BASE, pkg)
    deletions = case / "delete.txt"
    for rel in deletions.read_text().split() if deletions.exists() else []:
        (pkg / rel).unlink()
    if (case / "package").is_dir():
        copy_tree(case / "package", pkg)
    return pkg


def order(row: tuple) -> tuple:
    """The validator's output order: file, line, JSON path, field, code."""
    file, line, field, path, code = row
    return (file or "", line or 0, path or "", field or "", code)


def expected_rows(case: Path, pkg: Path) -> list[tuple]:
    with open(case / "expected.csv", newline="", encoding="utf-8") as f:
        return sorted(
            (
                (
                    r["file"].replace("{pkg}", str(pkg)) or None,
                    int(r["line"]) if r["line"] else None,
                    r["field"] or None,
                    r["path"] or None,
                    r["code"],
                )
                for r in csv.DictReader(f)
            ),
            key=order,
        )


def case_args(case: Path, pkg: Path) -> list[str]:
    args = case / "args.txt"
    raw = args.read_text().split("\n") if args.exists() else ["{pkg}"]
    return [a.replace("{pkg}", str(pkg)) for a in raw if a]


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A writable copy of the shipped package as it is now: tests/fixtures/base (the 0.1.0 release),
    upgraded to the current schema and built, as `upgrade` and `build` do it."""
    from war_report_events.files import dump_report
    from war_report_events.standard.tables import expected_files
    from war_report_events.tools.upgrade import upgrade

    pkg = tmp_path / "pkg"
    copy_tree(BASE, pkg)
    reports = []
    for path in sorted((pkg / "data" / "reports").glob("*.json")):
        report = upgrade(json.loads(path.read_text(encoding="utf-8")))
        path.write_text(dump_report(report), encoding="utf-8")
        reports.append(report)
    for rel, text in expected_files(reports).items():
        (pkg / rel).write_text(text, encoding="utf-8")
    return pkg


@pytest.fixture(autouse=True)
def _no_writes_outside_tmp(monkeypatch: pytest.MonkeyPatch) -> None:
    # The validator must not depend on where it is run from.
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    os.environ.setdefault("LC_ALL", "C.UTF-8")
