"""The tools behind the door: build, new, fill-offsets, suggest, the peers and release never read outside the
package, never hang, write whole sets of files or nothing, with the umask's mode, and fail with a message."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from war_report_events import files
from war_report_events.__main__ import main as cli

REPORT = "data/reports/2024-10-30-drone-strikes-north-korea.json"
TABLES = ["datapackage.json", "data/actors.csv", "data/claims.csv", "data/events.csv", "data/places.csv"]
SECRET = "SECRET-TOKEN-abc123 Russia and Ukraine exchanged"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = cli(list(argv))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out + captured.err


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _text_path_out(package: Path, tmp_path: Path, offsets: bool = False) -> Path:
    """The package's report with its text_path pointing at a file outside the package."""
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    path = package / REPORT
    data = json.loads(path.read_text())
    data["source"]["text_path"] = "data/sources/out.txt"
    (package / "data" / "sources" / "out.txt").symlink_to(secret)
    if not offsets:
        for event in data["events"]:
            for claim in event["claims"]:
                claim.pop("quote_start", None), claim.pop("quote_end", None)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return secret


@pytest.mark.parametrize("command", ["build", "fill-offsets", "suggest"])
def test_a_text_path_out_of_the_package_is_never_read_nor_written(
    package: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    secret = _text_path_out(package, tmp_path)
    argv = {
        "build": [str(package)],
        "fill-offsets": ["--root", str(package)],
        "suggest": [str(package / REPORT)],
    }[command]
    code, out = _run(capsys, command, *argv)
    assert code == 1 and "outside the package" in out
    assert "SECRET" not in out and secret.read_text() == SECRET


def test_build_says_what_it_wrote_when_it_stops(package: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = package / REPORT
    data = json.loads(path.read_text())
    for event in data["events"]:
        for claim in event["claims"]:
            claim.pop("quote_start"), claim.pop("quote_end")
    data["events"][0]["claims"][0]["quantities"][0]["value"] = -62  # invalid: the build stops after filling
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    code, out = _run(capsys, "build", str(package))
    assert code == 1 and "filled the offsets" in out
    assert "Nothing was written" not in out and "Only the offsets filled above were written" in out


def test_build_writes_files_with_the_umask_mode(package: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for rel in TABLES:
        (package / rel).unlink()
    old = os.umask(0o022)
    try:
        code, _ = _run(capsys, "build", str(package))
    finally:
        os.umask(old)
    assert code == 0
    assert {stat.S_IMODE(os.stat(package / rel).st_mode) for rel in TABLES} == {0o644}


@pytest.mark.parametrize("failure", ["folder", "interrupt", "disk"])
def test_a_failed_or_interrupted_build_changes_no_table(
    package: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], failure: str
) -> None:
    path = package / REPORT
    path.write_text(path.read_text().replace('"value": 62,', '"value": 63,'))  # quantities.csv changes
    (package / "data" / "claims.csv").unlink()  # and claims.csv is new: two files to write
    before = _snapshot(package)
    if failure == "folder":
        (package / "data" / "quantities.csv").unlink()
        (package / "data" / "quantities.csv").mkdir()  # the last table cannot be written
        before = _snapshot(package)
    else:
        real, calls = os.replace, []

        def replace(src, dst):
            calls.append(dst)
            if len(calls) == 2 and str(src).endswith(".tmp"):
                if failure == "interrupt":
                    raise KeyboardInterrupt
                raise OSError(28, "No space left on device")
            return real(src, dst)

        monkeypatch.setattr(files.os, "replace", replace)
    code, out = _run(capsys, "build", str(package))
    assert code == (130 if failure == "interrupt" else 1)
    assert {"folder": "not a regular file", "interrupt": "interrupted", "disk": "the disk is full"}[failure] in out
    assert _snapshot(package) == before  # no table changed, no temporary file left
    assert not [p for p in package.rglob("*") if ".wre-" in p.name]


def test_build_check_and_build_on_a_missing_root(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, "build", str(tmp_path / "nope"))
    assert code == 2 and "not a folder" in out


# ---------------------------------------------------------------- new


@pytest.fixture
def text(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text("Drones over the city\nMore text.\n")
    return path


NEW = ["--published", "2024-10-30", "--language", "en"]


def test_new_with_root_a_file(package: Path, text: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, "new", str(text), *NEW, "--root", str(package / REPORT))
    assert code == 2 and "not a folder" in out


@pytest.mark.parametrize("source", ["/dev/zero", "fifo", "folder"])
def test_new_refuses_what_is_not_a_text_file(
    package: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str
) -> None:
    path = Path(source)
    if source == "fifo":
        path = tmp_path / "pipe.txt"
        os.mkfifo(path)
    elif source == "folder":
        path = tmp_path
    before = _snapshot(package)
    code, out = _run(capsys, "new", str(path), *NEW, "--root", str(package))
    assert code == 1 and "not a regular file" in out
    assert _snapshot(package) == before


def test_new_never_replaces_a_dangling_symlink(
    package: Path, tmp_path: Path, text: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = package / "data" / "reports" / "x.json"
    link.symlink_to(tmp_path / "nowhere.json")
    code, out = _run(capsys, "new", str(text), *NEW, "--root", str(package), "--source-id", "x")
    assert code == 1 and "already exists" in out
    assert link.is_symlink() and not (tmp_path / "nowhere.json").exists()
    assert not (package / "data" / "sources" / "x.txt").exists()


def test_new_writes_with_the_umask_mode_and_both_files_or_neither(
    package: Path, text: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    old = os.umask(0o022)
    try:
        code, _ = _run(capsys, "new", str(text), *NEW, "--root", str(package), "--source-id", "a")
    finally:
        os.umask(old)
    assert code == 0
    for rel in ("data/sources/a.txt", "data/reports/a.json"):
        assert stat.S_IMODE(os.stat(package / rel).st_mode) == 0o644

    def full(*args):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(files.os, "fsync", full)
    before = _snapshot(package)
    code, out = _run(capsys, "new", str(text), *NEW, "--root", str(package), "--source-id", "b")
    assert code == 1 and "read-only" in out and _snapshot(package) == before


# ---------------------------------------------------------------- peers and release


def test_export_and_flat_write_with_the_umask_mode(
    package: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = os.umask(0o022)
    try:
        assert _run(capsys, "export", str(package), "--out", str(tmp_path / "dist"))[0] == 0
        assert _run(capsys, "flat", str(package), "--out", str(tmp_path / "flat.csv"))[0] == 0
    finally:
        os.umask(old)
    written = [*(tmp_path / "dist").iterdir(), tmp_path / "flat.csv"]
    assert len(written) == 9 and {stat.S_IMODE(os.stat(p).st_mode) for p in written} == {0o644}  # with load.sql


@pytest.mark.parametrize("command", ["export", "flat"])
def test_peers_never_read_a_table_out_of_the_package(
    package: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    (tmp_path / "claims.csv").write_bytes((package / "data" / "claims.csv").read_bytes())
    (package / "data" / "claims.csv").unlink()
    (package / "data" / "claims.csv").symlink_to(tmp_path / "claims.csv")
    code, out = _run(capsys, command, str(package), "--out", str(tmp_path / "out"))
    assert code == 1 and "outside the package" in out and not (tmp_path / "out").exists()


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs git")
def test_release_never_ships_a_tracked_symlinks_target(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from war_report_events.publish import release

    repo = tmp_path / "repo"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(repo)], check=True)
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    (repo / "NOTICE").unlink()
    (repo / "NOTICE").symlink_to(secret)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-C", str(repo)]
    subprocess.run([*git, "commit", "-qam", "NOTICE as a link"], check=True)
    code = release.main(["--root", str(repo), "--out", str(tmp_path / "dist"), "--cut"])
    captured = capsys.readouterr()
    assert code == 1 and "NOTICE is a symlink" in captured.err
    assert not (tmp_path / "dist").exists() or not any((tmp_path / "dist").iterdir())


def test_tools_run_in_a_cp1252_console(package: Path, tmp_path: Path) -> None:
    """A tool's messages (here: a refusal naming a non-ASCII path) never end in an encoding traceback."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(PYTHONIOENCODING="cp1252", LC_ALL="C.UTF-8")
    done = subprocess.run(
        [sys.executable, "-m", "war_report_events", "locate", str(tmp_path / "Києв.txt"), "x"],
        cwd=ROOT,
        capture_output=True,
        env=env,
    )
    assert done.returncode == 1 and b"Traceback" not in done.stderr, done.stderr


@pytest.mark.parametrize(
    ("old", "new", "validate_codes"),
    [
        ('"claim_id": "', '"claim_id": ["x"], "zz": "', {"wrong-type", "unknown-field"}),
        ('"source_id": "', '"source_id": {"x": 1}, "zz": "', {"wrong-type", "unknown-field"}),
        ('"statement": "', '"statement": "\\ud800', {"table-out-of-date"}),
    ],
    ids=["claim-id-list", "source-id-object", "lone-surrogate"],
)
def test_odd_values_are_findings_for_validate_and_messages_for_build(
    package: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, validate_codes: set[str]
) -> None:
    from war_report_events.validator.cli import run

    path = package / REPORT
    path.write_text(path.read_text().replace(old, new, 1))
    code, out = run([str(package), "--format", "json"])
    assert code == 1 and {e["code"] for e in json.loads(out)["errors"]} == validate_codes
    before = _snapshot(package)
    code, out = _run(capsys, "build", str(package))
    assert code == 1 and "Nothing was written" in out and _snapshot(package) == before


KILL_ON_SECOND_RENAME = """
import os, signal, sys
from war_report_events import files
real, calls = os.replace, []
def replace(src, dst):
    real(src, dst)
    calls.append(dst)
    if len(calls) == 1:
        os.kill(os.getpid(), signal.SIGKILL)  # killed outright between two renames: nothing can clean up
files.os.replace = replace
from war_report_events.__main__ import main
sys.exit(main(["build", sys.argv[1]]))
"""


def test_a_build_killed_between_renames_is_reported_and_repaired_by_one_build(package: Path) -> None:
    path = package / REPORT
    path.write_text(path.read_text().replace('"value": 62,', '"value": 63,'))
    (package / "data" / "claims.csv").unlink()  # two files to write: claims.csv, quantities.csv
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    killed = subprocess.run([sys.executable, "-c", KILL_ON_SECOND_RENAME, str(package)], env=env, capture_output=True)
    assert killed.returncode == -9
    assert [p.name for p in package.rglob("*") if ".wre-" in p.name]  # what a killed write leaves
    validate = [sys.executable, str(ROOT / "validate.py"), str(package)]
    assert subprocess.run(validate, capture_output=True).returncode == 1  # reported
    build = subprocess.run([sys.executable, "-m", "war_report_events", "build", str(package)], cwd=ROOT, env=env)
    assert build.returncode == 0
    assert subprocess.run(validate, capture_output=True).returncode == 0  # repaired by one build
    assert not [p.name for p in package.rglob("*") if ".wre-" in p.name]  # and the leftovers removed


def test_build_never_writes_through_a_folder_symlinked_out(
    package: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "outside"
    shutil.copytree(package / "data", outside)
    shutil.rmtree(package / "data")
    (package / "data").symlink_to(outside, target_is_directory=True)
    (outside / "claims.csv").unlink()
    before = _snapshot(outside)
    code, out = _run(capsys, "build", str(package))
    assert code == 1 and "outside the package" in out and _snapshot(outside) == before


def test_build_prints_file_names_in_a_cp1252_console(package: Path) -> None:
    reports = package / "data" / "reports"
    data = json.loads((reports / Path(REPORT).name).read_text())
    for event in data["events"]:
        for claim in event["claims"]:
            claim.pop("quote_start"), claim.pop("quote_end")
    (reports / Path(REPORT).name).unlink()
    (reports / "Києв\x1b[2J.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(PYTHONIOENCODING="cp1252", LC_ALL="C.UTF-8")
    done = subprocess.run(
        [sys.executable, "-m", "war_report_events", "build", str(package)], cwd=ROOT, capture_output=True, env=env
    )
    assert b"Traceback" not in done.stderr and b"\x1b" not in done.stdout + done.stderr, done.stderr
    assert b"filled the offsets" in done.stdout


def test_import_writes_with_the_umask_mode_and_refuses_a_dangling_symlink(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = ROOT / "tests" / "fixtures" / "peers" / "air-attacks-2024-format.csv"
    argv = ["import", "air-attacks", str(source), str(tmp_path / "out"), "--published", "2024-10-01"]
    old = os.umask(0o022)
    try:
        code, _ = _run(capsys, *argv)
    finally:
        os.umask(old)
    written = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    assert code == 0 and written and {stat.S_IMODE(os.stat(p).st_mode) for p in written} == {0o644}
    first = sorted((tmp_path / "out" / "data" / "reports").iterdir())[0]
    shutil.rmtree(tmp_path / "out" / "data" / "sources")
    for p in (tmp_path / "out" / "data" / "reports").iterdir():
        p.unlink()
    first.symlink_to(tmp_path / "nowhere.json")  # dangling: it must not be written through
    code, out = _run(capsys, *argv)
    assert code == 1 and not (tmp_path / "nowhere.json").exists()  # refused: read as a report, or not replaced
    assert not (tmp_path / "out" / "data" / "sources").exists()


SLOW_SECOND_RENAME = """
import os, sys, time
from war_report_events import files
real, calls = os.replace, []
def replace(src, dst):
    real(src, dst)
    calls.append(dst)
    if len(calls) == 1:
        print("renamed one", flush=True)
        time.sleep(30)  # SIGTERM arrives here, between two renames
files.os.replace = replace
from war_report_events.__main__ import main
sys.argv[1:] = ["build", sys.argv[1]]
sys.exit(main())
"""


def test_sigterm_between_renames_puts_every_file_back(package: Path) -> None:
    import signal

    path = package / REPORT
    path.write_text(path.read_text().replace('"value": 62,', '"value": 63,'))
    (package / "data" / "claims.csv").unlink()
    before = _snapshot(package)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_SECOND_RENAME, str(package)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout.readline() == b"renamed one\n"
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 130
    assert b"interrupted" in proc.stderr.read()
    assert _snapshot(package) == before and not [p for p in package.rglob("*") if ".wre-" in p.name]
