"""Build the package: data/*.csv and datapackage.json from data/reports/, written all at once."""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

from .. import SCHEMA_VERSION
from ..standard import schema
from ..standard.tables import build_tables, csv_text, descriptor_text


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


def _changed_files(reports: list[dict], version: str, root: Path) -> dict[str, str]:
    """The files of ``standard.tables.expected_files`` whose bytes on disk differ, with their new text.

    Each table is compared a chunk at a time as it is read (``same_as_built``), so an unchanged
    table is never made into text; only what changed is, and only that is written."""
    from ..validator.tables import same_as_built

    built = build_tables(reports, version)
    changed: dict[str, str] = {}
    for tb in schema.tables(version):
        rel, rows = f"data/{tb.name}.csv", built.pop(tb.name)
        if not same_as_built(root / rel, tb, rows):
            changed[rel] = csv_text(tb, rows)
    descriptor = descriptor_text(version)
    if not same_text(root / "datapackage.json", descriptor):
        changed["datapackage.json"] = descriptor
    return changed


def same_text(path: Path, text: str) -> bool:
    try:
        return path.is_file() and path.read_bytes() == text.encode("utf-8")
    except OSError:
        return False


# ---------------------------------------------------------------- command


_KEY = r'"{}"[ \t\n\r]*:'


def _offsets_all_given(path: Path) -> bool:
    """True when the text shows every claim with both offsets, none null: then there is nothing to fill.

    Keys are counted in the text (a key's quote cannot occur inside a JSON string unescaped); any doubt,
    and the report is parsed and looked at as before."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    claims, starts, ends = (len(re.findall(_KEY.format(k), text)) for k in ("claim_id", "quote_start", "quote_end"))
    nulls = re.search(_KEY.format("quote_(?:start|end)") + r"[ \t\n\r]*null", text)
    return claims == starts == ends and nulls is None


def _fill_missing_offsets(root: Path) -> str | None:
    """Fill quote offsets left out while coding (as `fill-offsets` does); a message when one cannot be."""
    from ..failure import UserError
    from ..files import read_json
    from .locate import count_missing, fill_file

    for path in sorted((root / "data" / "reports").glob("*.json")):
        try:
            if _offsets_all_given(path):
                continue  # the validator parses it next; parsing every report twice doubled build's time
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
    files = _changed_files([r for _, r in reports], versions[0] if versions else SCHEMA_VERSION, root)
    changed = list(files)
    if args.check:
        for rel in changed:
            print(f"{rel}: out of date; run `make build`.")
        return 1 if changed else 0
    write_atomically(root, files)
    print(f"built {len(reports)} report(s): " + (", ".join(changed) + " written" if changed else "nothing changed"))
    return 0
