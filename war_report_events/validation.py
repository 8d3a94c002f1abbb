"""What validate.py checks: reports, the descriptor, the tables, and that tables match reports.

Reading is done by ``loading``, judging by ``rules``; this module walks the
package, locates every finding, and never raises on bad input.
"""

from __future__ import annotations

import gc
import json
from dataclasses import dataclass, field
from pathlib import Path

from . import SCHEMA_VERSION, building, rules, schema
from .errors import Problem, show_value
from .loading import CsvFile, JsonDocument, json_path, read_json, unsafe_reason
from .schema import Table

REPORTS_DIR = "data/reports"
ID_TABLES = ("actors", "places", "events")  # shared across reports: same id, same definition


class Full(Exception):
    """Raised when --max-errors is reached: validation stops early."""


@dataclass
class Collector:
    limit: int
    problems: list[Problem] = field(default_factory=list)
    truncated: bool = False

    def add(self, problem: Problem) -> None:
        if len(self.problems) >= self.limit:
            self.truncated = True
            raise Full
        self.problems.append(problem)

    def extend(self, problems: list[Problem]) -> None:
        for p in problems:
            self.add(p)


# ---------------------------------------------------------------- reports

@dataclass
class Located:
    """A report object with the JSON path parts where it stands and the table it becomes a row of."""

    table: str
    parts: tuple
    obj: dict


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _objects(report: dict) -> list[Located]:
    out: list[Located] = []
    if isinstance(report.get("source"), dict):
        out.append(Located("sources", ("source",), report["source"]))
    for key, table in (("actors", "actors"), ("places", "places")):
        for i, obj in enumerate(_list(report.get(key))):
            if isinstance(obj, dict):
                out.append(Located(table, (key, i), obj))
    for i, event in enumerate(_list(report.get("events"))):
        if not isinstance(event, dict):
            continue
        out.append(Located("events", ("events", i), event))
        for j, claim in enumerate(_list(event.get("claims"))):
            if not isinstance(claim, dict):
                continue
            out.append(Located("claims", ("events", i, "claims", j), claim))
            for k, q in enumerate(_list(claim.get("quantities"))):
                if isinstance(q, dict):
                    out.append(Located("quantities", ("events", i, "claims", j, "quantities", k), q))
    return out


def _table_of(parts: tuple) -> str | None:
    names = [p for p in parts if isinstance(p, str)]
    mapping = {"source": "sources", "actors": "actors", "places": "places", "events": "events", "claims": "claims", "quantities": "quantities"}
    tables = [mapping[n] for n in names if n in mapping]
    return tables[-1] if tables else None


SCHEMA_CODES = {
    "required": "required", "additionalProperties": "unknown-field", "type": "wrong-type", "enum": "not-in-codelist",
    "const": "wrong-schema-version", "pattern": "pattern-mismatch", "format": "invalid-date", "minimum": "out-of-range",
    "maximum": "out-of-range", "maxLength": "too-long", "minLength": "too-long", "minItems": "too-few-items",
}


def _schema_problems(doc: JsonDocument, version: str) -> tuple[list[Problem], set[tuple]]:
    """JSON Schema findings in our codes and words, and the paths of objects that have them."""
    import jsonschema
    from referencing import Registry, Resource

    sch = schema.load_schema(version)

    def refuse(uri: str):  # $ref is resolved only against the bundled schema: never fetched
        raise LookupError(f"refusing to retrieve {uri}")

    registry = Registry(retrieve=refuse).with_resource(sch["$id"], Resource.from_contents(sch))
    validator = jsonschema.Draft202012Validator(sch, registry=registry, format_checker=jsonschema.FormatChecker())
    tables = {t.name: t for t in schema.tables(version)}
    found: list[Problem] = []
    bad: set[tuple] = set()
    for err in validator.iter_errors(doc.data):
        parts = tuple(err.absolute_path)
        code = SCHEMA_CODES.get(str(err.validator), "wrong-type")
        if err.validator in ("required", "additionalProperties"):
            bad.add(parts)
            names = ([n for n in err.validator_value if isinstance(err.instance, dict) and n not in err.instance] if err.validator == "required"
                     else [n for n in err.instance if n not in err.schema.get("properties", {})])
            for name in names:
                message = ("is missing, but required; give it (see the data dictionary)." if code == "required"
                           else "is not a field of the schema; remove it or check its spelling.")
                found.append(Problem(doc.rel, doc.line_of(parts + ((name,) if code == "unknown-field" else ())), json_path(parts + (name,)), name, code, message))
            continue
        bad.add(parts[:-1] if parts and isinstance(parts[-1], str) else parts)
        name = next((p for p in reversed(parts) if isinstance(p, str)), None)
        table = _table_of(parts[:-1]) if parts else None
        message = None
        if table and name in tables[table].names and not isinstance(err.instance, (dict, list)):
            hits = rules.constraint_findings(tables[table].field(name), err.instance)
            message = next((h.message for h in hits if h.code == code), None)
        if message is None:
            message = f"{show_value(err.instance) if not isinstance(err.instance, (dict, list)) else 'the value'}: {err.message[:200]}"
            if code == "wrong-schema-version":
                message = f"{show_value(err.instance)} is not {version!r}."
            if code == "too-few-items":
                message = f"is empty; {name or 'this list'} needs at least one item (see the codebook), or omit it where it is optional."
        found.append(Problem(doc.rel, doc.line_of(parts), json_path(parts), name, code, message))
    return found, bad


def _text_of(root: Path, rel_text: object, allow_outside: bool, dirs: dict[str, str] | None = None) -> tuple[bytes | None, str | None]:
    """(bytes, None) of a source text, or (None, why it cannot be read)."""
    if not isinstance(rel_text, str):
        return None, None
    why = unsafe_reason(root, rel_text, allow_outside, dirs)
    if why:
        return None, why
    path = root / rel_text
    if not path.is_file():
        return None, "does not exist"
    return path.read_bytes(), None


def check_report(doc: JsonDocument, root: Path, allow_outside: bool = False) -> list[Problem]:
    """Everything that can be checked in one report on its own."""
    if not isinstance(doc.data, dict):
        return [Problem(doc.rel, 1, "$", None, "wrong-type", "a war report is a JSON object; see the schema.")]
    report = doc.data
    version = report.get("schema_version")
    if version not in schema.available_versions():
        return [Problem(doc.rel, doc.line_of(("schema_version",)), "$.schema_version", "schema_version", "wrong-schema-version",
                        f"{show_value(version)} is not a schema version of this validator ({', '.join(schema.available_versions())}).")]
    found, bad = _schema_problems(doc, version)
    tables = {t.name: t for t in schema.tables(version)}
    subtypes = schema.subtype_types(version)

    def at(obj: Located, f: rules.Finding) -> Problem:
        parts = obj.parts + (f.field,)
        return Problem(doc.rel, doc.line_of(parts), json_path(parts), f.field, f.code, f.message)

    objects = _objects(report)
    by_parts = {o.parts: o for o in objects}  # lookups by position stay linear on large reports
    ids: dict[str, dict[str, Located]] = {name: {} for name in tables}
    for obj in objects:
        key = tables[obj.table].primary_key
        value = obj.obj.get(key)
        if isinstance(value, str):
            if value in ids[obj.table]:
                found.append(at(obj, rules.Finding("duplicate-id", key, f"{show_value(value)} is already used by another {obj.table[:-1]} of this report.")))
            ids[obj.table].setdefault(value, obj)

    source = report.get("source") if isinstance(report.get("source"), dict) else {}
    text: str | None = None
    raw, why = _text_of(root, source.get("text_path"), allow_outside)
    if why:
        code = "unsafe-path" if why != "does not exist" else "file-missing"
        found.append(Problem(doc.rel, doc.line_of(("source", "text_path")), "$.source.text_path", "text_path", code,
                             f"{show_value(source.get('text_path'))} {why}; the source text must be shipped under data/sources/."))
    elif raw is not None:
        if isinstance(source.get("text_sha256"), str) and rules.sha256_of(raw) != source["text_sha256"]:
            found.append(Problem(doc.rel, doc.line_of(("source", "text_sha256")), "$.source.text_sha256", "text_sha256", "text-sha256-mismatch",
                                 f"the text at {source['text_path']} has SHA-256 {rules.sha256_of(raw)}, not the one recorded; the text changed after coding."))
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            found.append(Problem(source["text_path"], None, None, None, "encoding-error", "the source text is not valid UTF-8; ship it as UTF-8."))
    sid = source.get("source_id")
    if isinstance(sid, str) and Path(doc.rel).name != f"{sid}.json" and doc.rel.startswith(REPORTS_DIR):
        found.append(Problem(doc.rel, doc.line_of(("source", "source_id")), "$.source.source_id", "source_id", "report-file-name",
                             f"the file is {Path(doc.rel).name} but source_id is {show_value(sid)}; name it {sid}.json."))

    used = {"actors": set(), "places": set()}
    for obj in objects:
        row = obj.obj
        for f in tables[obj.table].fields:
            value = row.get(f.name)
            if isinstance(value, str):
                found.extend(at(obj, x) for x in rules.text_findings(f, value))
            if f.references in ("actors", "places") and isinstance(value, str):
                used[f.references].add(value)
            if f.references in ("actors", "places", "quantities") and isinstance(value, str) and value not in ids[f.references]:
                where = "of this claim" if f.references == "quantities" else "in this report's " + f.references
                found.append(at(obj, rules.Finding("dangling-reference", f.name, f"{show_value(value)} is not defined {where}; define it there or correct the id.")))
        if obj.parts in bad:
            continue  # schema errors first: rules on a malformed object only add noise
        language = source.get("language") if isinstance(source.get("language"), str) else None
        findings: list[rules.Finding] = {
            "sources": rules.source_rules, "actors": rules.actor_rules, "places": rules.place_rules,
            "claims": lambda r: rules.claim_rules(r, language), "quantities": rules.quantity_rules,
        }.get(obj.table, lambda r: rules.event_rules(r, subtypes))(row)
        if obj.table == "claims":
            findings += rules.quote_findings(row, text)
        if obj.table == "quantities":
            claim = by_parts.get(obj.parts[:4])
            quote = claim.obj.get("quote") if claim else None
            findings += rules.wording_findings(row, quote if isinstance(quote, str) else None)
            whole = ids["quantities"].get(row.get("part_of"))  # type: ignore[arg-type]
            if whole is not None:
                claim_of_whole = _claim_id_of(by_parts, whole)
                row = {**row, "claim_id": _claim_id_of(by_parts, obj)}
                findings += rules.part_findings(row, (claim_of_whole, whole.obj.get("qualifier"), whole.obj.get("value")))
        found.extend(at(obj, f) for f in findings)
    for table in ("actors", "places"):
        for value, loc in ids[table].items():
            if value not in used[table]:
                found.append(at(loc, rules.Finding("unused-definition", tables[table].primary_key,
                                                   f"{show_value(value)} is defined but nothing in this report refers to it; remove it.")))
    return found


def _claim_id_of(by_parts: dict[tuple, Located], quantity: Located) -> str | None:
    claim = by_parts.get(quantity.parts[:4])  # a quantity's claim stands four steps up its path
    value = claim.obj.get("claim_id") if claim else None
    return value if isinstance(value, str) else None


def load_reports(root: Path, allow_outside: bool = False, version: str | None = None) -> tuple[list[tuple[str, dict]], list[Problem]]:
    """All reports of the package with every problem in them and between them.

    With ``version`` (the package's), a report that follows another schema version is an error."""
    folder = root / REPORTS_DIR
    found: list[Problem] = []
    loaded: list[tuple[JsonDocument, dict]] = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        rel = path.relative_to(root).as_posix()
        why = unsafe_reason(root, rel, allow_outside)
        if why:
            found.append(Problem(rel, None, None, None, "unsafe-path", f"{why}; reports must be files inside the package."))
            continue
        doc = read_json(path, rel)
        found.extend(doc.problems)
        if doc.data is None:
            continue
        problems = check_report(doc, root, allow_outside)
        declared = doc.data.get("schema_version") if isinstance(doc.data, dict) else None
        if version and not problems and declared != version:
            problems = [Problem(rel, doc.line_of(("schema_version",)), "$.schema_version", "schema_version", "wrong-schema-version",
                                f"the report follows schema {declared}, but the package is version {version}; a package has one version (upgrade the report, see docs/versioning.md).")]
        found.extend(problems)
        if isinstance(doc.data, dict):
            loaded.append((doc, doc.data))
    found.extend(_across_reports(loaded))
    return [(doc.rel, data) for doc, data in loaded], found


def _references_across(loaded: list[tuple[JsonDocument, dict]]) -> list[Problem]:
    """References that may point into another report (a retraction's source, a revised claim) exist."""
    sources = {r["source"].get("source_id") for _, r in loaded if isinstance(r.get("source"), dict)}
    claims = {o.obj.get("claim_id") for _, r in loaded for o in _objects(r) if o.table == "claims"}
    found = []
    for doc, report in loaded:
        for obj in _objects(report):
            if obj.table != "claims":
                continue
            for name, known, what in (("status_source_id", sources, "source"), ("supersedes_claim_id", claims, "claim")):
                value = obj.obj.get(name)
                if isinstance(value, str) and value not in known:
                    parts = obj.parts + (name,)
                    found.append(Problem(doc.rel, doc.line_of(parts), json_path(parts), name, "dangling-reference",
                                         f"{show_value(value)} is not a {what} id of any report in the package; code that report too, or correct the id."))
    return found


def _across_reports(loaded: list[tuple[JsonDocument, dict]]) -> list[Problem]:
    """Ids are global: unique claims, quantities and sources; one definition per actor, place, event."""
    found: list[Problem] = _references_across(loaded)
    first: dict[tuple[str, str], tuple[str, object]] = {}
    for doc, report in loaded:
        version = report.get("schema_version", SCHEMA_VERSION)
        if version not in schema.available_versions():
            continue
        keys = {t.name: t.primary_key for t in schema.tables(version)}
        for obj in _objects(report):
            key = keys[obj.table]
            value = obj.obj.get(key)
            if not isinstance(value, str):
                continue
            definition = {k: v for k, v in obj.obj.items() if k != "claims"}
            seen = first.get((obj.table, value))
            if seen is None:
                first[(obj.table, value)] = (doc.rel, definition)
                continue
            if seen[0] == doc.rel:
                continue  # duplicates inside one report are reported by check_report
            parts = obj.parts + (key,)
            if obj.table not in ID_TABLES:
                found.append(Problem(doc.rel, doc.line_of(parts), json_path(parts), key, "duplicate-id",
                                     f"{show_value(value)} is already used in {seen[0]}; ids are global and never reused."))
            elif seen[1] != definition:
                diff = sorted(k for k in set(definition) | set(seen[1]) if definition.get(k) != seen[1].get(k))  # type: ignore[union-attr]
                found.append(Problem(doc.rel, doc.line_of(parts), json_path(parts), key, "conflicting-definition",
                                     f"{show_value(value)} is defined differently in {seen[0]} ({', '.join(diff)}); make the definitions identical."))
    return found


# ---------------------------------------------------------------- descriptor

def _first_difference(a: object, b: object, parts: tuple = ()) -> tuple | None:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in list(b) + [k for k in a if k not in b]:
            if k not in a or k not in b:
                return parts + (k,)
            d = _first_difference(a[k], b[k], parts + (k,))
            if d is not None:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b)):
            d = _first_difference(x, y, parts + (i,))
            if d is not None:
                return d
        return None if len(a) == len(b) else parts + (min(len(a), len(b)),)
    return None if a == b and type(a) is type(b) else parts


def package_version(data: object) -> str:
    """The schema version a package follows: its descriptor's version when this validator has it."""
    version = data.get("version") if isinstance(data, dict) else None
    return version if version in schema.available_versions() else SCHEMA_VERSION


def check_descriptor(root: Path, allow_outside: bool) -> tuple[dict[str, str], list[Problem], str]:
    """Resource name -> safe path to read, the descriptor's problems, and the package's schema version."""
    rel = "datapackage.json"
    doc = read_json(root / rel, rel)
    found = list(doc.problems)
    version = package_version(doc.data)
    expected = building.descriptor(version)
    paths = {r["name"]: r["path"] for r in expected["resources"]}
    if doc.data is None:
        return paths, found, version
    if not isinstance(doc.data, dict):
        return paths, found + [Problem(rel, 1, "$", None, "descriptor-not-object", "datapackage.json must be a JSON object; regenerate it with `make build`.")], version
    resources = doc.data.get("resources")
    for i, res in enumerate(resources if isinstance(resources, list) else []):
        if not isinstance(res, dict):
            continue
        for key in ("path", "schema"):
            value = res.get(key)
            values = value if isinstance(value, list) else [value]
            for v in values:
                why = unsafe_reason(root, v, allow_outside) if isinstance(v, str) else None
                if why:
                    found.append(Problem(rel, doc.line_of(("resources", i, key)), json_path(("resources", i, key)), key, "unsafe-path",
                                         f"{show_value(v)} {why}; resources must be files inside the package."))
                    if key == "path" and res.get("name") in paths:
                        paths[res["name"]] = ""  # never read an unsafe path
            if key == "path" and isinstance(value, str) and res.get("name") in paths and paths[res["name"]] and not unsafe_reason(root, value, allow_outside):
                paths[res["name"]] = value
        ref = json.dumps(res.get("schema")) if isinstance(res.get("schema"), dict) else ""
        if '"$ref"' in ref:
            found.append(Problem(rel, doc.line_of(("resources", i, "schema")), json_path(("resources", i, "schema")), "schema", "unsafe-path",
                                 "a Table Schema may not use $ref; the validator resolves nothing outside the bundled schema."))
    diff = _first_difference(doc.data, expected)
    if diff is not None:
        found.append(Problem(rel, doc.line_of(diff), json_path(diff), None, "descriptor-out-of-date",
                             f"differs from what `make build` generates at {json_path(diff)}; run `make build`, never edit it by hand."))
    return paths, found, version


# ---------------------------------------------------------------- tables

@dataclass
class TableContext:
    """What later tables need from earlier ones, kept as small as the rules allow."""

    version: str = SCHEMA_VERSION
    # A table's ids: a set (streamed tables), an Arrow array (screened tables), or None when not
    # fully known (then references into the table are not judged).
    keys: dict[str, object] = field(default_factory=dict)
    real_dirs: dict[str, str] = field(default_factory=dict)  # folders resolved once per validation

    def quote_of(self, claim_id: str) -> str | None:
        if claim_id in self.quotes or self.quote_index is None:
            return self.quotes.get(claim_id)
        ids, quotes = self.quote_index  # made a dict once, only when a streamed row needs it
        self.quotes.update(zip(ids.to_pylist(), quotes.to_pylist()))
        self.quote_index = None
        return self.quotes.get(claim_id)

    def knows(self, table: str, value: str) -> bool | None:
        """Whether ``value`` is an id of ``table``; None when that cannot be judged."""
        ids = self.keys.get(table)
        if ids is None:
            return None
        if not isinstance(ids, set):  # an Arrow array: made a set once, when a row needs it
            ids = self.keys[table] = set(ids.to_pylist())  # type: ignore[attr-defined]
        return value in ids
    text_paths: dict[str, Path] = field(default_factory=dict)  # texts are read again when quotes need them
    _decoded: dict[str, str] = field(default_factory=dict)

    def text(self, source_id: str) -> str | None:
        """A source's shipped text. A few are kept decoded: claims come grouped by source, and
        holding every text would cost several times their size (Python stores wide characters wide)."""
        path = self.text_paths.get(source_id)
        if path is None:
            return None
        if source_id not in self._decoded:
            if len(self._decoded) >= 16:
                self._decoded.pop(next(iter(self._decoded)))
            self._decoded[source_id] = path.read_bytes().decode("utf-8", errors="replace")
        return self._decoded[source_id]
    languages: dict[str, str] = field(default_factory=dict)
    quotes: dict[str, str] = field(default_factory=dict)
    quote_index: tuple | None = None  # (claim ids, quotes or null) as Arrow arrays, from screened claims
    quote_index_valid: object = None
    wholes: dict[str, tuple[str, str | None, int | None]] = field(default_factory=dict)


def _row_findings(table: Table, row: dict, ctx: TableContext, subtypes: dict[str, str], root: Path, allow_outside: bool, facts: dict | None = None) -> list[rules.Finding]:
    name = table.name
    if name == "sources":
        out = rules.source_rules(row)
        raw, why = _text_of(root, row.get("text_path"), allow_outside, ctx.real_dirs)
        if why:
            out.append(rules.Finding("unsafe-path" if why != "does not exist" else "file-missing", "text_path", f"{show_value(row.get('text_path'))} {why}."))
        elif raw is not None:
            if rules.sha256_of(raw) != row.get("text_sha256"):
                out.append(rules.Finding("text-sha256-mismatch", "text_sha256", f"the text at {row['text_path']} has SHA-256 {rules.sha256_of(raw)}, not the one recorded."))
            ctx.text_paths[str(row["source_id"])] = root / str(row["text_path"])
        ctx.languages[str(row["source_id"])] = str(row.get("language"))
        return out
    if name == "actors":
        return rules.actor_rules(row)
    if name == "places":
        return rules.place_rules(row)
    if name == "events":
        return rules.event_rules(row, subtypes)
    if name == "claims":
        ctx.quotes[str(row["claim_id"])] = str(row["quote"])
        language = ctx.languages.get(str(row["source_id"]))
        return rules.claim_rules(row, language) + rules.quote_findings(row, ctx.text(str(row["source_id"])))
    quote = facts["quote"] if facts and "quote" in facts else ctx.quote_of(str(row["claim_id"]))
    out = rules.quantity_rules(row) + rules.wording_findings(row, quote)
    ctx.wholes[str(row["quantity_id"])] = (str(row["claim_id"]), row.get("qualifier"), row.get("value"))  # type: ignore[arg-type]
    return out


class RowChecker:
    """Checks one table's records in order: cells, keys, references and rules, with exact messages.

    The streaming path feeds it every record; the vectorised path (``fastcheck``)
    feeds it only the records its screening flags, so both give the same findings.
    """

    def __init__(self, rel: str, table: Table, ctx: TableContext, out: Collector, root: Path, allow_outside: bool) -> None:
        self.rel, self.table, self.ctx, self.out = rel, table, ctx, out
        self.root, self.allow_outside = root, allow_outside
        self.subtypes = schema.subtype_types(ctx.version)
        self.keys: set[str] = set()
        self.pending: list[tuple[int, schema.Field, str]] = []
        self.parts_pending: list[tuple[int, dict]] = []
        self.unsure = False  # an unreadable id: references to this table cannot be judged
        ctx.keys[table.name] = self.keys

    def header(self, cells: list[str]) -> bool:
        names = self.table.names
        if tuple(cells) == names:
            return True
        bad = next((n for n, c in zip(names, cells) if n != c), names[min(len(cells), len(names) - 1)])
        self.out.add(Problem(self.rel, 1, None, bad, "header-mismatch", f"the header is {show_value(','.join(cells))}; it must be {','.join(names)}. Rebuild the table with `make build`."))
        self.ctx.keys[self.table.name] = None
        return False

    def duplicate(self, line: int, pk: str) -> None:
        self.out.add(Problem(self.rel, line, None, self.table.primary_key, "duplicate-id", f"{show_value(pk)} is already used on an earlier line; ids are unique."))

    def dangling(self, line: int, f: schema.Field, value: str) -> None:
        where = "this table" if f.references == self.table.name else f"{f.references}.csv"
        self.out.add(Problem(self.rel, line, None, f.name, "dangling-reference", f"{show_value(value)} is not an id in {where}; define it there or correct the id."))

    def row(self, line: int, cells: list[str], damaged: bool = False, facts: dict | None = None) -> bool:
        """Check one record; True when its cells are sound (so its rules were checked).

        ``facts`` comes from the vectorised path, which settles ids itself: ``refs`` maps a
        field to whether its id exists (self-references and duplicates are settled later)."""
        rel, out, table = self.rel, self.out, self.table
        if len(cells) != len(table.fields):
            out.add(Problem(rel, line, None, None, "row-width", f"has {len(cells)} cells; the header has {len(table.fields)}. Check for a missing or extra comma."))
            return False
        row: dict = {}
        cell_ok = not damaged
        for f, text in zip(table.fields, cells):
            value, findings = rules.cell_value(f, text)
            if text and f.type == "string" and not findings:
                findings = rules.text_findings(f, text)
            if findings:
                cell_ok = False
                for x in findings:
                    out.add(Problem(rel, line, None, x.field, x.code, x.message))
            row[f.name] = value
        pk = row.get(table.primary_key)
        if pk is None:
            self.unsure = True
        if isinstance(pk, str) and not facts:
            if pk in self.keys:
                self.duplicate(line, pk)
            self.keys.add(pk)
        for f in table.fields:
            value = row.get(f.name)
            if f.references and isinstance(value, str):
                if f.references == table.name and not facts:
                    self.pending.append((line, f, value))
                    continue
                known = facts["refs"].get(f.name) if facts else self.ctx.knows(f.references, value)
                if known is False:
                    self.dangling(line, f, value)
        if cell_ok:
            for x in _row_findings(table, row, self.ctx, self.subtypes, self.root, self.allow_outside, facts):
                out.add(Problem(rel, line, None, x.field, x.code, x.message))
            if table.name == "quantities" and row.get("part_of") is not None:
                self.parts_pending.append((line, row))
        return cell_ok

    def finish(self, stopped: bool) -> None:
        if stopped or self.unsure:
            self.ctx.keys[self.table.name] = None
            return
        for line, f, value in self.pending:
            if value not in self.keys:
                self.dangling(line, f, value)
        for line, row in self.parts_pending:
            for x in rules.part_findings(row, self.ctx.wholes.get(str(row["part_of"]))):
                self.out.add(Problem(self.rel, line, None, x.field, x.code, x.message))


#: Tables smaller than this are streamed; larger ones are screened with pyarrow first.
FAST_MIN_BYTES = 1 << 20


def check_table(root: Path, rel: str, table: Table, ctx: TableContext, out: Collector, allow_outside: bool, fast: bool = True) -> None:
    path = root / rel
    if not rel or not path.is_file():
        if rel:
            out.add(Problem(rel, None, None, None, "file-missing", f"the {table.name} table does not exist; run `make build`."))
        ctx.keys[table.name] = None
        return
    if path.stat().st_size == 0:
        out.add(Problem(rel, None, None, None, "empty-file", "is empty, not even a header; run `make build`."))
        ctx.keys[table.name] = None
        return
    if fast and path.stat().st_size >= FAST_MIN_BYTES:
        from . import fastcheck  # pyarrow is imported only for large tables

        # Findings are held back until the screening has read the whole file: a file it cannot
        # parse is streamed instead, and its findings must not be reported twice.
        trial = Collector(max(1, out.limit - len(out.problems)))
        try:
            screened = fastcheck.check(path, RowChecker(rel, table, ctx, trial, root, allow_outside))
        except Full:
            screened = True
        except Exception:  # the screening is an optimisation: on any surprise, the streaming path decides
            screened = False
        if screened:
            out.extend(trial.problems)
            if trial.truncated:
                out.truncated = True
                raise Full
            return
    checker = RowChecker(rel, table, ctx, out, root, allow_outside)
    reader = CsvFile(path, rel)
    try:
        for line, cells in reader.records():
            if line == 1:
                if not checker.header(cells):
                    out.extend(reader.problems)
                    return
                continue
            damaged = bool(reader.problems) and any("\ufffd" in c for c in cells)
            checker.row(line, cells, damaged)
            out.extend(reader.problems)
            reader.problems.clear()
        out.extend(reader.problems)
        checker.finish(reader.stopped)
    except OSError as exc:
        out.add(Problem(rel, None, None, None, "file-missing", f"cannot be read: {exc.strerror}."))


def check_up_to_date(root: Path, paths: dict[str, str], reports: list[dict], out: Collector, version: str) -> None:
    expected = building.expected_files(reports, version)
    for tb in schema.tables(version):
        rel = paths.get(tb.name) or ""
        path = root / rel
        if not rel or not path.is_file() or path.stat().st_size == 0:
            continue  # reported as missing or empty already
        want = expected[f"data/{tb.name}.csv"].encode("utf-8").split(b"\n")
        with open(path, "rb") as handle:
            for number, got in enumerate(handle, start=1):
                if number > len(want) - 1 or got.rstrip(b"\n") != want[number - 1] or not got.endswith(b"\n"):
                    out.add(Problem(rel, number, None, None, "table-out-of-date", f"line {number} differs from what `make build` writes from {REPORTS_DIR}/; edit the report, not the table, and run `make build`."))
                    break
            else:
                if number < len(want) - 1:
                    out.add(Problem(rel, number + 1, None, None, "table-out-of-date", f"the table ends at line {number}, but the reports give {len(want) - 1} lines; run `make build`."))


RELEASED = "schema/released"
WITHDRAWN = "data/withdrawn.csv"


def _csv_rows(path: Path) -> list[dict]:
    import csv

    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def check_released_ids(root: Path, paths: dict[str, str], ctx: TableContext, out: Collector) -> None:
    """Ids of every released version still exist, or are listed as withdrawn (only in a package that
    keeps its release manifests, as this repository does: its history is what is checked)."""
    folder = root / RELEASED
    if not folder.is_dir() or unsafe_reason(root, RELEASED):
        return
    withdrawn = set()
    if (root / WITHDRAWN).is_file():
        withdrawn = {(r.get("table"), r.get("id")) for r in _csv_rows(root / WITHDRAWN)}
    for manifest in sorted(folder.glob("*.ids.csv")):
        release = manifest.name.removesuffix(".ids.csv")
        for row in _csv_rows(manifest):
            table, value = row.get("table"), row.get("id")
            if (table, value) in withdrawn or ctx.knows(table, value) is not False:
                continue
            pk = schema.table(table, ctx.version).primary_key
            out.add(Problem(paths.get(table) or f"data/{table}.csv", None, None, pk, "id-removed",
                            f"{show_value(value)} was in release {release} and is gone; ids are never deleted: restore it (a claim can be marked retracted) or list it in {WITHDRAWN} with the reason."))


# ---------------------------------------------------------------- entry points

@dataclass
class Outcome:
    problems: list[Problem]
    truncated: bool = False
    started: bool = True  # False: exit 2, the validation could not start


def validate_package(root: Path, allow_outside: bool = False, max_errors: int = 1000) -> Outcome:
    out = Collector(max_errors)
    collecting = gc.isenabled()
    gc.disable()  # millions of short-lived cells, no cycles: the cyclic collector would only cost time
    try:
        paths, problems, version = check_descriptor(root, allow_outside)
        out.extend(problems)
        reports, problems = load_reports(root, allow_outside, version)
        out.extend(problems)
        ctx = TableContext(version=version)
        for tb in schema.tables(version):
            check_table(root, paths.get(tb.name, ""), tb, ctx, out, allow_outside)
        if not problems and (root / REPORTS_DIR).is_dir():  # a package without reports ships tables only
            check_up_to_date(root, paths, [r for _, r in reports], out, version)
        check_released_ids(root, paths, ctx, out)
    except Full:
        pass
    finally:
        if collecting:
            gc.enable()
    return Outcome(sorted(out.problems, key=_order), out.truncated)


def validate_report(path: Path, root: Path, allow_outside: bool = False, max_errors: int = 1000) -> Outcome:
    rel = path.resolve().relative_to(root.resolve()).as_posix() if path.resolve().is_relative_to(root.resolve()) else path.name
    doc = read_json(path, rel)
    problems = list(doc.problems)
    if doc.data is not None:
        problems += check_report(doc, root, allow_outside)
    problems.sort(key=_order)
    return Outcome(problems[:max_errors], len(problems) > max_errors)


def _order(p: Problem) -> tuple:
    return (p.file or "", p.line or 0, p.path or "", p.field or "", p.code)
