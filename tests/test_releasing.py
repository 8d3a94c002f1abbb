"""Releases: `make release` rebuilds the recorded zip byte for byte from its commit, on the release
commit and on any later one, or refuses; `release --cut` records a release only from a clean,
consistent, valid commit; the unzipped release passes its own quick start.

Each test works in a fresh `git clone` of this repository (its committed HEAD), so the clone is
clean and the tests never touch the working tree they run from.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
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


def records() -> list[dict[str, str]]:
    path = ROOT / "releases.csv"
    return releasing.parse_releases(path.read_text(encoding="utf-8")) if path.exists() else []


def latest() -> dict[str, str]:
    found = records()
    if not found:
        pytest.skip("no release recorded yet")
    return max(found, key=lambda r: versions.semver_key(r["version"]))


def release(repo: Path, out: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = releasing.main(["--root", str(repo), "--out", str(out), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", message)


def at_release_commit(repo: Path) -> dict[str, str]:
    """Check out the recorded commit of the latest release (detached): a clean release commit."""
    record = latest()
    git(repo, "checkout", "--quiet", record["commit"])
    return record


def default_or(repo: Path, record: dict[str, str]) -> tuple[str, ...]:
    """No arguments (`make release`'s default: the latest record) between releases; on a release commit not yet
    recorded (the suite runs there before `--cut`) the default is refused, so name the latest record."""
    current = versions.collect_versions(repo)["pyproject.toml [project] version"] or ""
    return () if versions.is_dev(current) or current == record["version"] else ("--version", record["version"])


# --- the record: rebuilt byte for byte, on the release commit and later ---


def test_make_release_later_rebuilds_the_recorded_zip(repo: Path, tmp_path: Path, capsys) -> None:
    record = latest()
    # A later commit that changes data and code must not change the release.
    (repo / "data" / "reports" / "later.txt").write_text("a later change\n")
    (repo / "war_report_events" / "later.py").write_text("X = 1\n")
    commit_all(repo, "later work")
    code, out, err = release(repo, tmp_path / "dist", capsys, *default_or(repo, record))
    assert code == 0, err
    name = f"war-report-events-{record['version']}.zip"
    content = (tmp_path / "dist" / name).read_bytes()
    assert hashlib.sha256(content).hexdigest() == record["zip_sha256"]
    assert (tmp_path / "dist" / "SHA256SUMS").read_text() == f"{record['zip_sha256']}  {name}\n"
    assert f"sha256 {record['zip_sha256']}" in out
    with zipfile.ZipFile(tmp_path / "dist" / name) as archive:
        assert not any(n.endswith(("later.txt", "later.py")) for n in archive.namelist())


def test_cut_on_the_release_commit_gives_the_recorded_zip(repo: Path, tmp_path: Path, capsys) -> None:
    record = at_release_commit(repo)
    code, out, err = release(repo, tmp_path / "dist", capsys, "--cut")
    assert code == 0, err
    assert f"sha256 {record['zip_sha256']}" in out
    rows = releasing.parse_releases((repo / "releases.csv").read_text(encoding="utf-8"))
    assert rows[-1] == record
    assert f"`{record['commit']}`" in (repo / "CHANGELOG.md").read_text(encoding="utf-8")


def test_an_unrecorded_version_is_refused(repo: Path, tmp_path: Path, capsys) -> None:
    err = assert_refused(repo, tmp_path, capsys, "no release 9.9.9 is recorded", "--version", "9.9.9")
    assert "release --cut" in err


def test_a_zip_that_differs_from_its_record_is_refused(repo: Path, tmp_path: Path, capsys) -> None:
    record = latest()
    path = repo / "releases.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(record["zip_sha256"], "0" * 64), encoding="utf-8")
    assert_refused(repo, tmp_path, capsys, "not the recorded", "--version", record["version"])


def test_the_record_is_in_the_changelog_too() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    for record in records():
        assert f"## [{record['version']}] - {record['date']}" in changelog
        assert f"commit `{record['commit']}`" in changelog and f"SHA-256 `{record['zip_sha256']}`" in changelog


def section(changelog: str, version: str) -> str:
    start = changelog.index(f"## [{version}]")
    following = changelog.find("\n## [", start + 1)
    return changelog[start : following if following >= 0 else len(changelog)].strip()


def test_a_released_changelog_section_stays_as_released() -> None:
    """Entries merged after a release belong under Unreleased: the section holds what the release held."""
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    for record in records():
        released = git(ROOT, "show", f"{record['commit']}:CHANGELOG.md")
        now = "\n".join(line for line in section(changelog, record["version"]).splitlines())
        record_line = next(line for line in now.splitlines() if line.startswith("Release record:"))
        assert now.replace(record_line + "\n\n", "", 1) == section(released, record["version"])


# --- the zip ---


def test_zip_holds_the_release_files_with_fixed_metadata(repo: Path, tmp_path: Path, capsys) -> None:
    record = latest()
    code, _, err = release(repo, tmp_path / "dist", capsys, "--version", record["version"])
    assert code == 0, err
    version = record["version"]
    # The schema the release's reports follow: a data release keeps an earlier one (docs/versioning.md).
    descriptor = json.loads(git(repo, "show", f"{record['commit']}:datapackage.json"))
    schema = descriptor["schema_id"].split("/schema/")[1].split("/")[0]
    prefix = f"war-report-events-{version}/"
    with zipfile.ZipFile(tmp_path / "dist" / f"war-report-events-{version}.zip") as archive:
        infos = archive.infolist()
        names = [info.filename.removeprefix(prefix) for info in infos]
        assert all(info.filename.startswith(prefix) for info in infos)
        assert names == sorted(names, key=lambda n: n.encode())
        tracked = set(git(repo, "ls-tree", "-r", "--name-only", record["commit"]).splitlines())
        assert set(names) <= tracked
        for required in [
            *releasing.REQUIRED_FILES,
            "war_report_events/__init__.py",
            "war_report_events/validator/cli.py",
            f"schema/{schema}/war-report.schema.json",
            f"schema/released/{schema}.sha256",
            f"schema/released/{version}.ids.csv",
        ]:
            assert required in names, required
        assert any(n.startswith("data/reports/") for n in names)
        assert not any(n.startswith(("tests/", ".github/", "dist/")) or n.endswith(".pyc") for n in names)
        commit_time = int(git(repo, "show", "-s", "--format=%ct", record["commit"]).strip())
        assert {info.date_time for info in infos} == {releasing.zip_timestamp(commit_time)}
        assert {info.external_attr >> 16 for info in infos} == {0o100644}
        assert {info.compress_type for info in infos} == {zipfile.ZIP_DEFLATED}
        cff = git(repo, "show", f"{record['commit']}:CITATION.cff").encode()
        assert archive.read(prefix + "CITATION.cff") == cff
    assert sorted(p.name for p in (tmp_path / "dist").iterdir()) == ["SHA256SUMS", f"war-report-events-{version}.zip"]


def quick_start_of(readme: str) -> list[str]:
    """The commands of the README's quick start: the first ```sh block, comments dropped."""
    block = readme.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if line.split("#", 1)[0].strip()]


def test_the_unzipped_release_passes_its_own_quick_start(repo: Path, tmp_path: Path, capsys) -> None:
    """Unzipped into a fresh folder, the release's README quick start runs there as written."""
    record = latest()
    assert release(repo, tmp_path / "dist", capsys, "--version", record["version"])[0] == 0
    with zipfile.ZipFile(tmp_path / "dist" / f"war-report-events-{record['version']}.zip") as archive:
        archive.extractall(tmp_path / "fresh")
    unpacked = tmp_path / "fresh" / f"war-report-events-{record['version']}"
    commands = quick_start_of((unpacked / "README.md").read_text(encoding="utf-8"))
    assert commands and commands[0] == "make validate", commands
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    # The one step replaced: `make` would pip-install requirements.txt into .venv; the test gives the
    # same pinned packages (this suite's own) through a .pth file, and marks the set-up done.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(unpacked / ".venv")], check=True)
    venv_site = next((unpacked / ".venv" / "lib").glob("python3*/site-packages"))
    (venv_site / "suite.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    (unpacked / ".venv" / ".ready").touch()
    os.utime(unpacked / ".venv" / ".ready", (4_000_000_000, 4_000_000_000))  # newer than requirements.txt
    # As a person types it: no venv or Python settings, and not inside `make test` (a make within make prints
    # "Entering directory" lines on stdout).
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "MAKE", "MFLAGS"))
    }
    for command in commands:
        done = subprocess.run(
            command.split(), cwd=unpacked, capture_output=True, text=True, env=environment, check=False
        )
        assert done.returncode == 0, command + "\n" + done.stdout + done.stderr
    assert done.stdout.strip().endswith("valid: .")


def test_texts_that_may_not_be_redistributed_never_ship() -> None:
    reports = [
        {"schema_version": "0.1.0", "source": {"text_path": "data/sources/a.txt"}},
        {"source": {"text_path": "data/sources/b.txt", "text_redistribution": "allowed"}},
        {"source": {"text_path": "data/sources/c.txt", "text_redistribution": "not_allowed"}},
        {"source": {"text_redistribution": "not_allowed"}},
    ]
    allowed = releasing.shipped_texts(reports)
    members = ["data/reports/x.json", "data/sources/a.txt", "data/sources/b.txt", "data/sources/c.txt"]
    members += ["data/sources/stray.txt"]
    assert releasing.redistributable(members, allowed) == [
        "data/reports/x.json",
        "data/sources/a.txt",
        "data/sources/b.txt",
    ]


def test_a_commit_with_an_unshipped_text_gives_a_zip_without_it(repo: Path, tmp_path: Path) -> None:
    """Even a text committed by mistake beside a not_allowed source stays out of the zip."""
    report = repo / "data" / "reports" / "2024-10-30-drone-strikes-north-korea.json"  # the one shipped text
    data = json.loads(report.read_text(encoding="utf-8"))
    data["source"]["text_redistribution"] = "not_allowed"
    report.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    commit_all(repo, "text may not be redistributed")
    content, _ = releasing.zip_of_commit(repo, git(repo, "rev-parse", "HEAD").strip(), "0.0.0")
    with zipfile.ZipFile(__import__("io").BytesIO(content)) as archive:
        # this text, not any text: a contribution may ship a text its rights allow
        assert not any(
            n.endswith("/data/sources/2024-10-30-drone-strikes-north-korea.txt") for n in archive.namelist()
        )


# --- refusals of a cut ---


def assert_refused(repo: Path, tmp_path: Path, capsys, expected: str, *args: str) -> str:
    code, out, err = release(repo, tmp_path / "dist", capsys, *args)
    assert code == 1, out
    assert err.startswith("release refused:") and expected in err, err
    assert not (tmp_path / "dist").exists() or not any((tmp_path / "dist").iterdir())
    return err


def test_cut_refuses_a_dev_version(repo: Path, tmp_path: Path, capsys) -> None:
    version = versions.collect_versions(repo)["pyproject.toml [project] version"] or ""
    if not versions.is_dev(version):
        pytest.skip("HEAD is a release commit")
    assert_refused(repo, tmp_path, capsys, "not a release", "--cut")


def test_cut_refuses_a_recorded_version(repo: Path, tmp_path: Path, capsys) -> None:
    record = at_release_commit(repo)
    (repo / "releases.csv").write_text(releasing.releases_text([record]), encoding="utf-8")
    commit_all(repo, "record already there")
    assert_refused(repo, tmp_path, capsys, "already recorded", "--cut")


def test_cut_refuses_uncommitted_changes(repo: Path, tmp_path: Path, capsys) -> None:
    at_release_commit(repo)
    with (repo / "CHANGELOG.md").open("a", encoding="utf-8") as changelog:
        changelog.write("\nlocal edit\n")
    (repo / "data" / "reports" / "draft.json").write_text("{}")
    err = assert_refused(repo, tmp_path, capsys, "uncommitted changes", "--cut")
    assert "M CHANGELOG.md" in err and "?? data/reports/draft.json" in err


def test_cut_refuses_disagreeing_versions(repo: Path, tmp_path: Path, capsys) -> None:
    record = at_release_commit(repo)
    cff = repo / "CITATION.cff"
    cff.write_text(cff.read_text(encoding="utf-8").replace(f'version: "{record["version"]}"', 'version: "9.9.9"', 1))
    commit_all(repo, "bump CITATION.cff only")
    err = assert_refused(repo, tmp_path, capsys, "versions disagree", "--cut")
    assert "9.9.9 in CITATION.cff version" in err


def followed_schema(repo: Path) -> str:
    """The schema version the checked-out package's reports follow (a data release keeps an older one)."""
    version = versions.schema_version(versions.collect_versions(repo))
    assert version is not None
    return version


def test_cut_refuses_a_modified_released_schema(repo: Path, tmp_path: Path, capsys) -> None:
    at_release_commit(repo)
    version = followed_schema(repo)
    codelist = repo / "schema" / version / "codelists" / "modality.csv"
    codelist.write_text(codelist.read_text(encoding="utf-8") + "new_code,New,A new code\n", encoding="utf-8")
    commit_all(repo, "edit a released codelist in place")
    expected = f"released schema {version} was modified: changed: schema/{version}/codelists/modality.csv"
    assert_refused(repo, tmp_path, capsys, expected, "--cut")


def test_cut_refuses_an_unfrozen_schema(repo: Path, tmp_path: Path, capsys) -> None:
    at_release_commit(repo)
    version = followed_schema(repo)
    (repo / "schema" / "released" / f"{version}.sha256").unlink()
    commit_all(repo, "drop the manifest")
    assert_refused(repo, tmp_path, capsys, f"--freeze-schema {version}", "--cut")


def test_cut_refuses_an_invalid_package(repo: Path, tmp_path: Path, capsys) -> None:
    at_release_commit(repo)
    report = repo / "data" / "reports" / "2024-10-30-drone-strikes-north-korea.json"  # the one shipped text
    data = json.loads(report.read_text(encoding="utf-8"))
    del data["actors"]  # required by the schema
    report.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    commit_all(repo, "break a report")
    assert_refused(repo, tmp_path, capsys, "validate.py says the package is invalid", "--cut")


def test_cut_refuses_a_missing_required_file(repo: Path, tmp_path: Path, capsys) -> None:
    at_release_commit(repo)
    git(repo, "rm", "--quiet", "NOTICE")
    commit_all(repo, "drop NOTICE")
    assert_refused(repo, tmp_path, capsys, "required files are not committed: NOTICE", "--cut")


def test_refuses_outside_a_git_checkout(tmp_path: Path, capsys) -> None:
    (tmp_path / "plain").mkdir()
    assert_refused(tmp_path / "plain", tmp_path, capsys, "git status --porcelain failed", "--cut")


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
        "Makefile",
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


def test_releases_file_round_trips_and_rejects_junk() -> None:
    rows = [{"version": "0.2.0", "date": "2026-12-01", "commit": "a" * 40, "zip_sha256": "b" * 64}]
    assert releasing.parse_releases(releasing.releases_text(rows)) == rows
    with pytest.raises(ValueError):
        releasing.parse_releases("version,date,commit,zip_sha256\n0.2.0,2026-12-01,abc,def\n")
    with pytest.raises(ValueError):
        releasing.parse_releases("version,commit\n0.2.0,x\n")
    assert list(csv.reader([releasing.releases_text(rows).splitlines()[0]])) == [list(releasing.RELEASES_HEADER)]


def test_the_ids_of_a_release_are_recorded_as_its_tables_hold_them() -> None:
    """tests/fixtures/base is the package as released in 0.1.0: its ids are the 0.1.0 manifest."""
    base = ROOT / "tests" / "fixtures" / "base"
    text = releasing.ids_manifest_text(base, "0.1.0")
    assert text == (ROOT / "schema" / "released" / "0.1.0.ids.csv").read_text(encoding="utf-8")
    assert text.splitlines()[:2] == ["table,id", "sources,2024-10-30-drone-strikes-north-korea"]


def test_cut_refuses_a_release_whose_ids_are_not_recorded(repo: Path, tmp_path: Path, capsys) -> None:
    version = at_release_commit(repo)["version"]
    (repo / "schema" / "released" / f"{version}.ids.csv").unlink()
    commit_all(repo, "drop the ids")
    assert_refused(repo, tmp_path, capsys, "--record-ids", "--cut")


def test_the_ids_of_a_recorded_release_are_never_rewritten(repo: Path, tmp_path: Path, capsys) -> None:
    """Recording again is harmless while the tables hold the same ids, refused once they differ."""
    version = at_release_commit(repo)["version"]
    manifest = repo / "schema" / "released" / f"{version}.ids.csv"
    before = manifest.read_bytes()
    assert release(repo, tmp_path / "dist", capsys, "--record-ids") == (
        0,
        f"schema/released/{version}.ids.csv already records these ids\n",
        "",
    )
    manifest.write_bytes(before + b"claims,gone.c01\n")
    code, _, err = release(repo, tmp_path / "dist", capsys, "--record-ids")
    assert code == 1 and "never change" in err, err
    assert manifest.read_bytes() == before + b"claims,gone.c01\n"


def test_record_ids_refuses_a_dev_version(repo: Path, tmp_path: Path, capsys) -> None:
    version = versions.collect_versions(repo)["pyproject.toml [project] version"] or ""
    if not versions.is_dev(version):
        pytest.skip("HEAD is a release commit")
    code, _, err = release(repo, tmp_path / "dist", capsys, "--record-ids")
    assert code == 1 and "not a release" in err, err
