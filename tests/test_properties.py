"""Property-based tests: random and mutated input never crashes the validator, and no rule-breaking mutation passes."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import BASE
from war_report_events.validator.cli import run

REPORT_REL = "data/reports/2024-10-30-drone-strikes-north-korea.json"
SEED = json.loads((BASE / REPORT_REL).read_text(encoding="utf-8"))
TEXT = (BASE / "data" / "sources" / "2024-10-30-drone-strikes-north-korea.txt").read_bytes()
SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def _check(report_bytes: bytes, tmp: Path) -> tuple[int, dict]:
    root = tmp / "case"
    (root / "data" / "reports").mkdir(parents=True, exist_ok=True)
    (root / "data" / "sources").mkdir(parents=True, exist_ok=True)
    (root / "data" / "sources" / "2024-10-30-drone-strikes-north-korea.txt").write_bytes(TEXT)
    path = root / REPORT_REL
    path.write_bytes(report_bytes)
    code, out = run([str(path), "--format", "json"])
    result = json.loads(out)
    assert code in (0, 1, 2) and isinstance(result["errors"], list)
    assert result["valid"] == (code == 0) == (not result["errors"])
    return code, result


@SETTINGS
@given(data=st.binary(max_size=2000))
def test_random_bytes_never_crash(tmp_path_factory, data: bytes) -> None:
    code, _ = _check(data, tmp_path_factory.mktemp("b"))
    assert code == 1


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)


def _paths(node: object, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, prefix + (i,))
    return out


ALL_PATHS = _paths(SEED)


def _set(doc: dict, path: tuple, value: object) -> dict:
    doc = copy.deepcopy(doc)
    node = doc
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value
    return doc


@SETTINGS
@given(index=st.integers(0, len(ALL_PATHS) - 1), value=json_values)
def test_any_value_replaced_by_anything_never_crashes(tmp_path_factory, index: int, value: object) -> None:
    mutated = _set(SEED, ALL_PATHS[index], value)
    _check(json.dumps(mutated, ensure_ascii=False).encode(), tmp_path_factory.mktemp("m"))


QUANTITIES = [p[:-1] for p in ALL_PATHS if p[-1] == "quantity_id"]
CLAIMS = [p[:-1] for p in ALL_PATHS if p[-1] == "claim_id"]
EVENTS_WITH_DATES = [p[:-1] for p in ALL_PATHS if p[-1] == "date_end"]


def _get(doc: dict, path: tuple) -> dict:
    for p in path:
        doc = doc[p]
    return doc


@st.composite
def broken(draw) -> tuple[dict, str]:
    """A copy of the seed report with one rule broken, and the error code that rule gives."""
    kind = draw(st.sampled_from(["negative", "codelist", "quote", "dates", "range", "qualifier", "sha", "date"]))
    doc = copy.deepcopy(SEED)
    if kind == "negative":
        q = _get(doc, draw(st.sampled_from([p for p in QUANTITIES if "value" in _get(SEED, p)])))
        q["value"] = draw(st.integers(max_value=-1))
        return doc, "out-of-range"
    if kind == "codelist":
        q = _get(doc, draw(st.sampled_from(QUANTITIES)))
        field = draw(st.sampled_from(["measure", "subject", "qualifier"]))
        q[field] = draw(
            st.text(min_size=1, max_size=12).filter(lambda s: s not in {"launched", "drone", "exact"} and len(s) < 12)
        )
        from war_report_events.standard import schema

        if q[field] in schema.table("quantities").field(field).enum:
            q[field] += "_x"
        return doc, "not-in-codelist"
    if kind == "quote":
        c = _get(doc, draw(st.sampled_from(CLAIMS)))
        shift = draw(st.integers(1, 5))
        c["quote_start"] += shift
        c["quote_end"] += shift
        return doc, "quote-mismatch"
    if kind == "dates":
        e = _get(doc, draw(st.sampled_from([p for p in EVENTS_WITH_DATES if "date_start" in _get(SEED, p)])))
        e["date_start"] = "2024-11-" + f"{draw(st.integers(1, 30)):02d}"
        return doc, "date-order"
    if kind == "range":
        q = _get(doc, draw(st.sampled_from(QUANTITIES)))
        low = draw(st.integers(1, 10_000))
        for k in ("value", "lower", "upper"):
            q.pop(k, None)
        q.update(lower=low, upper=low - draw(st.integers(1, low)), qualifier="range")
        return doc, "range-order"
    if kind == "qualifier":
        q = _get(doc, draw(st.sampled_from(QUANTITIES)))
        q["qualifier"] = draw(
            st.sampled_from(["exact", "about", "at_least", "more_than", "at_most", "less_than", "range", "vague"])
        )
        fields = {
            "exact": ["value"],
            "about": ["value"],
            "at_least": ["lower"],
            "more_than": ["lower"],
            "at_most": ["upper"],
            "less_than": ["upper"],
            "range": ["lower", "upper"],
            "vague": [],
        }[q["qualifier"]]
        for k in ("value", "lower", "upper"):
            q.pop(k, None)
        wrong = draw(st.sampled_from([k for k in ("value", "lower", "upper") if k not in fields]))
        q[wrong] = 3
        return doc, "qualifier-mismatch"
    if kind == "sha":
        digits = list(doc["source"]["text_sha256"])
        i = draw(st.integers(0, 63))
        digits[i] = "0" if digits[i] != "0" else "1"
        doc["source"]["text_sha256"] = "".join(digits)
        return doc, "text-sha256-mismatch"
    e = _get(doc, draw(st.sampled_from(EVENTS_WITH_DATES)))
    e["date_end"] = f"2023-02-{draw(st.integers(29, 31))}"
    return doc, "invalid-date"


@SETTINGS
@given(case=broken())
def test_no_rule_breaking_mutation_is_accepted(tmp_path_factory, case: tuple[dict, str]) -> None:
    doc, code = case
    exit_code, result = _check(json.dumps(doc, ensure_ascii=False, indent=2).encode(), tmp_path_factory.mktemp("r"))
    assert exit_code == 1
    assert code in {e["code"] for e in result["errors"]}


def _package_with_cell(tmp: Path, table: str, line: int, cell: int, value: str) -> Path:
    """A copy of the frozen package with one cell of one table replaced (written as CSV)."""
    import csv
    import io
    import shutil

    root = tmp / "pkg"
    shutil.copytree(BASE, root)
    path = root / "data" / f"{table}.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    row = rows[line % len(rows)]
    row[cell % len(row)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return root


@SETTINGS
@given(
    table=st.sampled_from(["sources", "actors", "places", "events", "claims", "quantities"]),
    line=st.integers(0, 20),
    cell=st.integers(0, 12),
    value=st.text(max_size=40),
)
def test_any_cell_replaced_never_crashes(tmp_path_factory, table: str, line: int, cell: int, value: str) -> None:
    root = _package_with_cell(tmp_path_factory.mktemp("t"), table, line, cell, value)
    code, out = run([str(root), "--format", "json"])
    result = json.loads(out)
    assert code in (0, 1) and result["valid"] == (code == 0)


@SETTINGS
# A flagged quantity (its claim unknown) whose part_of names another claim's quantity: its whole
# must still be looked up (a regression of the column-wise part screening).
@example(table="quantities", line=11, cell=1, value="0")
@given(
    table=st.sampled_from(["actors", "places", "events", "claims", "quantities"]),
    line=st.integers(0, 20),
    cell=st.integers(0, 12),
    value=st.one_of(
        st.text(max_size=40), st.sampled_from(["", "x\ny", "-1", "12", "about", "\t", "TODO", "2024-02-30", "e\u0301"])
    ),
)
def test_vectorised_and_streaming_paths_agree(tmp_path_factory, table: str, line: int, cell: int, value: str) -> None:
    from war_report_events.validator import tables as validation

    root = _package_with_cell(tmp_path_factory.mktemp("v"), table, line, cell, value)
    streamed = run([str(root), "--format", "json"])
    original = validation.FAST_MIN_BYTES
    validation.FAST_MIN_BYTES = 0
    try:
        screened = run([str(root), "--format", "json"])
    finally:
        validation.FAST_MIN_BYTES = original
    assert screened == streamed
