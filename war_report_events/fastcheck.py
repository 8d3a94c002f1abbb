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
import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from . import rules
from .loading import MAX_CELL
from .schema import Field, Table

ODD_BYTES = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|^\xef\xbb\xbf")
FORMULA_STARTS = ("=", "+", "-", "@", "\t")


def _read(path: Path, table: Table) -> pa.Table | None:
    data = path.read_bytes()
    if ODD_BYTES.search(data) or not data.endswith(b"\n"):
        return None
    header_end = data.find(b"\n")
    try:
        header = next(csv.reader([data[:header_end].decode("utf-8")]))
    except (UnicodeDecodeError, StopIteration, csv.Error):
        return None
    if tuple(header) != table.names:
        return None
    try:
        t = pacsv.read_csv(
            pa.py_buffer(data),
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


def _cell_suspects(f: Field, col: pa.ChunkedArray) -> pa.ChunkedArray:
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
        if not f.free_text:
            bad = _or(bad, pc.or_(pc.match_substring(col, "\t"), pc.match_substring(col, "\n")))
        if f.enum is None and not f.pattern:
            for start in FORMULA_STARTS:
                bad = _or(bad, pc.starts_with(col, start))
        if not f.verbatim:
            bad = _or(bad, pc.invert(pc.string_is_ascii(col)))
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
        bad = pc.or_(bad, pc.equal(t["qualifier"], "range"))  # lower <= upper is checked in Python
        return pc.or_(bad, _given(t["part_of"]))  # parts are checked in Python against their wholes
    return None


def _to_numpy(mask: pa.ChunkedArray) -> np.ndarray:
    return np.asarray(mask.combine_chunks().to_numpy(zero_copy_only=False), dtype=bool)


def check(path: Path, checker) -> bool:
    """Screen the table, hand flagged records to the checker; False when the file must be streamed."""
    table: Table = checker.table
    if table.name == "sources":
        return False  # few rows, and each needs its text read: streaming is as fast
    t = _read(path, table)
    if t is None:
        return False
    n = t.num_rows
    ctx = checker.ctx
    suspect = np.zeros(n, dtype=bool)
    for f in table.fields:
        suspect |= _to_numpy(_cell_suspects(f, t[f.name]))
        if f.references and f.references != table.name:
            target = ctx.keys.get(f.references)
            if target is not None:
                known = pa.array(list(target), type=pa.string())
                suspect |= _to_numpy(pc.and_(_given(t[f.name]), pc.invert(pc.is_in(t[f.name], value_set=known))))
    rule = _rule_suspects(table, t, checker.subtypes)
    if rule is not None:
        suspect |= _to_numpy(rule)
    pk = t[table.primary_key]
    if pc.count_distinct(pk).as_py() != n:
        counts = pc.value_counts(pk).flatten()
        repeated = pc.filter(counts[0], pc.greater(counts[1], 1))
        suspect |= _to_numpy(pc.is_in(pk, value_set=repeated))
    self_refs = [f for f in table.fields if f.references == table.name]
    for f in self_refs:
        suspect |= _to_numpy(pc.and_(_given(t[f.name]), pc.invert(pc.is_in(t[f.name], value_set=pk.combine_chunks()))))

    columns = {name: t[name].to_pylist() for name in table.names}
    clean = ~suspect
    keys = columns[table.primary_key]
    checker.keys.update(k for k, ok in zip(keys, clean) if ok)
    if table.name == "claims":
        texts = ctx.texts
        sources, starts, ends, quotes = columns["source_id"], columns["quote_start"], columns["quote_end"], columns["quote"]
        for i in np.flatnonzero(clean):
            text = texts.get(sources[i])
            if text is not None and text[int(starts[i]):int(ends[i])] != quotes[i]:
                suspect[i] = True
        ctx.quotes.update(zip(keys, quotes))
    if table.name == "quantities":
        quotes, claim_ids, wordings = ctx.quotes, columns["claim_id"], columns["wording"]
        for i in np.flatnonzero(clean):
            quote = quotes.get(claim_ids[i])
            if quote is not None and wordings[i] not in quote:
                suspect[i] = True
        wanted = {p for p in columns["part_of"] if p}
        for i in np.flatnonzero(~suspect):
            if keys[i] in wanted:
                value = columns["value"][i]
                ctx.wholes[keys[i]] = (claim_ids[i], columns["qualifier"][i], int(value) if value else None)

    newlines = np.zeros(n, dtype=np.int64)
    for f in table.fields:
        if f.free_text or f.type == "string":
            newlines += np.asarray(pc.count_substring(t[f.name], "\n").combine_chunks().to_numpy(zero_copy_only=False), dtype=np.int64)
    lines = 2 + np.arange(n, dtype=np.int64) + np.concatenate(([0], np.cumsum(newlines)[:-1])) if n else newlines
    for i in np.flatnonzero(suspect):
        checker.row(int(lines[i]), [columns[name][i] for name in table.names])
    checker.finish(False)
    return True
