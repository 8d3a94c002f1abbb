"""`export`: Parquet carries the same rows as the CSV tables, typed; JSON Lines the same reports."""

from __future__ import annotations

import csv
import datetime
import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from war_report_events.peers import export as exporting
from war_report_events.standard.schema import tables

ROOT = Path(__file__).resolve().parent.parent
CONVERT = {"integer": int, "date": datetime.date.fromisoformat, "string": str}


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    assert exporting.main([str(ROOT), "--out", str(out)]) == 0
    return out


def csv_rows(path: Path, table) -> list[dict]:
    """A table read with the csv module and converted by the schema's types (empty cell: None)."""
    kinds = {f.name: f.type for f in table.fields}
    with path.open(encoding="utf-8", newline="") as f:
        return [{k: (CONVERT[kinds[k]](v) if v != "" else None) for k, v in row.items()} for row in csv.DictReader(f)]


@pytest.mark.parametrize("table", tables(), ids=lambda t: t.name)
def test_parquet_has_the_rows_of_the_csv_with_schema_types(exported: Path, table) -> None:
    parquet = pq.read_table(exported / f"{table.name}.parquet")
    expected = csv_rows(ROOT / "data" / f"{table.name}.csv", table)
    assert expected, f"data/{table.name}.csv is empty"
    assert parquet.column_names == list(table.names)
    assert parquet.to_pylist() == expected
    wanted = {"integer": pa.int64(), "date": pa.date32(), "string": pa.string()}
    for field in table.fields:
        arrow = parquet.schema.field(field.name)
        assert arrow.type == wanted[field.type]
        assert arrow.nullable is not field.required
        assert arrow.metadata[b"description"].decode() == field.description


def test_jsonl_has_every_report_once_in_file_order(exported: Path) -> None:
    lines = (exported / "reports.jsonl").read_text(encoding="utf-8").splitlines()
    paths = sorted((ROOT / "data" / "reports").glob("*.json"))
    assert [json.loads(line) for line in lines] == [json.loads(p.read_text(encoding="utf-8")) for p in paths]


def test_export_is_byte_for_byte_repeatable(exported: Path, tmp_path: Path) -> None:
    assert exporting.main([str(ROOT), "--out", str(tmp_path)]) == 0
    for path in exported.iterdir():
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def package_copy(tmp_path: Path) -> Path:
    root = tmp_path / "package"
    shutil.copytree(ROOT / "data", root / "data")
    return root


def test_missing_table_fails_with_advice_and_writes_nothing(tmp_path: Path, capsys) -> None:
    root = package_copy(tmp_path)
    (root / "data" / "quantities.csv").unlink()
    assert exporting.main([str(root), "--out", str(tmp_path / "dist")]) == 1
    err = capsys.readouterr().err
    assert "quantities.csv: missing" in err and "make build" in err
    assert not (tmp_path / "dist").exists()  # not even the folder


def test_a_wrong_header_fails_and_keeps_the_previous_export(tmp_path: Path, capsys) -> None:
    root = package_copy(tmp_path)
    out = tmp_path / "dist"
    assert exporting.main([str(root), "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (root / "data" / "events.csv").write_text("event_id,oops\n", encoding="utf-8")
    assert exporting.main([str(root), "--out", str(out)]) == 1
    assert "events.csv: the header is not the columns of table events" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_a_bad_integer_is_reported_not_raised(tmp_path: Path, capsys) -> None:
    root = package_copy(tmp_path)
    path = root / "data" / "quantities.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = next(csv.reader([lines[1]]))
    cells[header.index("value")] = "sixty"
    lines[1] = ",".join(f'"{c}"' for c in cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert exporting.main([str(root), "--out", str(tmp_path / "dist")]) == 1
    assert "quantities.csv: cannot read it with the schema's types" in capsys.readouterr().err
