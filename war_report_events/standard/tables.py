"""Reports -> tables -> reports, and the datapackage.json descriptor, all derived from the schema.

``make build`` writes data/*.csv and datapackage.json deterministically: same
reports, byte-identical files. Row order: sources, claims and quantities in
report order (reports sorted by source id, their file name without .json, then
reading order); events in order of first appearance; actors and places sorted by id.
"""

from __future__ import annotations

import csv
import io
import json

from .. import SCHEMA_VERSION, __version__
from . import schema
from .schema import Table

Row = dict[str, object]
NESTED = {"events": "claims", "claims": "quantities"}
DATA_LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
QUOTE_TERMS = (
    "Quotes (claims.quote, quantities.wording) are short verbatim excerpts of news texts whose "
    "copyright stays with their publishers; they are shipped as quotations so that every coded "
    "figure can be checked against its source, and are not covered by the data licence."
)


# ---------------------------------------------------------------- reports -> rows


def _scalars(obj: dict, table: Table, parents: Row) -> Row:
    row = {name: obj.get(name) for name in table.names}
    row.update(parents)
    return row


def flatten(report: dict, version: str = SCHEMA_VERSION) -> dict[str, list[Row]]:
    """One report's rows per table, in reading order (unsorted, not de-duplicated)."""
    t = {tb.name: tb for tb in schema.tables(version)}
    source_id = report["source"]["source_id"]
    out: dict[str, list[Row]] = {name: [] for name in t}
    out["sources"].append(_scalars(report["source"], t["sources"], {}))
    out["actors"] = [_scalars(a, t["actors"], {}) for a in report.get("actors", [])]
    out["places"] = [_scalars(p, t["places"], {}) for p in report.get("places", [])]
    for event in report.get("events", []):
        out["events"].append(_scalars(event, t["events"], {}))
        for claim in event.get("claims", []):
            parents = {"event_id": event["event_id"], "source_id": source_id}
            out["claims"].append(_scalars(claim, t["claims"], parents))
            for quantity in claim.get("quantities", []):
                out["quantities"].append(_scalars(quantity, t["quantities"], {"claim_id": claim["claim_id"]}))
    return out


def build_tables(reports: list[dict], version: str = SCHEMA_VERSION) -> dict[str, list[Row]]:
    """All reports' rows, de-duplicated by id for the shared tables, in the documented order."""
    ordered = sorted(reports, key=lambda r: r["source"]["source_id"])
    tables: dict[str, dict[object, Row]] = {tb.name: {} for tb in schema.tables(version)}
    for report in ordered:
        for name, rows in flatten(report, version).items():
            key = schema.table(name, version).primary_key
            for row in rows:
                tables[name].setdefault(row[key], row)
    out = {name: list(rows.values()) for name, rows in tables.items()}
    if "reported_as" in schema.table("events", version).derived_columns:
        _derive_reported_as(out["events"], out["claims"])
    for name in ("actors", "places"):
        out[name].sort(key=lambda r: r[schema.table(name, version).primary_key])
    return out


class Builder:
    """``build_tables`` then ``csv_text``, one report at a time: the bytes ``build`` writes, never every row at once.

    Reports are added in build order (by source id). Sources, claims and quantities are made into CSV as
    each report comes (a report's rows stay together, so the lines of each report are known); events,
    actors and places are kept by id (first definition) and written at the end. Rows are not
    de-duplicated by id within the report-ordered tables: a repeated id is an error the validator
    reports, and then nothing is built. ``errors``: how text is encoded ("strict": a lone surrogate
    raises UnicodeEncodeError, as writing it would)."""

    CHUNKED = ("sources", "claims", "quantities")

    def __init__(self, version: str = SCHEMA_VERSION, errors: str = "strict") -> None:
        self.version, self.errors = version, errors
        self.tables = {tb.name: tb for tb in schema.tables(version)}
        self.data: dict[str, bytearray] = {}
        self.lines: dict[str, int] = {}
        for name in self.CHUNKED:
            self.data[name] = bytearray(self._encode(csv_text(self.tables[name], [])))
            self.lines[name] = 2  # the line the next row starts on
        self.starts: dict[str, list[int]] = {name: [] for name in self.CHUNKED}  # per report added: first line
        self.kept: dict[str, dict[object, Row]] = {name: {} for name in ("actors", "places", "events")}
        self.defined_by: dict[str, dict[object, list[int]]] = {name: {} for name in ("actors", "places", "events")}
        self.modalities: dict[object, list[tuple[str, str | None]]] = {}
        self.count = 0
        self.derive = "reported_as" in self.tables["events"].derived_columns
        self.names = {name: tb.names for name, tb in self.tables.items()}
        self.at = {name: {n: i for i, n in enumerate(tb.names)} for name, tb in self.tables.items()}

    def _encode(self, text: str) -> bytes:
        return text.encode("utf-8", errors=self.errors)

    def add(self, report: dict) -> int:
        """Add one report (one that meets the JSON Schema); its number, counted from 0. All or nothing: a report
        it cannot take (KeyError, TypeError, UnicodeEncodeError) leaves the tables as they were.

        The rows are those of ``flatten``, made as lists (``csv`` writes None as an empty cell)."""
        t, names = self.tables, self.names
        source = report["source"]
        rows: dict[str, list[list]] = {
            "sources": [list(map(source.get, names["sources"]))],
            "claims": [],
            "quantities": [],
        }
        modalities: list[tuple[object, tuple[str, object]]] = []
        claim_parents = (self.at["claims"]["event_id"], self.at["claims"]["source_id"])
        quantity_parent = self.at["quantities"]["claim_id"]
        events = report.get("events", [])
        for event in events:
            for claim in event.get("claims", []):
                row = list(map(claim.get, names["claims"]))
                row[claim_parents[0]], row[claim_parents[1]] = event["event_id"], source["source_id"]
                rows["claims"].append(row)
                if self.derive:
                    modalities.append((event["event_id"], (str(claim["modality"]), claim.get("status"))))
                for quantity in claim.get("quantities", []):
                    row = list(map(quantity.get, names["quantities"]))
                    row[quantity_parent] = claim["claim_id"]
                    rows["quantities"].append(row)
        chunks = {}
        for name in self.CHUNKED:
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows(rows[name])
            chunks[name] = buffer.getvalue()
        encoded = {name: self._encode(text) for name, text in chunks.items()}
        shared = [
            (name, obj[t[name].primary_key], obj)
            for name, objs in (
                ("actors", report.get("actors", [])),
                ("places", report.get("places", [])),
                ("events", events),
            )
            for obj in objs
        ]
        {key for _, key, _ in shared}  # an id that cannot be a key raises here, before anything is taken
        index, self.count = self.count, self.count + 1  # nothing below raises: the report is taken whole
        for name in self.CHUNKED:
            self.starts[name].append(self.lines[name])
            self.lines[name] += chunks[name].count("\n")
            self.data[name] += encoded[name]
        for event_id, modality in modalities:
            self.modalities.setdefault(event_id, []).append(modality)
        for name, key, obj in shared:
            if key not in self.kept[name]:
                self.kept[name][key] = _scalars(obj, t[name], {})
            defined = self.defined_by[name].setdefault(key, [])
            if not defined or defined[-1] != index:
                defined.append(index)
        return index

    def finish(self) -> tuple[dict[str, bytearray], dict[str, list[tuple[int, object]]]]:
        """Every table's bytes, and for events, actors and places the line each row starts on, with its id."""
        out = dict(self.data)
        rows_at: dict[str, list[tuple[int, object]]] = {}
        for name, kept in self.kept.items():
            table = self.tables[name]
            rows = list(kept.values())
            if name != "events":
                rows.sort(key=lambda r: r[table.primary_key])  # type: ignore[arg-type,return-value]
            elif self.derive:
                for event in rows:
                    event["reported_as"] = reported_as(self.modalities.get(event["event_id"], []))
            line, at, texts = 2, [], [csv_text(table, [])]
            for row in rows:
                text = csv_text(table, [row])
                text = text[text.index("\n") + 1 :]
                at.append((line, row[table.primary_key]))
                line += text.count("\n")
                texts.append(text)
            rows_at[name] = at
            out[name] = bytearray(self._encode("".join(texts)))
        return out, rows_at


MODALITY_REPORTED_AS = {
    "asserted": "happened",
    "unverified": "happened",  # the source reports it as having happened, without confirmation
    "forecast": "forecast",
    "speculative": "speculated",
    "denied": "denied",
}
INACTIVE = ("retracted", "superseded")


def reported_as(modalities: list[tuple[str, str | None]]) -> str:
    """What an event's claims say of it, from (modality, status) of each claim (see the reported_as codelist)."""
    kinds = {MODALITY_REPORTED_AS.get(m, "mixed") for m, status in modalities if status not in INACTIVE}
    if not kinds:
        return "retracted"
    return kinds.pop() if len(kinds) == 1 else "mixed"


def _derive_reported_as(events: list[Row], claims: list[Row]) -> None:
    by_event: dict[object, list[tuple[str, str | None]]] = {}
    for claim in claims:
        by_event.setdefault(claim["event_id"], []).append((str(claim["modality"]), claim.get("status")))  # type: ignore[arg-type]
    for event in events:
        event["reported_as"] = reported_as(by_event.get(event["event_id"], []))


# ---------------------------------------------------------------- rows -> reports


def _obj(row: Row, table: Table) -> dict:
    skip = table.parent_columns + table.derived_columns
    return {k: row[k] for k in table.names if k not in skip and row.get(k) not in (None, "")}


def _closure(ids: set[str], parent_of: dict[str, str | None]) -> list[str]:
    seen: set[str] = set()
    stack = [i for i in ids if i]
    while stack:
        i = stack.pop()
        if i in seen or i not in parent_of:
            continue
        seen.add(i)
        if parent_of[i]:
            stack.append(parent_of[i])
    return sorted(seen)


def unflatten(tables: dict[str, list[Row]], version: str = SCHEMA_VERSION) -> list[dict]:
    """Rebuild every report from the tables (the inverse of build_tables, up to actor/place order)."""
    t = {tb.name: tb for tb in schema.tables(version)}
    events = {r["event_id"]: r for r in tables["events"]}
    actors = {r["actor_id"]: r for r in tables["actors"]}
    places = {r["place_id"]: r for r in tables["places"]}
    quantities: dict[str, list[Row]] = {}
    for q in tables["quantities"]:
        quantities.setdefault(q["claim_id"], []).append(q)
    reports = []
    for source in tables["sources"]:
        sid = source["source_id"]
        by_event: dict[str, list[dict]] = {}
        for c in tables["claims"]:
            if c["source_id"] == sid:
                claim = _obj(c, t["claims"])
                if c["claim_id"] in quantities:
                    claim["quantities"] = [_obj(q, t["quantities"]) for q in quantities[c["claim_id"]]]
                by_event.setdefault(c["event_id"], []).append(claim)
        evs = [{**_obj(events[eid], t["events"]), "claims": claims} for eid, claims in by_event.items()]
        actor_ids = {c["claimant_actor_id"] for cs in by_event.values() for c in cs}
        actor_ids |= {e.get(k) for e in evs for k in ("actor_id", "target_actor_id")}
        place_ids = {e.get("place_id") for e in evs}
        for cs in by_event.values():
            for c in cs:
                place_ids |= {q.get(k) for q in c.get("quantities", []) for k in ("place_id", "launch_place_id")}
                actor_ids |= {q.get("subject_actor_id") for q in c.get("quantities", [])}
        report: dict = {"schema_version": version, "source": _obj(source, t["sources"])}
        report["actors"] = [
            _obj(actors[i], t["actors"])
            for i in _closure(actor_ids, {k: v.get("parent_actor_id") for k, v in actors.items()})
        ]
        place_list = [
            _obj(places[i], t["places"])
            for i in _closure(place_ids, {k: v.get("parent_place_id") for k, v in places.items()})
        ]
        if place_list:
            report["places"] = place_list
        report["events"] = evs
        reports.append(report)
    return reports


def canonical(report: dict) -> dict:
    """A report with actors and places sorted by id: the form in which round trips are compared."""
    out = dict(report)
    out["actors"] = sorted(report.get("actors", []), key=lambda a: a["actor_id"])
    if report.get("places"):
        out["places"] = sorted(report["places"], key=lambda p: p["place_id"])
    return out


# ---------------------------------------------------------------- CSV and descriptor


def csv_text(table: Table, rows: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.names)
    for row in rows:
        writer.writerow(["" if row.get(n) is None else row[n] for n in table.names])
    return buffer.getvalue()


def _table_schema(table: Table, codelists: dict, version: str) -> dict:
    fields = []
    for f in table.fields:
        spec: dict = {"name": f.name, "title": f.title, "description": f.description, "type": f.type}
        if f.type == "date":
            spec["format"] = "default"
        constraints: dict = {}
        if f.required:
            constraints["required"] = True
        if f.name == table.primary_key:
            constraints["unique"] = True
        if f.enum is not None:
            constraints["enum"] = list(f.enum)
        if f.pattern and f.type == "string":
            constraints["pattern"] = f.pattern
        for key, value in (
            ("minimum", f.minimum),
            ("maximum", f.maximum),
            ("minLength", f.min_length),
            ("maxLength", f.max_length),
        ):
            if value is not None:
                constraints[key] = value
        if constraints:
            spec["constraints"] = constraints
        fields.append(spec)
    foreign_keys = [
        {
            "fields": [f.name],
            "reference": {
                "resource": "" if f.references == table.name else f.references,
                "fields": [schema.table(f.references, version).primary_key],
            },
        }
        for f in table.fields
        if f.references
    ]
    out = {"fields": fields, "missingValues": [""], "primaryKey": [table.primary_key]}
    if foreign_keys:
        out["foreignKeys"] = foreign_keys
    return out


def descriptor(version: str = SCHEMA_VERSION) -> dict:
    """datapackage.json: Data Package v1 and v2 compatible, generated from the schema."""
    codelists = schema.load_codelists(version)
    sch = schema.load_schema(version)
    resources = []
    for tb in schema.tables(version):
        definition = sch["$defs"][tb.definition]
        resource = {
            "name": tb.name,
            "type": "table",
            "profile": "tabular-data-resource",
            "path": f"data/{tb.name}.csv",
            "scheme": "file",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "title": definition["title"],
            "description": definition["description"],
            "dialect": {
                "delimiter": ",",
                "header": True,
                "lineTerminator": "\n",
                "quoteChar": '"',
                "doubleQuote": True,
            },
            "schema": _table_schema(tb, codelists, version),
        }
        if tb.name in ("claims", "quantities"):
            resource["description"] += " " + QUOTE_TERMS
            resource["licenses"] = [
                DATA_LICENSE,
                {
                    "name": "quotation",
                    "title": "Quoted excerpts: copyright of their publishers, quoted for verification",
                },
            ]
        resources.append(resource)
    return {
        "profile": "tabular-data-package",
        "name": "war-report-events",
        "title": "War Report Events",
        "description": "The facts and figures that news reports of war carry, as claims: each figure with its claimant, qualifier, wording, modality, and time and place of stated precision. Tables are built from the war reports in data/reports/ (one JSON file per source, valid against the schema).",
        "version": __version__,  # the package's: a release, or the next one marked -dev (docs/versioning.md)
        "homepage": "https://w3id.org/war-report-events/",
        "keywords": ["war", "armed conflict", "news", "claims", "event data", "Russia", "Ukraine"],
        "licenses": [DATA_LICENSE],
        "contributors": [{"title": "War Report Events contributors", "role": "author", "roles": ["author"]}],
        "sources": [{"title": "News reports listed in data/sources.csv"}],
        "schema_id": sch["$id"],
        "resources": resources,
    }


def descriptor_text(version: str = SCHEMA_VERSION) -> str:
    return json.dumps(descriptor(version), indent=2, ensure_ascii=False) + "\n"


def expected_files(reports: list[dict], version: str = SCHEMA_VERSION) -> dict[str, str]:
    """Every file ``make build`` writes, relative path -> text."""
    built = build_tables(reports, version)
    files = {f"data/{tb.name}.csv": csv_text(tb, built[tb.name]) for tb in schema.tables(version)}
    files["datapackage.json"] = descriptor_text(version)
    return files
