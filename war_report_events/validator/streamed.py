"""Every report of a package in one streamed pass: each read, screened and built into the tables, one at a time.

The exact report path (``reports.check_report``) runs the rules object by object in Python; on a package of a
million quantities that is most of the validator's time, and holding every parsed report most of its memory.
Here each report is read once, and

1. checked against the JSON Schema by the compiled screen, and on its own for what the tables cannot show
   (``reports.locally_sound``: ids repeated within it, references to its own actors, places and quantities,
   definitions it never uses) and for its source as a whole (``reports.source_findings``);
2. built into the tables (``standard.tables.Builder``: the bytes ``build`` writes), then let go.

The per-object rules are the table rules (``rules.record_findings`` and the text, quote, wording and part
rules), so the tables as built are checked by the table path, vectorised (``fastcheck``). A report with a
row the table path finds anything on, one the screens reject, one that is not sound on its own, and one
whose ids another report repeats, is checked again by the exact path, which gives its findings: so the
findings are the exact path's, report by report (``tests/test_streamed.py`` holds both paths equal).
When the files of the tables hold exactly the bytes built, what the table path found on the built
tables is what it finds on the files, and the files are not checked a second time.

Ids across reports (``reports.Across``) are judged on the way, keeping ids only (and the
definitions of shared actors, places and events), in the same order, with the same words.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..files import list_reports, unsafe_reason
from ..standard import reports as walk
from ..standard import schema
from ..standard.tables import Builder
from .errors import Collector, Full, Problem, show_value
from .loading import JsonDocument, check_shape, read_json
from .reports import (
    REPORTS_DIR,
    Across,
    check_report,
    keys_of,
    locally_sound,
    other_version,
    screen_accepts,
    shallow,
    source_findings,
)
from .tables import TableContext, check_table, holds

# Findings of the table path on the built tables kept at most: more means nearly every report is checked
# exactly anyway (and the files' own findings are then the table path's on the files).
SCREEN_LIMIT = 100_000


@dataclass
class Scan:
    """What the pass found: every report finding, in the exact path's order, and the tables as built."""

    problems: list[Problem]
    reports: int = 0
    versions: set = field(default_factory=set)  # schema versions the reports declare
    built: dict[str, bytes | bytearray] | None = None  # what build writes; None when a report could not be built
    table_problems: list[Problem] | None = None  # the table path's findings on ``built``, when complete
    context: TableContext | None = None  # the table path's context after ``built`` (ids, texts not at hand)
    same: set[str] = field(default_factory=set)  # tables whose file holds exactly the bytes built (then let go)
    exact: int = 0  # reports checked by the exact path


def _listed(root: Path, allow_outside: bool) -> Iterator[tuple[str, Path | None, Problem | None]]:
    """(rel, path, None) for each report that may be read, (rel, None, problem) for each refused."""
    listed, why = list_reports(root, REPORTS_DIR, allow_outside)
    if why:  # never list (and so print the names in) a folder outside the package
        yield (
            REPORTS_DIR,
            None,
            Problem(REPORTS_DIR, None, None, None, "unsafe-path", f"{why}; reports must be files inside the package."),
        )
    for path in listed:
        rel = path.relative_to(root).as_posix()
        why = unsafe_reason(root, rel, allow_outside)
        if why:
            yield (
                rel,
                None,
                Problem(rel, None, None, None, "unsafe-path", f"{why}; reports must be files inside the package."),
            )
        else:
            yield rel, path, None


def _exact(
    doc: JsonDocument, root: Path, allow_outside: bool, texts: Path | None, version: str | None
) -> list[Problem]:
    """A report's findings by the exact path, as ``reports.load_reports`` gives them."""
    problems = check_report(doc, root, allow_outside, texts)
    declared = doc.data.get("schema_version") if isinstance(doc.data, dict) else None
    if version and not problems and declared != version:
        problems = [other_version(doc, declared, version)]
    return problems


def scan_reports(
    root: Path,
    allow_outside: bool = False,
    version: str | None = None,
    texts: Path | None = None,
    paths: dict[str, str] | None = None,
    fast: bool = True,
    visit: Callable[[Path, dict], None] | None = None,
) -> Scan:
    """Every report's findings (and those between reports) in the exact path's order, the tables as built,
    and the table path's findings on them. ``version``: the package's (a report of another is an error);
    None takes the first report's. ``fast=False`` checks every report by the exact path (tests compare).
    ``visit(path, report)`` is called with every report read as a JSON object (build looks for missing offsets)."""
    per_report: list[list[Problem]] = []
    across = Across()
    builder: Builder | None = None
    built_from: list[int] = []  # the report behind each report the builder took
    screened: set[int] = set()  # reports whose objects were left to the table path
    found_versions: set = set()
    build_version = version if version in schema.available_versions() else None
    every_built = True
    paths_of: dict[int, Path] = {}
    read_as: dict[int, int] = {}  # each report's text, hashed when first read

    def reread(index: int) -> JsonDocument:
        """A report read again (for the exact path, or to locate a finding): the same text, or _Changed."""
        doc = read_json(paths_of[index], across.rels[index])
        if fast and hash(doc.text) != read_as.get(index):
            raise _Changed  # (read once more with fast=False, which then takes what it finds: no loop)
        return doc

    for rel, path, refused in _listed(root, allow_outside):
        if refused is not None:
            per_report.append([refused])
            every_built = False
            continue
        index = len(across.rels)
        across.rels.append(rel)
        assert path is not None
        paths_of[index] = path
        doc = read_json(path, rel, deferred=True)
        read_as[index] = hash(doc.text)
        data = doc.data
        accepted, objects = False, None
        if fast and isinstance(data, dict):
            declared = data.get("schema_version")
            trial = build_version or (declared if version is None else None)
            known = trial in schema.available_versions()
            if known and declared == trial and shallow(trial) and screen_accepts(data, trial):  # type: ignore[arg-type]
                objects = walk.objects(data)
                check_shape(doc, keys_of(data, objects))  # a report that meets the schema is a few levels deep
                accepted = True
        if not accepted and data is not None:
            check_shape(doc)
        problems = list(doc.problems)
        per_report.append(problems)
        if doc.data is None:
            every_built = False
            continue
        data = doc.data
        if not isinstance(data, dict):
            problems += _exact(doc, root, allow_outside, texts, version)
            every_built = False
            continue
        if visit is not None:
            visit(path, data)
        declared = data.get("schema_version")
        # A list or an object is no version, and cannot be kept in a set: it is kept as shown (the exact path
        # reports it as wrong-schema-version, so the package is never built from it).
        found_versions.add(show_value(declared) if isinstance(declared, (dict, list)) else declared)
        if build_version is None and version is None and declared in schema.available_versions():
            build_version = declared
        if builder is None and build_version is not None:
            builder = Builder(build_version, errors="surrogatepass")
        objects = objects if objects is not None else walk.objects(data)
        across.add(index, doc, objects)
        fits = accepted and not problems and declared == build_version
        if fits and locally_sound(objects, build_version) and _added(builder, data, built_from, index):  # type: ignore[arg-type]
            sourced, _ = source_findings(doc, root, allow_outside, texts, objects)
            problems += sourced
            screened.add(index)
            continue
        exact = _exact(doc, root, allow_outside, texts, version)
        problems += exact
        sound = builder is not None and not problems and declared == build_version
        if not (sound and _added(builder, data, built_from, index)):  # type: ignore[arg-type]
            every_built = False
    scan = Scan([], reports=len(across.rels), versions=found_versions)
    flagged: set[int] = set(across.entangled)
    if builder is not None and builder.count:
        built, rows_at = builder.finish()
        if paths is not None and every_built:  # which files hold the tables as built: compared before they go
            scan.same = {n for n, data in built.items() if paths.get(n) and holds(root / paths[n], data)}
        context = TableContext(texts=texts, version=builder.version)
        out = Collector(SCREEN_LIMIT)
        complete = True
        found_in: dict[str, list[Problem]] = {}  # each table's findings, by table (two may share a file name)
        try:
            for tb in schema.tables(builder.version):
                rel = (paths or {}).get(tb.name) or f"data/{tb.name}.csv"
                before = len(out.problems)
                check_table(root, rel, tb, context, out, allow_outside, data=built[tb.name])
                found_in[tb.name] = out.problems[before:]
                if tb.name in scan.same or not every_built:
                    built[tb.name] = b""  # no longer needed: let a million rows go before the next table
        except Full:
            complete = False
        if complete:
            flagged |= _reports_of(found_in, builder, rows_at, built_from)
            scan.table_problems, scan.context = out.problems, context
        else:
            flagged |= screened
        scan.built = built if every_built else None
    try:
        for index in sorted(flagged & screened):
            doc = reread(index)
            per_report[index] = list(doc.problems) + _exact(doc, root, allow_outside, texts, version)
        scan.problems = [p for problems in per_report for p in problems]
        scan.problems += across.findings(reread)
    except _Changed:
        # A report changed between its two reads (saved while this ran): the tables as built and its
        # findings would describe two different files. Read everything once more, each report once.
        return scan_reports(root, allow_outside, version, texts, paths, fast=False, visit=visit)
    scan.exact = scan.reports - len(screened - flagged)
    return scan


def _added(builder: Builder, report: dict, built_from: list[int], index: int) -> bool:
    """Build a report into the tables; False when the builder cannot take it (then the exact path decides)."""
    try:
        builder.add(report)
    except (KeyError, TypeError, AttributeError, UnicodeEncodeError):  # a shape the schema should have refused
        return False
    built_from.append(index)
    return True


class _Changed(Exception):
    """A report's text differs between two reads."""


# Findings on a table as a whole, or that hide the rows after them (reading stops, or a kind of problem is
# reported once per file): the rows they stand for are not known, so every report is checked exactly.
WHOLE_TABLE = frozenset(
    {"bom", "encoding-error", "crlf-line-ends", "csv-syntax", "cell-too-large", "header-mismatch", "row-width"}
    | {"file-missing", "empty-file", "unsafe-path", "file-too-large"}
)


def _reports_of(
    found_in: dict[str, list[Problem]],
    builder: Builder,
    rows_at: dict[str, list[tuple[int, object]]],
    built_from: list[int],
) -> set[int]:
    """The reports behind the rows that the table path found anything on (every report, when a finding
    stands for no one row)."""
    lines = {name: [line for line, _ in at] for name, at in rows_at.items()}
    out: set[int] = set()
    for name, problems in found_in.items():
        for p in problems:
            if p.line is None or p.line < 2 or p.code in WHOLE_TABLE:
                return set(built_from)  # not a row's finding: every report is checked exactly
            if name in builder.starts:
                at = bisect.bisect_right(builder.starts[name], p.line) - 1
                out.add(built_from[max(at, 0)])
            else:
                at = bisect.bisect_right(lines[name], p.line) - 1
                key = rows_at[name][max(at, 0)][1]
                out.update(built_from[i] for i in builder.defined_by[name].get(key, ()))
    return out
