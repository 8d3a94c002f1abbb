"""Hostile input: a clear, located error and nothing else — no traceback, hang, network, foreign import or write."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from war_report_events.validator.cli import run

REPORT = "data/reports/2024-10-30-drone-strikes-north-korea.json"


def _json(args: list[str]) -> tuple[int, dict]:
    code, out = run(args + ["--format", "json"])
    return code, json.loads(out)


def _codes(result: dict) -> list[str]:
    return [e["code"] for e in result["errors"]]


def test_report_of_100_mb_is_refused_without_reading_it(package: Path) -> None:
    path = package / REPORT
    with open(path, "r+b") as f:
        f.truncate(100 * 1024 * 1024)  # sparse: the test stays fast
    code, result = _json([str(package)])
    assert code == 1
    assert [(e["file"], e["code"]) for e in result["errors"]] == [(REPORT, "file-too-large")]


def test_single_cell_of_10_mb_gives_a_short_message(package: Path) -> None:
    claims = package / "data" / "claims.csv"
    lines = claims.read_text().split("\n")
    lines[1] = lines[1].replace("Russia and Ukraine exchanged", "x" * 10_000_000, 1)
    claims.write_text("\n".join(lines))
    code, result = _json([str(package)])
    assert code == 1
    cell = [e for e in result["errors"] if e["code"] == "cell-too-large"]
    assert [(e["file"], e["line"]) for e in cell] == [("data/claims.csv", 2)]
    assert all(len(e["message"]) < 400 for e in result["errors"])
    assert "dangling-reference" not in _codes(result), "a table read only in part is not used to judge references"


def test_long_value_is_cut_in_messages(package: Path) -> None:
    path = package / REPORT
    path.write_text(
        path.read_text().replace(
            '"measure": "launched",\n              "subject": "drone",\n              "value": 62',
            '"measure": "' + "z" * 5000 + '",\n              "subject": "drone",\n              "value": 62',
        )
    )
    code, result = _json([str(package)])
    assert code == 1 and _codes(result) == ["not-in-codelist"]
    assert len(result["errors"][0]["message"]) < 400 and "…" in result["errors"][0]["message"]


def test_unreadable_path_exits_2(monkeypatch: pytest.MonkeyPatch, package: Path) -> None:
    def refuse(self: Path):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "iterdir", refuse)  # root can read anything, so simulate it
    code, result = _json([str(package)])
    assert code == 2 and _codes(result) == ["path-unreadable"] and result["valid"] is False


@pytest.mark.parametrize(
    "name", ["jsonschema.py", "frictionless_evil.py", "json_source_map.py", "pycountry.py", "war_report_events.py"]
)
def test_code_in_the_package_or_working_directory_is_never_imported(tmp_path: Path, package: Path, name: str) -> None:
    marker = tmp_path / "imported"
    payload = f"open({str(marker)!r}, 'w').write('x')\nraise SystemExit('imported {name}')\n"
    (package / name).write_text(payload)
    (package / "data" / name).write_text(payload)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "validate.py"), "."], cwd=package, capture_output=True, text=True, env=env
    )
    assert not marker.exists(), done.stderr
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith("valid: .")


def test_validation_writes_nothing(package: Path, tmp_path: Path) -> None:
    def snapshot(root: Path) -> dict:
        return {p: (p.stat().st_mtime_ns, p.read_bytes() if p.is_file() else None) for p in root.rglob("*")}

    before_pkg, before_code = snapshot(package), snapshot(ROOT / "war_report_events")
    done = subprocess.run(
        [sys.executable, str(ROOT / "validate.py"), str(package), "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and json.loads(done.stdout)["valid"] is True
    assert snapshot(package) == before_pkg
    assert snapshot(ROOT / "war_report_events") == before_code
    assert list(tmp_path.iterdir()) == [package.parent / "pkg"] or list(tmp_path.iterdir()) == [package]


def test_no_traceback_on_garbage_everywhere(package: Path) -> None:
    for rel in ["datapackage.json", REPORT, "data/claims.csv", "data/sources.csv"]:
        (package / rel).write_bytes(bytes(range(256)) * 3)
    done = subprocess.run([sys.executable, str(ROOT / "validate.py"), str(package)], capture_output=True, text=True)
    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr
    assert done.stdout.splitlines()[-1].startswith("invalid: ")


def test_empty_table_with_header_only_is_valid_unless_referenced(package: Path) -> None:
    quantities = package / "data" / "quantities.csv"
    quantities.write_text(quantities.read_text().split("\n")[0] + "\n")
    code, result = _json([str(package)])
    # The table itself is fine; it is only out of date with the reports, which still code quantities.
    assert _codes(result) == ["table-out-of-date"] and result["errors"][0]["line"] == 2


def test_a_bug_in_the_validator_is_a_message_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, package: Path, capsys
) -> None:
    from war_report_events.validator import cli
    from war_report_events.validator import package as validation

    def broken(*args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr(validation, "validate_package", broken)
    code = cli.main([str(package), "--format", "json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 2 and [e["code"] for e in result["errors"]] == ["internal-error"]
    assert "KeyError" in result["errors"][0]["message"]


def test_non_list_arrays_in_a_report_are_schema_errors(package: Path) -> None:
    path = package / REPORT
    data = json.loads(path.read_text())
    data["events"][0]["claims"] = 5
    data["actors"] = "none"
    path.write_text(json.dumps(data, indent=2))
    code, result = _json([str(package)])
    assert code == 1
    assert {(e["path"], e["code"]) for e in result["errors"]} >= {
        ("$.events[0].claims", "wrong-type"),
        ("$.actors", "wrong-type"),
    }


def test_paths_resolve_as_realpath_does_with_folders_resolved_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """unsafe_reason resolves each folder once per validation; the verdicts must be realpath's."""
    from war_report_events.files import unsafe_reason

    root, outside = tmp_path / "pkg", tmp_path / "outside"
    (root / "data" / "sources").mkdir(parents=True)
    outside.mkdir()
    (root / "data" / "sources" / "a.txt").write_text("a")
    (outside / "b.txt").write_text("b")
    (root / "data" / "sources" / "in.txt").symlink_to(root / "data" / "sources" / "a.txt")
    (root / "data" / "sources" / "out.txt").symlink_to(outside / "b.txt")
    (root / "data" / "linked").symlink_to(outside, target_is_directory=True)
    (root / "data" / "inner").symlink_to(root / "data" / "sources", target_is_directory=True)
    cases = {
        "data/sources/a.txt": None,
        "data/sources/in.txt": None,
        "data/inner/a.txt": None,
        "data/sources/missing.txt": None,
        "data/sources/out.txt": "is a symlink whose target is outside the package",
        "data/linked/b.txt": "is a symlink whose target is outside the package",
    }
    dirs: dict[str, str] = {}
    for given_root in (root, Path(os.path.relpath(root))):
        for rel, why in cases.items():
            assert unsafe_reason(given_root, rel, dirs=dirs) == why, rel
            assert unsafe_reason(given_root, rel) == why, rel
    monkeypatch.chdir(root)
    for rel, why in cases.items():
        assert unsafe_reason(Path("."), rel, dirs={}) == why, rel
