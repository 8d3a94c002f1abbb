"""Vectorised screening of large tables with pyarrow.

Every check of ``rules`` is first run as a column-wise test that may flag too
much but never too little; only flagged records go through ``RowChecker.row``,
which gives the exact findings. The rest update keys and context in bulk. So a
table's findings are those of the streaming path, at a fraction of the cost.

Files that are unusual at the byte level (BOM, CR, control characters, invalid
UTF-8, ragged rows, unparsable quoting) return False: the caller streams them.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from . import rules
from .loading import MAX_CELL
from .schema import Field, Table

ORDINARY_BYTES = b"\t\n" + bytes(range(32, 127)) + bytes(range(128, 256))
FORMULA_STARTS = ("=", "+", "-", "@", "\t")


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


def _read(path: Path, table: Table) -> pa.Table | None:
    with open(path, "rb") as handle:
        first = handle.readline()
    try:
        header = next(csv.reader([first.decode("utf-8")]))
    except (UnicodeDecodeError, StopIteration, csv.Error):
        return None
    if tuple(header) != table.names:
        return None
    try:
        t = pacsv.read_csv(
            pa.OSFile(str(path)),
            read_options=pacsv.ReadOptions(skip_rows=1, column_names=list(table.names), block_size=16 << 20),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in table.names}, strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    if any((pc.max(pc.binary_length(t[n])).as_py() or 0) > MAX_CELL for n in table.names):
        return None  # streaming reports the oversized cell
    return t


def _or(a: pa.Array | None, b: pa.Array) -> pa.Array:
    return b if a is None else pc.or_(a, b)


def _cell_suspects(f: Field, col: pa.ChunkedArray, tabs: bool, breaks: bool) -> pa.ChunkedArray:
    """Cells that might fail cell_value or text_findings."""
    empty = pc.equal(col, "")
    bad = empty if f.required else None
    filled = pc.invert(empty)
    if f.type == "integer":
        bad = _or(bad, pc.and_(filled, pc.invert(pc.match_substring_regex(col, r"^[0-9]{1,11}$"))))
    elif f.type == "date":
        parsed = pc.strptime(col, format="%Y-%m-%d", unit="s", error_is_null=True)
        shape = pc.match_substring_regex(col, r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
        bad = _or(bad, pc.and_(filled, pc.or_(pc.is_null(parsed), pc.invert(shape))))
    else:
        if f.enum is not None:
            bad = _or(bad, pc.and_(filled, pc.invert(pc.is_in(col, value_set=pa.array(f.enum)))))
        if f.pattern:
            bad = _or(bad, pc.and_(filled, pc.invert(pc.match_substring_regex(col, f.pattern))))
        length = pc.utf8_length(col)
        if f.max_length is not None:
            bad = _or(bad, pc.greater(length, f.max_length))
        if not f.free_text and tabs:
            bad = _or(bad, pc.match_substring(col, "\t"))
        if not f.free_text and breaks:
            bad = _or(bad, pc.match_substring(col, "\n"))
        if f.enum is None and not f.pattern:
            for start in FORMULA_STARTS:
                bad = _or(bad, pc.starts_with(col, start))
        if not f.verbatim:
            bad = _or(bad, pc.invert(pc.string_is_ascii(col)))
        bad = _or(bad, pc.starts_with(col, "TODO"))
    return bad if bad is not None else pc.equal(col, col)  # noqa: never None in practice


def _given(col: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.not_equal(col, "")


def _rule_suspects(table: Table, t: pa.Table, subtypes: dict[str, str]) -> pa.ChunkedArray | None:
    """Records that might break a row rule of ``rules`` (a superset, confirmed in Python)."""
    name = table.name
    if name == "events":
        start, end, precision = t["date_start"], t["date_end"], t["date_precision"]
        both = pc.and_(_given(start), _given(end))
        bad = pc.and_(both, pc.less(end, start))
        shape = pc.binary_join_element_wise(precision, pc.if_else(_given(start), "1", "0"), pc.if_else(_given(end), "1", "0"), "")
        allowed = [f"{p}{int(s)}{int(e)}" for p, (s, e) in rules.DATE_SHAPES.items() if p not in ("month", "year")]
        bad = pc.or_(bad, pc.invert(pc.is_in(shape, value_set=pa.array(allowed))))
        bad = pc.or_(bad, pc.and_(pc.equal(precision, "day"), pc.not_equal(start, end)))
        bad = pc.or_(bad, pc.and_(pc.equal(precision, "days"), pc.equal(start, end)))
        bad = pc.or_(bad, pc.not_equal(pc.equal(t["place_id"], ""), pc.equal(t["place_precision"], "unknown")))
        pairs = pc.binary_join_element_wise(t["event_subtype"], t["event_type"], "|")
        valid = pa.array([f"{s}|{k}" for s, k in subtypes.items()])
        return pc.or_(bad, pc.and_(_given(t["event_subtype"]), pc.invert(pc.is_in(pairs, value_set=valid))))
    if name == "claims":
        return pc.not_equal(pc.equal(t["claim_date"], ""), pc.equal(t["claim_date_precision"], "unknown"))
    if name == "quantities":
        shape = pc.binary_join_element_wise(
            t["qualifier"], *(pc.if_else(_given(t[c]), "1", "0") for c in ("value", "lower", "upper")), "")
        allowed = [q + "".join("1" if c in want else "0" for c in ("value", "lower", "upper")) for q, want in rules.QUALIFIER_NUMBERS.items()]
        bad = pc.invert(pc.is_in(shape, value_set=pa.array(allowed)))
        digits = {c: pc.match_substring_regex(t[c], r"^[0-9]{1,11}$") for c in ("lower", "upper")}
        lower, upper = (pc.cast(pc.if_else(digits[c], t[c], "0"), pa.int64()) for c in ("lower", "upper"))
        return pc.or_(bad, pc.and_(pc.equal(t["qualifier"], "range"), pc.greater(lower, upper)))
    return None


def _to_numpy(mask: pa.ChunkedArray | pa.Array) -> np.ndarray:
    if isinstance(mask, pa.ChunkedArray):
        mask = mask.combine_chunks()
    return np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool)


def _lines(t: pa.Table, table: Table, any_breaks: bool) -> np.ndarray:
    """Physical line where each record starts: header is line 1, quoted line breaks shift the rest."""
    n = t.num_rows
    breaks = np.zeros(n, dtype=np.int64)
    if not any_breaks:
        return 2 + np.arange(n, dtype=np.int64)
    for f in table.fields:
        if f.type == "string":
            breaks += np.asarray(pc.count_substring(t[f.name], "\n").combine_chunks().to_numpy(zero_copy_only=False), dtype=np.int64)
    before = np.concatenate(([0], np.cumsum(breaks)[:-1])) if n else breaks
    return 2 + np.arange(n, dtype=np.int64) + before


def _duplicates(pk: pa.Array, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(records whose id repeats, records whose id was used on an earlier line)."""
    repeats = np.zeros(n, dtype=bool)
    later = np.zeros(n, dtype=bool)
    if len(pc.unique(pk)) == n:  # unique() is several times faster than count_distinct()
        return repeats, later
    counts = pc.value_counts(pk).flatten()
    repeated = pc.filter(counts[0], pc.greater(counts[1], 1))
    repeats = _to_numpy(pc.is_in(pk, value_set=repeated))
    seen: set[str] = set()
    for i in np.flatnonzero(repeats):
        key = pk[int(i)].as_py()
        later[i] = key in seen
        seen.add(key)
    return repeats, later


BATCH = 1 << 16


def _batches(t: pa.Table, names: tuple[str, ...], mask: np.ndarray, extra: pa.Array | None = None):
    """(start, stop, [(row index, values...)]) over the masked rows, a batch at a time, so that only
    one batch of cells is ever held as Python objects."""
    for lo in range(0, t.num_rows, BATCH):
        hi = min(lo + BATCH, t.num_rows)
        picked = np.flatnonzero(mask[lo:hi])
        if not len(picked):
            continue
        columns = [t[n].slice(lo, hi - lo).to_pylist() for n in names]
        if extra is not None:
            columns.append(extra.slice(lo, hi - lo).to_pylist())
        yield lo, hi, ((lo + int(j), tuple(c[j] for c in columns)) for j in picked)


def _quotes_for(claim_ids: pa.ChunkedArray, ctx) -> pa.Array:
    """Each quantity's claim quote (null when the claim is unknown or was not checked clean)."""
    quotes: list[str | None] = [None] * len(claim_ids)
    found = pa.nulls(len(claim_ids), type=pa.string())
    if ctx.quote_index is not None:
        ids, texts = ctx.quote_index
        found = pc.take(texts, pc.index_in(claim_ids, value_set=ids))
    if ctx.quotes:  # claims that went through the exact checks (few, or a streamed table)
        missing = np.flatnonzero(_to_numpy(pc.is_null(found)))
        ids_list = claim_ids.take(pa.array(missing)).to_pylist() if len(missing) else []
        quotes = found.to_pylist()
        for i, cid in zip(missing, ids_list):
            quotes[int(i)] = ctx.quotes.get(cid)
        return pa.array(quotes, type=pa.string())
    return found.combine_chunks() if isinstance(found, pa.ChunkedArray) else found


def check(path: Path, checker) -> bool:
    """Screen the table, hand flagged records to the checker; False when the file must be streamed."""
    table: Table = checker.table
    if table.name == "sources":
        return False  # few rows, and each needs its text read: streaming is as fast
    facts = _scan(path)
    if facts is None or not facts[1]:
        return False
    t = _read(path, table)
    if t is None:
        return False
    n, ctx = t.num_rows, checker.ctx
    tabs, breaks = facts[0], facts[2] != n + 1  # whole-file facts spare per-cell scans
    pk = t[table.primary_key].combine_chunks()
    suspect = np.zeros(n, dtype=bool)
    for f in table.fields:
        suspect |= _to_numpy(_cell_suspects(f, t[f.name], tabs, breaks))
    refs: dict[str, np.ndarray] = {}
    for f in table.fields:
        target = pk if f.references == table.name else ctx.keys.get(f.references) if f.references else None
        if target is None:
            continue
        known = target if isinstance(target, pa.Array) else pa.array(sorted(target), type=pa.string())
        refs[f.name] = _to_numpy(pc.or_(pc.equal(t[f.name], ""), pc.is_in(t[f.name], value_set=known)))
        suspect |= ~refs[f.name]
    rule = _rule_suspects(table, t, checker.subtypes)
    if rule is not None:
        suspect |= _to_numpy(rule)
    repeats, later = _duplicates(pk, n)
    suspect |= repeats

    clean = ~suspect
    quotes_of_rows = None
    if table.name == "claims":
        texts = ctx.texts
        for lo, hi, rows in _batches(t, ("source_id", "quote_start", "quote_end", "quote"), clean):
            for i, (source, start, end, quote) in rows:
                text = texts.get(source)
                if text is not None and text[int(start):int(end)] != quote:
                    suspect[i] = True
        keep = pa.array(~suspect)
        ctx.quote_index = (pc.filter(pk, keep), pc.filter(t["quote"].combine_chunks(), keep))
    parts: list[int] = []
    if table.name == "quantities":
        quotes_of_rows = _quotes_for(t["claim_id"], ctx)
        for lo, hi, rows in _batches(t, ("wording",), clean, extra=quotes_of_rows):
            for i, (wording, quote) in rows:
                if quote is not None and wording not in quote:
                    suspect[i] = True
        part_of = t["part_of"]
        has_part = _to_numpy(pc.not_equal(part_of, ""))
        wanted = pc.unique(pc.filter(part_of, pc.not_equal(part_of, "")))
        whole_rows = np.flatnonzero(_to_numpy(pc.is_in(pk, value_set=wanted)) & ~suspect)
        claim_ids, values, qualifiers = t["claim_id"], t["value"], t["qualifier"]
        for i in whole_rows:
            i = int(i)
            value = values[i].as_py()
            ctx.wholes[pk[i].as_py()] = (claim_ids[i].as_py(), qualifiers[i].as_py(), int(value) if value else None)
        parts = [int(i) for i in np.flatnonzero(has_part & ~suspect)]

    lines = _lines(t, table, breaks)

    def run(i: int) -> None:
        cells = [t[name][i].as_py() for name in table.names]
        facts = {"duplicate": bool(later[i]), "refs": {name: bool(ok[i]) for name, ok in refs.items()}}
        if quotes_of_rows is not None:
            facts["quote"] = quotes_of_rows[i].as_py()
        checker.row(int(lines[i]), cells, facts=facts)

    for i in np.flatnonzero(suspect):
        run(int(i))
    for i in parts:  # clean records that are parts: confirmed against their wholes, now all known
        row = {"quantity_id": pk[i].as_py(), "claim_id": t["claim_id"][i].as_py(), "qualifier": t["qualifier"][i].as_py(),
               "value": int(t["value"][i].as_py()) if t["value"][i].as_py() else None, "part_of": t["part_of"][i].as_py()}
        if rules.part_findings(row, ctx.wholes.get(row["part_of"])):
            run(i)
    checker.finish(False)
    if ctx.keys.get(table.name) is not None:
        ctx.keys[table.name] = pk  # compact: later tables test membership with Arrow
    del t
    pa.default_memory_pool().release_unused()
    return True
