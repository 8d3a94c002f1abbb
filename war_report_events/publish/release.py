"""Build the release: dist/war-report-events-<version>.zip and dist/SHA256SUMS, byte for byte reproducible.

    python -m war_report_events release                      # what `make release` runs
    python -m war_report_events release --freeze-schema 0.1.0 # write schema/released/0.1.0.sha256

Reproducible means the same commit gives the same zip, on any machine with the same Python
(zlib) and whatever the checkout's file times or umask: members are the tracked files only
(`git ls-files`, so untracked junk never ships), in sorted order, each stamped with the commit
time of HEAD (or SOURCE_DATE_EPOCH when set) and mode 0644, deflated at level 9.

A release is refused (exit 1) when the working tree has uncommitted changes, the versions in
the metadata files disagree, a released schema folder no longer matches its manifest, or
validate.py finds the package invalid. dist/SHA256SUMS lists the zip only (`sha256sum -c`
format); everything inside the zip is covered by the zip's own checksum.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import stat
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path

from war_report_events.failure import UserError
from war_report_events.files import Refused, atomic_write, read_inside, read_text, sha256_of
from war_report_events.publish import versions

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
    }
)
# A release without any of these is broken: refuse it.
REQUIRED_FILES = MEMBER_FILES
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


def release_members(tracked: Iterable[str]) -> list[str]:
    """The tracked paths that go into the zip, sorted (byte order of the UTF-8 path, like git)."""
    chosen = {
        path
        for path in tracked
        if path in MEMBER_FILES
        or any(path.startswith(folder) and path.endswith(suffix) for folder, suffix in MEMBER_FOLDERS)
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
    return sha256_of(path)


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


def write_ids_manifest(root: Path, version: str) -> Path:
    target = root / "schema" / "released" / f"{version}.ids.csv"
    write_atomic(target, ids_manifest_text(root, version).encode("utf-8"))
    return target


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
    tracked = set(git(root, "ls-files", "-z").split("\0"))
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
    if version is not None and not manifest_path(root, version).exists():
        problems.append(
            f"schema {version} is not frozen: run `python -m war_report_events release --freeze-schema {version}` "
            f"and commit {RELEASED_DIR.as_posix()}/{version}.sha256"
        )
    return version, problems


#: A release ships whole tables; the cap only keeps a device or a runaway file out of memory.
MAX_MEMBER_BYTES = 1 << 30


def tracked_bytes(root: Path, rel: str) -> bytes:
    """A tracked file's own bytes: never a symlink's target (a secret, /etc/hostname would ship in the public
    zip), never outside the repository, never a FIFO or device."""
    if os.path.islink(root / rel):
        raise UserError(
            f"{rel} is a symlink; a release ships files, never what a link points to. Commit the file itself"
        )
    try:
        return read_inside(root, rel, limit=MAX_MEMBER_BYTES)
    except Refused as exc:
        raise UserError(f"{rel}: {exc.reason}") from None


def build_release(root: Path, out: Path, version: str) -> tuple[Path, str, int]:
    """Write the zip and SHA256SUMS into `out`; returns (zip path, sha256, number of files)."""
    tracked = git(root, "ls-files", "-z").split("\0")
    members = release_members(p for p in tracked if p)
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH") or git(root, "log", "-1", "--format=%ct", "HEAD").strip())
    prefix = f"{NAME}-{version}"
    content = build_zip([(path, tracked_bytes(root, path)) for path in members], prefix, zip_timestamp(epoch))
    digest = hashlib.sha256(content).hexdigest()
    zip_path = out / f"{prefix}.zip"
    write_atomic(zip_path, content)
    write_atomic(out / "SHA256SUMS", sha256sums_line(digest, zip_path.name).encode("utf-8"))
    return zip_path, digest, len(members)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m war_report_events release",
        description="Build dist/war-report-events-<version>.zip and dist/SHA256SUMS from the current commit, "
        "reproducibly; or freeze a schema version before its first release.",
    )
    parser.add_argument("--root", type=Path, default=Path("."), help="the repository (default: current folder)")
    parser.add_argument("--out", type=Path, help="output folder (default: <root>/dist)")
    parser.add_argument(
        "--freeze-schema",
        metavar="VERSION",
        help="write schema/released/VERSION.sha256 (the checksums of schema/VERSION/) instead of building",
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    root = args.root.resolve()
    try:
        if args.freeze_schema:
            target, written = write_schema_manifest(root, args.freeze_schema)
            relative = target.relative_to(root).as_posix()
            print(
                f"wrote {relative}; commit it"
                if written
                else f"{relative} already matches schema/{args.freeze_schema}/"
            )
            ids = write_ids_manifest(root, args.freeze_schema)
            print(
                f"wrote {ids.relative_to(root).as_posix()} (the ids of this release: never to be removed); commit it"
            )
            return 0
        version, problems = release_problems(root)
        if not problems:
            code, output = run_validator(root)
            if code != 0:
                problems.append(f"validate.py says the package is invalid (exit {code}); fix it first:\n{output}")
        if problems or version is None:
            print("release refused:\n- " + "\n- ".join(problems), file=sys.stderr)
            return 1
        out = (args.out or root / "dist").resolve()
        zip_path, digest, count = build_release(root, out, version)
    except UserError as error:
        print(f"release refused: {error}", file=sys.stderr)
        return 1
    print(f"{zip_path}: {zip_path.stat().st_size} bytes, {count} files")
    print(f"sha256 {digest}")
    print(f"{out / 'SHA256SUMS'} written; check a download with: sha256sum -c SHA256SUMS")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
