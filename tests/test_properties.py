"""Property-based tests: random and mutated input never crashes the validator, and no rule-breaking mutation passes."""

from __future__ import annotations

import copy
import json
import sys
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


def _package_with_cell(tmp: Path, table: str, line: int, cell: int, value: str, base: Path = BASE) -> Path:
    """A copy of a frozen package with one cell of one table replaced (written as CSV). ``value`` may
    be ``ID-OF <k>``: the id (first cell) of the table's record ``k``, to repeat an id."""
    import csv
    import io
    import shutil

    root = tmp / "pkg"
    shutil.copytree(base, root)
    path = root / "data" / f"{table}.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    row = rows[line % len(rows)]
    if value.startswith("ID-OF "):
        value = rows[int(value.split()[1]) % len(rows)][0]
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


def _both_paths(root: Path, *args: str) -> tuple[tuple[int, str], tuple[int, str]]:
    """(streamed, screened): the validator's answer with every table streamed, then every table screened."""
    from war_report_events.validator import tables as validation

    streamed = run([str(root), "--format", "json", *args])
    original = validation.FAST_MIN_BYTES
    validation.FAST_MIN_BYTES = 0
    try:
        screened = run([str(root), "--format", "json", *args])
    finally:
        validation.FAST_MIN_BYTES = original
    return streamed, screened


# Kinds of cells where the two paths once disagreed, or might: quotes, ids repeated (valid, empty,
# invalid), line breaks (with few --max-errors, so that line numbers count), C0 and C1 controls,
# whole numbers written oddly or too long for Python, dates, formulas, placeholders, non-NFC text.
HARD_CELLS = st.sampled_from(
    [
        "",
        "x\ny",
        "a\n",
        "-1",
        "12",
        "about",
        "\t",
        "TODO",
        "2024-02-30",
        "e\u0301",
        '"quoted"',
        'say "x".',
        "\u0085",
        "a\u009fb",
        "\x7f",
        "9" * 5000,
        "9" * 12,
        "99999999999",
        "10.0",
        "6.2e1",
        "bad id!",
        "ID-OF 1",
        "ID-OF 2",
        "ID-OF 5",
        "retracted",
        "superseded",
        "active",
        "en",
        "EN",
        "uk",
    ]
)


@SETTINGS
# A flagged quantity (its claim unknown) whose part_of names another claim's quantity: its whole
# must still be looked up (a regression of the column-wise part screening).
@example(table="quantities", line=11, cell=1, value="0", limit=1000)
@example(table="claims", line=3, cell=0, value="ID-OF 5", limit=1000)  # a repeated claim id, another quote
@example(table="quantities", line=3, cell=0, value="", limit=1000)
@example(table="events", line=2, cell=9, value="x\ny", limit=2)  # lines after a break, errors cut short
@given(
    table=st.sampled_from(["actors", "places", "events", "claims", "quantities"]),
    line=st.integers(0, 20),
    cell=st.integers(0, 12),
    value=st.one_of(st.text(max_size=40), HARD_CELLS),
    limit=st.sampled_from([1000, 1000, 2, 5]),
)
def test_vectorised_and_streaming_paths_agree(
    tmp_path_factory, table: str, line: int, cell: int, value: str, limit: int
) -> None:
    root = _package_with_cell(tmp_path_factory.mktemp("v"), table, line, cell, value)
    streamed, screened = _both_paths(root, "--max-errors", str(limit))
    assert screened == streamed


BASE_V2 = BASE.parent / "base-0.2.0"


@SETTINGS
@example(line=2, cell=15, value="retracted", second="")  # status without its source
@example(line=4, cell=12, value="A translation", second="")  # translation without its language
@given(
    line=st.integers(1, 16),
    cell=st.integers(0, 18),
    value=st.one_of(st.text(max_size=20), HARD_CELLS),
    second=st.one_of(st.just(""), HARD_CELLS),
)
def test_both_paths_agree_on_claims_of_schema_0_2_0(
    tmp_path_factory, line: int, cell: int, value: str, second: str
) -> None:
    """The claim rules of schema 0.2.0 (status and its source, a translation whole and into another
    language) on both paths: one cell changed, and a second cell of the same record when given."""
    root = _package_with_cell(tmp_path_factory.mktemp("v2"), "claims", line, cell, value, BASE_V2)
    if second:
        root = _package_with_cell(tmp_path_factory.mktemp("v2b"), "claims", line, (cell + 1) % 19, second, root)
    streamed, screened = _both_paths(root)
    assert screened == streamed


RAW_INSERTS = st.sampled_from(['"', ".", 'x"', '""', "\n", ",", "\u0085", "\r", "\t", '",', '"\n'])


@SETTINGS
@example(table="claims", at=0, insert=".")  # a stray character after a closing quote: csv-syntax on both
@given(
    table=st.sampled_from(["events", "claims", "quantities"]),
    at=st.integers(0, 10_000),
    insert=RAW_INSERTS,
)
def test_both_paths_agree_on_raw_csv_bytes(tmp_path_factory, table: str, at: int, insert: str) -> None:
    """Characters inserted in a table's text where the CSV writer never puts them: next to a quote
    (a stray character after a closing quote), or anywhere."""
    import shutil

    root = tmp_path_factory.mktemp("raw") / "pkg"
    shutil.copytree(BASE, root)
    path = root / "data" / f"{table}.csv"
    text = path.read_text(encoding="utf-8")
    quotes = [i + 1 for i, c in enumerate(text) if c == '"']
    spots = quotes + list(range(len(text))) if quotes else list(range(len(text)))
    where = spots[at % len(spots)]
    path.write_text(text[:where] + insert + text[where:], encoding="utf-8")
    streamed, screened = _both_paths(root, "--max-errors", "3")
    assert screened == streamed


def test_a_table_the_screens_flag_mostly_is_streamed(tmp_path: Path, monkeypatch) -> None:
    """Valid records the screens flag cost an exact check each (5 to 25 times a streamed record): when
    they are most of a table, it is streamed instead, with the same findings."""
    import importlib.util

    import pyarrow.compute as pc

    from war_report_events.validator import fastcheck
    from war_report_events.validator import package as validator_package
    from war_report_events.validator import tables as validation

    spec = importlib.util.spec_from_file_location("bench_generate", BASE.parents[1] / "benchmarks" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, generate)  # its dataclasses look their module up
    spec.loader.exec_module(generate)
    out = tmp_path / "pkg"
    assert generate.main(["--rows", "3000", "--errors", "5", "--seed", "7", str(out)]) == 0
    streamed = validator_package.validate_package(out)

    flag_every_cell = fastcheck.sc.cell_suspects
    monkeypatch.setattr(
        fastcheck.sc,
        "cell_suspects",
        lambda f, col, *a, **k: pc.or_(flag_every_cell(f, col, *a, **k), pc.is_valid(col)),
    )
    exact: dict[str, int] = {}
    row = validation.RowChecker.row

    def counting(self, line, cells, damaged=False, facts=None):
        if facts is not None:
            exact[self.table.name] = exact.get(self.table.name, 0) + 1
        return row(self, line, cells, damaged, facts)

    monkeypatch.setattr(validation.RowChecker, "row", counting)
    monkeypatch.setattr(validation, "FAST_MIN_BYTES", 0)
    assert validator_package.validate_package(out) == streamed
    # Judged before any exact check: nothing spent on the screened attempt of the large table (the
    # smaller ones, under fastcheck.FEW_ROWS records, keep the vectorised path).
    assert "quantities" not in exact and 0 < exact.get("events", 0) < fastcheck.FEW_ROWS


@SETTINGS
@example(text='"text".\n', split=3)
@example(text='a,"b""c"\n', split=4)
@example(text='"a""\n', split=4)
@given(text=st.text(alphabet='",a\n', max_size=30).map(lambda t: t + "\n"), split=st.integers(0, 31))
def test_the_quote_scan_sends_every_unparsable_quote_to_the_streaming_path(text: str, split: int) -> None:
    """What the byte scan lets through (to Arrow, which reads `"text".` as a cell), the csv module
    parses too; and the answer does not depend on where blocks end."""
    import csv

    from war_report_events.validator.screens import QuoteScan

    data = text.encode()
    whole = QuoteScan().feed(data)
    parts = QuoteScan()
    split = min(split, len(data) - 1)
    pieces = [p for p in (data[:split], data[split:]) if p]
    assert all(parts.feed(p) for p in pieces) == whole
    if whole and not parts.count % 2:  # scan() streams a file whose last quoted cell is not closed
        list(csv.reader(text.splitlines(keepends=True), strict=True))  # raises csv.Error if not
