"""Build the package: data/*.csv and datapackage.json from data/reports/, written all at once."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .. import SCHEMA_VERSION
from ..failure import UserError
from ..files import list_reports, same_bytes, unsafe_reason, write_files
from ..standard.tables import expected_files
from ..validator.reporting import printable


def write_atomically(root: Path, files: dict[str, str]) -> None:
    """Write all files or none (see ``files.write_files``): a failure or Ctrl-C leaves every table as it was.

    A folder of the package symlinked elsewhere (``data/`` -> a folder outside) is refused: the build writes
    into the package only."""
    for rel in files:
        why = unsafe_reason(root, rel)
        if why:
            raise UserError(f"{root / rel} {why}; the build writes only inside the package. Nothing was written")
    write_files({root / rel: text for rel, text in files.items()})


# ---------------------------------------------------------------- command


def _fill_missing_offsets(root: Path) -> tuple[list[str], str | None]:
    """Fill quote offsets left out while coding (as `fill-offsets` does): the reports written, and a
    message when one cannot be filled."""
    from ..files import read_json
    from .locate import count_missing, fill_file

    written: list[str] = []
    paths, _ = list_reports(root, "data/reports")  # an unsafe folder is reported by the validator below
    for path in paths:
        try:
            report = read_json(path)
            if isinstance(report, dict) and count_missing(report):
                print(f"{printable(str(path))}: filled the offsets of {fill_file(path, root)} quote(s)")
                written.append(str(path))
        except UserError as exc:
            if "not valid JSON" in str(exc) or "not readable as JSON" in str(exc):
                continue  # the validator reports it, located, below
            return written, f"{exc}\n{_nothing_else(written)}"
    return written, None


def _nothing_else(written: list[str]) -> str:
    """What the build leaves behind when it stops: exactly what it wrote, never "nothing" after a write."""
    if not written:
        return "Nothing was written."
    return f"Only the offsets filled above were written ({len(written)} report(s)); no table was built."


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m war_report_events build", description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default=".", help="package root (default: .)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a file would change")
    args = parser.parse_args(argv)
    from ..validator.reports import load_reports  # the validator decides whether reports may be built

    root = Path(args.root)
    if not root.is_dir():
        print(f"{root}: not a folder; give the package root", file=sys.stderr)
        return 2
    written: list[str] = []
    if not args.check:
        written, stopped = _fill_missing_offsets(root)
        if stopped:
            print(stopped, file=sys.stderr)
            return 1
    reports, problems = load_reports(root)
    if problems:
        from ..validator.reporting import render_text

        print(render_text(problems, truncated=False), end="")
        print(f"{_nothing_else(written)} Fix the reports above, then run the build again.", file=sys.stderr)
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
    try:
        encoded = {rel: text.encode("utf-8") for rel, text in files.items()}
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start]
        print(
            f"A report holds {bad!r} (a lone surrogate, written in JSON as {json.dumps(bad)}), which no UTF-8 "
            f"file can hold; correct that text in data/reports/. {_nothing_else(written)}",
            file=sys.stderr,
        )
        return 1
    changed = [rel for rel in files if not same_bytes(root / rel, encoded[rel])]
    if args.check:
        for rel in changed:
            print(f"{rel}: out of date; run `make build`.")
        return 1 if changed else 0
    try:
        write_atomically(root, {rel: files[rel] for rel in changed})
    except UserError as exc:
        print(f"{exc}\n{_nothing_else(written)}" if written else exc, file=sys.stderr)
        return 1
    print(f"built {len(reports)} report(s): " + (", ".join(changed) + " written" if changed else "nothing changed"))
    return 0
