"""The report path: each report against the JSON Schema and the rules, then the reports against each other."""

from __future__ import annotations

import copy
import functools
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import SCHEMA_VERSION
from ..files import list_reports, unsafe_reason
from ..standard import reports as walk
from ..standard import schema
from ..standard.reports import Located, json_path
from . import rules
from .errors import Problem, show_value
from .loading import JsonDocument, local_text, read_json, source_text

REPORTS_DIR = "data/reports"
ID_TABLES = ("actors", "places", "events")  # shared across reports: same id, same definition


SCHEMA_CODES = {
    "required": "required",
    "additionalProperties": "unknown-field",
    "type": "wrong-type",
    "enum": "not-in-codelist",
    "const": "wrong-schema-version",
    "pattern": "pattern-mismatch",
    "format": "invalid-date",
    "minimum": "out-of-range",
    "maximum": "out-of-range",
    "maxLength": "too-long",
    "minLength": "too-long",
    "minItems": "too-few-items",
}


# Python's \s (str.isspace) as literal characters: the compiled screen's \s is Unicode White_Space,
# which leaves out U+001C-U+001F and, in ECMA mode, U+0085. Spelt out, both engines agree.
_PY_SPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
_SAFE_ESCAPE = re.compile(r"\\[.\-/]")  # escaped punctuation means the same to both engines


def _screen_pattern(pattern: str) -> str | None:
    """``pattern`` as the compiled validator must read it to match exactly what Python's ``re`` matches;
    None when that cannot be promised (then reports are not screened)."""
    rest = _SAFE_ESCAPE.sub("", pattern.replace("[^\\s]", ""))
    if "\\" in rest:
        return None  # \d, \w, \b ... differ between the engines; not used by any schema today
    return pattern.replace("[^\\s]", f"[^{_PY_SPACE}]")


def _screen_schema(node: object) -> object:
    if isinstance(node, dict):
        out = {k: _screen_schema(v) for k, v in node.items()}
        if isinstance(node.get("pattern"), str):
            out["pattern"] = _screen_pattern(node["pattern"])
            if out["pattern"] is None:
                raise ValueError(node["pattern"])
        return out
    if isinstance(node, list):
        return [_screen_schema(v) for v in node]
    return node


@functools.lru_cache(maxsize=8)
def _screen(version: str):
    """A compiled (Rust) validator of the version's schema, or None when none can stand in for the exact one.

    It only answers valid or not: a report it accepts has no JSON Schema finding (the exact validator
    would find none; tests hold this on every fixture and on seeded errors); a report it rejects is
    explained by the ``jsonschema`` library, so messages, paths and lines stay exactly as they were."""
    try:
        import jsonschema_rs

        return jsonschema_rs.Draft202012Validator(
            _screen_schema(copy.deepcopy(schema.load_schema(version))),
            validate_formats=True,
            offline=True,  # $ref is resolved only within the bundled schema: nothing is fetched
        )
    except Exception:  # no wheel for this platform, or a schema it cannot promise to read alike
        return None


def _refuse(uri: str):  # $ref is resolved only against the bundled schema: never fetched
    raise LookupError(f"refusing to retrieve {uri}")


@functools.lru_cache(maxsize=8)
def _exact(version: str):
    import jsonschema
    from referencing import Registry, Resource

    sch = schema.load_schema(version)
    registry = Registry(retrieve=_refuse).with_resource(sch["$id"], Resource.from_contents(sch))
    return jsonschema.Draft202012Validator(sch, registry=registry, format_checker=jsonschema.FormatChecker())


def screen_accepts(data: object, version: str) -> bool:
    """True when the compiled screen is sure the report meets the JSON Schema."""
    screen = _screen(version)
    if screen is None:
        return False
    try:
        return bool(screen.is_valid(data))
    except Exception:  # a value it cannot take (a lone surrogate, say): the exact validator decides
        return False


def _spots(data: object, version: str) -> list[tuple] | None:
    """The items of the report's top-level lists (``("events", 3)``) that hold every error the screen sees,
    or None when an error lies elsewhere (or the screen cannot say): then the whole report is explained."""
    screen = _screen(version)
    if screen is None:
        return None
    spots: set[tuple] = set()
    try:
        for err in screen.iter_errors(data):
            path = tuple(err.instance_path)
            if len(path) < 2 or not isinstance(path[1], int) or not isinstance(data, dict):
                return None
            if not isinstance(data.get(path[0]), list):
                return None
            spots.add(path[:2])
    except Exception:
        return None
    return sorted(spots) or None  # rejected, yet no error named: the whole report is explained


def _explained(data: object, version: str, screen: bool) -> Iterator[tuple[tuple, Any]]:
    """(path prefix, jsonschema error) for every JSON Schema error of the report.

    With the screen, only the list items it rejects are explained, each against its own part of the
    schema (items never constrain one another): an 8 MB report with one error costs one item's check."""
    validator = _exact(version)
    spots = _spots(data, version) if screen else None
    if spots is None:
        yield from (((), err) for err in validator.iter_errors(data))
        return
    properties = schema.load_schema(version)["properties"]
    for name, index in spots:
        item = validator.evolve(schema=properties[name]["items"])
        yield from (((name, index), err) for err in item.iter_errors(data[name][index]))  # type: ignore[index]


def schema_findings(doc: JsonDocument, version: str, screen: bool = True) -> tuple[list[Problem], set[tuple]]:
    """JSON Schema findings in our codes and words, and the paths of objects that have them.

    ``screen=False`` skips the compiled screen: the findings are the same, only slower (tests and
    the benchmark compare the two)."""
    if screen and screen_accepts(doc.data, version):
        return [], set()
    tables = {t.name: t for t in schema.tables(version)}
    found: list[Problem] = []
    bad: set[tuple] = set()
    for prefix, err in _explained(doc.data, version, screen):
        parts = prefix + tuple(err.absolute_path)
        code = SCHEMA_CODES.get(str(err.validator), "wrong-type")
        if err.validator in ("required", "additionalProperties"):
            bad.add(parts)
            names = (
                [n for n in err.validator_value if isinstance(err.instance, dict) and n not in err.instance]
                if err.validator == "required"
                else [n for n in err.instance if n not in err.schema.get("properties", {})]
            )
            for name in names:
                message = (
                    "is missing, but required; give it (see the data dictionary)."
                    if code == "required"
                    else "is not a field of the schema; remove it or check its spelling."
                )
                found.append(
                    Problem(
                        doc.rel,
                        doc.line_of(parts + ((name,) if code == "unknown-field" else ())),
                        json_path(parts + (name,)),
                        name,
                        code,
                        message,
                    )
                )
            continue
        bad.add(parts[:-1] if parts and isinstance(parts[-1], str) else parts)
        name = next((p for p in reversed(parts) if isinstance(p, str)), None)
        table = walk.table_of(parts[:-1]) if parts else None
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


def check_report(
    doc: JsonDocument, root: Path, allow_outside: bool = False, texts: Path | None = None
) -> list[Problem]:
    """Everything that can be checked in one report on its own; ``texts`` holds local copies of texts not shipped."""
    if not isinstance(doc.data, dict):
        return [Problem(doc.rel, 1, "$", None, "wrong-type", "a war report is a JSON object; see the schema.")]
    report = doc.data
    version = report.get("schema_version")
    if version not in schema.available_versions():
        return [
            Problem(
                doc.rel,
                doc.line_of(("schema_version",)),
                "$.schema_version",
                "schema_version",
                "wrong-schema-version",
                f"{show_value(version)} is not a schema version of this validator ({', '.join(schema.available_versions())}).",
            )
        ]
    found, bad = schema_findings(doc, version)
    tables = {t.name: t for t in schema.tables(version)}
    subtypes = schema.subtype_types(version)

    def at(obj: Located, f: rules.Finding) -> Problem:
        parts = obj.parts + (f.field,)
        return Problem(doc.rel, doc.line_of(parts), json_path(parts), f.field, f.code, f.message)

    objects = walk.objects(report)
    by_parts = {o.parts: o for o in objects}  # lookups by position stay linear on large reports
    ids: dict[str, dict[str, Located]] = {name: {} for name in tables}
    for obj in objects:
        key = tables[obj.table].primary_key
        value = obj.obj.get(key)
        if isinstance(value, str):
            if value in ids[obj.table]:
                found.append(
                    at(
                        obj,
                        rules.Finding(
                            "duplicate-id",
                            key,
                            f"{show_value(value)} is already used by another {obj.table[:-1]} of this report.",
                        ),
                    )
                )
            ids[obj.table].setdefault(value, obj)

    source = report.get("source") if isinstance(report.get("source"), dict) else {}
    sourced, text = source_findings(doc, root, allow_outside, texts, objects)
    found.extend(sourced)
    used = {"actors": set(), "places": set()}
    for obj in objects:
        row = obj.obj
        for f in tables[obj.table].fields:
            value = row.get(f.name)
            if isinstance(value, str):
                found.extend(at(obj, x) for x in rules.text_findings(f, value))
            elif isinstance(value, float):
                found.extend(at(obj, x) for x in rules.written_number_findings(f, value))
            if f.references in ("actors", "places") and isinstance(value, str):
                used[f.references].add(value)
            if (
                f.references in ("actors", "places", "quantities")
                and isinstance(value, str)
                and value not in ids[f.references]
            ):
                where = "of this claim" if f.references == "quantities" else "in this report's " + f.references
                found.append(
                    at(
                        obj,
                        rules.Finding(
                            "dangling-reference",
                            f.name,
                            f"{show_value(value)} is not defined {where}; define it there or correct the id.",
                        ),
                    )
                )
        if obj.parts in bad:
            continue  # schema errors first: rules on a malformed object only add noise
        language = source.get("language") if isinstance(source.get("language"), str) else None
        findings = rules.record_findings(obj.table, row, language, subtypes)
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
                findings += rules.part_findings(
                    row, (claim_of_whole, whole.obj.get("qualifier"), whole.obj.get("value"), whole.obj.get("measure"))
                )
        found.extend(at(obj, f) for f in findings)
    for table in ("actors", "places"):
        for value, loc in ids[table].items():
            if value not in used[table]:
                found.append(
                    at(
                        loc,
                        rules.Finding(
                            "unused-definition",
                            tables[table].primary_key,
                            f"{show_value(value)} is defined but nothing in this report refers to it; remove it.",
                        ),
                    )
                )
    return found


def source_findings(
    doc: JsonDocument, root: Path, allow_outside: bool, texts: Path | None, objects: list[Located]
) -> tuple[list[Problem], str | None]:
    """The findings on a report's source as a whole (its text, the text's hash and rights, the file's name, ids
    that carry the retrieval date), and the text itself when it could be read, for the quotes."""
    report = doc.data
    assert isinstance(report, dict)
    found: list[Problem] = []

    def at_source(field: str, code: str, message: str) -> Problem:  # a finding on a field of the report's source
        return Problem(doc.rel, doc.line_of(("source", field)), f"$.source.{field}", field, code, message)

    source = report.get("source") if isinstance(report.get("source"), dict) else {}
    text: str | None = None
    raw, why, code = source_text(root, source.get("text_path"), allow_outside)
    if why:
        found.append(
            at_source(
                "text_path",
                code,
                f"{show_value(source.get('text_path'))} {why}; the source text must be shipped under data/sources/.",
            )
        )
    sid = source.get("source_id")
    stray = root / "data" / "sources" / f"{sid}.txt"
    not_shipped = source.get("text_redistribution") == "not_allowed" and "text_path" not in source
    if not_shipped and isinstance(sid, str) and os.path.lexists(stray):  # with text_path: flagged by the rules
        found.append(
            at_source(
                "text_redistribution",
                "text-redistribution-mismatch",
                f"is 'not_allowed', but data/sources/{sid}.txt is in the package; remove that file (keep your copy "
                "outside the package and check it with validate.py --texts DIR).",
            )
        )
    label = source.get("text_path")
    if raw is None and why is None and texts is not None and source.get("text_path") is None:
        raw, missing = local_text(texts, source.get("source_id"))
        label = show_value(f"{texts}/{source.get('source_id')}.txt")
        if missing:
            found.append(
                at_source(
                    "source_id",
                    "file-missing",
                    f"the text of this source is not shipped and {missing}; put a copy of the text itself there, byte for byte.",
                )
            )
    if raw is not None:
        if isinstance(source.get("text_sha256"), str) and rules.sha256_of(raw) != source["text_sha256"]:
            found.append(
                at_source(
                    "text_sha256",
                    "text-sha256-mismatch",
                    f"the text at {label} has SHA-256 {rules.sha256_of(raw)}, not the one recorded; the text changed after coding.",
                )
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            found.append(
                Problem(
                    str(label),
                    None,
                    None,
                    None,
                    "encoding-error",
                    "the source text is not valid UTF-8; ship it as UTF-8.",
                )
            )
    sid = source.get("source_id")
    if isinstance(sid, str) and Path(doc.rel).name != f"{sid}.json" and doc.rel.startswith(REPORTS_DIR):
        found.append(
            at_source(
                "source_id",
                "report-file-name",
                f"the file is {Path(doc.rel).name} but source_id is {show_value(sid)}; name it {sid}.json.",
            )
        )

    found.extend(
        Problem(
            doc.rel, doc.line_of(obj.parts + (f.field,)), json_path(obj.parts + (f.field,)), f.field, f.code, f.message
        )
        for obj, f in _retrieval_date_ids(source, objects)
    )
    return found, text


SCALARS = {"string", "integer", "number", "boolean", "null"}
WALKED = {"#/$defs/source", "#/$defs/actor", "#/$defs/place", "#/$defs/event", "#/$defs/claim", "#/$defs/quantity"}


def _scalar(node: object, defs: dict) -> bool:
    """Whether every value ``node`` (a property's schema) admits is a scalar."""
    if not isinstance(node, dict):
        return False
    if "$ref" in node:
        ref = node["$ref"]
        return ref.startswith("#/$defs/") and ref not in WALKED and _scalar(defs.get(ref[8:]), defs)
    if "const" in node or "enum" in node:
        values = [node["const"]] if "const" in node else node["enum"]
        return all(not isinstance(v, (dict, list)) for v in values)
    for key in ("anyOf", "oneOf"):
        if key in node:
            return all(_scalar(n, defs) for n in node[key])
    kinds = node.get("type")
    kinds = [kinds] if isinstance(kinds, str) else kinds
    return isinstance(kinds, list) and bool(kinds) and set(kinds) <= SCALARS


@functools.lru_cache(maxsize=8)
def shallow(version: str) -> bool:
    """Whether a report that meets the schema holds no objects but those ``walk.objects`` visits and the report
    itself (so its keys can be counted from them, and it is a few levels deep): every other property is a
    scalar. Checked on the schema itself, so a version that nests more turns the shortcut off."""
    sch = schema.load_schema(version)
    defs = sch.get("$defs", {})
    lists = {"actors": "actor", "places": "place", "events": "event"}
    nested = {("event", "claims"): "claim", ("claim", "quantities"): "quantity"}

    def fields_scalar(properties: dict, owner: str | None) -> bool:
        for name, node in properties.items():
            item = lists.get(name) if owner is None else nested.get((owner, name))
            if owner is None and name == "source":
                if not isinstance(node, dict) or node.get("$ref") != "#/$defs/source":
                    return False
            elif item is not None:
                if not (
                    isinstance(node, dict)
                    and node.get("type") == "array"
                    and node.get("items") == {"$ref": f"#/$defs/{item}"}
                ):
                    return False
            elif not _scalar(node, defs):
                return False
        return True

    if sch.get("additionalProperties") is not False or not fields_scalar(sch.get("properties", {}), None):
        return False
    for name in ("source", "actor", "place", "event", "claim", "quantity"):
        d = defs.get(name)
        if not isinstance(d, dict) or d.get("additionalProperties") is not False:
            return False
        if not fields_scalar(d.get("properties", {}), name):
            return False
    return True


def keys_of(report: dict, objects: list[Located]) -> int:
    """The keys a report's objects hold, when ``shallow``: the report's own and those of its objects."""
    return len(report) + sum(len(o.obj) for o in objects)


def locally_sound(objects: list[Located], version: str) -> bool:
    """Whether a report is sound on its own in what the tables cannot show: no id repeated within it, every
    reference to its actors, places and quantities defined in it, every actor and place it defines used.
    (The tables hold every report's rows together, so ids and references are judged there across reports.)"""
    keys, local = _local_references(version)
    ids: dict[str, set] = {name: set() for name in keys}
    for obj in objects:
        value = obj.obj.get(keys[obj.table])
        if isinstance(value, str):
            seen = ids[obj.table]
            if value in seen:
                return False
            seen.add(value)
    used: dict[str, set] = {"actors": set(), "places": set()}
    for obj in objects:
        for name, target in local[obj.table]:
            value = obj.obj.get(name)
            if isinstance(value, str):
                if value not in ids[target]:
                    return False
                if target in used:
                    used[target].add(value)
    return used["actors"] == ids["actors"] and used["places"] == ids["places"]


@functools.lru_cache(maxsize=8)
def _local_references(version: str) -> tuple[dict[str, str], dict[str, tuple[tuple[str, str], ...]]]:
    """Each table's primary key, and per table (field, table referred to) of the references that must resolve
    within the report."""
    tables = schema.tables(version)
    return {t.name: t.primary_key for t in tables}, {
        t.name: tuple((f.name, f.references) for f in t.fields if f.references in ("actors", "places", "quantities"))
        for t in tables
    }


def _retrieval_date_ids(source: dict, objects: list[Located]) -> list[tuple[Located, rules.Finding]]:
    """In a source without a publication date, an event id that begins with the retrieval date passes
    that date off as the event's, unless the event's own dates include it (codebook 7.1)."""
    retrieved = source.get("retrieved")
    if source.get("published_precision") != "unknown" or not isinstance(retrieved, str):
        return []
    out = []
    for obj in objects:
        value = obj.obj.get("event_id") if obj.table == "events" else None
        # date_end of an undated source's event is often the retrieval date itself (on_or_before): only a
        # first day the text states makes the date the event's own.
        if isinstance(value, str) and value.startswith(retrieved) and obj.obj.get("date_start") != retrieved:
            message = (
                f"{show_value(value)} begins with the retrieval date {retrieved}, which is not the event's date; "
                "begin it with the event's own date, or with undated-."
            )
            out.append((obj, rules.Finding("undated-id", "event_id", message)))
    return out


def _claim_id_of(by_parts: dict[tuple, Located], quantity: Located) -> str | None:
    claim = by_parts.get(quantity.parts[:4])  # a quantity's claim stands four steps up its path
    value = claim.obj.get("claim_id") if claim else None
    return value if isinstance(value, str) else None


def load_reports(
    root: Path, allow_outside: bool = False, version: str | None = None, texts: Path | None = None
) -> tuple[list[tuple[str, dict]], list[Problem]]:
    """All reports of the package with every problem in them and between them.

    With ``version`` (the package's), a report that follows another schema version is an error."""
    found: list[Problem] = []
    loaded: list[tuple[JsonDocument, dict]] = []
    listed, why = list_reports(root, REPORTS_DIR, allow_outside)
    if why:  # never list (and so print the names in) a folder outside the package
        found.append(
            Problem(REPORTS_DIR, None, None, None, "unsafe-path", f"{why}; reports must be files inside the package.")
        )
    for path in listed:
        rel = path.relative_to(root).as_posix()
        why = unsafe_reason(root, rel, allow_outside)
        if why:
            found.append(
                Problem(rel, None, None, None, "unsafe-path", f"{why}; reports must be files inside the package.")
            )
            continue
        doc = read_json(path, rel)
        found.extend(doc.problems)
        if doc.data is None:
            continue
        problems = check_report(doc, root, allow_outside, texts)
        declared = doc.data.get("schema_version") if isinstance(doc.data, dict) else None
        if version and not problems and declared != version:
            problems = [other_version(doc, declared, version)]
        found.extend(problems)
        if isinstance(doc.data, dict):
            loaded.append((doc, doc.data))
    found.extend(_across_reports(loaded))
    return [(doc.rel, data) for doc, data in loaded], found


def other_version(doc: JsonDocument, declared: object, version: str) -> Problem:
    """A report that follows another schema version than its package."""
    return Problem(
        doc.rel,
        doc.line_of(("schema_version",)),
        "$.schema_version",
        "schema_version",
        "wrong-schema-version",
        f"the report follows schema {declared}, but the package is version {version}; a package has one version (upgrade the report, see docs/versioning.md).",
    )


@dataclass
class Across:
    """Ids across reports (unique claims, quantities and sources; one definition per actor, place, event;
    references into other reports defined), judged as each report comes, keeping ids only."""

    rels: list[str] = field(default_factory=list)
    # table -> id -> the first report holding it; for actors, places and events, (report, definition)
    first: dict[str, dict[str, object]] = field(default_factory=dict)
    known: dict[str, set[str]] = field(default_factory=lambda: {"sources": set(), "claims": set(), "events": set()})
    refs: list[tuple[int, tuple, str, str, str]] = field(default_factory=list)  # (report, parts, field, value, what)
    found: list[Problem] = field(default_factory=list)
    entangled: set[int] = field(default_factory=set)  # reports holding an id another report also holds

    REFERS = {
        "claims": (("status_source_id", "sources", "source"), ("supersedes_claim_id", "claims", "claim")),
        "events": (("parent_event_id", "events", "event"),),
    }

    def add(self, index: int, doc: JsonDocument, objects: list[Located]) -> None:
        report = doc.data
        assert isinstance(report, dict)
        version = report.get("schema_version", SCHEMA_VERSION)
        keys = _primary_keys(version) if version in schema.available_versions() else None
        refers, refs = self.REFERS, self.refs
        for obj in objects:
            table, o = obj.table, obj.obj
            if table in refers:
                for name, _, what in refers[table]:
                    value = o.get(name)
                    if isinstance(value, str):
                        refs.append((index, obj.parts + (name,), name, value, what))
            if keys is None:  # its ids may still be referred to, but are not judged
                if table in self.known:
                    value = o.get(tables_key(table))
                    if isinstance(value, str):
                        self.known[table].add(value)
                continue
            value = o.get(keys[table])
            if not isinstance(value, str):
                continue
            ids = self.first.setdefault(table, {})
            seen = ids.get(value)
            shared = table in ID_TABLES
            if seen is None:
                ids[value] = (index, _definition(o)) if shared else index
                continue
            earlier = seen[0] if shared else seen  # type: ignore[index]
            if earlier == index:
                continue  # duplicates inside one report are reported by check_report
            self._judge(index, doc, obj, keys[table], value, earlier, seen[1] if shared else None)  # type: ignore[index]

    def _judge(
        self, index: int, doc: JsonDocument, obj: Located, key: str, value: str, earlier: int, defined: object
    ) -> None:
        parts = obj.parts + (key,)
        if obj.table not in ID_TABLES:
            self.entangled.update((earlier, index))
            self.found.append(
                Problem(
                    doc.rel,
                    doc.line_of(parts),
                    json_path(parts),
                    key,
                    "duplicate-id",
                    f"{show_value(value)} is already used in {self.rels[earlier]}; ids are global and never reused.",
                )
            )
            return
        definition = _definition(obj.obj)
        if defined != definition:
            self.entangled.update((earlier, index))
            diff = sorted(k for k in set(definition) | set(defined) if definition.get(k) != defined.get(k))  # type: ignore[union-attr,arg-type]
            self.found.append(
                Problem(
                    doc.rel,
                    doc.line_of(parts),
                    json_path(parts),
                    key,
                    "conflicting-definition",
                    f"{show_value(value)} is defined differently in {self.rels[earlier]} ({', '.join(diff)}); make the definitions identical.",
                )
            )

    def defines(self, table: str, value: str) -> bool:
        return value in self.known[table] or value in self.first.get(table, {})

    def findings(self, reread) -> list[Problem]:
        """References into other reports that no report defines (first), then repeated ids and conflicting
        definitions. ``reread(index)`` gives a report's document
        again, to locate a dangling reference (a rare event: nothing else is kept to locate it)."""
        dangling: list[Problem] = []
        docs: dict[int, JsonDocument] = {}
        for index, parts, name, value, what in self.refs:
            if self.defines({"source": "sources", "claim": "claims", "event": "events"}[what], value):
                continue
            doc = docs.get(index) or docs.setdefault(index, reread(index))
            dangling.append(
                Problem(
                    self.rels[index],
                    doc.line_of(parts),
                    json_path(parts),
                    name,
                    "dangling-reference",
                    f"{show_value(value)} is not {'an' if what[0] in 'aeiou' else 'a'} {what} id of any report in the package; code that report too, or correct the id.",
                )
            )
        return dangling + self.found


def _definition(obj: dict) -> dict:
    """What must be identical wherever an actor, place or event is defined: all of it but its claims."""
    return {k: v for k, v in obj.items() if k != "claims"} if "claims" in obj else obj


@functools.lru_cache(maxsize=8)
def _primary_keys(version: str) -> dict[str, str]:
    return {t.name: t.primary_key for t in schema.tables(version)}


def tables_key(table: str) -> str:
    return {"sources": "source_id", "claims": "claim_id", "events": "event_id"}[table]


def _across_reports(loaded: list[tuple[JsonDocument, dict]]) -> list[Problem]:
    """Ids are global: unique claims, quantities and sources; one definition per actor, place, event."""
    across = Across()
    for index, (doc, report) in enumerate(loaded):
        across.rels.append(doc.rel)
        across.add(index, doc, walk.objects(report))
    return across.findings(lambda i: loaded[i][0])
