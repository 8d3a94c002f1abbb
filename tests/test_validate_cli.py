"""The validator's command-line contract: paths, formats, exit codes, truncation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT
from war_report_events.validator.cli import run

REPORT = "data/reports/2024-10-30-drone-strikes-north-korea.json"


def test_shipped_package_is_valid_from_the_command_line() -> None:
    done = subprocess.run([sys.executable, "validate.py"], cwd=ROOT, capture_output=True, text=True)
    # the one-night corpus ships no texts (rights): the validator notes the checks that need them, and passes
    assert (done.returncode, done.stdout.splitlines()[-1], done.stderr) == (0, "valid: .", "")
    assert all(line.startswith("note: not checked:") for line in done.stdout.splitlines()[:-1])


def test_help_documents_exit_codes() -> None:
    done = subprocess.run([sys.executable, "validate.py", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0
    for words in ("0  valid", "1  invalid", "2  could not start", "--format", "--max-errors", "--allow-outside-root"):
        assert words in done.stdout


def test_a_single_report_and_a_descriptor_path_are_accepted() -> None:
    assert run([str(ROOT / REPORT)])[0] == 0
    assert run([str(ROOT / "datapackage.json")])[0] == 0


def test_several_paths_in_one_run_prefix_their_files(package: Path) -> None:
    report = package / REPORT
    report.write_text(report.read_text().replace('"value": 62,', '"value": -62,'))
    code, out = run([str(ROOT), str(package), "--format", "json"])
    errors = json.loads(out)["errors"]
    assert code == 1 and [(e["file"], e["code"]) for e in errors] == [
        (f"{os.path.relpath(package)}/{REPORT}", "out-of-range")
    ]


def test_github_annotations_name_files_from_the_working_directory(package: Path, monkeypatch) -> None:
    report = package / REPORT
    report.write_text(report.read_text().replace('"value": 62,', '"value": -62,'))
    monkeypatch.chdir(package.parent)
    code, out = run(["pkg", "--format", "github"])
    assert code == 1 and out.startswith(f"::error file=pkg/{REPORT},line=")


def test_max_errors_truncates_in_every_format(package: Path) -> None:
    report = package / REPORT
    report.write_text(
        report.read_text().replace('"value": 62,', '"value": -62,').replace('"value": 9,', '"value": -9,')
    )
    code, out = run([str(package), "--max-errors", "1", "--format", "json"])
    result = json.loads(out)
    assert code == 1 and result["truncated"] is True and len(result["errors"]) == 1
    code, text = run([str(package), "--max-errors", "1"])
    assert "stopped after 1 errors" in text
    code, gh = run([str(package), "--max-errors", "1", "--format", "github"])
    assert "::warning title=truncated::stopped after 1 errors" in gh


def test_github_annotations_escape_newlines_and_commas() -> None:
    from war_report_events.validator.errors import Problem
    from war_report_events.validator.reporting import render_github

    out = render_github([Problem("a,b.csv", 3, None, "f", "row-width", "50% bad\nline")], False)
    assert out.splitlines()[0] == "::error file=a%2Cb.csv,line=3,title=row-width::f: 50%25 bad%0Aline"


def test_exit_2_in_json_is_still_one_json_object() -> None:
    code, out = run(["/definitely/not/here", "--format", "json"])
    result = json.loads(out)
    assert code == 2 and result["valid"] is False and [e["code"] for e in result["errors"]] == ["path-not-found"]
