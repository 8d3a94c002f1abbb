"""The table path: every CSV table streamed row by row (or screened by ``fastcheck`` first), then checked
against the reports it is built from and against the ids of released versions."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .. import SCHEMA_VERSION
from ..files import Refused, read_bytes, read_inside, reading, regular_size, unsafe_reason
from ..standard import schema
from ..standard.schema import Table
from ..standard.tables import Builder
from . import rules
from .errors import Collector, Full, Problem, show_value
from .loading import MAX_TEXT_BYTES, CsvFile, local_text, source_text
from .reports import REPORTS_DIR


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
        for cid, quote in zip(ids.to_pylist(), quotes.to_pylist()):
            if quote is not None:  # null: checked one by one, its quote is in self.quotes already
                self.quotes.setdefault(cid, quote)
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

    texts: Path | None = None  # --texts DIR: local copies of texts that are not shipped
    unchecked: list[str] = field(default_factory=list)  # sources whose text was not at hand (quotes unchecked)
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
            try:
                raw = read_bytes(path, MAX_TEXT_BYTES)  # checked when its row was; read again only here
            except Refused:
                return None
            self._decoded[source_id] = raw.decode("utf-8", errors="replace")
        return self._decoded[source_id]

    languages: dict[str, str] = field(default_factory=dict)
    quotes: dict[str, str] = field(default_factory=dict)
    quote_index: tuple | None = None  # (claim ids, quotes or null) as Arrow arrays, from screened claims
    quote_index_valid: object = None
    wholes: dict[str, tuple[str, str | None, int | None, str | None]] = field(default_factory=dict)


def _row_findings(
    table: Table,
    row: dict,
    ctx: TableContext,
    subtypes: dict[str, str],
    root: Path,
    allow_outside: bool,
    facts: dict | None = None,
) -> list[rules.Finding]:
    name = table.name
    language = ctx.languages.get(str(row["source_id"])) if name == "claims" else None
    out = rules.record_findings(name, row, language, subtypes)
    if name == "sources":
        raw, why, code = source_text(root, row.get("text_path"), allow_outside, ctx.real_dirs)
        text_file, shown = root / str(row.get("text_path")), row.get("text_path")
        if raw is None and why is None and row.get("text_path") is None:  # a text that is not shipped
            if ctx.texts is None:
                ctx.unchecked.append(str(row["source_id"]))
            else:
                raw, missing = local_text(ctx.texts, row["source_id"])
                text_file = ctx.texts / f"{row['source_id']}.txt"
                shown = show_value(str(text_file))
                if missing:
                    out.append(
                        rules.Finding(
                            "file-missing",
                            "source_id",
                            f"the text of this source is not shipped and {missing}; put a copy of the text itself there, byte for byte.",
                        )
                    )
        if why:
            out.append(
                rules.Finding(
                    code,
                    "text_path",
                    f"{show_value(row.get('text_path'))} {why}.",
                )
            )
        elif raw is not None:
            if rules.sha256_of(raw) != row.get("text_sha256"):
                out.append(
                    rules.Finding(
                        "text-sha256-mismatch",
                        "text_sha256",
                        f"the text at {shown} has SHA-256 {rules.sha256_of(raw)}, not the one recorded.",
                    )
                )
            ctx.text_paths[str(row["source_id"])] = text_file
        ctx.languages[str(row["source_id"])] = str(row.get("language"))
    elif name == "claims":
        ctx.quotes[str(row["claim_id"])] = str(row["quote"])
        out += rules.quote_findings(row, ctx.text(str(row["source_id"])))
    elif name == "quantities":
        quote = facts["quote"] if facts and "quote" in facts else ctx.quote_of(str(row["claim_id"]))
        out += rules.wording_findings(row, quote)
        ctx.wholes[str(row["quantity_id"])] = (
            str(row["claim_id"]),
            row.get("qualifier"),
            row.get("value"),
            row.get("measure"),
        )  # type: ignore[arg-type]
    return out


class RowChecker:
    """Checks one table's records in order: cells, keys, references and rules, with exact messages.

    The streaming path feeds it every record; the vectorised path (``fastcheck``)
    feeds it only the records its screening flags, so both give the same findings.
    """

    def __init__(
        self, rel: str, table: Table, ctx: TableContext, out: Collector, root: Path, allow_outside: bool
    ) -> None:
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
        self.out.add(
            Problem(
                self.rel,
                1,
                None,
                bad,
                "header-mismatch",
                f"the header is {show_value(','.join(cells))}; it must be {','.join(names)}. Rebuild the table with `make build`.",
            )
        )
        self.ctx.keys[self.table.name] = None
        return False

    def duplicate(self, line: int, pk: str) -> None:
        self.out.add(
            Problem(
                self.rel,
                line,
                None,
                self.table.primary_key,
                "duplicate-id",
                f"{show_value(pk)} is already used on an earlier line; ids are unique.",
            )
        )

    def dangling(self, line: int, f: schema.Field, value: str) -> None:
        where = "this table" if f.references == self.table.name else f"{f.references}.csv"
        self.out.add(
            Problem(
                self.rel,
                line,
                None,
                f.name,
                "dangling-reference",
                f"{show_value(value)} is not an id in {where}; define it there or correct the id.",
            )
        )

    def row(self, line: int, cells: list[str], damaged: bool = False, facts: dict | None = None) -> bool:
        """Check one record; True when its cells are sound (so its rules were checked).

        ``facts`` comes from the vectorised path, which settles ids itself: ``refs`` maps a
        field to whether its id exists (self-references and duplicates are settled later)."""
        rel, out, table = self.rel, self.out, self.table
        if len(cells) != len(table.fields):
            out.add(
                Problem(
                    rel,
                    line,
                    None,
                    None,
                    "row-width",
                    f"has {len(cells)} cells; the header has {len(table.fields)}. Check for a missing or extra comma.",
                )
            )
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

    def report(self, line: int, finding: rules.Finding) -> None:
        """A finding the vectorised path settled itself, on the record at ``line``."""
        self.out.add(Problem(self.rel, line, None, finding.field, finding.code, finding.message))

    def pending_wholes(self) -> list[str]:
        """The wholes (part_of) of parts whose rules wait for the whole table (judged by ``finish``)."""
        return [str(row["part_of"]) for _, row in self.parts_pending]

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


def check_table(
    root: Path,
    rel: str,
    table: Table,
    ctx: TableContext,
    out: Collector,
    allow_outside: bool,
    fast: bool = True,
    data: bytes | bytearray | None = None,
) -> None:
    """Check one table: the file at ``rel``, or ``data``, the table as built in memory (findings name ``rel``)."""
    path = root / rel
    try:
        size = len(data) if data is not None else regular_size(path) if rel else -1
    except Refused as exc:
        message = (
            f"the {table.name} table does not exist; run `make build`."
            if exc.reason == "does not exist"
            else f"the {table.name} table {exc.reason}; run `make build`."
        )
        out.add(Problem(rel, None, None, None, "file-missing", message))
        size = -1
    if size < 0:
        ctx.keys[table.name] = None
        return
    if size == 0:
        out.add(Problem(rel, None, None, None, "empty-file", "is empty, not even a header; run `make build`."))
        ctx.keys[table.name] = None
        return
    if fast and size >= FAST_MIN_BYTES:
        from . import fastcheck  # pyarrow is imported only for large tables

        # Findings are held back until the screening has read the whole file: a file it cannot
        # parse is streamed instead, and its findings must not be reported twice.
        trial = Collector(max(1, out.limit - len(out.problems)))
        try:
            screened = fastcheck.check(path, RowChecker(rel, table, ctx, trial, root, allow_outside), data)
        except Full:
            # More findings than --max-errors: which come first is the streaming path's answer (the
            # screen finds them in another order: repeated ids at the end, clean records' first).
            screened = False
        except Exception:  # the screening is an optimisation: on any surprise, the streaming path decides
            screened = False
        if screened:
            out.extend(trial.problems)
            return
    checker = RowChecker(rel, table, ctx, out, root, allow_outside)
    reader = CsvFile(path, rel, data=data)
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
    except Refused as exc:
        out.add(Problem(rel, None, None, None, "file-missing", f"cannot be read: {exc.reason}."))
    except OSError as exc:
        out.add(Problem(rel, None, None, None, "file-missing", f"cannot be read: {exc.strerror}."))


def holds(path: Path, data: bytes | bytearray) -> bool:
    """Whether ``path`` is a regular file holding exactly ``data``, compared a block at a time as it is read."""
    try:
        with reading(path) as handle:
            view, at = memoryview(data), 0
            while block := handle.read(8 << 20):
                if view[at : at + len(block)] != block:
                    return False
                at += len(block)
            return at == len(data)
    except (Refused, OSError):
        return False


def built_tables(reports: list[dict], version: str) -> dict[str, bytes | bytearray]:
    """What ``build`` writes for ``reports``, as bytes (a lone surrogate, which no UTF-8 table can hold, is kept
    as its surrogatepass bytes, so the table differs there rather than the validator failing)."""
    builder = Builder(version, errors="surrogatepass")
    for report in sorted(reports, key=lambda r: r["source"]["source_id"]):
        builder.add(report)
    return builder.finish()[0]


def check_up_to_date(root: Path, paths: dict[str, str], reports: list[dict], out: Collector, version: str) -> None:
    check_built(root, paths, built_tables(reports, version), out, version)


def check_built(
    root: Path,
    paths: dict[str, str],
    built: dict[str, bytes | bytearray],
    out: Collector,
    version: str,
    same: set[str] = frozenset(),  # type: ignore[assignment]
) -> None:
    """Each table file holds exactly the bytes ``build`` writes (``built``), or its first differing line is
    reported. ``same``: tables already found to hold them (their bytes may have been let go)."""
    for tb in schema.tables(version):
        if tb.name in same:
            continue
        rel = paths.get(tb.name) or ""
        path = root / rel
        try:
            if not rel or regular_size(path) == 0:
                continue  # reported as missing or empty already
        except Refused:
            continue
        if holds(path, built[tb.name]):
            continue
        want = bytes(built[tb.name]).split(b"\n")
        with reading(path) as handle:
            for number, got in enumerate(handle, start=1):
                if number > len(want) - 1 or got.rstrip(b"\n") != want[number - 1] or not got.endswith(b"\n"):
                    out.add(
                        Problem(
                            rel,
                            number,
                            None,
                            None,
                            "table-out-of-date",
                            f"line {number} differs from what `make build` writes from {REPORTS_DIR}/; edit the report, not the table, and run `make build`.",
                        )
                    )
                    break
            else:
                if number < len(want) - 1:
                    out.add(
                        Problem(
                            rel,
                            number + 1,
                            None,
                            None,
                            "table-out-of-date",
                            f"the table ends at line {number}, but the reports give {len(want) - 1} lines; run `make build`.",
                        )
                    )


RELEASED = "schema/released"
WITHDRAWN = "data/withdrawn.csv"


def _csv_rows(root: Path, rel: str, out: Collector) -> list[dict] | None:
    """The rows of a small CSV file of the package (a manifest, the withdrawn list); None, with a finding, when
    it cannot be read: it is read through the same door as every other file, so a symlink out is refused."""
    import csv
    import io

    try:
        text = read_inside(root, rel).decode("utf-8")
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
    except Refused as exc:
        out.add(Problem(rel, None, None, None, exc.code, f"cannot be read: {exc.reason}."))
        return None
    except UnicodeDecodeError as exc:
        out.add(
            Problem(rel, None, None, None, "encoding-error", f"byte {exc.start} is not valid UTF-8; save it as UTF-8.")
        )
        return None
    except csv.Error as exc:
        out.add(Problem(rel, None, None, None, "csv-syntax", f"the CSV cannot be parsed ({exc})."))
        return None
    return [r for r in rows if isinstance(r.get("table"), str) and isinstance(r.get("id"), str)]


def check_released_ids(root: Path, paths: dict[str, str], ctx: TableContext, out: Collector) -> None:
    """Ids of every released version still exist, or are listed as withdrawn (only in a package that
    keeps its release manifests, as this repository does: its history is what is checked)."""
    folder = root / RELEASED
    if not folder.is_dir() or unsafe_reason(root, RELEASED):
        return
    withdrawn = set()
    if os.path.lexists(root / WITHDRAWN):
        withdrawn = {(r.get("table"), r.get("id")) for r in _csv_rows(root, WITHDRAWN, out) or []}
    try:
        manifests = sorted(p.name for p in folder.iterdir() if p.name.endswith(".ids.csv"))
    except OSError:
        return
    known = {t.name for t in schema.tables(ctx.version)}
    for name in manifests:
        release = name.removesuffix(".ids.csv")
        for row in _csv_rows(root, f"{RELEASED}/{name}", out) or []:
            table, value = row.get("table"), row.get("id")
            if table not in known or (table, value) in withdrawn or ctx.knows(table, value) is not False:
                continue
            pk = schema.table(table, ctx.version).primary_key
            out.add(
                Problem(
                    paths.get(table) or f"data/{table}.csv",
                    None,
                    None,
                    pk,
                    "id-removed",
                    f"{show_value(value)} was in release {release} and is gone; ids are never deleted: restore it (a claim can be marked retracted) or list it in {WITHDRAWN} with the reason.",
                )
            )
