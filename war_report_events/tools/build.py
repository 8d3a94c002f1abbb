"""Build the package: data/*.csv and datapackage.json from data/reports/, written all at once."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from .. import SCHEMA_VERSION
from ..standard.tables import expected_files


def write_atomically(root: Path, files: dict[str, str]) -> None:
    """Write all files or none: each goes to a temporary file first, then all are renamed."""
    staged: list[tuple[str, Path]] = []
    try:
        for rel, text in files.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".build-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            staged.append((tmp, target))
        for tmp, target in staged:
            os.replace(tmp, target)
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)


# ---------------------------------------------------------------- command


def _fill_missing_offsets(root: Path) -> str | None:
    """Fill quote offsets left out while coding (as `fill-offsets` does); a message when one cannot be."""
    from ..failure import UserError
    from ..files import read_json
    from .locate import count_missing, fill_file

    for path in sorted((root / "data" / "reports").glob("*.json")):
        try:
            report = read_json(path)
            if isinstance(report, dict) and count_missing(report):
                print(f"{path}: filled the offsets of {fill_file(path, root)} quote(s)")
        except UserError as exc:
            if "not valid JSON" in str(exc):
                continue  # the validator reports it, located, below
            return f"{exc}\nNothing was built."
    return None


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m war_report_events build", description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default=".", help="package root (default: .)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a file would change")
    args = parser.parse_args(argv)
    from ..validator.reports import load_reports  # the validator decides whether reports may be built

    root = Path(args.root)
    if not args.check:
        stopped = _fill_missing_offsets(root)
        if stopped:
            print(stopped, file=sys.stderr)
            return 1
    reports, problems = load_reports(root)
    if problems:
        from ..validator.reporting import render_text

        print(render_text(problems, truncated=False), end="")
        print("Nothing was written: fix the reports above, then run the build again.", file=sys.stderr)
        return 1
    versions = sorted({r.get("schema_version") for _, r in reports})
    if len(versions) > 1:
        print(
            f"The reports follow different schema versions ({', '.join(map(str, versions))}); "
            "a package has one. Set schema_version to the same version in every report.",
            file=sys.stderr,
        )
        return 1
    files = expected_files([r for _, r in reports], versions[0] if versions else SCHEMA_VERSION)
    changed = [
        rel
        for rel, text in files.items()
        if not (root / rel).is_file() or (root / rel).read_bytes() != text.encode("utf-8")
    ]
    if args.check:
        for rel in changed:
            print(f"{rel}: out of date; run `make build`.")
        return 1 if changed else 0
    write_atomically(root, {rel: files[rel] for rel in changed})
    print(f"built {len(reports)} report(s): " + (", ".join(changed) + " written" if changed else "nothing changed"))
    return 0
