"""The single definition: the JSON Schema and codelists of a version, read as table definitions.

Everything else (Table Schemas in datapackage.json, CSV headers, the data
dictionary, the validator's cell checks) is derived from what this module reads.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import SCHEMA_VERSION

#: Where the bundled schemas live: the validator's own copy, never the checked package's.
BUNDLED_ROOT = Path(__file__).resolve().parent.parent.parent
SCHEMA_FILE = "war-report.schema.json"


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # "string", "integer" or "date": the Table Schema type
    required: bool
    title: str
    description: str
    pattern: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    min_length: int | None = None
    max_length: int | None = None
    enum: tuple[str, ...] | None = None
    codelist: str | None = None
    references: str | None = None  # table whose primary key this field refers to
    free_text: bool = False  # tabs and line breaks allowed
    verbatim: bool = False  # copied from the source: compared byte for byte, never normalised
    checked_against: str | None = None


@dataclass(frozen=True)
class Table:
    name: str
    definition: str  # the $defs key
    primary_key: str
    fields: tuple[Field, ...]
    parent_columns: tuple[str, ...]  # columns implied by nesting in a report
    derived_columns: tuple[str, ...] = ()  # columns `build` derives (never written in a report)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


def _schemas(root: Path) -> Path:
    """The schema folder: the repository's, or the copy packaged as war_report_events/_schema when pip-installed."""
    return root / "schema" if (root / "schema").is_dir() else Path(__file__).resolve().parent.parent / "_schema"


def schema_dir(version: str = SCHEMA_VERSION, root: Path = BUNDLED_ROOT) -> Path:
    return _schemas(root) / version


def available_versions(root: Path = BUNDLED_ROOT) -> list[str]:
    return list(_versions(root))


@lru_cache(maxsize=8)
def _versions(root: Path) -> tuple[str, ...]:
    """Listed once per run (the validator asks for every report; the schemas do not change while it runs)."""
    base = _schemas(root)
    return tuple(sorted(p.name for p in base.iterdir() if (p / SCHEMA_FILE).is_file())) if base.is_dir() else ()


@lru_cache(maxsize=8)
def load_schema(version: str = SCHEMA_VERSION, root: Path = BUNDLED_ROOT) -> dict:
    with open(schema_dir(version, root) / SCHEMA_FILE, encoding="utf-8") as f:
        return json.load(f)


@lru_cache(maxsize=8)
def load_codelists(version: str = SCHEMA_VERSION, root: Path = BUNDLED_ROOT) -> dict[str, tuple[dict, ...]]:
    """Codelist name (file stem) -> rows as dicts, in file order."""
    out: dict[str, tuple[dict, ...]] = {}
    for path in sorted((schema_dir(version, root) / "codelists").glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as f:
            out[path.stem] = tuple(csv.DictReader(f))
    return out


def _field(name: str, prop: dict, required: bool) -> Field:
    kind = "date" if prop.get("format") == "date" else prop["type"]
    codelist = prop.get("x-codelist")
    return Field(
        name=name,
        type=kind,
        required=required,
        title=prop["title"],
        description=prop["description"],
        pattern=prop.get("pattern"),
        minimum=prop.get("minimum"),
        maximum=prop.get("maximum"),
        min_length=prop.get("minLength"),
        max_length=prop.get("maxLength"),
        enum=tuple(prop["enum"]) if "enum" in prop else None,
        codelist=codelist.removesuffix(".csv") if codelist else None,
        references=prop.get("x-references"),
        free_text=bool(prop.get("x-freeText")),
        verbatim=bool(prop.get("x-verbatim")),
        checked_against=prop.get("x-checkedAgainst"),
    )


def table_from_definition(def_name: str, definition: dict) -> Table:
    """A table as the schema defines it: primary key, then parent columns, then the other scalars."""
    required = set(definition.get("required", ()))
    props = definition["properties"]
    pk = definition["x-primaryKey"]
    parents = definition.get("x-parentColumns", {})
    fields = [_field(pk, props[pk], True)]
    fields += [_field(n, p, True) for n, p in parents.items()]
    fields += [_field(n, p, n in required) for n, p in props.items() if n != pk and p.get("type") != "array"]
    derived = definition.get("x-derivedColumns", {})
    fields += [_field(n, p, True) for n, p in derived.items()]
    return Table(definition["x-table"], def_name, pk, tuple(fields), tuple(parents), tuple(derived))


@lru_cache(maxsize=8)
def tables(version: str = SCHEMA_VERSION, root: Path = BUNDLED_ROOT) -> tuple[Table, ...]:
    """The tables of a version, in dependency order (sources, actors, places, events, claims, quantities)."""
    defs = load_schema(version, root)["$defs"]
    return tuple(table_from_definition(name, d) for name, d in defs.items() if "x-table" in d)


def table(name: str, version: str = SCHEMA_VERSION) -> Table:
    """One table of a version, by name."""
    return next(t for t in tables(version) if t.name == name)


def subtype_types(version: str = SCHEMA_VERSION) -> dict[str, str]:
    """event_subtype code -> the event_type it belongs to."""
    return {row["code"]: row["event_type"] for row in load_codelists(version)["event_subtype"]}
