"""`python -m war_report_events export`: the tables as Parquet and the reports as JSON Lines.

The CSV tables are the canonical, diffable form; Parquet carries the same rows with
their types (int64, date32, string) so analysts skip type guessing, and
reports.jsonl carries the nested reports one per line for document stores and jq.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from war_report_events import SCHEMA_VERSION
from war_report_events.failure import UserError
from war_report_events.files import Refused, check_inside, list_reports, open_regular, read_bytes, write_files
from war_report_events.standard.schema import Field, Table, load_schema, tables

ARROW_TYPES = {"integer": pa.int64(), "date": pa.date32(), "string": pa.string()}


def arrow_schema(table: Table, description: str = "") -> pa.Schema:
    """The Parquet schema of a table: types from the JSON Schema, titles and descriptions as metadata."""

    def field(f: Field) -> pa.Field:
        meta = {"title": f.title, "description": f.description}
        return pa.field(f.name, ARROW_TYPES[f.type], nullable=not f.required, metadata=meta)

    return pa.schema(
        [field(f) for f in table.fields],
        metadata={"table": table.name, "schema_version": SCHEMA_VERSION, "description": description},
    )


def read_table_csv(path: Path, table: Table, description: str = "") -> pa.Table:
    """A data/<table>.csv read with the schema's types; an empty cell is null (absent)."""
    target = arrow_schema(table, description)
    names = list(table.names)
    try:
        handle = open_regular(path)  # a regular file only, opened once: what is checked is what is read
    except Refused as exc:
        why = "missing" if exc.reason == "does not exist" else exc.reason
        raise UserError(f"{path}: {why}; build the tables first with `make build`.") from None
    with handle:
        header = handle.readline().decode("utf-8", errors="replace").rstrip("\n").split(",")
        if header != names:
            raise UserError(
                f"{path}: the header is not the columns of table {table.name} "
                f"({', '.join(names)}); rebuild the tables with `make build`."
            )
        handle.seek(0)
        try:
            data = pacsv.read_csv(
                handle,
                parse_options=pacsv.ParseOptions(newlines_in_values=True),  # free text may span lines
                convert_options=pacsv.ConvertOptions(
                    column_types={f.name: f.type for f in target},
                    null_values=[""],
                    strings_can_be_null=True,
                    quoted_strings_can_be_null=True,
                    include_columns=names,
                ),
            )
            return data.cast(target)
        except (pa.ArrowInvalid, ValueError) as exc:
            raise UserError(
                f"{path}: cannot read it with the schema's types ({exc}); run `make validate` to see which cell is wrong."
            ) from exc


def report_lines(report_dir: Path) -> str:
    """Every report, compact, one per line, in file-name order."""
    paths, why = list_reports(report_dir.parent.parent, "data/reports")
    if why:
        raise UserError(f"{report_dir} {why}; run from the package root.")
    if not paths:
        raise UserError(f"{report_dir}: no reports (*.json) found; run from the package root.")
    lines = []
    for path in paths:
        try:
            report = json.loads(read_bytes(path).decode("utf-8"))
        except Refused as exc:
            raise UserError(f"{path}: {exc.reason}; run `make validate`.") from None
        except (ValueError, RecursionError) as exc:  # not JSON, not UTF-8, a 5,000-digit number
            raise UserError(f"{path}: not valid JSON ({exc}); run `make validate`.") from exc
        lines.append(json.dumps(report, ensure_ascii=False, separators=(",", ":")))
    return "\n".join(lines) + "\n"


def export(root: Path, out: Path) -> list[Path]:
    """Write out/<table>.parquet for every table and out/reports.jsonl; all files or none."""
    definitions = load_schema(SCHEMA_VERSION)["$defs"]
    # Read everything first so that a bad table leaves dist/ as it was; then write all files or none.
    contents: dict[Path, bytes | str] = {}
    for table in tables(SCHEMA_VERSION):
        csv_path = _inside(root, table.name)
        data = read_table_csv(csv_path, table, definitions[table.definition]["description"])
        sink = pa.BufferOutputStream()
        pq.write_table(data, sink, compression="zstd")
        contents[out / f"{table.name}.parquet"] = sink.getvalue().to_pybytes()
    contents[out / "reports.jsonl"] = report_lines(root / "data" / "reports")
    write_files(contents)
    return list(contents)


def _inside(root: Path, name: str) -> Path:
    try:
        return check_inside(root, f"data/{name}.csv")
    except Refused as exc:
        raise UserError(f"{exc.reason}; tables must be files inside the package.") from None


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m war_report_events export",
        description="Write the tables as Parquet (one file per table) and the reports as JSON Lines.",
    )
    parser.add_argument("root", nargs="?", default=".", type=Path, help="package root (default: .)")
    parser.add_argument("--out", default=Path("dist"), type=Path, help="output directory (default: dist)")
    args = parser.parse_args(argv)
    try:
        written = export(args.root, args.out)
    except UserError as exc:
        print(f"export: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(
            f"export: cannot read or write {exc.filename or ''}: {exc.strerror}. Check the paths and permissions.",
            file=sys.stderr,
        )
        return 1
    for path in written:
        print(f"wrote {path} ({os.path.getsize(path):,} bytes)")
    return 0
