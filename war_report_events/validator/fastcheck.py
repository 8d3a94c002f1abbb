"""Vectorised screening of large tables with pyarrow.

Every check of ``rules`` is first run as a column-wise test that may flag too
much but never too little; only flagged records go through ``RowChecker.row``,
which gives the exact findings. The rest update keys and context in bulk. So a
table's findings are those of the streaming path, at a fraction of the cost.

Files that are unusual at the byte level (BOM, CR, control characters, invalid
UTF-8, ragged rows, unparsable quoting) return False: the caller streams them.
"""

from __future__ import annotations

import bisect
import csv
import itertools
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..standard.schema import Field, Table
from . import rules
from .errors import Problem
from .loading import MAX_CELL

ORDINARY_BYTES = b"\t\n" + bytes(range(32, 127)) + bytes(range(128, 256))


# Arrays and scalars are built from buffers, never with pa.array or pa.scalar: their first call
# imports pandas (0.15 s, a tenth of a 300,000-row validation) only to ask whether the input
# is a pandas object. A test checks that validating a large package never imports pandas.


def _strings(values: list[str]) -> pa.Array:
    encoded = [v.encode("utf-8") for v in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in encoded], out=offsets[1:])
    if offsets[-1] >= 2**31:
        raise ValueError("strings too long for one Arrow array")  # the caller streams the table
    return pa.StringArray.from_buffers(
        len(encoded), pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(b"".join(encoded))
    )


def _bools(mask: np.ndarray) -> pa.Array:
    return pa.Array.from_buffers(
        pa.bool_(), len(mask), [None, pa.py_buffer(np.packbits(mask.astype(bool), bitorder="little"))]
    )


def _ints(values: np.ndarray) -> pa.Array:
    values = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(values), [None, pa.py_buffer(values)])


_SCALARS: dict[tuple[type, object], pa.Scalar] = {}


def _lit(value: str | int | bool) -> pa.Scalar:
    """A string, integer or boolean as an Arrow scalar (see above: not pa.scalar)."""
    key = (type(value), value)
    if key not in _SCALARS:
        if isinstance(value, bool):
            _SCALARS[key] = _bools(np.array([value]))[0]
        elif isinstance(value, int):
            _SCALARS[key] = _ints(np.array([value]))[0]
        else:
            _SCALARS[key] = _strings([value])[0]
    return _SCALARS[key]


def _null(type_: pa.DataType) -> pa.Scalar:
    return pa.nulls(1, type=type_)[0]


def _scan(path: Path) -> tuple[bool, bool, int] | None:
    """(has tabs, last byte is LF, number of LFs) from one pass over the bytes, a block at a time;
    None when a byte needs the streaming path (BOM, CR, other control characters)."""
    tabs, breaks, last = False, 0, b""
    with open(path, "rb") as handle:
        head = handle.read(3)
        if head == b"\xef\xbb\xbf":
            return None
        handle.seek(0)
        while block := handle.read(16 << 20):
            if block.translate(None, ORDINARY_BYTES):  # deleting every ordinary byte leaves the odd ones
                return None
            tabs = tabs or b"\t" in block
            breaks += block.count(b"\n")
            last = block[-1:]
    return tabs, last == b"\n", breaks


def _reader(path: Path, table: Table):
    """A streaming reader of the records as strings, or None when the header is not the schema's."""
    with open(path, "rb") as handle:
        first = handle.readline()
    try:
        header = next(csv.reader([first.decode("utf-8")]))
    except (UnicodeDecodeError, StopIteration, csv.Error):
        return None
    if tuple(header) != table.names:
        return None
    return pacsv.open_csv(
        pa.OSFile(str(path)),
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


def _or(a: pa.Array | None, b: pa.Array) -> pa.Array:
    return b if a is None else pc.or_(a, b)


def _cell_suspects(
    f: Field, col: pa.ChunkedArray, tabs: bool, breaks: bool, referenced: bool = False
) -> pa.ChunkedArray:
    """Cells that might fail cell_value or text_findings. ``referenced``: the caller flags every
    value that is not an id of the referenced table, whose ids were all checked, so the
    pattern needs no second check here."""
    empty = pc.equal(col, _lit(""))
    bad = empty if f.required else None
    filled = pc.invert(empty)
    if f.type == "integer":
        bad = _or(bad, pc.and_(filled, pc.invert(_digits(col))))
    elif f.type == "date":
        parsed = pc.strptime(col, format="%Y-%m-%d", unit="s", error_is_null=True)
        shape = pc.match_substring_regex(col, r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
        # strptime rolls 30 February over into 1 March: a real date keeps the day it was written with.
        written_day = pc.cast(pc.if_else(shape, pc.utf8_slice_codeunits(col, 8, 10), _lit("0")), pa.int64())
        real = pc.fill_null(pc.equal(pc.day(parsed), written_day), _lit(False))
        bad = _or(bad, pc.and_(filled, pc.or_(pc.invert(real), pc.invert(shape))))
        bad = _or(bad, pc.starts_with(col, "0000"))  # strptime takes year 0; Python's dates begin at year 1
    else:
        if f.enum is not None:
            bad = _or(bad, pc.and_(filled, pc.invert(pc.is_in(col, value_set=_strings(list(f.enum))))))
        if f.pattern and not referenced:
            bad = _or(bad, pc.and_(filled, pc.invert(pc.match_substring_regex(col, f.pattern))))
        if f.max_length is not None:  # bytes are never fewer than characters: RowChecker counts exactly
            bad = _or(bad, pc.greater(pc.binary_length(col), _lit(f.max_length)))
        if not f.free_text and tabs:
            bad = _or(bad, pc.match_substring(col, "\t"))
        if not f.free_text and breaks:
            bad = _or(bad, pc.match_substring(col, "\n"))
        if f.enum is None and not f.pattern:
            for start in rules.FORMULA:
                bad = _or(bad, pc.starts_with(col, start))
        if not f.verbatim:
            bad = _or(bad, pc.not_equal(pc.utf8_normalize(col, form="NFC"), col))
        bad = _or(bad, pc.starts_with(col, "TODO"))
    return bad if bad is not None else pc.equal(col, col)  # never None in practice


def _digits(col: pa.Array) -> pa.Array:
    """Cells that are 1 to 11 ASCII digits (what an integer cell may be, before its range)."""
    return pc.and_(pc.ascii_is_decimal(col), pc.less_equal(pc.binary_length(col), _lit(11)))


def _given(col: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.not_equal(col, _lit(""))


def _shape_mismatch(key: pa.Array, cells: list[pa.Array], shapes: dict[str, tuple[bool, ...]]) -> np.ndarray:
    """Records whose key (a date precision, a qualifier) does not take the cells that are given,
    or whose key has no shape at all. Keys are few: each is looked up once per batch."""
    encoded = pc.dictionary_encode(key)
    given = sum(
        (_to_numpy(_given(c)).astype(np.int64) << k for k, c in enumerate(cells)), np.zeros(len(key), dtype=np.int64)
    )
    wanted = np.array(
        [
            sum(int(b) << k for k, b in enumerate(shapes[v])) if v in shapes else -1
            for v in encoded.dictionary.to_pylist()
        ],
        dtype=np.int64,
    )
    return wanted[_numbered(encoded.indices)] != given


def _rule_suspects(table: Table, t: pa.Table, subtypes: dict[str, str]) -> pa.ChunkedArray | None:
    """Records that might break a row rule of ``rules`` (a superset, confirmed in Python)."""
    name = table.name
    if name == "events":
        start, end, precision = t["date_start"], t["date_end"], t["date_precision"]
        both = pc.and_(_given(start), _given(end))
        bad = pc.and_(both, pc.less(end, start))
        bad = pc.or_(bad, _bools(_shape_mismatch(precision, [start, end], rules.DATE_SHAPES)))
        bad = pc.or_(bad, pc.and_(pc.equal(precision, _lit("day")), pc.not_equal(start, end)))
        bad = pc.or_(bad, pc.and_(pc.equal(precision, _lit("days")), pc.equal(start, end)))
        same_month = pc.equal(pc.utf8_slice_codeunits(start, 0, 7), pc.utf8_slice_codeunits(end, 0, 7))
        end_day = pc.cast(
            pc.strptime(
                pc.if_else(_given(end), end, _lit("2000-01-01")), format="%Y-%m-%d", unit="s", error_is_null=True
            ),
            pa.date32(),
        )
        next_day = pc.cast(pc.add(pc.cast(end_day, pa.int32()), pc.cast(_lit(1), pa.int32())), pa.date32())
        month_end = pc.not_equal(pc.month(end_day), pc.month(next_day))
        month_ok = pc.and_(pc.and_(pc.ends_with(start, "-01"), same_month), month_end)
        bad = pc.or_(bad, pc.and_(pc.equal(precision, _lit("month")), pc.invert(pc.fill_null(month_ok, _lit(False)))))
        same_year = pc.equal(pc.utf8_slice_codeunits(start, 0, 4), pc.utf8_slice_codeunits(end, 0, 4))
        year_ok = pc.and_(pc.and_(pc.ends_with(start, "-01-01"), pc.ends_with(end, "-12-31")), same_year)
        bad = pc.or_(bad, pc.and_(pc.equal(precision, _lit("year")), pc.invert(year_ok)))
        bad = pc.or_(
            bad, pc.not_equal(pc.equal(t["place_id"], _lit("")), pc.equal(t["place_precision"], _lit("unknown")))
        )
        pairs = pc.binary_join_element_wise(t["event_subtype"], t["event_type"], _lit("|"))
        valid = _strings([f"{s}|{k}" for s, k in subtypes.items()])
        bad = pc.or_(bad, pc.and_(_given(t["event_subtype"]), pc.invert(pc.is_in(pairs, value_set=valid))))
        if "time_start" in t.column_names:  # schema 0.2.0: clock times need their wording; no event is its parent
            timed = pc.or_(_given(t["time_start"]), _given(t["time_end"]))
            bad = pc.or_(bad, pc.and_(timed, pc.invert(_given(t["time_wording"]))))
            bad = pc.or_(bad, pc.and_(_given(t["parent_event_id"]), pc.equal(t["parent_event_id"], t["event_id"])))
        return bad
    if name == "claims":
        return pc.not_equal(pc.equal(t["claim_date"], _lit("")), pc.equal(t["claim_date_precision"], _lit("unknown")))
    if name == "quantities":
        numbers = ("value", "lower", "upper")
        shapes = {q: tuple(c in want for c in numbers) for q, want in rules.QUALIFIER_NUMBERS.items()}
        bad = _bools(_shape_mismatch(t["qualifier"], [t[c] for c in numbers], shapes))
        number = {c: pc.cast(pc.if_else(_digits(t[c]), t[c], _lit("0")), pa.int64()) for c in numbers}
        bounded = pc.is_in(t["qualifier"], value_set=_strings(["range", "estimate"]))
        bad = pc.or_(bad, pc.and_(bounded, pc.greater(number["lower"], number["upper"])))
        outside = pc.or_(pc.less(number["value"], number["lower"]), pc.greater(number["value"], number["upper"]))
        bad = pc.or_(bad, pc.and_(pc.equal(t["qualifier"], _lit("estimate")), outside))
        if "unit" in t.column_names:  # schema 0.2.0: a unit exactly for durations; all/none name their whole
            bad = pc.or_(bad, pc.not_equal(pc.equal(t["measure"], _lit("duration")), _given(t["unit"])))
            relative = pc.is_in(t["qualifier"], value_set=_strings(list(rules.RELATIVE)))
            unnamed = pc.and_(pc.invert(_given(t["part_of"])), pc.invert(_given(t["subject_detail"])))
            bad = pc.or_(bad, pc.and_(relative, unnamed))
        return bad
    return None


# Arrow arrays become numpy arrays through their buffers: to_numpy, too, imports pandas.


def _to_numpy(mask: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Booleans as a numpy array, null as False."""
    if isinstance(mask, pa.ChunkedArray):
        mask = mask.combine_chunks()
    if not len(mask):
        return np.zeros(0, dtype=bool)
    if mask.null_count:
        mask = pc.fill_null(mask, _lit(False))
    bits = np.frombuffer(mask.buffers()[1], dtype=np.uint8)
    return np.unpackbits(bits, bitorder="little", count=mask.offset + len(mask))[mask.offset :].astype(bool)


def _numbered(values: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Integers (positions, counts) as int64, -1 where null (a position not found)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    values = pc.cast(values, pa.int64())
    if not len(values):
        return np.zeros(0, dtype=np.int64)
    if values.null_count:
        values = pc.fill_null(values, _lit(-1))
    return np.frombuffer(values.buffers()[1], dtype=np.int64, count=values.offset + len(values))[values.offset :]


def _free_text_breaks(batch: pa.RecordBatch, table: Table) -> np.ndarray:
    """Line breaks inside each record's free-text cells (the only cells that may hold them)."""
    out = np.zeros(batch.num_rows, dtype=np.int64)
    for f in table.fields:
        if f.free_text:
            out += _numbered(pc.count_substring(batch[f.name], "\n"))
    return out


def _exists(values: pa.Array, ids: pa.Array, positions: pa.Array | None) -> pa.Array:
    if positions is not None:
        return pc.is_valid(positions)
    if len(ids) > 50_000:  # a large table of ids: probe it rather than hash it again for every batch
        return pc.is_valid(_positions(values, ids))
    return pc.is_in(values, value_set=ids)


def _positions(values: pa.Array, ids: pa.Array) -> pa.Array:
    """Where each value stands in ``ids`` (null: not there), like index_in, but hashing only the
    batch's distinct values and probing the ids: cheaper than hashing every id batch after batch."""
    where = pc.indices_nonzero(pc.is_in(ids, value_set=pc.unique(values)))
    found = pc.index_in(values, value_set=pc.take(ids, where))
    return pc.take(where, found)


def _present(ids: pa.Array, references: pa.Array) -> pa.Array:
    """The referenced values that are ids. Hashing the few distinct references and probing the
    many ids is cheaper than hashing every id (most self-references, such as part_of, are empty)."""
    wanted = pc.unique(pc.filter(references, _given(references)))
    return pc.filter(ids, pc.is_in(ids, value_set=wanted)) if len(wanted) else wanted


def _later_duplicates(pk: pa.Array) -> np.ndarray:
    """Indices, ascending, of records whose id was used by an earlier record.

    A stable sort puts equal ids side by side in file order; it is several times cheaper than
    hashing (value_counts), above all for ids already in order, as ``make build`` writes them."""
    if len(pk) < 2 or not pc.any(pc.greater_equal(pk.slice(0, len(pk) - 1), pk.slice(1))).as_py():
        return np.zeros(0, dtype=np.int64)  # strictly ascending, as built: no id repeats
    order = pc.sort_indices(pk)
    ranked = pk.take(order)
    same = _to_numpy(pc.equal(ranked.slice(1), ranked.slice(0, len(ranked) - 1)))
    return np.sort(_numbered(order)[1:][same])


BATCH = 1 << 16
BLOCK = 2 << 20  # bytes parsed per batch: as fast as 8 MiB here, and about 30 MiB less at the peak


class Quotes:
    """Each quantity's claim quote, looked up without copying a million strings: an index into the
    quotes of claims screened clean, and the few quotes of claims checked one by one."""

    def __init__(self, claim_ids: pa.Array, ctx, index: pa.Array | None = None) -> None:
        self.texts = None
        self.index = pa.nulls(len(claim_ids), type=pa.int32())
        if ctx.quote_index is not None:
            ids, self.texts = ctx.quote_index  # every claim id, with its quote or null
            self.index = index if index is not None else pc.index_in(claim_ids, value_set=ids)
            has_quote = pc.take(ctx.quote_index_valid, self.index)  # booleans: no quote strings copied
            self.index = pc.if_else(pc.fill_null(has_quote, _lit(False)), self.index, _null(self.index.type))
        self.others: list[tuple[int, str]] = []  # (record, quote), ascending
        if ctx.quotes:  # claims that went through the exact checks (few, or a streamed table)
            missing = np.flatnonzero(_to_numpy(pc.is_null(self.index)))
            cids = claim_ids.take(_ints(missing)).to_pylist()
            self.others = [(int(i), ctx.quotes[cid]) for i, cid in zip(missing, cids) if cid in ctx.quotes]

    def slice(self, lo: int, n: int) -> list[str | None]:
        n = max(0, min(n, len(self.index) - lo))
        found: list[str | None] = [None] * n
        if self.texts is not None and n:
            # Several quantities share a claim: convert each distinct quote once.
            at = _numbered(self.index.slice(lo, n))
            distinct, which = np.unique(at, return_inverse=True)
            known = distinct >= 0
            texts = self.texts.take(_ints(distinct[known])).to_pylist()
            table = ([None] if not known[0] else []) + texts  # -1 (no quote), if any, sorts first
            found = [table[k] for k in which.tolist()]
        first = bisect.bisect_left(self.others, (lo, ""))
        for i, quote in self.others[first : bisect.bisect_left(self.others, (lo + n, ""))]:
            found[i - lo] = quote
        return found

    def at(self, i: int) -> str | None:
        return self.slice(i, 1)[0]


def _known_ids(target) -> pa.Array:
    return target if isinstance(target, pa.Array) else _strings(sorted(target))


def _screen(
    batch: pa.RecordBatch, table: Table, ctx, subtypes: dict[str, str], tabs: bool, referenced: set[str]
) -> np.ndarray:
    """Records of one batch whose cells or rules need the exact checks (a superset)."""
    suspect = np.zeros(batch.num_rows, dtype=bool)
    for f in table.fields:
        suspect |= _to_numpy(_cell_suspects(f, batch[f.name], tabs, False, f.name in referenced))
    rule = _rule_suspects(table, batch, subtypes)
    if rule is not None:
        suspect |= _to_numpy(rule)
    if table.name == "claims":
        _screen_quotes(batch, suspect, ctx)
    return suspect


def _screen_quotes(batch: pa.RecordBatch, suspect: np.ndarray, ctx) -> None:
    """Flag claims whose quote is not their text at their offsets (claims come grouped by source)."""
    rows = np.flatnonzero(~suspect)
    if not len(rows):
        return
    taken = _ints(rows)
    sources, quotes = (batch[n].take(taken).to_pylist() for n in ("source_id", "quote"))
    # Offsets of records screened clean are integers; a stray one read as 0 is flagged, never missed.
    starts, ends = (
        _numbered(pc.cast(pc.if_else(_digits(c), c, _lit("0")), pa.int64())).tolist()
        for c in (batch["quote_start"].take(taken), batch["quote_end"].take(taken))
    )
    wrong: list[int] = []
    for source, run in itertools.groupby(range(len(rows)), key=sources.__getitem__):
        text = ctx.text(source)
        if text is not None:
            wrong.extend(k for k in run if text[starts[k] : ends[k]] != quotes[k])
    suspect[rows[wrong]] = True


def _concat(chunks: list[pa.Array]) -> pa.Array:
    if not chunks:
        return _strings([])
    if isinstance(chunks[0], pa.DictionaryArray):  # batches encode with their own dictionaries
        return pa.chunked_array(chunks).unify_dictionaries().combine_chunks()
    return pa.concat_arrays(chunks)


def check(path: Path, checker) -> bool:
    """Screen the table, check flagged records exactly; False when the file must be streamed.

    One pass reads the file a batch at a time: cells, rules and references to earlier tables
    are screened per batch, flagged records checked exactly at once; only compact columns
    (ids, self-references, what parts need) are kept for the checks that need the whole table.
    Findings go to the checker's collector, which the caller discards if this returns False.
    """
    table: Table = checker.table
    if table.name in ("sources", "actors", "places"):
        return False  # few rows, checked against texts and ISO lists row by row: streaming is as fast
    scanned = _scan(path)
    if scanned is None or not scanned[1]:
        return False
    tabs, _, line_feeds = scanned
    reader = _reader(path, table)
    if reader is None:
        return False
    ctx = checker.ctx
    outward = [
        f
        for f in table.fields
        if f.references and f.references != table.name and ctx.keys.get(f.references) is not None
    ]
    known = {f.name: _known_ids(ctx.keys[f.references]) for f in outward}
    self_fields = [f for f in table.fields if f.references == table.name]
    kept: dict[str, list] = {name: [] for name in {table.primary_key, *(f.name for f in self_fields)}}
    if table.name == "quantities":
        kept.update({name: [] for name in ("quantity_id", "claim_id", "qualifier", "value", "part_of")})
    quote_texts, masks, all_lines = [], [], []
    rows, next_line, breaks_total = 0, 2, 0
    try:
        for batch in _stream(reader):
            if any((pc.max(pc.binary_length(batch[n])).as_py() or 0) > MAX_CELL for n in table.names):
                return False  # streaming reports the oversized cell
            n = batch.num_rows
            breaks = _free_text_breaks(batch, table)
            # A record starts on the line after the previous one ended: quoted line breaks shift it.
            lines = next_line + np.arange(n, dtype=np.int64) + np.concatenate(([0], np.cumsum(breaks)[:-1]))
            next_line += n + int(breaks.sum())
            breaks_total += int(breaks.sum())
            suspect = _screen(batch, table, ctx, checker.subtypes, tabs, set(known))
            positions = {}
            if table.name == "quantities" and ctx.quote_index is not None and "claim_id" in known:
                # one hash of the claim ids answers both "does the claim exist" and "what is its quote"
                positions["claim_id"] = _positions(batch["claim_id"], ctx.quote_index[0])
            exists = {
                name: _to_numpy(
                    pc.or_(pc.equal(batch[name], _lit("")), _exists(batch[name], ids, positions.get(name)))
                )
                for name, ids in known.items()
            }
            for ok in exists.values():
                suspect |= ~ok  # dangling, or malformed: RowChecker tells which
            quotes = Quotes(batch["claim_id"], ctx, positions.get("claim_id")) if table.name == "quantities" else None
            clean = ~suspect
            if quotes is not None:
                _check_wordings(batch["wording"], quotes, clean, lines, checker)
            for i in np.flatnonzero(suspect):
                i = int(i)
                facts: dict = {"refs": {name: bool(ok[i]) for name, ok in exists.items()}}
                if quotes is not None:
                    facts["quote"] = quotes.at(i)
                checker.row(int(lines[i]), [batch[name][i].as_py() for name in table.names], facts=facts)
            for name, chunks in kept.items():
                column = batch[name]
                chunks.append(
                    pc.dictionary_encode(column)
                    if table.name == "quantities" and name in ("claim_id", "qualifier")
                    else column
                )
            if table.name == "claims":  # quotes of claims screened clean, null for the others
                quote_texts.append(pc.if_else(_bools(clean), batch["quote"], _null(pa.string())))
            masks.append(clean)
            all_lines.append(lines)
            rows += n
    except (pa.ArrowInvalid, pa.ArrowException):
        return False  # a ragged or unparsable record: the caller discards these findings and streams
    if line_feeds != rows + 1 + breaks_total:
        return False  # a line break in a cell that may not hold one: the streaming path reports it
    clean = np.concatenate(masks) if masks else np.zeros(0, dtype=bool)
    lines = np.concatenate(all_lines) if all_lines else np.zeros(0, dtype=np.int64)
    columns = {name: _concat(chunks) for name, chunks in kept.items()}
    del kept
    pk = columns[table.primary_key]
    later = _later_duplicates(pk)
    for i in later:
        checker.duplicate(int(lines[i]), pk[int(i)].as_py())
    if not checker.unsure:  # as when streaming: references into a table with an unreadable id are not judged
        for f in self_fields:
            column = columns[f.name]
            missing = pc.and_(_given(column), pc.invert(pc.is_in(column, value_set=_present(pk, column))))
            for i in np.flatnonzero(_to_numpy(missing)):
                value = column[int(i)].as_py()
                if clean[i] or not rules.cell_value(f, value)[1]:
                    checker.dangling(int(lines[i]), f, value)
    if table.name == "claims":
        ctx.quote_index = (pk, _concat(quote_texts))
        ctx.quote_index_valid = pc.is_valid(ctx.quote_index[1])
    if table.name == "quantities":
        _check_parts(columns, clean, lines, checker, later)
    checker.finish(False)
    if ctx.keys.get(table.name) is not None:
        ctx.keys[table.name] = pk  # compact: later tables test membership with Arrow
    pa.default_memory_pool().release_unused()
    return True


def _stream(reader):
    while True:
        try:
            yield reader.read_next_batch()
        except StopIteration:
            return


def _check_wordings(wordings: pa.Array, quotes: Quotes, clean: np.ndarray, lines: np.ndarray, checker) -> None:
    """Each clean quantity's wording occurs in its claim's quote (flagged records are checked by RowChecker)."""
    for lo in range(0, len(wordings), BATCH):
        ws, qs = wordings.slice(lo, BATCH).to_pylist(), quotes.slice(lo, BATCH)
        wrong = [
            j for j in np.flatnonzero(clean[lo : lo + BATCH]).tolist() if qs[j] is not None and ws[j] not in qs[j]
        ]
        for j in wrong:
            for x in rules.wording_findings({"wording": ws[j]}, qs[j]):
                checker.out.add(Problem(checker.rel, int(lines[lo + j]), None, x.field, x.code, x.message))


def _part_suspects(
    columns: dict[str, pa.Array], has_part: np.ndarray, clean: np.ndarray, later: np.ndarray
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
        _to_numpy(pc.is_in(ids, value_set=ids.take(_ints(later)))) if len(later) else np.zeros(len(ids), dtype=bool)
    )
    at = np.flatnonzero(has_part)
    whole = _numbered(_positions(columns["part_of"].take(_ints(at)), ids))
    exists = whole >= 0
    w = np.where(exists, whole, 0)
    claim = _numbered(claims.indices)  # one dictionary for the whole column: equal codes, equal ids
    exact = _to_numpy(pc.is_in(qualifiers.dictionary, value_set=_strings(["exact"])))[_numbered(qualifiers.indices)]
    number = _numbered(pc.cast(pc.if_else(_digits(values), values, _lit("0")), pa.int64()))
    unsure = (
        ~clean[w]
        | duplicated[w]
        | (w == at)
        | (claim[w] != claim[at])
        | (exact[at] & exact[w] & (number[at] > number[w]))
    )
    suspect = np.zeros(len(has_part), dtype=bool)
    suspect[at[exists & unsure]] = True
    return suspect


def _check_parts(
    columns: dict[str, pa.Array], clean: np.ndarray, lines: np.ndarray, checker, later: np.ndarray
) -> None:
    """Parts against their wholes, for clean records (the flagged ones went through RowChecker).
    ``later``: records whose id repeats an earlier one (from _later_duplicates)."""
    part_of = columns["part_of"]
    has_part = _to_numpy(_given(part_of)) & clean
    suspect = _part_suspects(columns, has_part, clean, later) if has_part.any() else has_part
    # Flagged records with a part_of are judged by checker.finish, against the same wholes.
    pending = [str(row["part_of"]) for _, row in checker.parts_pending]
    if not suspect.any() and not pending:
        return
    ids, claims, qualifiers, values = (
        columns["quantity_id"],
        columns["claim_id"],
        columns["qualifier"],
        columns["value"],
    )
    wanted = pc.unique(pa.concat_arrays([pc.filter(part_of, _bools(suspect)), _strings(pending)]))
    wholes = checker.ctx.wholes

    def as_int(text: str) -> int | None:
        return int(text) if text else None

    def picked(mask: np.ndarray) -> tuple[np.ndarray, list[list]]:
        at = np.flatnonzero(mask)
        taken = _ints(at)
        return at, [c.take(taken).to_pylist() for c in (ids, claims, qualifiers, values, part_of)]

    at, (i_ids, i_claims, i_quals, i_values, _) = picked(_to_numpy(pc.is_in(ids, value_set=wanted)) & clean)
    for k in range(len(at)):
        wholes[i_ids[k]] = (i_claims[k], i_quals[k], as_int(i_values[k]))
    at, (i_ids, i_claims, i_quals, i_values, i_parts) = picked(suspect)
    for k, i in enumerate(at):
        i = int(i)
        row = {
            "quantity_id": i_ids[k],
            "claim_id": i_claims[k],
            "qualifier": i_quals[k],
            "value": as_int(i_values[k]),
            "part_of": i_parts[k],
        }
        for x in rules.part_findings(row, wholes.get(row["part_of"])):
            checker.out.add(Problem(checker.rel, int(lines[i]), None, x.field, x.code, x.message))
