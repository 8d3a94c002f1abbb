"""The tabular view of the schema: which tables, which columns in which order, which types.

The schema describes one nested war report; the shipped CSV tables flatten it. The
`x-table`, `x-primaryKey` and `x-parentColumns` annotations say how, and this module
reads them once so that the data dictionary, the Parquet export and the tests agree
on the same column order and types.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from war_report_events import SCHEMA_VERSION

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Column:
    name: str
    spec: dict  # the property's JSON Schema (or the parent column's spec)
    required: bool
    parent: bool  # implied by nesting in a report, a column only in the tables

    @property
    def kind(self) -> str:
        """The column's type as a table user sees it: date, integer, number, boolean or string."""
        if self.spec.get("type") == "string" and self.spec.get("format") == "date":
            return "date"
        return str(self.spec.get("type", "string"))


@dataclass(frozen=True)
class Table:
    name: str  # e.g. "claims"; the file is data/<name>.csv
    definition: str  # the $defs key, e.g. "claim"
    primary_key: str
    title: str
    description: str
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def schema_dir(version: str = SCHEMA_VERSION, root: Path = ROOT) -> Path:
    return root / "schema" / version


def load_schema(version: str = SCHEMA_VERSION, root: Path = ROOT) -> dict:
    return json.loads((schema_dir(version, root) / "war-report.schema.json").read_text(encoding="utf-8"))


def load_codelists(version: str = SCHEMA_VERSION, root: Path = ROOT) -> dict[str, list[dict[str, str]]]:
    """Every codelist CSV of a schema version, by file stem, rows in file order."""
    codelists = {}
    for path in sorted((schema_dir(version, root) / "codelists").glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as f:
            codelists[path.stem] = list(csv.DictReader(f))
    return codelists


def _is_column(spec: dict) -> bool:
    # Nested arrays (an event's claims, a claim's quantities) are tables of their own.
    return spec.get("type") != "array"


def tables(schema: dict) -> list[Table]:
    """The tables of the schema in $defs order; columns in property order with the
    parent columns right after the primary key (the order of data/<table>.csv)."""
    result = []
    for definition, spec in schema.get("$defs", {}).items():
        if "x-table" not in spec:
            continue
        required = set(spec.get("required", []))
        own = [
            Column(name, prop, name in required, parent=False)
            for name, prop in spec.get("properties", {}).items()
            if _is_column(prop)
        ]
        parents = [Column(name, prop, True, parent=True) for name, prop in spec.get("x-parentColumns", {}).items()]
        key = spec["x-primaryKey"]
        at = next((i + 1 for i, c in enumerate(own) if c.name == key), 0)
        columns = own[:at] + parents + own[at:]
        result.append(
            Table(
                name=spec["x-table"],
                definition=definition,
                primary_key=key,
                title=spec.get("title", definition),
                description=spec.get("description", ""),
                columns=tuple(columns),
            )
        )
    return result


def primary_keys(schema: dict) -> dict[str, str]:
    """Table name -> its primary key column (the target of an `x-references`)."""
    return {t.name: t.primary_key for t in tables(schema)}
