"""Build the package: data/*.csv and datapackage.json from data/reports/, written all at once."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .. import SCHEMA_VERSION
from ..failure import UserError, printable
from ..files import clear_leftovers, same_bytes, unsafe_reason, write_files
from ..standard import schema
from ..standard.reports import as_list
from ..standard.tables import descriptor_text


def write_atomically(root: Path, files: dict[str, str], expected: tuple[str, ...] = ()) -> None:
    """Write all files or none (see ``files.write_files``): a failure or Ctrl-C leaves every table as it was.

    A folder of the package symlinked elsewhere (``data/`` -> a folder outside) is refused: the build writes
    into the package only."""
    for rel in files:
        why = unsafe_reason(root, rel)
        if why:
            raise UserError(
                f"{printable(str(root / rel))} {why}; the build writes only inside the package. Nothing was written"
            )
    write_files({root / rel: text for rel, text in files.items()}, root=root)
    clear_leftovers(root, sorted({os.path.dirname(rel) or "." for rel in expected}))


def _changed_files(reports: list[dict], version: str, root: Path) -> dict[str, str]:
    """The files of ``standard.tables.expected_files`` whose bytes on disk differ, with their new text."""
    from ..validator.tables import built_tables

    return _changed(built_tables(reports, version), version, root)


def _changed(built: dict[str, bytes | bytearray], version: str, root: Path) -> dict[str, str]:
    """The files whose bytes on disk differ from ``built`` (the tables as the validator built them) and the
    descriptor, with their new text. A lone surrogate in a report raises UnicodeEncodeError, as writing it
    would (``built`` keeps it as surrogatepass bytes)."""
    from ..validator.tables import holds

    changed: dict[str, str] = {}
    for tb in schema.tables(version):
        rel = f"data/{tb.name}.csv"
        if os.path.islink(root / rel) or not holds(root / rel, built[tb.name]):  # a symlink is replaced
            changed[rel] = bytes(built[tb.name]).decode("utf-8", errors="surrogatepass")
            changed[rel].encode("utf-8")
    descriptor = descriptor_text(version)
    if not same_bytes(root / "datapackage.json", descriptor.encode("utf-8")):
        changed["datapackage.json"] = descriptor
    return changed


# ---------------------------------------------------------------- command


def _lacks_offsets(report: dict) -> bool:
    """Whether a claim of the report lacks quote_start or quote_end (``locate.count_missing`` is not 0)."""
    for event in as_list(report.get("events")):
        for claim in as_list(event.get("claims")) if isinstance(event, dict) else ():
            if isinstance(claim, dict) and (claim.get("quote_start") is None or claim.get("quote_end") is None):
                return True
    return False


def _fill_missing_offsets(root: Path, paths: list[Path]) -> tuple[list[str], str | None]:
    """Fill quote offsets left out while coding (as `fill-offsets` does) in ``paths``, the reports the
    validator's pass found lacking them: the reports written, and a message when one cannot be filled."""
    from ..files import Refused, load_json
    from .locate import count_missing, fill_file

    written: list[str] = []
    for path in paths:
        try:
            report = load_json(path)
            if isinstance(report, dict) and count_missing(report):
                print(f"{printable(str(path))}: filled the offsets of {fill_file(path, root)} quote(s)")
                written.append(str(path))
        except UserError as exc:
            if isinstance(exc, Refused) and exc.code.startswith("json-"):
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
    from ..validator.streamed import scan_reports  # the validator decides whether reports may be built

    root = Path(args.root)
    if not root.is_dir():
        print(f"{printable(str(root))}: not a folder; give the package root", file=sys.stderr)
        return 2
    written: list[str] = []
    lacking: list[Path] = []

    def visit(path: Path, report: dict) -> None:
        if _lacks_offsets(report):
            lacking.append(path)

    # One pass reads, checks and builds every report; only when a report lacks offsets are they filled
    # and the reports read again (a report just coded, usually: parsing every report twice doubled the time).
    scan = scan_reports(root, visit=None if args.check else visit)
    if lacking:
        written, stopped = _fill_missing_offsets(root, lacking)
        if stopped:
            print(stopped, file=sys.stderr)
            return 1
        if written:
            scan = scan_reports(root)
    if scan.problems:
        from ..validator.reporting import render_text

        print(render_text(scan.problems, truncated=False), end="")
        print(f"{_nothing_else(written)} Fix the reports above, then run the build again.", file=sys.stderr)
        return 1
    versions = sorted(map(str, scan.versions))
    if len(versions) > 1:
        print(
            f"The reports follow different schema versions ({', '.join(versions)}); "
            "a package has one. Set schema_version to the same version in every report.",
            file=sys.stderr,
        )
        return 1
    version = versions[0] if versions else SCHEMA_VERSION
    try:
        if scan.built is None:  # no reports: the tables are their headers
            files = _changed_files([], version, root)
        else:
            files = _changed(scan.built, version, root)
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start]
        print(
            f"A report holds {bad!r} (a lone surrogate, written in JSON as {json.dumps(bad)}), which no UTF-8 "
            f"file can hold; correct that text in data/reports/. {_nothing_else(written)}",
            file=sys.stderr,
        )
        return 1
    changed = list(files)
    if args.check:
        for rel in changed:
            print(f"{rel}: out of date; run `make build`.")
        return 1 if changed else 0
    try:
        # Only what changed is written; leftovers of an interrupted build are cleared from the folders it writes.
        write_atomically(root, files, ("data/sources.csv", "datapackage.json"))
    except UserError as exc:
        print(f"{exc}\n{_nothing_else(written)}" if written else exc, file=sys.stderr)
        return 1
    print(f"built {scan.reports} report(s): " + (", ".join(changed) + " written" if changed else "nothing changed"))
    return 0
