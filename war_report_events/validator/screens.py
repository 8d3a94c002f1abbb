"""Column-wise screens for ``fastcheck``: Arrow tests that may flag too much but never too little.

Each screen is derived from a definition in ``rules`` (cell constraints, control characters,
formula starts, placeholder, normal form, date and qualifier shapes, month and year spans), so a
rule changed there changes its screen; the exact findings always come from ``rules`` itself.
Also here: the byte-level scan that sends unusual files to the streaming path, and the helpers
that build Arrow arrays from buffers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..standard.schema import Field, Table
from . import rules

# ---------------------------------------------------------------- bytes


def _single_byte_ok(b: int) -> bool:
    c = chr(b)
    return b >= 0x80 or c not in rules.CONTROL_CHARACTERS or c in rules.FREE_TEXT_CONTROLS


#: Bytes that need no second look: deleting them from a block leaves only the odd ones (C0, DEL).
ORDINARY_BYTES = bytes(b for b in range(256) if _single_byte_ok(b))


def _encoded_class(chars: str) -> re.Pattern[bytes]:
    """A bytes pattern matching the UTF-8 encoding of any of ``chars`` that take several bytes."""
    by_lead: dict[bytes, list[int]] = {}
    for c in chars:
        raw = c.encode("utf-8")
        if len(raw) == 2:
            by_lead.setdefault(raw[:1], []).append(raw[1])
        elif len(raw) > 2:  # not among today's control characters; kept exact should they grow
            by_lead.setdefault(raw, [])
    parts = [
        re.escape(lead) + (b"[" + b"".join(re.escape(bytes([t])) for t in tails) + b"]" if tails else b"")
        for lead, tails in by_lead.items()
    ]
    return re.compile(b"|".join(parts) if parts else b"(?!)")


#: Control characters of several bytes (C1: U+0080-U+009F): a file holding one is streamed.
WIDE_CONTROLS = _encoded_class(rules.CONTROL_CHARACTERS)
COMMA, LINE_FEED, QUOTE = ord(","), ord("\n"), ord('"')


class QuoteScan:
    """Whether every double quote stands where RFC 4180 puts one, block after block.

    Counting quotes from the start of the file, an even-numbered quote opens a quoted cell (so
    follows a separator, the file's start, or the quote before it: an escaped pair) and an
    odd-numbered one closes it (so precedes a separator, the file's end or an escaping quote).
    Arrow reads a stray character after a closing quote (``"text".``) as part of the cell; the
    csv module refuses it: such a file goes to the streaming path, which reports csv-syntax."""

    def __init__(self) -> None:
        self.count, self.before, self.open_end = 0, -1, False  # quotes so far, last byte, last byte a closer

    def feed(self, block: bytes) -> bool:
        a = np.frombuffer(block, dtype=np.uint8)
        if self.open_end and not _may_follow(a[:1]).all():
            return False
        at = np.flatnonzero(a == QUOTE)
        if len(at):
            opening = (self.count + np.arange(len(at))) % 2 == 0
            prev = a[at[opening] - 1] if at[0] > 0 or not opening[0] else None
            if prev is None:  # the block starts with an opening quote: the byte before is the last one fed
                prev = np.concatenate(([self.before if self.before >= 0 else ord("\n")], a[at[opening][1:] - 1]))
            if not _may_precede(prev.astype(np.uint8)).all():
                return False
            closing = at[~opening]
            after = a[closing[closing < len(a) - 1] + 1]
            if not _may_follow(after).all():
                return False
            self.count += len(at)
        self.open_end = bool(a[-1] == QUOTE and self.count % 2 == 0)
        self.before = int(a[-1])
        return True


def _may_precede(b: np.ndarray) -> np.ndarray:
    """Bytes an opening quote may follow: a separator, or the quote it escapes."""
    return (b == COMMA) | (b == LINE_FEED) | (b == QUOTE)


_may_follow = _may_precede  # bytes a closing quote may precede: a separator, or the quote it escapes


def scan(blocks: Iterable[bytes]) -> tuple[bool, bool, int] | None:
    """(has tabs, last byte is LF, number of LFs) from one pass over a file's bytes, a block at a time;
    None when a byte needs the streaming path (BOM, CR, control characters, a stray quote)."""
    tabs, breaks, last, first = False, 0, b"", True
    quotes = QuoteScan()
    for block in blocks:
        if first and block.startswith(b"\xef\xbb\xbf"):
            return None
        first = False
        if block.translate(None, ORDINARY_BYTES) or WIDE_CONTROLS.search(block):
            return None
        if b'"' in block and not quotes.feed(block):
            return None
        tabs = tabs or b"\t" in block
        breaks += block.count(b"\n")
        last = block[-1:]
    if quotes.count % 2:
        return None  # a quoted cell never closed: the streaming path reports where
    return tabs, last == b"\n", breaks


# ---------------------------------------------------------------- Arrow values from buffers

# Arrays and scalars are built from buffers, never with pa.array or pa.scalar: their first call
# imports pandas (0.15 s, a tenth of a 300,000-row validation) only to ask whether the input
# is a pandas object. A test checks that validating a large package never imports pandas.


def strings(values: list[str]) -> pa.Array:
    encoded = [v.encode("utf-8") for v in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in encoded], out=offsets[1:])
    if offsets[-1] >= 2**31:
        raise ValueError("strings too long for one Arrow array")  # the caller streams the table
    return pa.StringArray.from_buffers(
        len(encoded), pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(b"".join(encoded))
    )


def bools(mask: np.ndarray) -> pa.Array:
    return pa.Array.from_buffers(
        pa.bool_(), len(mask), [None, pa.py_buffer(np.packbits(mask.astype(bool), bitorder="little"))]
    )


def ints(values: np.ndarray) -> pa.Array:
    values = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(values), [None, pa.py_buffer(values)])


_SCALARS: dict[tuple[type, object], pa.Scalar] = {}


def lit(value: str | int | bool) -> pa.Scalar:
    """A string, integer or boolean as an Arrow scalar (see above: not pa.scalar)."""
    key = (type(value), value)
    if key not in _SCALARS:
        if isinstance(value, bool):
            _SCALARS[key] = bools(np.array([value]))[0]
        elif isinstance(value, int):
            _SCALARS[key] = ints(np.array([value]))[0]
        else:
            _SCALARS[key] = strings([value])[0]
    return _SCALARS[key]


def null(type_: pa.DataType) -> pa.Scalar:
    return pa.nulls(1, type=type_)[0]


# Arrow arrays become numpy arrays through their buffers: to_numpy, too, imports pandas.


def to_numpy(mask: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Booleans as a numpy array, null as False."""
    if isinstance(mask, pa.ChunkedArray):
        mask = mask.combine_chunks()
    if not len(mask):
        return np.zeros(0, dtype=bool)
    if mask.null_count:
        mask = pc.fill_null(mask, lit(False))
    bits = np.frombuffer(mask.buffers()[1], dtype=np.uint8)
    return np.unpackbits(bits, bitorder="little", count=mask.offset + len(mask))[mask.offset :].astype(bool)


def numbered(values: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Integers (positions, counts) as int64, -1 where null (a position not found)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    values = pc.cast(values, pa.int64())
    if not len(values):
        return np.zeros(0, dtype=np.int64)
    if values.null_count:
        values = pc.fill_null(values, lit(-1))
    return np.frombuffer(values.buffers()[1], dtype=np.int64, count=values.offset + len(values))[values.offset :]


def concat(chunks: list[pa.Array]) -> pa.Array:
    if not chunks:
        return strings([])
    if isinstance(chunks[0], pa.DictionaryArray):  # batches encode with their own dictionaries
        return pa.chunked_array(chunks).unify_dictionaries().combine_chunks()
    return pa.concat_arrays(chunks)


# ---------------------------------------------------------------- cells


def _or(a: pa.Array | None, b: pa.Array) -> pa.Array:
    return b if a is None else pc.or_(a, b)


def given(col: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.not_equal(col, lit(""))


def safe_digits(fields: tuple[Field, ...]) -> int:
    """How many digits an integer cell may have and be within every integer field's maximum unseen
    (int64 holds 18); longer ones are flagged and judged exactly."""
    bounds = [len(str(f.maximum)) - 1 for f in fields if f.type == "integer" and f.maximum is not None]
    return min([18, *bounds])


def digits(col: pa.Array, most: int) -> pa.Array:
    """Cells that are 1 to ``most`` ASCII digits (what an integer cell may be, before its range)."""
    return pc.and_(pc.ascii_is_decimal(col), pc.less_equal(pc.binary_length(col), lit(most)))


def number(col: pa.Array, most: int) -> pa.Array:
    """Integer cells as int64, 0 where a cell is not digits (such records are flagged anyway)."""
    return pc.cast(pc.if_else(digits(col, most), col, lit("0")), pa.int64())


def day_of(col: pa.Array) -> pa.Array:
    """Dates as date32, null where a cell is not a date (strptime rolls 30 February over: see cells)."""
    return pc.cast(pc.strptime(col, format=rules.DATE_FORMAT, unit="s", error_is_null=True), pa.date32())


def cell_suspects(f: Field, col: pa.ChunkedArray, tabs: bool, most: int, referenced: bool = False) -> pa.ChunkedArray:
    """Cells that might fail rules.cell_value or rules.text_findings. ``referenced``: the caller
    flags every value that is not an id of the referenced table, whose ids were all checked, so
    the pattern needs no second check here."""
    empty = pc.equal(col, lit(""))
    bad = empty if f.required else None
    filled = pc.invert(empty)
    if f.type == "integer":
        bad = _or(bad, pc.and_(filled, pc.invert(digits(col, most))))
    elif f.type == "date":
        parsed = pc.strptime(col, format=rules.DATE_FORMAT, unit="s", error_is_null=True)
        shape = pc.match_substring_regex(col, "^" + rules.DATE.pattern + "$")
        # strptime rolls 30 February over into 1 March: a real date keeps the day it was written with.
        written_day = pc.cast(pc.if_else(shape, pc.utf8_slice_codeunits(col, 8, 10), lit("0")), pa.int64())
        real = pc.fill_null(pc.equal(pc.day(parsed), written_day), lit(False))
        bad = _or(bad, pc.and_(filled, pc.or_(pc.invert(real), pc.invert(shape))))
        bad = _or(bad, pc.starts_with(col, "0000"))  # strptime takes year 0; Python's dates begin at year 1
    else:
        if f.enum is not None:
            bad = _or(bad, pc.and_(filled, pc.invert(pc.is_in(col, value_set=strings(list(f.enum))))))
        if f.pattern and not referenced:
            bad = _or(bad, pc.and_(filled, pc.invert(pc.match_substring_regex(col, f.pattern))))
        if f.max_length is not None:  # bytes are never fewer than characters: RowChecker counts exactly
            bad = _or(bad, pc.greater(pc.binary_length(col), lit(f.max_length)))
        if f.min_length is not None:
            bad = _or(bad, pc.and_(filled, pc.less(pc.utf8_length(col), lit(f.min_length))))
        # Tab and LF, the only control characters a screened file holds, are flagged outside free text
        # (a code with one is flagged as not in its codelist already).
        for c in rules.FREE_TEXT_CONTROLS:
            if not f.free_text and f.enum is None and (tabs or c != "\t"):
                bad = _or(bad, pc.match_substring(col, c))
        if f.enum is None and not f.pattern:
            bad = _or(bad, pc.match_substring_regex(col, rules.formula_screen()))  # a superset of formula_start
        if not f.verbatim:
            bad = _or(bad, pc.not_equal(pc.utf8_normalize(col, form=rules.NORMAL_FORM), col))
        bad = _or(bad, pc.starts_with(col, rules.PLACEHOLDER))
    return bad if bad is not None else pc.equal(col, col)  # never None in practice


def line_breaks(batch: pa.RecordBatch, table: Table) -> np.ndarray:
    """Line breaks inside each record's free-text cells, the only cells that may hold them: a break in
    any other cell flags its record (see cell_suspects), whose breaks are counted from its cells."""
    out = np.zeros(batch.num_rows, dtype=np.int64)
    for f in table.fields:
        if f.free_text:
            out += numbered(pc.count_substring(batch[f.name], "\n"))
    return out


# ---------------------------------------------------------------- rows


def shape_mismatch(key: pa.Array, cells: list[pa.Array], shapes: dict[str, tuple[bool, ...]]) -> np.ndarray:
    """Records whose key (a date precision, a qualifier) does not take the cells that are given,
    or whose key has no shape at all. Keys are few: each is looked up once per batch."""
    encoded = pc.dictionary_encode(key)
    present = sum(
        (to_numpy(given(c)).astype(np.int64) << k for k, c in enumerate(cells)), np.zeros(len(key), dtype=np.int64)
    )
    wanted = np.array(
        [
            sum(int(b) << k for k, b in enumerate(shapes[v])) if v in shapes else -1
            for v in encoded.dictionary.to_pylist()
        ],
        dtype=np.int64,
    )
    return wanted[numbered(encoded.indices)] != present


def _event_suspects(t: pa.RecordBatch, subtypes: dict[str, str]) -> pa.Array:
    start, end, precision = t["date_start"], t["date_end"], t["date_precision"]
    bad = pc.and_(pc.and_(given(start), given(end)), pc.less(end, start))
    bad = pc.or_(bad, bools(shape_mismatch(precision, [start, end], rules.DATE_SHAPES)))
    bad = pc.or_(bad, pc.and_(pc.equal(precision, lit(rules.DAY)), pc.not_equal(start, end)))
    bad = pc.or_(bad, pc.and_(pc.equal(precision, lit(rules.DAYS)), pc.equal(start, end)))
    month, year = rules.MONTH_SPAN, rules.YEAR_SPAN
    end_day = day_of(pc.if_else(given(end), end, lit("2000-01-01")))
    next_day = pc.cast(pc.add(pc.cast(end_day, pa.int32()), pc.cast(lit(1), pa.int32())), pa.date32())
    month_end = pc.not_equal(pc.month(end_day), pc.month(next_day))
    same_month = pc.equal(
        pc.utf8_slice_codeunits(start, 0, month.prefix), pc.utf8_slice_codeunits(end, 0, month.prefix)
    )
    month_ok = pc.and_(pc.and_(pc.ends_with(start, month.first), same_month), month_end)
    bad = pc.or_(bad, pc.and_(pc.equal(precision, lit(rules.MONTH)), pc.invert(pc.fill_null(month_ok, lit(False)))))
    same_year = pc.equal(pc.utf8_slice_codeunits(start, 0, year.prefix), pc.utf8_slice_codeunits(end, 0, year.prefix))
    year_ok = pc.and_(pc.and_(pc.ends_with(start, year.first), pc.ends_with(end, year.last)), same_year)
    bad = pc.or_(bad, pc.and_(pc.equal(precision, lit(rules.YEAR)), pc.invert(year_ok)))
    bad = pc.or_(
        bad, pc.not_equal(pc.equal(t["place_id"], lit("")), pc.equal(t["place_precision"], lit(rules.UNKNOWN)))
    )
    pairs = pc.binary_join_element_wise(t["event_subtype"], t["event_type"], lit("|"))
    valid = strings([f"{s}|{k}" for s, k in subtypes.items()])
    bad = pc.or_(bad, pc.and_(given(t["event_subtype"]), pc.invert(pc.is_in(pairs, value_set=valid))))
    if "time_start" in t.schema.names:  # schema 0.2.0: clock times need their wording; no event is its parent
        timed = pc.or_(given(t["time_start"]), given(t["time_end"]))
        bad = pc.or_(bad, pc.and_(timed, pc.invert(given(t["time_wording"]))))
        bad = pc.or_(bad, pc.and_(given(t["parent_event_id"]), pc.equal(t["parent_event_id"], t["event_id"])))
    return bad


def _claim_suspects(t: pa.RecordBatch, languages: dict[str, str]) -> pa.Array:
    bad = pc.not_equal(pc.equal(t["claim_date"], lit("")), pc.equal(t["claim_date_precision"], lit(rules.UNKNOWN)))
    names = t.schema.names
    if "status" in names:  # schema 0.2.0: a retraction or supersession names its source
        ended = pc.is_in(t["status"], value_set=strings(list(rules.ENDED_STATUSES)))
        bad = pc.or_(bad, pc.not_equal(ended, given(t["status_source_id"])))
    if all(n in names for n in rules.TRANSLATION_FIELDS):  # schema 0.2.0: a translation is given whole
        present = [to_numpy(given(t[n])) for n in rules.TRANSLATION_FIELDS]
        some = np.logical_or.reduce(present)
        partial = some & ~np.logical_and.reduce(present)
        # ... and into another language than the source's (compared exactly, case aside, in Python)
        at = np.flatnonzero(some & ~partial)
        if len(at):
            taken = ints(at)
            sources = t["source_id"].take(taken).to_pylist()
            tongues = t[rules.TRANSLATION_FIELDS[1]].take(taken).to_pylist()
            same = [str(languages.get(s, "")).lower() == str(x).lower() for s, x in zip(sources, tongues)]
            partial[at[np.array(same, dtype=bool)]] = True
        bad = pc.or_(bad, bools(partial))
    return bad


def _quantity_suspects(t: pa.RecordBatch, most: int) -> pa.Array:
    numbers = ("value", "lower", "upper")
    shapes = {q: tuple(c in want for c in numbers) for q, want in rules.QUALIFIER_NUMBERS.items()}
    bad = bools(shape_mismatch(t["qualifier"], [t[c] for c in numbers], shapes))
    n = {c: number(t[c], most) for c in numbers}
    bounded = pc.is_in(t["qualifier"], value_set=strings(list(rules.BOUNDED_QUALIFIERS)))
    bad = pc.or_(bad, pc.and_(bounded, pc.greater(n["lower"], n["upper"])))
    outside = pc.or_(pc.less(n["value"], n["lower"]), pc.greater(n["value"], n["upper"]))
    bad = pc.or_(bad, pc.and_(pc.equal(t["qualifier"], lit(rules.ESTIMATE)), outside))
    if "unit" in t.schema.names:  # schema 0.2.0: a unit exactly for durations; all/none name their whole
        bad = pc.or_(bad, pc.not_equal(pc.equal(t["measure"], lit("duration")), given(t["unit"])))
        relative = pc.is_in(t["qualifier"], value_set=strings(list(rules.RELATIVE)))
        unnamed = pc.and_(pc.invert(given(t["part_of"])), pc.invert(given(t["subject_detail"])))
        bad = pc.or_(bad, pc.and_(relative, unnamed))
    return bad


def rule_suspects(
    table: Table, t: pa.RecordBatch, subtypes: dict[str, str], languages: dict[str, str], most: int
) -> pa.Array | None:
    """Records that might break a row rule of ``rules`` (a superset, confirmed in Python)."""
    if table.name == "events":
        return _event_suspects(t, subtypes)
    if table.name == "claims":
        return _claim_suspects(t, languages)
    if table.name == "quantities":
        return _quantity_suspects(t, most)
    return None


# ---------------------------------------------------------------- ids


def positions(values: pa.Array, ids: pa.Array) -> pa.Array:
    """Where each value stands in ``ids`` (null: not there), like index_in, but hashing only the
    batch's distinct values and probing the ids: cheaper than hashing every id batch after batch."""
    where = pc.indices_nonzero(pc.is_in(ids, value_set=pc.unique(values)))
    found = pc.index_in(values, value_set=pc.take(ids, where))
    return pc.take(where, found)


def exists(values: pa.Array, ids: pa.Array, at: pa.Array | None) -> pa.Array:
    if at is not None:
        return pc.is_valid(at)
    if len(ids) > 50_000:  # a large table of ids: probe it rather than hash it again for every batch
        return pc.is_valid(positions(values, ids))
    return pc.is_in(values, value_set=ids)


def present(ids: pa.Array, references: pa.Array) -> pa.Array:
    """The referenced values that are ids. Hashing the few distinct references and probing the
    many ids is cheaper than hashing every id (most self-references, such as part_of, are empty)."""
    wanted = pc.unique(pc.filter(references, given(references)))
    return pc.filter(ids, pc.is_in(ids, value_set=wanted)) if len(wanted) else wanted


def later_duplicates(pk: pa.Array) -> np.ndarray:
    """Indices, ascending, of records whose id was used by an earlier record.

    A stable sort puts equal ids side by side in file order; it is several times cheaper than
    hashing (value_counts), above all for ids already in order, as ``make build`` writes them."""
    if len(pk) < 2 or not pc.any(pc.greater_equal(pk.slice(0, len(pk) - 1), pk.slice(1))).as_py():
        return np.zeros(0, dtype=np.int64)  # strictly ascending, as built: no id repeats
    order = pc.sort_indices(pk)
    ranked = pk.take(order)
    same = to_numpy(pc.equal(ranked.slice(1), ranked.slice(0, len(ranked) - 1)))
    return np.sort(numbered(order)[1:][same])
