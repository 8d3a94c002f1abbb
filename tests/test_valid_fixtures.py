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
    assert ",injured,person,,,,5,8,,range,zwischen fünf und acht Menschen," in quantities
    assert ",intercepted,drone,,,,20,,,more_than,mehr als 20 Drohnen," in quantities
    # schema 0.2.0: every figure of the invented German and English reports has a form
    assert ",alerts,air_raid_alert,,,3,,,,exact,drei Mal Luftalarm," in quantities
    assert ",duration,attack,,,,5,,hours,more_than,mehr als fünf Stunden," in quantities
    assert ",intercepted,drone,die Richtung Kiew flogen,,,,,,all,Alle Drohnen," in quantities
    assert ",attacks,attack,,,,19,,,at_least,der 19. Angriff," in quantities
    assert ",intercepted,drone,,,12,,,,exact,12 Drohnen,,ua-63,ru-krs," in quantities
    assert ",duration,air_raid_alert,,,,2,,hours,more_than,over two hours,,ua-51,," in quantities
    assert ",alerts,air_raid_alert,,,3,,,,exact,the alert sounded three times,,ua-48,," in quantities
    assert ",hit,missile,the missiles,,,,,,none,None of the missiles," in quantities
    assert ",water-caspian-sea,aircraft\n" in quantities


def test_reported_as_tells_forecasts_from_events_that_happened(tmp_path: Path) -> None:
    import csv

    pkg = tmp_path / "pkg"
    shutil.copytree(FIXTURES / "valid" / "english-not-shipped-launch-none-forecast", pkg)
    done = subprocess.run(
        [sys.executable, "-m", "war_report_events", "build", str(pkg)], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    with open(pkg / "data" / "events.csv", newline="", encoding="utf-8") as f:
        reported = {row["event_id"]: row["reported_as"] for row in csv.DictReader(f)}
    assert reported == {
        "2000-02-10-fixture-ru-night-attack-ua": "happened",
        "2000-02-10-fixture-kp-troops-join-fighting": "forecast",
    }


def test_reported_as_of_claims() -> None:
    from war_report_events.standard.tables import reported_as

    assert reported_as([("asserted", None), ("unverified", "active")]) == "happened"
    assert reported_as([("asserted", None), ("denied", None)]) == "mixed"
    assert reported_as([("asserted", "retracted"), ("speculative", None)]) == "speculated"
    assert reported_as([("asserted", "superseded")]) == "retracted"


def test_a_text_not_shipped_is_checked_against_a_local_copy(tmp_path: Path) -> None:
    case = FIXTURES / "valid" / "english-not-shipped-launch-none-forecast"
    report = next((case / "data" / "reports").glob("*.json"))
    code, out = run([str(report)])
    assert code == 0 and "note: not checked: 1 source text(s) are not shipped" in out
    assert "text-sha256-mismatch and quote-mismatch did not run" in out
    code, out = run([str(report), "--texts", str(case / "texts")])
    assert (code, out.splitlines()[-1]) == (0, f"valid: {report}") and "note:" not in out
    altered = tmp_path / "texts"
    altered.mkdir()
    text = next((case / "texts").glob("*.txt"))
    (altered / text.name).write_text(text.read_text(encoding="utf-8").replace("40 drones", "41 drones"))
    code, out = run([str(report), "--texts", str(altered), "--format", "json"])
    codes = sorted(e["code"] for e in __import__("json").loads(out)["errors"])
    assert code == 1 and codes == ["quote-mismatch", "text-sha256-mismatch"]
    code, out = run([str(report), "--texts", str(tmp_path / "empty-missing")])
    assert code == 2 and "[path-not-found]" in out


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


def test_a_package_with_a_text_not_shipped_names_the_checks_and_passes_them_with_texts(tmp_path: Path) -> None:
    import json

    case = FIXTURES / "valid" / "english-not-shipped-launch-none-forecast"
    pkg = tmp_path / "pkg"
    shutil.copytree(case, pkg)
    texts = pkg / "texts"  # beside the package's data, never inside data/: as a coder keeps them
    done = subprocess.run(
        [sys.executable, "-m", "war_report_events", "build", str(pkg)], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (pkg / "data" / "sources").exists()
    code, out = run([str(pkg)])
    assert code == 0 and "note: not checked: 1 source text(s) are not shipped" in out
    code, out = run([str(pkg), "--format", "json"])
    assert json.loads(out)["not_checked"]["checks"] == ["text-sha256-mismatch", "quote-mismatch"]
    code, out = run([str(pkg), "--texts", str(texts)])
    assert (code, out) == (0, f"valid: {pkg}\n")
    text = next(texts.glob("*.txt"))
    text.write_text(text.read_text(encoding="utf-8").replace("six missiles", "seven missiles"), encoding="utf-8")
    code, out = run([str(pkg), "--texts", str(texts), "--format", "json"])
    found = sorted((e["file"], e["code"]) for e in json.loads(out)["errors"])
    # Both paths check the local copy: the report's hash and quotes, and the tables' (one more character
    # shifts every later quote).
    assert code == 1 and {(f.split("/")[1], c) for f, c in found} == {
        ("reports", "text-sha256-mismatch"),
        ("reports", "quote-mismatch"),
        ("sources.csv", "text-sha256-mismatch"),
        ("claims.csv", "quote-mismatch"),
    }
