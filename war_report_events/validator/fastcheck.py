"""The vectorised path: large tables screened with pyarrow, then only flagged records checked exactly.

Every check of ``rules`` is first run as a column-wise screen (``screens``) that may flag too
much but never too little; only flagged records go through the streaming checker's ``row``,
which gives the exact findings. The rest update keys and context in bulk. So a table's findings
are those of the streaming path, at a fraction of the cost.

What this module may use of the streaming checker and its context is written down below as
``Checker`` and ``Context`` (typing protocols that ``tables.RowChecker`` and
``tables.TableContext`` satisfy): nothing else of theirs is touched here.

Files that are unusual at the byte level (BOM, CR, control characters, invalid UTF-8, ragged
rows, stray quotes) and tables whose records the screens flag for the most part return False:
the caller streams them, and discards what this found.

Over 400 lines on purpose: the driver of one table's screening (batches, keys, quotes, parts) is
one sequence of steps; the screens themselves are in ``screens``.
"""

from __future__ import annotations

import bisect
import csv
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..standard.schema import Field, Table
from . import rules
from . import screens as sc
from .loading import MAX_CELL


class Context(Protocol):
    """What earlier tables left for later ones (``tables.TableContext``)."""

    keys: dict[str, object]  # a table's ids: a set, an Arrow array, or None when not fully known
    languages: dict[str, str]  # source id -> language
    quotes: dict[str, str]  # claim id -> quote, for claims checked one by one
    quote_index: tuple | None  # (claim ids, quotes or null) as Arrow arrays, from screened claims
    quote_index_valid: object
    wholes: dict[str, tuple[str, str | None, int | None, str | None]]  # id -> (claim, qualifier, value, measure)

    def text(self, source_id: str) -> str | None: ...


class Checker(Protocol):
    """The streaming checker (``tables.RowChecker``) as the screen feeds it."""

    table: Table
    ctx: Context
    subtypes: dict[str, str]
    unsure: bool  # a record's id could not be read: references to the table are not judged

    def row(self, line: int, cells: list[str], damaged: bool = False, facts: dict | None = None) -> bool: ...
    def duplicate(self, line: int, pk: str) -> None: ...
    def dangling(self, line: int, f: Field, value: str) -> None: ...
    def report(self, line: int, finding: rules.Finding) -> None: ...
    def pending_wholes(self) -> list[str]: ...
    def finish(self, stopped: bool) -> None: ...


BATCH = 1 << 16
BLOCK = 2 << 20  # bytes parsed per batch: as fast as 8 MiB here, and about 30 MiB less at the peak
# A flagged record costs 5 to 25 times a streamed one (measured on valid records the screens flag):
# when they flag more than this share of the records so far, streaming the table is cheaper. Below
# FEW_ROWS records the cost does not matter, and tables of fixtures keep the vectorised path.
MOSTLY_FLAGGED = 0.5
FEW_ROWS = 1000


def _blocks(path: Path, data: bytes | bytearray | None = None) -> Iterator[bytes]:
    """The file's bytes, 16 MiB at a time (a table check_table has just checked through the door), or those of
    ``data``, a table made in memory (the tables as built from the reports)."""
    if data is not None:
        view = memoryview(data)
        for start in range(0, len(data), 16 << 20):
            yield bytes(view[start : start + (16 << 20)])
        return
    with open(path, "rb") as handle:
        while block := handle.read(16 << 20):
            yield block


def _reader(path: Path, table: Table, data: bytes | bytearray | None = None):
    """A streaming reader of the records as strings, or None when the header is not the schema's."""
    if data is not None:
        first = bytes(data[: data.find(b"\n") + 1 or len(data)])
    else:
        with open(path, "rb") as handle:
            first = handle.readline()
    try:
        header = next(csv.reader([first.decode("utf-8")]))
    except (UnicodeDecodeError, StopIteration, csv.Error):
        return None
    if tuple(header) != table.names:
        return None
    return pacsv.open_csv(
        pa.OSFile(str(path)) if data is None else pa.BufferReader(pa.py_buffer(data)),
        read_options=pacsv.ReadOptions(
            skip_rows=1, column_names=list(table.names), block_size=BLOCK, use_threads=False
        ),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in table.names},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


class Quotes:
    """Each quantity's claim quote, looked up without copying a million strings: an index into the
    quotes of claims screened clean, and the few quotes of claims checked one by one."""

    def __init__(self, claim_ids: pa.Array, ctx: Context, index: pa.Array | None = None) -> None:
        self.texts = None
        self.index = pa.nulls(len(claim_ids), type=pa.int32())
        if ctx.quote_index is not None:
            ids, self.texts = ctx.quote_index  # every claim id, with its quote or null
            self.index = index if index is not None else pc.index_in(claim_ids, value_set=ids)
            has_quote = pc.take(ctx.quote_index_valid, self.index)  # booleans: no quote strings copied
            self.index = pc.if_else(pc.fill_null(has_quote, sc.lit(False)), self.index, sc.null(self.index.type))
        self.others: list[tuple[int, str]] = []  # (record, quote), ascending
        if ctx.quotes:  # claims that went through the exact checks (few, or a streamed table)
            missing = np.flatnonzero(sc.to_numpy(pc.is_null(self.index)))
            cids = claim_ids.take(sc.ints(missing)).to_pylist()
            self.others = [(int(i), ctx.quotes[cid]) for i, cid in zip(missing, cids) if cid in ctx.quotes]

    def slice(self, lo: int, n: int) -> list[str | None]:
        n = max(0, min(n, len(self.index) - lo))
        found: list[str | None] = [None] * n
        if self.texts is not None and n:
            # Several quantities share a claim: convert each distinct quote once.
            at = sc.numbered(self.index.slice(lo, n))
            distinct, which = np.unique(at, return_inverse=True)
            known = distinct >= 0
            texts = self.texts.take(sc.ints(distinct[known])).to_pylist()
            table = ([None] if not known[0] else []) + texts  # -1 (no quote), if any, sorts first
            found = [table[k] for k in which.tolist()]
        first = bisect.bisect_left(self.others, (lo, ""))
        for i, quote in self.others[first : bisect.bisect_left(self.others, (lo + n, ""))]:
            found[i - lo] = quote
        return found

    def at(self, i: int) -> str | None:
        return self.slice(i, 1)[0]


def _known_ids(target) -> pa.Array:
    return target if isinstance(target, pa.Array) else sc.strings(sorted(target))


def _screen(batch: pa.RecordBatch, checker: Checker, tabs: bool, referenced: set[str], most: int) -> np.ndarray:
    """Records of one batch whose cells or rules need the exact checks (a superset)."""
    table, ctx = checker.table, checker.ctx
    suspect = np.zeros(batch.num_rows, dtype=bool)
    for f in table.fields:
        suspect |= sc.to_numpy(sc.cell_suspects(f, batch[f.name], tabs, most, f.name in referenced))
    rule = sc.rule_suspects(table, batch, checker.subtypes, ctx.languages, most)
    if rule is not None:
        suspect |= sc.to_numpy(rule)
    if table.name == "claims":
        _screen_quotes(batch, suspect, ctx, most)
    return suspect


def _screen_quotes(batch: pa.RecordBatch, suspect: np.ndarray, ctx: Context, most: int) -> None:
    """Flag claims whose quote is not their text at their offsets (claims come grouped by source)."""
    rows = np.flatnonzero(~suspect)
    if not len(rows):
        return
    taken = sc.ints(rows)
    sources, quotes = (batch[n].take(taken).to_pylist() for n in ("source_id", "quote"))
    # Offsets of records screened clean are integers; a stray one read as 0 is flagged, never missed.
    starts, ends = (sc.numbered(sc.number(batch[c].take(taken), most)).tolist() for c in ("quote_start", "quote_end"))
    wrong: list[int] = []
    for source, run in itertools.groupby(range(len(rows)), key=sources.__getitem__):
        text = ctx.text(source)
        if text is not None:
            wrong.extend(k for k in run if text[starts[k] : ends[k]] != quotes[k])
    suspect[rows[wrong]] = True


def check(path: Path, checker: Checker, data: bytes | bytearray | None = None) -> bool:
    """Screen the table, check flagged records exactly; False when the file must be streamed.

    One pass reads the file a batch at a time: cells, rules and references to earlier tables
    are screened per batch, flagged records checked exactly at once; only compact columns
    (ids, self-references, what parts need) are kept for the checks that need the whole table.
    Findings go to the checker, whose collector the caller discards if this returns False.
    """
    table: Table = checker.table
    if table.name in ("sources", "actors", "places"):
        return False  # few rows, checked against texts and ISO lists row by row: streaming is as fast
    scanned = sc.scan(_blocks(path, data))
    if scanned is None or not scanned[1]:
        return False
    tabs, _, line_feeds = scanned
    reader = _reader(path, table, data)
    if reader is None:
        return False
    ctx = checker.ctx
    most = sc.safe_digits(table.fields)
    quote_at = table.names.index("quote") if table.name == "claims" else -1
    outward = [
        f
        for f in table.fields
        if f.references and f.references != table.name and ctx.keys.get(f.references) is not None
    ]
    known = {f.name: _known_ids(ctx.keys[f.references]) for f in outward}
    self_fields = [f for f in table.fields if f.references == table.name]
    kept: dict[str, list] = {name: [] for name in {table.primary_key, *(f.name for f in self_fields)}}
    if table.name == "quantities":
        kept.update({name: [] for name in ("quantity_id", "claim_id", "qualifier", "value", "part_of", "measure")})
    quote_texts, masks, all_lines = [], [], []
    flagged_quotes: dict[int, str | None] = {}  # claims checked one by one: record -> quote if its cells are sound
    rows, next_line, breaks_total, flagged = 0, 2, 0, 0
    try:
        for batch in _stream(reader):
            if any((pc.max(pc.binary_length(batch[n])).as_py() or 0) > MAX_CELL for n in table.names):
                return False  # streaming reports the oversized cell
            n = batch.num_rows
            suspect = _screen(batch, checker, tabs, set(known), most)
            at = {}
            if table.name == "quantities" and ctx.quote_index is not None and "claim_id" in known:
                # one hash of the claim ids answers both "does the claim exist" and "what is its quote"
                at["claim_id"] = sc.positions(batch["claim_id"], ctx.quote_index[0])
            exists = {
                name: sc.to_numpy(pc.or_(pc.equal(batch[name], sc.lit("")), sc.exists(batch[name], ids, at.get(name))))
                for name, ids in known.items()
            }
            for ok in exists.values():
                suspect |= ~ok  # dangling, or malformed: RowChecker tells which
            flagged += int(suspect.sum())
            if rows + n >= FEW_ROWS and flagged > MOSTLY_FLAGGED * (rows + n):
                return False  # cheaper streamed; judged before this batch's exact checks, so little is lost
            flagged_at = np.flatnonzero(suspect)
            flagged_cells = [[batch[name][int(i)].as_py() for name in table.names] for i in flagged_at]
            breaks = sc.line_breaks(batch, table)
            for i, cells in zip(flagged_at, flagged_cells):  # breaks outside free text: flagged records only
                breaks[i] += sum(c.count("\n") for f, c in zip(table.fields, cells) if not f.free_text)
            # A record starts on the line after the previous one ended: quoted line breaks shift it.
            lines = next_line + np.arange(n, dtype=np.int64) + np.concatenate(([0], np.cumsum(breaks)[:-1]))
            next_line += n + int(breaks.sum())
            breaks_total += int(breaks.sum())
            quotes = Quotes(batch["claim_id"], ctx, at.get("claim_id")) if table.name == "quantities" else None
            clean = ~suspect
            if quotes is not None:
                _check_wordings(batch["wording"], quotes, clean, lines, checker)
            for i, cells in zip(flagged_at.tolist(), flagged_cells):
                facts: dict = {"refs": {name: bool(ok[i]) for name, ok in exists.items()}}
                if quotes is not None:
                    facts["quote"] = quotes.at(i)
                if checker.row(int(lines[i]), cells, facts=facts) and table.name == "claims":
                    flagged_quotes[rows + i] = cells[quote_at]
            for name, chunks in kept.items():
                column = batch[name]
                chunks.append(
                    pc.dictionary_encode(column)
                    if table.name == "quantities" and name in ("claim_id", "qualifier", "measure")
                    else column
                )
            if table.name == "claims":  # quotes of claims screened clean, null for the others
                quote_texts.append(pc.if_else(sc.bools(clean), batch["quote"], sc.null(pa.string())))
            masks.append(clean)
            all_lines.append(lines)
            rows += n
    except (pa.ArrowInvalid, pa.ArrowException):
        return False  # a ragged or unparsable record: the caller discards these findings and streams
    if line_feeds != rows + 1 + breaks_total:
        return False  # a line break the screens missed (none known): the streaming path tells where
    clean = np.concatenate(masks) if masks else np.zeros(0, dtype=bool)
    lines = np.concatenate(all_lines) if all_lines else np.zeros(0, dtype=np.int64)
    columns = {name: sc.concat(chunks) for name, chunks in kept.items()}
    del kept
    pk = columns[table.primary_key]
    later = sc.later_duplicates(pk)
    pk_field = table.field(table.primary_key)
    for i in later:
        value = pk[int(i)].as_py()
        if not rules.cell_value(pk_field, value)[1]:  # as when streaming: an unreadable id repeats nothing
            checker.duplicate(int(lines[i]), value)
    if not checker.unsure:  # as when streaming: references into a table with an unreadable id are not judged
        for f in self_fields:
            column = columns[f.name]
            missing = pc.and_(sc.given(column), pc.invert(pc.is_in(column, value_set=sc.present(pk, column))))
            for i in np.flatnonzero(sc.to_numpy(missing)):
                value = column[int(i)].as_py()
                if clean[i] or not rules.cell_value(f, value)[1]:
                    checker.dangling(int(lines[i]), f, value)
    if table.name == "claims":
        _index_quotes(ctx, pk, sc.concat(quote_texts), later, clean, flagged_quotes)
    if table.name == "quantities" and not checker.unsure:  # as when streaming: wholes unknown, parts not judged
        _check_parts(columns, clean, lines, checker, later)
    checker.finish(False)
    if ctx.keys.get(table.name) is not None:
        ctx.keys[table.name] = pk  # compact: later tables test membership with Arrow
    pa.default_memory_pool().release_unused()
    return True


def _index_quotes(
    ctx: Context, pk: pa.Array, texts: pa.Array, later: np.ndarray, clean: np.ndarray, flagged: dict[int, str | None]
) -> None:
    """Leave each claim's quote for the quantities: screened clean ones in an Arrow index, the rest in
    ``ctx.quotes``. A repeated claim id has, as when streaming, the quote of its last record whose
    cells are sound: it goes to ``ctx.quotes`` and out of the index, whose lookups find the first.
    ``flagged``: record -> its quote when the checker found its cells sound, else None."""
    if len(later):
        repeated = pk.take(sc.ints(later)).unique()
        every = np.flatnonzero(sc.to_numpy(pc.is_in(pk, value_set=repeated)))
        cids = pk.take(sc.ints(every)).to_pylist()
        quotes = texts.take(sc.ints(every)).to_pylist()
        last: dict[str, str | None] = dict.fromkeys(cids)
        for i, cid, quote in zip(every.tolist(), cids, quotes):
            if clean[i] or flagged.get(i) is not None:
                last[cid] = quote if clean[i] else flagged[i]
        for cid, quote in last.items():
            if quote is None:
                ctx.quotes.pop(cid, None)
            else:
                ctx.quotes[cid] = quote
        mask = np.zeros(len(pk), dtype=bool)
        mask[every] = True
        texts = pc.if_else(sc.bools(mask), sc.null(pa.string()), texts)
    ctx.quote_index = (pk, texts)
    ctx.quote_index_valid = pc.is_valid(texts)


def _stream(reader):
    while True:
        try:
            yield reader.read_next_batch()
        except StopIteration:
            return


def _check_wordings(
    wordings: pa.Array, quotes: Quotes, clean: np.ndarray, lines: np.ndarray, checker: Checker
) -> None:
    """Each clean quantity's wording occurs in its claim's quote (flagged records are checked by RowChecker)."""
    for lo in range(0, len(wordings), BATCH):
        ws, qs = wordings.slice(lo, BATCH).to_pylist(), quotes.slice(lo, BATCH)
        wrong = [
            j for j in np.flatnonzero(clean[lo : lo + BATCH]).tolist() if qs[j] is not None and ws[j] not in qs[j]
        ]
        for j in wrong:
            for x in rules.wording_findings({"wording": ws[j]}, qs[j]):
                checker.report(int(lines[lo + j]), x)


def _part_suspects(
    columns: dict[str, pa.Array], has_part: np.ndarray, clean: np.ndarray, later: np.ndarray, most: int
) -> np.ndarray:
    """Parts (records with part_of, screened clean) that might break a part rule: a superset.

    Settled here: the whole does not exist (no rule applies), or it is a clean record with a
    unique id, of the same claim, that the part does not exceed. Anything else is checked exactly."""
    ids, claims, qualifiers, values = (
        columns["quantity_id"],
        columns["claim_id"],
        columns["qualifier"],
        columns["value"],
    )
    duplicated = (
        sc.to_numpy(pc.is_in(ids, value_set=ids.take(sc.ints(later))))
        if len(later)
        else np.zeros(len(ids), dtype=bool)
    )
    at = np.flatnonzero(has_part)
    whole = sc.numbered(sc.positions(columns["part_of"].take(sc.ints(at)), ids))
    exists = whole >= 0
    w = np.where(exists, whole, 0)
    claim = sc.numbered(claims.indices)  # one dictionary for the whole column: equal codes, equal ids
    measure = sc.numbered(columns["measure"].indices)
    exact = sc.to_numpy(pc.is_in(qualifiers.dictionary, value_set=sc.strings([rules.EXACT])))[
        sc.numbered(qualifiers.indices)
    ]
    number = sc.numbered(sc.number(values, most))
    unsure = (
        ~clean[w]
        | duplicated[w]
        | (w == at)
        | (claim[w] != claim[at])
        | (measure[w] != measure[at])
        | (exact[at] & exact[w] & (number[at] > number[w]))
    )
    suspect = np.zeros(len(has_part), dtype=bool)
    suspect[at[exists & unsure]] = True
    return suspect


def _check_parts(
    columns: dict[str, pa.Array], clean: np.ndarray, lines: np.ndarray, checker: Checker, later: np.ndarray
) -> None:
    """Parts against their wholes, for clean records (the flagged ones went through RowChecker).
    ``later``: records whose id repeats an earlier one (from screens.later_duplicates)."""
    part_of = columns["part_of"]
    has_part = sc.to_numpy(sc.given(part_of)) & clean
    most = sc.safe_digits(checker.table.fields)
    suspect = _part_suspects(columns, has_part, clean, later, most) if has_part.any() else has_part
    # Flagged records with a part_of are judged by checker.finish, against the same wholes.
    pending = checker.pending_wholes()
    if not suspect.any() and not pending:
        return
    ids, claims, qualifiers, values, measures = (
        columns["quantity_id"],
        columns["claim_id"],
        columns["qualifier"],
        columns["value"],
        columns["measure"],
    )
    wanted = pc.unique(pa.concat_arrays([pc.filter(part_of, sc.bools(suspect)), sc.strings(pending)]))
    wholes = checker.ctx.wholes

    def as_int(text: str) -> int | None:
        return int(text) if text else None

    def picked(mask: np.ndarray) -> tuple[np.ndarray, list[list]]:
        at = np.flatnonzero(mask)
        taken = sc.ints(at)
        return at, [c.take(taken).to_pylist() for c in (ids, claims, qualifiers, values, part_of, measures)]

    at, (i_ids, i_claims, i_quals, i_values, _, i_measures) = picked(
        sc.to_numpy(pc.is_in(ids, value_set=wanted)) & clean
    )
    for k in range(len(at)):
        wholes[i_ids[k]] = (i_claims[k], i_quals[k], as_int(i_values[k]), i_measures[k])
    at, (i_ids, i_claims, i_quals, i_values, i_parts, i_measures) = picked(suspect)
    for k, i in enumerate(at):
        row = {
            "quantity_id": i_ids[k],
            "claim_id": i_claims[k],
            "qualifier": i_quals[k],
            "value": as_int(i_values[k]),
            "part_of": i_parts[k],
            "measure": i_measures[k],
        }
        for x in rules.part_findings(row, wholes.get(row["part_of"])):
            checker.report(int(lines[int(i)]), x)
