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


def test_load_sql_gives_duckdb_the_schema_types_and_sum_upper_works(exported: Path, monkeypatch) -> None:
    """The CSVs loaded through load.sql: every column typed as the schema says, so `sum(upper)` works
    even where `upper` is empty in every row (read_csv alone would guess VARCHAR)."""
    import duckdb

    monkeypatch.chdir(ROOT)  # load.sql reads data/*.csv relative to the package root
    con = duckdb.connect()
    con.execute((exported / "load.sql").read_text(encoding="utf-8"))
    wanted = {"integer": "BIGINT", "date": "DATE", "string": "VARCHAR"}
    for table in tables(exporting.version_of(ROOT)):
        got = dict(
            con.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position",
                [table.name],
            ).fetchall()
        )
        assert got == {f.name: wanted[f.type] for f in table.fields}
        with (ROOT / "data" / f"{table.name}.csv").open(encoding="utf-8", newline="") as f:
            assert con.execute(f"SELECT count(*) FROM {table.name}").fetchone()[0] == len(list(csv.DictReader(f)))
    total = con.execute("SELECT sum(upper), sum(coalesce(value, lower, upper)) FROM quantities").fetchone()
    assert total[1] > 0 and con.execute("SELECT count(*) FROM quantities WHERE upper > 5").fetchone() is not None


@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_exported_and_flat_files_get_the_umask_mode(tmp_path: Path, umask: int, mode: int) -> None:
    import os
    import stat

    from war_report_events.peers import flat

    old = os.umask(umask)
    try:
        assert exporting.main([str(ROOT), "--out", str(tmp_path / "dist")]) == 0
        assert flat.main([str(ROOT), "--out", str(tmp_path / "dist" / "events-flat.csv")]) == 0
    finally:
        os.umask(old)
    for path in (tmp_path / "dist").iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == mode, path.name


def readme_one_liners() -> dict[str, list[str]]:
    """tool -> the code spans of its row in the README's loading table."""
    import re

    rows = {}
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\| ([^|`]+) \| (.*) \|$", line)
        if m:
            rows[m.group(1).strip()] = re.findall(r"`([^`]+)`", m.group(2))
    return rows


def test_readme_one_liners_keep_integer_types(exported: Path, tmp_path: Path, monkeypatch) -> None:
    import duckdb
    import pandas as pd
    import polars as pl

    root = tmp_path / "package"
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copytree(exported, root / "dist")
    monkeypatch.chdir(root)
    rows = readme_one_liners()
    numbers = ("value", "lower", "upper")
    frame = eval(rows["pandas"][0], {"pd": pd})
    assert [str(frame[c].dtype) for c in numbers] == ["Int64"] * 3
    frame = eval(rows["pandas, Parquet"][1], {"pd": pd})
    assert [str(frame[c].dtype) for c in numbers] == ["int64[pyarrow]"] * 3
    frame = eval(rows["polars"][0], {"pl": pl})
    assert [frame.schema[c] for c in numbers] == [pl.Int64] * 3
    shell, query = rows["DuckDB"][1], rows["DuckDB"][2]
    assert shell == "duckdb events.duckdb < dist/load.sql"
    con = duckdb.connect()
    con.execute(Path("dist/load.sql").read_text(encoding="utf-8"))
    assert con.sql(query).fetchall()  # sum(upper) binds: upper is BIGINT, not text
