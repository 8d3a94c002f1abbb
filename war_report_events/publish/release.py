"""Releases: cut one, record it, and rebuild any recorded one byte for byte from its commit.

    python -m war_report_events release                       # what `make release` runs: rebuild a recorded release
    python -m war_report_events release --version 0.2.0       # rebuild that recorded release
    python -m war_report_events release --cut                 # at a release commit: build, then record it
    python -m war_report_events release --freeze-schema 0.2.0 # write schema/released/0.2.0.sha256
    python -m war_report_events release --record-ids          # write schema/released/<release>.ids.csv

A release zip is built only from the content recorded for it: `releases.csv` gives each
release's version, date, commit and zip SHA-256, and the zip is read straight from that
commit's git objects (like `git archive`), never from the working tree. So `make release`
on any later commit rebuilds the recorded zip, byte for byte, or refuses; changes after the
release (data, code, this file) cannot reach it. Between releases the version is the next
one marked `-dev` (docs/versioning.md): with no version given, `make release` rebuilds the
latest recorded release.

Reproducible: members are the commit's files (symlinks and texts whose rights forbid
redistribution never ship), in sorted order, each stamped with the commit's time and mode
0644, deflated at level 9. `--cut` is refused when the working tree has uncommitted changes,
the versions disagree or say `-dev`, a released schema changed, the schema the reports follow
is not frozen, the release's ids are not recorded, the version is already recorded, or validate.py finds the package invalid.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import re
import stat
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path

from war_report_events.failure import UserError
from war_report_events.files import (
    Refused,
    atomic_write,
    file_sha256,
    read_inside,
    read_text,
    unsafe_reason,
    write_files,
)
from war_report_events.publish import versions
from war_report_events.standard.schema import SCHEMA_FILE

NAME = "war-report-events"
# What a release carries: single files, and folders whose tracked files all ship
# (war_report_events/ only its Python sources). requirements.txt and pyproject.toml ship so
# that validate.py can be installed and run from the unpacked zip.
MEMBER_FILES = frozenset(
    {
        "datapackage.json",
        "README.md",
        "CHANGELOG.md",
        "CITATION.cff",
        ".zenodo.json",
        "LICENSE",
        "LICENSE-DATA",
        "NOTICE",
        "validate.py",
        "requirements.txt",
        "pyproject.toml",
        "Makefile",  # the quick start (`make validate`) and `make docs` work in the unzipped folder
        "mkdocs.yml",
        "releases.csv",
    }
)
# A release without any of these is broken: refuse it (releases.csv is absent before the first record).
REQUIRED_FILES = MEMBER_FILES - {"releases.csv"}
RELEASES = "releases.csv"
RELEASES_HEADER = ("version", "date", "commit", "zip_sha256")
HEX = re.compile(r"[0-9a-f]+")
MEMBER_FOLDERS: tuple[tuple[str, str], ...] = (
    ("data/", ""),
    ("schema/", ""),
    ("docs/", ""),
    ("war_report_events/", ".py"),
)
RELEASED_DIR = Path("schema") / "released"
FILE_MODE = 0o644
DEFLATE_LEVEL = 9
ZIP_EPOCH = 315532800  # 1980-01-01T00:00:00Z, the earliest time a zip entry can hold


# --- pure functions: data in, data out ---


#: What a package holds under data/: its tables (and withdrawn.csv), its reports and its shipped texts.
PACKAGE_DATA = re.compile(r"data/[a-z_]+\.csv|data/reports/[^/]+\.json|data/sources/[^/]+\.txt")


def stray_data(tracked: Iterable[str]) -> list[str]:
    """Tracked files under data/ that are no part of a package (a key, notes, a private folder): never shipped."""
    return sorted(p for p in tracked if p.startswith("data/") and not PACKAGE_DATA.fullmatch(p))


def release_members(tracked: Iterable[str]) -> list[str]:
    """The tracked paths that go into the zip, sorted (byte order of the UTF-8 path, like git)."""
    tracked = list(tracked)
    stray = set(stray_data(tracked))
    chosen = {
        path
        for path in tracked
        if path not in stray
        and (
            path in MEMBER_FILES
            or any(path.startswith(folder) and path.endswith(suffix) for folder, suffix in MEMBER_FOLDERS)
        )
    }
    return sorted(chosen, key=lambda p: p.encode("utf-8"))


def zip_timestamp(epoch_seconds: int) -> tuple[int, int, int, int, int, int]:
    """The zip date_time (UTC) of a Unix time, clamped to the zip format's 1980 minimum.

    Seconds are rounded down to even: a zip entry stores time in 2-second steps.
    """
    year, month, day, hour, minute, second = time.gmtime(max(epoch_seconds, ZIP_EPOCH))[:6]
    return year, month, day, hour, minute, second - second % 2


def build_zip(members: list[tuple[str, bytes]], prefix: str, stamp: tuple[int, int, int, int, int, int]) -> bytes:
    """The zip archive of (path, content) pairs under folder `prefix`, every entry identical in metadata."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=DEFLATE_LEVEL) as archive:
        for path, content in members:
            info = zipfile.ZipInfo(f"{prefix}/{path}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so external_attr carries the mode whatever OS builds it
            info.external_attr = (stat.S_IFREG | FILE_MODE) << 16
            archive.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=DEFLATE_LEVEL)
    return buffer.getvalue()


def sha256sums_line(digest: str, name: str) -> str:
    """One line of `sha256sum` output (text mode: two spaces)."""
    return f"{digest}  {name}\n"


def manifest_text(hashes: dict[str, str]) -> str:
    """A `sha256sum`-format manifest of {path: hex digest}, sorted by path."""
    return "".join(sha256sums_line(hashes[path], path) for path in sorted(hashes))


def parse_manifest(text: str) -> dict[str, str]:
    """{path: hex digest} from `sha256sum` output; '*' marks binary mode, which is the same digest."""
    hashes: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        digest, sep, path = line.partition("  ")
        if not sep or len(digest) != 64:
            digest, sep, path = line.partition(" *")
        if not sep or len(digest) != 64:
            raise ValueError(f"line {number} is not '<sha256>  <path>': {line!r}")
        hashes[path] = digest
    return hashes


def manifest_problems(released: dict[str, str], current: dict[str, str]) -> list[str]:
    """How the current files differ from the released manifest: changed, added, removed."""
    problems = [f"changed: {p}" for p in sorted(released.keys() & current.keys()) if released[p] != current[p]]
    problems += [f"added: {p}" for p in sorted(current.keys() - released.keys())]
    problems += [f"removed: {p}" for p in sorted(released.keys() - current.keys())]
    return problems


def shipped_texts(reports: Iterable[dict]) -> set[str]:
    """The text paths that may ship: those of sources whose text_redistribution is `allowed` (the default)."""
    out = set()
    for report in reports:
        source = report.get("source") if isinstance(report, dict) else None
        if not isinstance(source, dict) or not isinstance(source.get("text_path"), str):
            continue
        if source.get("text_redistribution", "allowed") == "allowed":
            out.add(source["text_path"])
    return out


def redistributable(members: list[str], allowed_texts: set[str]) -> list[str]:
    """Members without the texts under data/sources/ that no report allows to ship."""
    return [m for m in members if not m.startswith("data/sources/") or m in allowed_texts]


def parse_releases(text: str) -> list[dict[str, str]]:
    """The rows of releases.csv; ValueError on a malformed file."""
    import csv

    rows = list(csv.DictReader(io.StringIO(text)))
    for number, row in enumerate(rows, start=2):
        if tuple(row) != RELEASES_HEADER or not versions.SEMVER.match(row["version"] or ""):
            raise ValueError(f"{RELEASES} line {number} is not {','.join(RELEASES_HEADER)} with a version")
        if not HEX.fullmatch(row["commit"] or "") or len(row["commit"]) != 40 or len(row["zip_sha256"] or "") != 64:
            raise ValueError(f"{RELEASES} line {number}: commit must be 40 and zip_sha256 64 hex digits")
    return rows


def releases_text(rows: list[dict[str, str]]) -> str:
    return ",".join(RELEASES_HEADER) + "\n" + "".join(",".join(r[k] for k in RELEASES_HEADER) + "\n" for r in rows)


def changelog_with_record(text: str, version: str, commit: str, digest: str) -> str:
    """CHANGELOG.md with the release record as the first line of the version's section."""
    heading = re.search(rf"^## \[{re.escape(version)}\][^\n]*\n", text, re.MULTILINE)
    if heading is None:
        raise UserError(f"CHANGELOG.md has no section '## [{version}] - YYYY-MM-DD'; add it before cutting")
    line = (
        f"\nRelease record: commit `{commit}`, `{NAME}-{version}.zip` SHA-256 `{digest}` "
        f"(also in `{RELEASES}`; rebuild and compare with `make release VERSION={version}`).\n"
    )
    return text[: heading.end()] + line + text[heading.end() :]


# --- I/O at the edges ---


def git(root: Path, *args: str) -> str:
    try:
        result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise UserError("git is not installed; a release is built from a git checkout") from None
    if result.returncode != 0:
        raise UserError(f"git {' '.join(args)} failed in {root}: {result.stderr.strip()}")
    return result.stdout


def sha256_file(path: Path) -> str:
    return file_sha256(path)


def schema_hashes(root: Path, version: str) -> dict[str, str]:
    """{repo-relative path: sha256} of every file under schema/<version>/ on disk (tracked or not)."""
    folder = root / "schema" / version
    return {
        path.relative_to(root).as_posix(): sha256_file(path) for path in sorted(folder.rglob("*")) if path.is_file()
    }


def manifest_path(root: Path, version: str) -> Path:
    return root / RELEASED_DIR / f"{version}.sha256"


def released_schema_versions(root: Path) -> list[str]:
    folder = root / RELEASED_DIR
    names = [p.name.removesuffix(".sha256") for p in folder.glob("*.sha256")] if folder.is_dir() else []
    return sorted(names, key=versions.semver_key)


def schema_immutability_problems(root: Path, version: str) -> list[str]:
    """Differences between schema/<version>/ and schema/released/<version>.sha256."""
    released = parse_manifest(read_text(manifest_path(root, version)))
    return manifest_problems(released, schema_hashes(root, version))


def write_atomic(path: Path, content: bytes) -> None:
    """Write via a temporary file and rename, so a reader never sees half a file; mode fixed."""
    atomic_write(path, content, FILE_MODE)


def freezable(root: Path, version: str) -> None:
    """Refuse a folder that is not a schema of its own: no schema file, or a symlink inside (whose target's
    hash would be frozen as if it were the schema's, and which may lead out of the package)."""
    folder = root / "schema" / version
    if not folder.is_dir() or folder.is_symlink():
        raise UserError(f"schema/{version}/ does not exist (or is a link); nothing to freeze")
    links = sorted(p.relative_to(root).as_posix() for p in folder.rglob("*") if p.is_symlink())
    if links:
        raise UserError(f"{', '.join(links)}: a symlink; a schema folder holds its own files. Nothing was written")
    if not (folder / SCHEMA_FILE).is_file():
        raise UserError(f"schema/{version}/{SCHEMA_FILE} does not exist; nothing to freeze. Nothing was written")


def write_schema_manifest(root: Path, version: str) -> tuple[Path, bool]:
    """Freeze schema/<version>/: write schema/released/<version>.sha256. Returns (path, written).

    Refuses to change an existing manifest: a released schema never changes.
    """
    folder = root / "schema" / version
    if not folder.is_dir():
        raise UserError(f"schema/{version}/ does not exist; nothing to freeze")
    text = manifest_text(schema_hashes(root, version))
    target = manifest_path(root, version)
    if target.exists():
        if read_text(target) == text:
            return target, False
        problems = schema_immutability_problems(root, version)
        raise UserError(
            f"schema {version} is already frozen and its files differ from {target.relative_to(root)}:\n  "
            + "\n  ".join(problems)
            + "\nA released schema never changes: put the change into a new folder schema/<next version>/ "
            "(docs/versioning.md). Only if this version was never released, delete the manifest and freeze again."
        )
    write_atomic(target, text.encode("utf-8"))
    return target, True


def ids_manifest_text(root: Path, version: str) -> str:
    """table,id of every record in the tables: what `id-removed` compares later releases with."""
    import csv
    import io

    from war_report_events.standard import schema

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["table", "id"])
    for table in schema.tables(version):
        data = tracked_bytes(root, f"data/{table.name}.csv").decode("utf-8")
        rows = csv.DictReader(io.StringIO(data, newline=""))
        writer.writerows((table.name, row[table.primary_key]) for row in rows)
    return buffer.getvalue()


def ids_manifest_path(root: Path, release: str) -> Path:
    return root / RELEASED_DIR / f"{release}.ids.csv"


def write_ids_manifest(root: Path, release: str, schema_version: str | None = None) -> tuple[Path, bool]:
    """Record the ids of release `release` (tables read with the schema its reports follow, by default the
    same version). Returns (path, written); refuses to change another release's record: ids of a release are
    history, and rewriting them after later data was added would claim the release held ids it never had."""
    target = ids_manifest_path(root, release)
    if os.path.islink(target):
        raise UserError(f"{target.relative_to(root).as_posix()} is a symlink; a release's ids are a file of its own")
    text = ids_manifest_text(root, schema_version or release)
    if target.exists():
        if read_text(target) == text:
            return target, False
        raise UserError(
            f"{target.relative_to(root).as_posix()} already records the ids of release {release} and the tables "
            "now differ from it; a recorded release's ids never change (the record is kept as it is)"
        )
    write_atomic(target, text.encode("utf-8"))
    return target, True


def record_ids(root: Path) -> tuple[Path, bool]:
    """Record the ids of the release the package versions state (never a -dev version)."""
    found = versions.collect_versions(root)
    problems = versions.inconsistencies(found)
    if problems:
        raise UserError("the versions disagree; fix them first:\n  " + "\n  ".join(problems))
    release, followed = versions.agreed_version(found), versions.schema_version(found)
    if versions.is_dev(release) or followed is None:
        raise UserError(f"the version is {release}, not a release; set the release version everywhere first")
    return write_ids_manifest(root, release, followed)


def run_validator(root: Path) -> tuple[int, str]:
    """Run the package's own validate.py on the package; (exit code, what it printed)."""
    if not (root / "validate.py").is_file():
        return 2, "validate.py not found"
    result = subprocess.run([sys.executable, "validate.py"], cwd=root, capture_output=True, text=True, check=False)
    return result.returncode, (result.stdout + result.stderr).strip()


def release_problems(root: Path) -> tuple[str | None, list[str]]:
    """(the agreed version or None, every reason to refuse the release)."""
    problems: list[str] = []
    dirty = git(root, "status", "--porcelain").splitlines()
    if dirty:
        shown = "\n    ".join(dirty[:20]) + ("\n    ..." if len(dirty) > 20 else "")
        problems.append(
            "the working tree has uncommitted changes (commit or stash them; a release is built "
            f"from a commit):\n    {shown}"
        )
    staged = [line.split("\t", 1) for line in git(root, "ls-files", "-s", "-z").split("\0") if "\t" in line]
    tracked = {path for _, path in staged}
    problems += [
        f"{path}: tracked under data/ but no part of a package (tables, reports, shipped texts); a release never "
        "ships it: remove it from git or move it out of data/"
        for path in stray_data(tracked)
    ]
    links = [path for meta, path in staged if meta.startswith("120000") and path in release_members([path])]
    problems += [
        f"{path} is a symlink; a release ships files, never what a link points to. Commit the file itself"
        for path in links
    ]
    missing = sorted(REQUIRED_FILES - tracked)
    if missing:
        problems.append(f"required files are not committed: {', '.join(missing)}")
    found = versions.collect_versions(root)
    version_problems = versions.inconsistencies(found)
    problems += [f"version: {p}" for p in version_problems]
    version = None if version_problems else versions.agreed_version(found)
    for released in released_schema_versions(root):
        problems += [
            f"released schema {released} was modified: {p}" for p in schema_immutability_problems(root, released)
        ]
    followed = versions.schema_version(found)
    if version is not None and not versions.is_dev(version) and followed is not None:
        # A release cites one schema that never changes: the one its reports follow, frozen (maybe long ago).
        if not manifest_path(root, followed).exists():
            problems.append(
                f"schema {followed} is not frozen: run `python -m war_report_events release --freeze-schema "
                f"{followed}` and commit {RELEASED_DIR.as_posix()}/{followed}.sha256"
            )
        if not ids_manifest_path(root, version).exists():
            problems.append(
                f"the ids of release {version} are not recorded: run `python -m war_report_events release "
                f"--record-ids` and commit {RELEASED_DIR.as_posix()}/{version}.ids.csv"
            )
    return version, problems


#: A release ships whole tables; the cap only keeps a device or a runaway file out of memory.
MAX_MEMBER_BYTES = 1 << 30


def tracked_bytes(root: Path, rel: str) -> bytes:
    """A file's own bytes in the working tree: never a symlink's target, never outside the repository,
    never a FIFO or device (the zip itself is read from git objects, see read_commit)."""
    if os.path.islink(root / rel):
        raise UserError(
            f"{rel} is a symlink; a release ships files, never what a link points to. Commit the file itself"
        )
    try:
        return read_inside(root, rel, limit=MAX_MEMBER_BYTES)
    except Refused as exc:
        raise UserError(f"{rel}: {exc.reason}") from None


def read_commit(root: Path, commit: str) -> list[tuple[str, bytes]]:
    """Every regular file of ``commit`` as (path, bytes), read from git objects (symlinks and submodules left out)."""
    listing = git(root, "ls-tree", "-r", "-z", "--full-tree", commit)
    entries = []
    for record in filter(None, listing.split("\0")):
        meta, path = record.split("\t", 1)
        mode, kind, sha = meta.split()
        if kind == "blob" and mode in ("100644", "100755"):
            entries.append((path, sha))
        elif mode == "120000" and release_members([path]):
            raise UserError(
                f"{path} is a symlink in commit {commit}; a release ships files, never what a link points to"
            )
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "cat-file", "--batch"],
            input="".join(f"{sha}\n" for _, sha in entries).encode(),
            capture_output=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        raise UserError(f"cannot read commit {commit}: {exc}") from None
    out, data, at = [], done.stdout, 0
    for path, _ in entries:
        header_end = data.index(b"\n", at)
        size = int(data[at:header_end].split()[2])
        out.append((path, data[header_end + 1 : header_end + 1 + size]))
        at = header_end + 1 + size + 1
    return out


def zip_of_commit(root: Path, commit: str, version: str) -> tuple[bytes, int]:
    """The release zip of ``commit`` (its bytes and number of files): a pure function of the commit's content."""
    files = dict(read_commit(root, commit))
    reports = []
    for path, content in files.items():
        if path.startswith("data/reports/") and path.endswith(".json"):
            try:
                reports.append(json.loads(content))
            except ValueError:
                continue  # an unreadable report allows no text; validate.py says what is wrong with it
    members = redistributable(release_members(files), shipped_texts(reports))
    epoch = int(git(root, "show", "-s", "--format=%ct", commit).strip())
    content = build_zip([(path, files[path]) for path in members], f"{NAME}-{version}", zip_timestamp(epoch))
    return content, len(members)


def write_outputs(out: Path, version: str, content: bytes) -> tuple[Path, str]:
    digest = hashlib.sha256(content).hexdigest()
    zip_path = out / f"{NAME}-{version}.zip"
    write_atomic(zip_path, content)
    write_atomic(out / "SHA256SUMS", sha256sums_line(digest, zip_path.name).encode("utf-8"))
    return zip_path, digest


def recorded_releases(root: Path) -> list[dict[str, str]]:
    path = root / RELEASES
    if not path.is_file():
        return []
    try:
        return parse_releases(read_text(path))
    except ValueError as exc:
        raise UserError(f"{exc}; fix {RELEASES} (one row per release, written by `release --cut`)") from None


def rebuild(root: Path, out: Path, version: str | None) -> tuple[Path, str, int]:
    """Build the zip of a recorded release from its commit and check it against the record."""
    records = recorded_releases(root)
    if version is None:
        current = versions.collect_versions(root).get("pyproject.toml [project] version") or ""
        version = current if current and not versions.is_dev(current) else None
        if version is None and records:
            version = max((r["version"] for r in records), key=versions.semver_key)
    record = next((r for r in records if r["version"] == version), None)
    if record is None:
        known = ", ".join(r["version"] for r in records) or "none yet"
        raise UserError(
            f"no release {version or ''} is recorded in {RELEASES} (recorded: {known}); a zip is built only "
            "from the commit recorded for its version. To cut a release, see docs/versioning.md "
            "(`python -m war_report_events release --cut` at the release commit)."
        )
    content, count = zip_of_commit(root, record["commit"], record["version"])
    digest = hashlib.sha256(content).hexdigest()
    if digest != record["zip_sha256"]:
        raise UserError(
            f"the zip of {record['version']} rebuilt from commit {record['commit']} has SHA-256 {digest}, not the "
            f"recorded {record['zip_sha256']}; nothing written. Another Python or zlib can compress differently: "
            "compare the files inside (`unzip -l`) with the published zip."
        )
    zip_path, _ = write_outputs(out, record["version"], content)
    return zip_path, digest, count


def cut(root: Path, out: Path) -> tuple[Path, str, int, str]:
    """At a clean release commit: build its zip, then add the record to releases.csv and CHANGELOG.md."""
    version, problems = release_problems(root)
    if version is not None and versions.is_dev(version):
        problems.append(
            f"the version is {version}, not a release; set the release version everywhere first (docs/versioning.md)"
        )
    records = recorded_releases(root)
    if version is not None and any(r["version"] == version for r in records):
        problems.append(f"{version} is already recorded in {RELEASES}; `make release` rebuilds it")
    if not problems:
        code, output = run_validator(root)
        if code != 0:
            problems.append(f"validate.py says the package is invalid (exit {code}); fix it first:\n{output}")
    if problems or version is None:
        raise UserError("\n- " + "\n- ".join(problems))
    commit = git(root, "rev-parse", "HEAD").strip()
    content, count = zip_of_commit(root, commit, version)
    changelog = read_text(root / "CHANGELOG.md")
    date = versions.changelog_release_date(changelog) or ""
    zip_path, digest = write_outputs(out, version, content)
    new_changelog = changelog_with_record(changelog, version, commit, digest)
    rows = records + [{"version": version, "date": date, "commit": commit, "zip_sha256": digest}]
    # Both or neither: an interrupted cut must not leave a record in one place only.
    write_files({root / RELEASES: releases_text(rows), root / "CHANGELOG.md": new_changelog}, FILE_MODE)
    return zip_path, digest, count, commit


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m war_report_events release",
        description="Rebuild a recorded release zip (dist/war-report-events-<version>.zip and dist/SHA256SUMS) "
        "from the commit releases.csv records for it; cut and record a release; or freeze a schema version.",
    )
    parser.add_argument("--root", type=Path, default=Path("."), help="the repository (default: current folder)")
    parser.add_argument("--out", type=Path, help="output folder (default: <root>/dist)")
    action = parser.add_mutually_exclusive_group()
    action.add_argument(
        "--version", help="the recorded release to rebuild (default: this version if released, else the latest)"
    )
    action.add_argument(
        "--cut", action="store_true", help="build the release of this commit and record it in releases.csv"
    )
    action.add_argument(
        "--record-ids",
        action="store_true",
        help="write schema/released/<this release>.ids.csv, the ids a later package may never drop",
    )
    action.add_argument(
        "--freeze-schema",
        metavar="VERSION",
        help="write schema/released/VERSION.sha256 (the checksums of schema/VERSION/) instead of building",
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    root = args.root.resolve()
    out = (args.out or root / "dist").resolve()
    if args.out is None and unsafe_reason(root, "dist"):  # a dist/ linked out of the package is not the package's
        print(f"release refused: dist/ {unsafe_reason(root, 'dist')}; remove the link or give --out", file=sys.stderr)
        return 1
    try:
        if args.freeze_schema:
            freezable(root, args.freeze_schema)  # before anything is written
            target, written = write_schema_manifest(root, args.freeze_schema)
            relative = target.relative_to(root).as_posix()
            print(
                f"wrote {relative}; commit it"
                if written
                else f"{relative} already matches schema/{args.freeze_schema}/"
            )
            return 0
        if args.record_ids:
            ids, written = record_ids(root)
            relative = ids.relative_to(root).as_posix()
            print(
                f"wrote {relative} (the ids of this release: never to be removed); commit it"
                if written
                else f"{relative} already records these ids"
            )
            return 0
        if args.cut:
            zip_path, digest, count, commit = cut(root, out)
            print(f"{zip_path}: {zip_path.stat().st_size} bytes, {count} files, from commit {commit}")
            print(f"sha256 {digest}")
            print(
                f"recorded in {RELEASES} and CHANGELOG.md: commit them ('Record release'); maintainers tag {commit[:12]} "
                f"as v{zip_path.stem.removeprefix(NAME + '-')}; then set the next version marked -dev (docs/versioning.md)"
            )
            return 0
        zip_path, digest, count = rebuild(root, out, args.version)
    except UserError as error:
        print(f"release refused: {error}", file=sys.stderr)
        return 1
    print(f"{zip_path}: {zip_path.stat().st_size} bytes, {count} files; matches the recorded SHA-256")
    print(f"sha256 {digest}")
    print(f"{out / 'SHA256SUMS'} written; check a download with: sha256sum -c SHA256SUMS")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
