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
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from war_report_events import SCHEMA_VERSION
from war_report_events.failure import UserError
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
    with path.open(encoding="utf-8", newline="") as f:
        header = f.readline().rstrip("\n").split(",")
    if header != names:
        raise UserError(
            f"{path}: the header is not the columns of table {table.name} "
            f"({', '.join(names)}); rebuild the tables with `make build`."
        )
    try:
        data = pacsv.read_csv(
            path,
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
    paths = sorted(report_dir.glob("*.json"))
    if not paths:
        raise UserError(f"{report_dir}: no reports (*.json) found; run from the package root.")
    lines = []
    for path in paths:
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise UserError(f"{path}: not valid JSON ({exc}); run `make validate`.") from exc
        lines.append(json.dumps(report, ensure_ascii=False, separators=(",", ":")))
    return "\n".join(lines) + "\n"


def export(root: Path, out: Path) -> list[Path]:
    """Write out/<table>.parquet for every table and out/reports.jsonl; all files or none."""
    definitions = load_schema(SCHEMA_VERSION)["$defs"]
    staged: list[tuple[str, Path]] = []
    out.mkdir(parents=True, exist_ok=True)
    try:
        # Read everything first so that a bad table leaves dist/ as it was.
        contents: list[tuple[Path, pa.Table | str]] = []
        for table in tables(SCHEMA_VERSION):
            csv_path = root / "data" / f"{table.name}.csv"
            if not csv_path.is_file():
                raise UserError(f"{csv_path}: missing; build the tables first with `make build`.")
            contents.append(
                (
                    out / f"{table.name}.parquet",
                    read_table_csv(csv_path, table, definitions[table.definition]["description"]),
                )
            )
        contents.append((out / "reports.jsonl", report_lines(root / "data" / "reports")))
        for target, content in contents:
            fd, tmp = tempfile.mkstemp(dir=out, prefix=".export-", suffix=".tmp")
            os.close(fd)
            staged.append((tmp, target))
            if isinstance(content, str):
                Path(tmp).write_text(content, encoding="utf-8", newline="")
            else:
                pq.write_table(content, tmp, compression="zstd")
        for tmp, target in staged:
            os.replace(tmp, target)
        return [target for _, target in staged]
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)


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
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0
