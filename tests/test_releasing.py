"""`make release`: the same commit gives a byte-identical zip; a dirty tree, disagreeing versions,
a modified released schema or an invalid package are refused.

Each test works in a fresh `git clone` of this repository (its committed HEAD), so the clone is
clean and the tests never touch the working tree they run from.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from war_report_events.publish import release as releasing
from war_report_events.publish import versions

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs git and a git checkout"
)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def clone(destination: Path) -> Path:
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(destination)], check=True)
    return destination


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return clone(tmp_path / "repo")


def release(repo: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = releasing.main(["--root", str(repo), "--out", str(out)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", message)


def current_version() -> str:
    return versions.agreed_version(versions.collect_versions(ROOT))


# --- reproducibility ---


def test_same_commit_gives_a_byte_identical_zip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = clone(tmp_path / "a")
    code_a, out_a, err_a = release(first, tmp_path / "dist-a", capsys)
    # Past the zip format's 2-second clock step: a build stamped with the wall clock, or a
    # checkout stamped with its files' modification times, would now give other bytes.
    time.sleep(2.1)
    second = clone(tmp_path / "b")
    # Junk in an ignored path (git status stays clean) must not ship.
    junk = second / "war_report_events" / "__pycache__" / "junk.cpython-311.pyc"
    junk.parent.mkdir(exist_ok=True)
    junk.write_bytes(b"junk")
    code_b, out_b, err_b = release(second, tmp_path / "dist-b", capsys)
    assert (code_a, code_b) == (0, 0), err_a + err_b

    name = f"war-report-events-{current_version()}.zip"
    zip_a, zip_b = (tmp_path / "dist-a" / name).read_bytes(), (tmp_path / "dist-b" / name).read_bytes()
    assert zip_a == zip_b
    digest = hashlib.sha256(zip_a).hexdigest()
    assert f"sha256 {digest}" in out_a
    assert (tmp_path / "dist-a" / "SHA256SUMS").read_text() == f"{digest}  {name}\n"
    assert (tmp_path / "dist-b" / "SHA256SUMS").read_bytes() == (tmp_path / "dist-a" / "SHA256SUMS").read_bytes()


def test_zip_holds_the_tracked_release_files_with_fixed_metadata(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = release(repo, tmp_path / "dist", capsys)
    assert code == 0, err
    version = current_version()
    prefix = f"war-report-events-{version}/"
    with zipfile.ZipFile(tmp_path / "dist" / f"war-report-events-{version}.zip") as archive:
        infos = archive.infolist()
        names = [info.filename.removeprefix(prefix) for info in infos]
        assert all(info.filename.startswith(prefix) for info in infos)
        assert names == sorted(names, key=lambda n: n.encode())
        tracked = set(git(repo, "ls-files").splitlines())
        assert set(names) <= tracked
        for required in [
            *releasing.REQUIRED_FILES,
            "war_report_events/__init__.py",
            "war_report_events/validator/cli.py",
            f"schema/{version}/war-report.schema.json",
            f"schema/released/{version}.sha256",
        ]:
            assert required in names, required
        assert any(n.startswith("data/reports/") for n in names) and any(n.startswith("data/sources/") for n in names)
        assert not any(n.startswith(("tests/", ".github/", "dist/")) or n.endswith(".pyc") for n in names)
        commit_time = int(git(repo, "log", "-1", "--format=%ct").strip())
        assert {info.date_time for info in infos} == {releasing.zip_timestamp(commit_time)}
        assert {info.external_attr >> 16 for info in infos} == {0o100644}
        assert {info.compress_type for info in infos} == {zipfile.ZIP_DEFLATED}
        # Content is the committed content.
        assert archive.read(prefix + "CITATION.cff") == (repo / "CITATION.cff").read_bytes()
    # Nothing but the two outputs is left in dist/ (no temporary files).
    assert sorted(p.name for p in (tmp_path / "dist").iterdir()) == ["SHA256SUMS", f"war-report-events-{version}.zip"]


def test_the_unpacked_release_validates(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What people download is a package validate.py accepts."""
    assert release(repo, tmp_path / "dist", capsys)[0] == 0
    version = current_version()
    with zipfile.ZipFile(tmp_path / "dist" / f"war-report-events-{version}.zip") as archive:
        archive.extractall(tmp_path / "unpacked")
    unpacked = tmp_path / "unpacked" / f"war-report-events-{version}"
    code, output = releasing.run_validator(unpacked)
    assert code == 0, output


# --- refusals ---


def assert_refused(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], expected: str) -> str:
    code, out, err = release(repo, tmp_path / "dist", capsys)
    assert code == 1, out
    assert err.startswith("release refused:") and expected in err, err
    assert not (tmp_path / "dist").exists() or not any((tmp_path / "dist").iterdir())
    return err


def test_refuses_a_modified_tracked_file(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with (repo / "CHANGELOG.md").open("a", encoding="utf-8") as changelog:
        changelog.write("\nlocal edit\n")
    err = assert_refused(repo, tmp_path, capsys, "uncommitted changes")
    assert "M CHANGELOG.md" in err


def test_refuses_an_untracked_file(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "data" / "reports" / "draft.json").write_text("{}")
    assert "?? data/reports/draft.json" in assert_refused(repo, tmp_path, capsys, "uncommitted changes")


def test_refuses_disagreeing_versions(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    version = current_version()
    cff = repo / "CITATION.cff"
    cff.write_text(cff.read_text(encoding="utf-8").replace(f'version: "{version}"', 'version: "9.9.9"', 1))
    commit_all(repo, "bump CITATION.cff only")
    err = assert_refused(repo, tmp_path, capsys, "versions disagree")
    assert "9.9.9 in CITATION.cff version" in err


def test_refuses_a_modified_released_schema(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    version = current_version()
    codelist = repo / "schema" / version / "codelists" / "modality.csv"
    codelist.write_text(codelist.read_text(encoding="utf-8") + "new_code,New,A new code\n", encoding="utf-8")
    commit_all(repo, "edit a released codelist in place")
    assert_refused(
        repo,
        tmp_path,
        capsys,
        f"released schema {version} was modified: changed: schema/{version}/codelists/modality.csv",
    )


def test_refuses_an_unfrozen_schema(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    version = current_version()
    (repo / "schema" / "released" / f"{version}.sha256").unlink()
    commit_all(repo, "drop the manifest")
    assert_refused(repo, tmp_path, capsys, f"--freeze-schema {version}")


def test_refuses_an_invalid_package(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = next((repo / "data" / "reports").glob("*.json"))
    data = json.loads(report.read_text(encoding="utf-8"))
    del data["actors"]  # required by the schema
    report.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    commit_all(repo, "break a report")
    assert_refused(repo, tmp_path, capsys, "validate.py says the package is invalid")


def test_refuses_a_missing_required_file(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git(repo, "rm", "--quiet", "NOTICE")
    commit_all(repo, "drop NOTICE")
    assert_refused(repo, tmp_path, capsys, "required files are not committed: NOTICE")


def test_refuses_outside_a_git_checkout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "plain").mkdir()
    assert_refused(tmp_path / "plain", tmp_path, capsys, "git status --porcelain failed")


# --- pure parts ---


def test_release_members_are_chosen_and_sorted() -> None:
    tracked = [
        "war_report_events/z.py",
        "war_report_events/data.bin",
        "tests/test_x.py",
        "README.md",
        "data/b.csv",
        "data/a.csv",
        ".github/workflows/validate.yml",
        "Makefile",
        "docs/index.md",
        "schema/0.1.0/x.json",
    ]
    assert releasing.release_members(tracked) == [
        "README.md",
        "data/a.csv",
        "data/b.csv",
        "docs/index.md",
        "schema/0.1.0/x.json",
        "war_report_events/z.py",
    ]


def test_zip_timestamp_is_utc_and_clamped_to_1980() -> None:
    assert releasing.zip_timestamp(0) == (1980, 1, 1, 0, 0, 0)
    assert releasing.zip_timestamp(1_795_564_800) == (2026, 11, 25, 0, 0, 0)  # 2026-11-25T00:00:00Z
    assert releasing.zip_timestamp(1_795_564_803) == (2026, 11, 25, 0, 0, 2)  # zip time has 2-second steps


def test_the_ids_of_a_release_are_recorded_as_its_tables_hold_them() -> None:
    """tests/fixtures/base is the package as released in 0.1.0: its ids are the 0.1.0 manifest."""
    from war_report_events.publish import release as releasing

    base = ROOT / "tests" / "fixtures" / "base"
    text = releasing.ids_manifest_text(base, "0.1.0")
    assert text == (ROOT / "schema" / "released" / "0.1.0.ids.csv").read_text(encoding="utf-8")
    assert text.splitlines()[:2] == ["table,id", "sources,2024-10-30-drone-strikes-north-korea"]
