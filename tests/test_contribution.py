"""A valid contribution never turns the suite red.

A copy of the repository gets one more valid report (tests/fixtures/contribution/<schema version>:
an invented German report of the live package's schema version; for 0.2.0 one without a publication
date, coding a duration, alerts and all/none), `build` writes the tables, and then every test module that reads the live data/
runs in that copy and passes. The docs' outputs run against frozen packages (tests/docsnippets.py),
so no documented output depends on which reports data/ holds.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTRIBUTION = ROOT / "tests" / "fixtures" / "contribution"
# The test modules that read the live data/ (ROOT / "data", or the package root's datapackage.json).
DATA_DEPENDENT = (
    "tests/test_build.py",
    "tests/test_docs.py",
    "tests/test_examples.py",
    "tests/test_exporting.py",
    "tests/test_loading_docs.py",
    "tests/test_multiple_sources_docs.py",
    "tests/test_one_night.py",
    "tests/test_tools.py",
    "tests/test_validate_cli.py",
)
LIVE_DATA = re.compile(r'ROOT\s*/\s*"data(?:/|"|package\.json")')
IGNORED = shutil.ignore_patterns(".git", ".venv", "site", "dist", "__pycache__", ".pytest_cache", "*.pyc")


def live_schema_version() -> str:
    """The schema version of the live package's reports (a package follows one). Fixtures are keyed by it,
    not by the package version: a data release keeps its schema (docs/versioning.md), so cutting one moves
    no fixture."""
    first = sorted((ROOT / "data" / "reports").glob("*.json"))[0]
    return json.loads(first.read_text(encoding="utf-8"))["schema_version"]


def test_every_fixture_is_one_valid_report_of_its_version() -> None:
    for folder in sorted(CONTRIBUTION.iterdir()):
        (report,) = (folder / "data" / "reports").glob("*.json")
        assert json.loads(report.read_text(encoding="utf-8"))["schema_version"] == folder.name
        assert (folder / "data" / "sources" / f"{report.stem}.txt").is_file()


def test_every_module_that_reads_the_live_data_is_in_the_list() -> None:
    readers = {
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "tests").glob("test_*.py"))
        if path.name != Path(__file__).name and LIVE_DATA.search(path.read_text(encoding="utf-8"))
    }
    assert readers - {"tests/test_workflows.py", "tests/test_citation.py"} <= set(DATA_DEPENDENT)


@pytest.mark.skipif(not (ROOT / "data" / "reports").is_dir(), reason="not a checkout")
def test_one_more_valid_report_leaves_the_data_dependent_tests_green(tmp_path: Path) -> None:
    from war_report_events.publish import one_night
    from war_report_events.tools import build

    copy = tmp_path / "repository"
    shutil.copytree(ROOT, copy, ignore=IGNORED)
    version = live_schema_version()
    fixture = CONTRIBUTION / version / "data"
    assert fixture.is_dir(), f"add an invented valid report of schema {version} under {fixture.relative_to(ROOT)}"
    shutil.copytree(fixture, copy / "data", dirs_exist_ok=True)
    assert build.main([str(copy)]) == 0
    assert one_night.main(["--root", str(copy)]) == 0  # `make build` regenerates the page from the new tables too
    (added,) = [p.stem for p in (fixture / "reports").glob("*.json")]
    assert f"\n{added}," in (copy / "data" / "sources.csv").read_text(encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:randomly", *DATA_DEPENDENT, "-k", "not site_builds"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
