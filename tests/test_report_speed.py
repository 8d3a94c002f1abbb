"""The fast report path gives exactly what the slow one gave: the compiled screen, the on-demand line
locator, the linear duplicate-key scan, and build's and the up-to-date check's chunked comparison."""

from __future__ import annotations

import json
import re
from pathlib import Path

import json_source_map
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from war_report_events.standard import schema
from war_report_events.standard.tables import expected_files
from war_report_events.tools import build
from war_report_events.validator import loading
from war_report_events.validator import reports as report_path
from war_report_events.validator import tables as table_path
from war_report_events.validator.errors import Collector

FIXTURES = ROOT / "tests" / "fixtures"
REPORT_FILES = sorted(p for p in FIXTURES.rglob("*.json") if "reports" in p.parts)  # base/ holds the shipped one


def _doc(path: Path) -> loading.JsonDocument:
    return loading.read_json(path, path.name)


# ---------------------------------------------------------------- the screen


@pytest.mark.parametrize("path", REPORT_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_screened_schema_findings_are_those_of_jsonschema_alone(path: Path) -> None:
    doc = _doc(path)
    version = doc.data.get("schema_version") if isinstance(doc.data, dict) else None
    if version not in schema.available_versions():
        pytest.skip("not a report of a known version")
    screened = report_path.schema_findings(doc, version)
    doc._locator = None
    assert screened == report_path.schema_findings(doc, version, screen=False)
    assert report_path.screen_accepts(doc.data, version) == (screened == ([], set()))


def test_seeded_report_errors_are_explained_identically(tmp_path: Path) -> None:
    """Every kind of error the benchmark seeds in reports, in a package of a few dozen reports."""
    from test_benchmark import bench, generate

    out = tmp_path / "pkg"
    assert generate.main(["--rows", "4000", "--errors", "20", "--seed", "3", str(out)]) == 0
    ours, theirs, n, same = bench.schema_step(out)
    assert n == len(list((out / "data" / "reports").glob("*.json"))) and same


@pytest.mark.parametrize("version", schema.available_versions())
def test_the_screen_is_never_more_lenient_than_pythons_re_on_any_pattern(version: str) -> None:
    """Python's \\s takes U+001C-U+001F and U+0085, Rust's does not: the screen spells Python's out."""
    import jsonschema_rs

    patterns = sorted(set(re.findall(r'"pattern": ("(?:[^"\\]|\\.)*")', json.dumps(schema.load_schema(version)))))
    assert patterns
    tricky = [chr(i) for i in range(0x0, 0x250)] + [chr(i) for i in range(0x1680, 0x1681)]
    tricky += [chr(i) for i in range(0x2000, 0x2030)] + ["\u205f", "\u3000", "\ufeff", "\U0001f600"]
    for pattern in map(json.loads, patterns):
        compiled = jsonschema_rs.Draft202012Validator({"pattern": report_path._screen_pattern(pattern)})
        for c in tricky:
            for value in (f"https://a{c}b", f"ab{c}", f"{c}ab", f"UA-3{c}", c, f"a{c}-b", f"data/sources/a{c}.txt"):
                if compiled.is_valid(value):
                    assert re.search(pattern, value), (pattern, value)


@pytest.mark.parametrize("field", ["title", "url", "source_id", "published"])
@pytest.mark.parametrize("value", ["\ud800", "x\udfff", 10**40, -(10**40), 1.0, True])
def test_values_the_screen_may_not_take_give_the_same_findings(field: str, value: object) -> None:
    path = next((FIXTURES / "base" / "data" / "reports").glob("*.json"))
    doc = loading.JsonDocument(path.name, path.read_text(encoding="utf-8"))
    doc.data = json.loads(doc.text)
    doc.data["source"][field] = value  # a lone surrogate, a huge integer: refused or taken, never a wrong verdict
    screened = report_path.schema_findings(doc, doc.data["schema_version"])
    assert screened == report_path.schema_findings(doc, doc.data["schema_version"], screen=False)


def test_a_schema_the_screen_cannot_read_alike_turns_it_off() -> None:
    assert report_path._screen_pattern(r"^\d+$") is None
    assert report_path._screen_pattern(r"^[a-z]+\.txt$") == r"^[a-z]+\.txt$"


# ---------------------------------------------------------------- locating lines


def _pointer_parts(pointer: str) -> tuple:
    return tuple(p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]) if pointer else ()


def _same_lines_as_a_full_source_map(text: str) -> None:
    locator = loading._Locator(text)
    for pointer, entry in json_source_map.calculate(text).items():
        pos = locator.start_of(_pointer_parts(pointer))
        assert pos is not None and locator.line_at(pos) == entry.value_start.line + 1, pointer


@pytest.mark.parametrize("path", REPORT_FILES, ids=lambda p: p.name)
def test_lines_are_those_of_a_full_source_map(path: Path) -> None:
    text = path.read_bytes().removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")  # as read_json reads it
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        pytest.skip("not JSON the parser takes: nothing to locate")
    _same_lines_as_a_full_source_map(text)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet=st.sampled_from('a"\\/:{}[], \n\u00e9\U0001f600')),
    # keys without escapes, "/" or "~": json_source_map keys its map by a key's raw source text
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(alphabet=st.sampled_from("ab:{}[], "), max_size=3), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(json_values, st.sampled_from([None, 0, 1, 2]))
def test_lines_of_any_json_are_those_of_a_full_source_map(value: object, indent: int | None) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    if not isinstance(value, (dict, list)) or not value:
        return  # json_source_map maps containers' members; a lone scalar has only the root
    _same_lines_as_a_full_source_map(text)


def test_a_missing_path_falls_back_to_the_nearest_ancestor() -> None:
    doc = loading.JsonDocument("r.json", '{\n  "a": [\n    {"b": 1}\n  ]\n}\n')
    assert doc.line_of(("a", 0, "b")) == 3
    assert doc.line_of(("a", 0, "missing")) == 3
    assert doc.line_of(("a", 7)) == 2
    assert doc.line_of(("nothing",)) == 1


def test_a_repeated_key_is_located_at_its_last_value_as_the_parser_keeps_it() -> None:
    doc = loading.JsonDocument("r.json", '{\n"k": 1,\n"k": 2\n}\n')
    assert doc.line_of(("k",)) == 3


# ---------------------------------------------------------------- duplicate keys


def test_many_duplicate_keys_each_located(tmp_path: Path) -> None:
    lines = [f'  "k": {i},' for i in range(3000)] + ['  "last": "\\"k\\": 1"']
    path = tmp_path / "dups.json"
    path.write_text("{\n" + "\n".join(lines) + "\n}\n", encoding="utf-8")
    doc = loading.read_json(path, "dups.json")
    dups = [p for p in doc.problems if p.code == "json-duplicate-key"]
    assert [p.line for p in dups] == list(range(3, 3002))
    assert {p.field for p in dups} == {"k"}


@pytest.mark.parametrize(
    "text, found",
    [
        ('{"a": "x\\": y", "b": {"c": "\\"d\\":"}}', []),  # quotes and colons inside strings are not keys
        ('{"a": 1, "b": {"a": 2}}', []),  # the same key in two objects
        ('{"a": 1, "a" : 2}', [("a", 9)]),
        ('[{"a": 1}, {"a": 1, "a": 1}]', [("a", 20)]),
    ],
)
def test_duplicate_keys_found_exactly(tmp_path: Path, text: str, found: list) -> None:
    path = tmp_path / "r.json"
    path.write_text(text, encoding="utf-8")
    doc = loading.read_json(path, "r.json")
    assert [(p.field, p.line) for p in doc.problems if p.code == "json-duplicate-key"] == [(k, 1) for k, _ in found]
    assert loading.duplicate_keys(text) == found


# ---------------------------------------------------------------- up to date and build


def _reports(root: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((root / "data" / "reports").glob("*.json"))]


def test_build_compares_as_expected_files_defines_the_files(package: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    reports = _reports(package)
    version = reports[0]["schema_version"]
    assert build._changed_files(reports, version, empty) == expected_files(reports, version)
    assert build._changed_files(reports, version, package) == {}


def test_a_table_is_compared_to_the_byte(package: Path) -> None:
    reports = _reports(package)
    version = reports[0]["schema_version"]
    files = expected_files(reports, version)
    built = table_path.built_tables(reports, version)
    for tb in schema.tables(version):
        rel = f"data/{tb.name}.csv"
        path = package / rel
        assert bytes(built[tb.name]) == files[rel].encode("utf-8")
        assert table_path.holds(path, built[tb.name])
        for changed in (files[rel] + "x", files[rel][:-1], files[rel].replace("\n", "\r\n", 1), ""):
            path.write_text(changed, encoding="utf-8", newline="")
            assert not table_path.holds(path, built[tb.name])
        path.write_text(files[rel], encoding="utf-8", newline="")


def test_out_of_date_lines_are_found(package: Path) -> None:
    reports = _reports(package)
    version = reports[0]["schema_version"]
    claims = package / "data" / "claims.csv"
    claims.write_bytes(claims.read_bytes().replace(b"\n", b" \n", 2))
    out = Collector(100)
    table_path.check_up_to_date(
        package, {tb.name: f"data/{tb.name}.csv" for tb in schema.tables(version)}, reports, out, version
    )
    assert [(p.file, p.line, p.code) for p in out.problems] == [("data/claims.csv", 1, "table-out-of-date")]


def test_build_writes_only_what_changed(package: Path, capsys) -> None:
    assert build.main([str(package)]) == 0
    assert "nothing changed" in capsys.readouterr().out
    before = {p.name: p.stat().st_mtime_ns for p in (package / "data").glob("*.csv")}
    actors = package / "data" / "actors.csv"
    actors.write_text(actors.read_text(encoding="utf-8") + "stray,row\n", encoding="utf-8")
    assert build.main([str(package)]) == 0
    assert capsys.readouterr().out.strip().endswith("data/actors.csv written")
    after = {p.name: p.stat().st_mtime_ns for p in (package / "data").glob("*.csv")}
    assert {n for n in before if before[n] != after[n]} == {"actors.csv"}


def test_build_still_fills_offsets_left_out(package: Path) -> None:
    path = next((package / "data" / "reports").glob("*.json"))
    report = json.loads(path.read_text(encoding="utf-8"))
    claim = report["events"][0]["claims"][0]
    claim.pop("quote_start")
    claim["quote_end"] = None
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert build._lacks_offsets(report)
    assert build.main([str(package)]) == 0
    filled = json.loads(path.read_text(encoding="utf-8"))
    claim = filled["events"][0]["claims"][0]
    assert isinstance(claim["quote_start"], int) and isinstance(claim["quote_end"], int)
    assert not build._lacks_offsets(filled)
    assert build.main([str(package), "--check"]) == 0  # the tables were built from the filled report


def _mutations(report: dict) -> list[dict]:
    """Reports broken in several places at once: in list items, at the top level, in the source."""
    import copy

    out = []
    for change in range(6):
        r = copy.deepcopy(report)
        events = r["events"]
        if change == 0:
            events[0]["claims"][0]["quantities"][0]["subject"] = "tank"
            events[-1]["colour"] = "red"
            r["actors"][0]["actor_type"] = 7
        elif change == 1:
            del r["source"]
        elif change == 2:
            r["events"] = []
            r["actors"][0].pop("name")
        elif change == 3:
            r["extra"] = {"deep": [[[1]]]}
            events[0]["claims"][0]["quote_start"] = "1"
        elif change == 4:
            r["source"]["published"] = "2024-02-30"
            events[0]["date_start"] = "2024-13-01"
        else:
            r["events"] = [{}] * 3 + events
        out.append(r)
    return out


@pytest.mark.parametrize("change", range(6))
def test_reports_broken_in_many_places_are_explained_identically(change: int) -> None:
    path = next((FIXTURES / "base" / "data" / "reports").glob("*.json"))
    broken = _mutations(json.loads(path.read_text(encoding="utf-8")))[change]
    doc = loading.JsonDocument(path.name, json.dumps(broken, indent=2, ensure_ascii=False))
    doc.data = broken
    screened = report_path.schema_findings(doc, broken["schema_version"])
    assert screened[0], "the change breaks the schema"
    doc._locator = None
    assert screened == report_path.schema_findings(doc, broken["schema_version"], screen=False)
