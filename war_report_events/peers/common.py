"""What every peer import shares: ids, the problems of rows, and writing into a package (all or nothing)."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from war_report_events.failure import UserError, printable
from war_report_events.files import (
    Refused,
    check_inside,
    open_regular,
    read_inside,
    read_reports,
    unsafe_reason,
    write_files,
)
from war_report_events.standard import schema
from war_report_events.validator.descriptor import package_version


@dataclass(frozen=True)
class Record:
    """One CSV record: its cells by column and its exact text (without the line end)."""

    line: int  # physical line the record starts on, 1-based
    raw: str
    cells: dict[str, str]


@dataclass(frozen=True)
class RowProblem:
    """Why one row of a peer table was not imported; ``line`` is the physical line it starts on."""

    line: int
    message: str


def csv_records(text: str, name: str) -> tuple[list[str], str, list[Record], list[RowProblem]]:
    """(header cells, header text, records, problems) of a CSV text, keeping each record's exact characters.

    A record that cannot be parsed or has the wrong number of cells is a problem of its line; the
    reader goes on at the next line, so one bad row does not hide the others."""
    # A byte-order mark (spreadsheets save one) is not part of the first column's name.
    lines = text.removeprefix("\ufeff").splitlines(keepends=True)
    reader = csv.reader(iter(lines), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise UserError(f"{name}: the file is empty; nothing to import.") from None
    except csv.Error as exc:
        raise UserError(f"{name}:1: the header cannot be parsed as CSV ({exc}).") from None
    header_text = lines[0].rstrip("\r\n") if lines else ""
    records: list[Record] = []
    problems: list[RowProblem] = []
    used = reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(RowProblem(used + 1, f"the CSV cannot be parsed here ({exc}); check the quotes"))
            used = reader.line_num
            continue
        raw = "".join(lines[used : reader.line_num]).rstrip("\r\n")
        start, used = used + 1, reader.line_num
        if not cells:
            continue  # a blank line
        if len(cells) != len(header):
            problems.append(RowProblem(start, f"{len(cells)} cells, but the header has {len(header)} columns"))
            continue
        records.append(Record(start, raw, dict(zip(header, cells))))
    return header, header_text, records, problems


@cache
def _schema_validator(version: str):
    import jsonschema
    from referencing import Registry, Resource

    sch = schema.load_schema(version)

    def refuse(uri: str):  # $ref is resolved only against the bundled schema: never fetched
        raise LookupError(f"refusing to retrieve {uri}")

    registry = Registry(retrieve=refuse).with_resource(sch["$id"], Resource.from_contents(sch))
    return jsonschema.Draft202012Validator(sch, registry=registry)


def schema_check(report: dict) -> None:
    """Raises a UserError naming the first place where an imported report breaks the JSON Schema: a row
    whose cells would make an invalid report (an empty name, a name too long, ...) is a bad row, never
    a report written for `validate.py` to refuse later."""
    error = next(iter(_schema_validator(report["schema_version"]).iter_errors(report)), None)
    if error is not None:
        where = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        message = error.message if len(error.message) <= 200 else error.message[:200] + "..."
        raise UserError(f"the row would give an invalid report at {where}: {message}")


def problems_text(name: str, problems: list[RowProblem]) -> str:
    """Every problem, one line each, in line order: ``name:line: message``."""
    return "\n".join(
        f"  {p.message}" if p.message.startswith(f"{name}:") else f"  {name}:{p.line}: {p.message}"
        for p in sorted(problems, key=lambda p: p.line)
    )


def slug(text: str, limit: int = 40) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words)[:limit].strip("-") or "x"


def short_hash(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:8]


def known_definitions(out: Path) -> dict[str, dict[str, dict]]:
    """Places and actors already defined by the reports in ``out`` (a package the import joins)."""
    found: dict[str, dict[str, dict]] = {"places": {}, "actors": {}}
    for _, report in valid_reports(out, "the importer reads nothing outside OUT_DIR and joins only a valid package"):
        for table, key in (("places", "place_id"), ("actors", "actor_id")):
            for obj in report.get(table, []) if isinstance(report, dict) else []:
                if isinstance(obj, dict) and isinstance(obj.get(key), str):
                    found[table].setdefault(obj[key], obj)
    return found


def valid_reports(root: Path, why: str) -> list[tuple[str, dict]]:
    """The package's reports, read through the door and checked by the validator: a tool never reads around
    an invalid package (a report symlinked out of it, one nested 100,000 deep, one that breaks the schema)."""
    from war_report_events.validator.reporting import render_text
    from war_report_events.validator.reports import load_reports

    try:
        read_reports(root)  # the door's refusals first: a clear message for a report it may not read
    except UserError as exc:
        raise UserError(f"{exc} ({why})") from None
    reports, problems = load_reports(root)
    if problems:
        shown = render_text(problems[:10], truncated=len(problems) > 10).rstrip("\n")
        raise UserError(f"{shown}\n{printable(str(root))}: the package is not valid ({why}); fix it first.")
    return reports


def write_new(out: Path, files: dict[str, str]) -> None:
    """Write every file, refusing to overwrite any: all checked before the first is written."""
    for rel in files:
        reason = unsafe_reason(out, rel)
        if reason:  # data/ or data/reports/ a symlink out of the package: nothing is written through it
            raise UserError(f"{out / rel} {reason}; the importer writes nothing outside OUT_DIR.")
    existing = [rel for rel in files if os.path.lexists(out / rel)]  # a dangling symlink too
    if existing:
        raise UserError(
            f"{out / existing[0]} already exists ({len(existing)} of the files to write do); "
            "the importer never overwrites: choose an empty OUT_DIR or remove them."
        )
    write_files({out / rel: files[rel] for rel in sorted(files)}, root=out)  # all or nothing


def summary(files: dict[str, str]) -> str:
    reports = [json.loads(v) for k, v in files.items() if k.endswith(".json")]
    events = [e for r in reports for e in r["events"]]
    claims = [c for e in events for c in e["claims"]]
    quantities = [q for c in claims for q in c.get("quantities", [])]
    return f"{len(reports)} reports, {len(events)} events, {len(claims)} claims, {len(quantities)} quantities"


def version_of(root: Path) -> str:
    """The package's schema version, as the validator reads it from datapackage.json; without one,
    the newest version whose tables have exactly the columns of data/*.csv (a folder of tables only)."""
    try:
        data = json.loads(read_inside(root, "datapackage.json").decode("utf-8"))
    except Refused as exc:
        if exc.reason == "does not exist":
            return version_of_tables(root)
        raise UserError(f"{root / 'datapackage.json'} {exc.reason}.") from None
    except (ValueError, RecursionError):
        raise UserError(
            f"{root / 'datapackage.json'}: not valid JSON; rebuild it with `python -m war_report_events build {root}`."
        ) from None
    return package_version(data)


def version_of_tables(root: Path) -> str:
    headers = {}
    for table in schema.tables(schema.available_versions()[-1]):
        try:
            with open_regular(check_inside(root, f"data/{table.name}.csv")) as handle:
                headers[table.name] = tuple(next(csv.reader([handle.readline().decode("utf-8", "replace")]), []))
        except Refused:
            continue  # a missing table: no version matches, and reading it later says so
    for version in reversed(schema.available_versions()):
        if headers and all(headers.get(t.name) == t.names for t in schema.tables(version)):
            return version
    return package_version(None)
