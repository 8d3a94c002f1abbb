"""The streamed report pass (``validator.streamed``) against the exact path: the same Outcome, word for word.

``validate_package(root, fast=True)`` screens each report and leaves its per-object rules to the table path on
the tables as built; ``fast=False`` checks every report by the exact path (``reports.check_report``), as the
validator always did. For every package and every --max-errors the two must give the same problems, in the
same order, with the same messages, the same truncation and the same unchecked sources; and ``build`` must
write exactly what ``standard.tables.expected_files`` gives, or nothing and the validator's findings.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import re
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from conftest import FIXTURES, copy_tree, materialize
from war_report_events.files import dump_report
from war_report_events.standard import reports as walk
from war_report_events.standard.tables import expected_files
from war_report_events.tools.build import main as build
from war_report_events.validator import streamed
from war_report_events.validator import tables as validation
from war_report_events.validator.package import Outcome, validate_package
from war_report_events.validator.reporting import render_text

MAX_ERRORS = (1, 2, 5, 1000)
SCREENS = {"default": validation.FAST_MIN_BYTES, "screened": 0}  # 0: every table through the pyarrow screens
BASE2 = FIXTURES / "base-0.2.0"
REPORTS = "data/reports"


# ---------------------------------------------------------------- helpers


def shown(outcome: Outcome) -> tuple:
    """An Outcome as data, messages included (``Problem`` leaves its message out of ``==``)."""
    rows = [(p.file, p.line, p.path, p.field, p.code, p.message) for p in outcome.problems]
    return rows, outcome.truncated, list(outcome.unchecked)


def assert_paths_agree(
    root: Path, required: str | None = None, texts: Path | None = None, limits: tuple[int, ...] = MAX_ERRORS[:-1]
) -> list:
    """Fast and exact Outcomes are equal at every --max-errors, with the tables screened or not; the exact
    path's problems without a limit (for the caller's own checks).

    A limit above the number of findings stops nothing, so only the limits up to one past that number are
    run (the validator reads --max-errors only to stop, and to choose whether built tables stand for files)."""
    everything: list = []
    for screen, size in SCREENS.items():
        with mock.patch.object(validation, "FAST_MIN_BYTES", size):
            exact = shown(validate_package(root, required=required, texts=texts, fast=False))
            fast = shown(validate_package(root, required=required, texts=texts, fast=True))
            assert fast == exact, f"{screen} tables"
            everything = exact[0]
            for limit in (n for n in limits if n <= len(everything) + 1):
                exact = shown(validate_package(root, max_errors=limit, required=required, texts=texts, fast=False))
                fast = shown(validate_package(root, max_errors=limit, required=required, texts=texts, fast=True))
                assert fast == exact, f"{screen} tables, --max-errors {limit}"
    return everything


def _package_call(case: Path) -> tuple[str | None, str | None] | None:
    """(--schema-version, --texts) when the case validates one package directory; None for the others
    (a report given alone, a start problem: no package pass runs)."""
    args = (case / "args.txt").read_text().split("\n") if (case / "args.txt").exists() else ["{pkg}"]
    args = [a for a in args if a]
    deleted = (case / "delete.txt").read_text().split() if (case / "delete.txt").exists() else []
    if args[0] not in ("{pkg}", "{pkg}/datapackage.json") or "datapackage.json" in deleted:
        return None
    options = dict(zip(args[1::2], args[2::2]))
    if set(options) - {"--schema-version", "--texts", "--max-errors"}:
        return None  # --format xml and friends: a start problem
    if options.get("--max-errors", "1") == "0":
        return None
    return options.get("--schema-version"), options.get("--texts")


CASES = sorted(p for p in (FIXTURES / "invalid").iterdir() if p.is_dir() and _package_call(p) is not None)


# ---------------------------------------------------------------- 1. every fixture, both paths


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fixture_case_fast_equals_exact(case: Path, tmp_path: Path) -> None:
    pkg = materialize(case, tmp_path)
    required, texts = _package_call(case)  # type: ignore[misc]
    assert_paths_agree(pkg, required, Path(texts.replace("{pkg}", str(pkg))) if texts else None)


@pytest.mark.parametrize("base", ["base", "base-0.2.0"])
def test_valid_base_fast_equals_exact(base: str, tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    copy_tree(FIXTURES / base, pkg)
    assert assert_paths_agree(pkg) == []


def test_upgraded_package_fast_equals_exact(package: Path) -> None:
    assert assert_paths_agree(package) == []


@pytest.mark.parametrize("version,base", [("0.1.0", "base"), ("0.2.0", "base-0.2.0")])
def test_contribution_fast_equals_exact(version: str, base: str, tmp_path: Path) -> None:
    """A contributor's new report on the frozen package: before `build` (the tables out of date) and after."""
    pkg = tmp_path / "pkg"
    copy_tree(FIXTURES / base, pkg)
    copy_tree(FIXTURES / "contribution" / version, pkg)
    assert assert_paths_agree(pkg) != []
    assert _build(pkg)[0] == 0
    assert assert_paths_agree(pkg) == []


def test_valid_fixtures_built_fast_equals_exact(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    for case in sorted((FIXTURES / "valid").iterdir()):
        copy_tree(case, pkg)
    assert _build(pkg)[0] == 0
    assert assert_paths_agree(pkg) == []
    assert assert_paths_agree(pkg, texts=pkg / "texts") == []


# ---------------------------------------------------------------- 2. mutated reports, both paths

Reports = dict[str, dict]  # file name (without .json) -> report

SEED: Reports = {
    p.name[:-5]: json.loads(p.read_text(encoding="utf-8")) for p in sorted((BASE2 / REPORTS).glob("*.json"))
}
HOSTILE = [
    "\x01",
    "\r",
    "\n",
    "\r\n",
    "\t",
    "\x7f",
    "\x85",
    "\u2028",
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    "\uff1d1",  # full-width equals sign
    " =1",
    "TODO",
    "TODO\u2026",
    "e\u0301",  # not NFC
    "\ud800",  # a lone surrogate
    "",
    '"',
    ",",
]
ENUMS = [
    "measure",
    "subject",
    "qualifier",
    "modality",
    "attribution",
    "event_type",
    "event_subtype",
    "actor_type",
    "place_type",
    "date_precision",
    "place_precision",
    "claim_date_precision",
    "status",
    "unit",
    "launch_platform",
    "text_redistribution",
    "published_precision",
    "time_of_day",
]
REFERENCES = {  # field -> the table it refers to (schema 0.2.0)
    "claimant_actor_id": "actors",
    "actor_id": "actors",
    "target_actor_id": "actors",
    "subject_actor_id": "actors",
    "parent_actor_id": "actors",
    "place_id": "places",
    "parent_place_id": "places",
    "launch_place_id": "places",
    "part_of": "quantities",
    "parent_event_id": "events",
    "status_source_id": "sources",
    "supersedes_claim_id": "claims",
}
KEYS = {"sources": "source_id", "actors": "actor_id", "places": "place_id", "events": "event_id"}
KEYS |= {"claims": "claim_id", "quantities": "quantity_id"}
CLONE_NAMES = ["a", "a-b", "a.b", "a_b", "a0", "zz"]  # "a-b.json" sorts before "a.json"; source id "a" before "a-b"


def _located(reports: Reports, table: str | None = None) -> list[tuple[str, walk.Located]]:
    return [
        (name, obj)
        for name in sorted(reports)
        if isinstance(reports[name], dict)
        for obj in walk.objects(reports[name])
        if table is None or obj.table == table
    ]


def _pick(draw, reports: Reports, table: str | None = None, where=lambda obj: True):
    """A report first, then one of its objects: the small reports are changed as often as the large one."""
    found = [(n, o) for n, o in _located(reports, table) if where(o)]
    if not found:
        return None, None
    name = draw(st.sampled_from(sorted({n for n, _ in found})))
    found = [(n, o) for n, o in found if n == name]
    return found[draw(st.integers(0, len(found) - 1))]


def _rename_refs(report: dict, table: str, old: str, new: str) -> None:
    """Every reference in ``report`` to ``old`` of ``table`` made to point at ``new``."""
    for obj in walk.objects(report):
        if obj.table == table and obj.obj.get(KEYS[table]) == old:
            obj.obj[KEYS[table]] = new
        for name, target in REFERENCES.items():
            if target == table and obj.obj.get(name) == old:
                obj.obj[name] = new


def m_string(draw, reports: Reports) -> str:
    name, obj = _pick(draw, reports, where=lambda o: any(isinstance(v, str) for v in o.obj.values()))
    if obj is None:
        return "nothing to change"
    key = draw(st.sampled_from(sorted(k for k, v in obj.obj.items() if isinstance(v, str))))
    value, how = draw(st.sampled_from(HOSTILE)), draw(st.sampled_from(["replace", "prefix", "suffix", "middle"]))
    old = obj.obj[key]
    obj.obj[key] = {"replace": value, "prefix": value + old, "suffix": old + value}.get(
        how, old[: len(old) // 2] + value + old[len(old) // 2 :]
    )
    return f"{name}: {obj.table} {key} {how} {value!r}"


FREE_TEXT = ("quote", "quote_translation", "statement", "status_note", "summary", "wording", "name", "rights", "title")


def m_free_text(draw, reports: Reports) -> str:
    """Line breaks and controls where the schema lets any text through: what the CSV writer and reader
    must carry over unchanged for the table path to see what the report holds."""
    name, obj = _pick(draw, reports, where=lambda o: any(isinstance(o.obj.get(k), str) for k in FREE_TEXT))
    if obj is None:
        return "nothing to change"
    key = draw(st.sampled_from([k for k in FREE_TEXT if isinstance(obj.obj.get(k), str)]))
    value = draw(st.sampled_from(["\r", "\r\n", "\n", "\n\n", "\t", '"', '",', "\x00", "\x1c", "\u2029"]))
    at = draw(st.integers(0, len(obj.obj[key])))
    obj.obj[key] = obj.obj[key][:at] + value + obj.obj[key][at:]
    return f"{name}: {obj.table} {key} {value!r} at {at}"


def m_duplicate_within(draw, reports: Reports) -> str:
    name, obj = _pick(draw, reports, where=lambda o: o.table != "sources")
    if obj is None:
        return "nothing to change"
    twin = copy.deepcopy(obj.obj)
    differ = draw(st.booleans())
    if differ:
        text = sorted(k for k, v in twin.items() if isinstance(v, str) and k != KEYS[obj.table])
        if text:
            twin[draw(st.sampled_from(text))] += "x"
    node = reports[name]
    for part in obj.parts[:-1]:
        node = node[part]
    node.append(twin)  # type: ignore[attr-defined]
    return f"{name}: {obj.table} {obj.obj.get(KEYS[obj.table])!r} repeated{' differently' if differ else ''}"


def m_duplicate_across(draw, reports: Reports) -> str:
    """An id of one report given to an object of another (its references there follow): for actors, places
    and events with the other's definition (identical) or with one field changed (differing)."""
    table = draw(st.sampled_from(list(KEYS)))
    name, obj = _pick(draw, reports, table)
    if obj is None:
        return "nothing to change"
    other, mine = _pick(draw, reports, table, where=lambda o: o is not obj)
    if obj is None or mine is None:
        return "no pair"
    key = KEYS[table]
    old, new = mine.obj.get(key), obj.obj.get(key)
    if not isinstance(old, str) or not isinstance(new, str):
        return "no ids"
    _rename_refs(reports[other], table, old, new)
    how = "same id"
    if table in ("actors", "places", "events"):
        how = draw(st.sampled_from(["same id", "identical", "differing"]))
        if how != "same id":
            kept = {k: v for k, v in mine.obj.items() if k == "claims"}
            mine.obj.clear()
            mine.obj.update(copy.deepcopy({k: v for k, v in obj.obj.items() if k != "claims"}) | kept)
            if how == "differing":
                text = sorted(k for k, v in mine.obj.items() if isinstance(v, str) and k != key and k != "claims")
                if text:
                    mine.obj[draw(st.sampled_from(text))] += "y"
    return f"{other}: {table} {old!r} -> {new!r} of {name} ({how})"


def m_dangling(draw, reports: Reports) -> str:
    field = draw(st.sampled_from(sorted(REFERENCES)))
    holders = {
        "claimant_actor_id": "claims",
        "actor_id": "events",
        "target_actor_id": "events",
        "subject_actor_id": "quantities",
        "parent_actor_id": "actors",
        "place_id": draw(st.sampled_from(["events", "quantities"])),
        "parent_place_id": "places",
        "launch_place_id": "quantities",
        "part_of": "quantities",
        "parent_event_id": "events",
        "status_source_id": "claims",
        "supersedes_claim_id": "claims",
    }
    name, obj = _pick(draw, reports, holders[field])
    if obj is None:
        return "nothing to refer from"
    # An id defined nowhere, or one defined in another report only (dangling when it must be local).
    elsewhere = [o.obj.get(KEYS[REFERENCES[field]]) for n, o in _located(reports, REFERENCES[field]) if n != name]
    value = draw(st.sampled_from(["no-such-id", *[v for v in elsewhere if isinstance(v, str)]]))
    obj.obj[field] = value
    if field == "status_source_id" and draw(st.booleans()):
        obj.obj["status"] = "retracted"
    return f"{name}: {obj.table} {field} = {value!r}"


def m_unused(draw, reports: Reports) -> str:
    name = draw(st.sampled_from(sorted(reports)))
    if draw(st.booleans()):
        reports[name].setdefault("actors", []).append({"actor_id": "unused-actor", "name": "X", "actor_type": "state"})
        return f"{name}: an unused actor"
    reports[name].setdefault("places", []).append({"place_id": "unused-place", "name": "X", "place_type": "country"})
    return f"{name}: an unused place"


def m_part_of(draw, reports: Reports) -> str:
    """part_of to any quantity: of another claim, of another report, a larger exact whole, another measure."""
    name, part = _pick(draw, reports, "quantities")
    if part is None:
        return "nothing to change"
    _, whole = _pick(draw, reports, "quantities")
    part.obj["part_of"] = whole.obj.get("quantity_id")
    if draw(st.booleans()) and isinstance(whole.obj.get("value"), int):
        part.obj.update(qualifier="exact", value=whole.obj["value"] + 1)
        for bound in ("lower", "upper"):
            part.obj.pop(bound, None)
    if draw(st.booleans()):
        part.obj["measure"] = whole.obj.get("measure")
    return f"{name}: {part.obj.get('quantity_id')} part_of {part.obj['part_of']}"


def m_wording(draw, reports: Reports) -> str:
    name, obj = _pick(draw, reports, "quantities")
    if obj is None:
        return "nothing to change"
    obj.obj["wording"] = draw(st.sampled_from(["not in the quote", "Zehn Menschen", " "]))
    return f"{name}: wording {obj.obj['wording']!r}"


def m_offsets(draw, reports: Reports) -> str:
    name, obj = _pick(draw, reports, "claims")
    if obj is None:
        return "nothing to change"
    key, by = draw(st.sampled_from(["quote_start", "quote_end"])), draw(st.sampled_from([-1, 1]))
    if isinstance(obj.obj.get(key), int):
        obj.obj[key] += by
    return f"{name}: {key} {by:+d}"


def m_claim_date(draw, reports: Reports) -> str:
    name, obj = _pick(draw, reports, "claims")
    if obj is None:
        return "nothing to change"
    if draw(st.booleans()):
        obj.obj.pop("claim_date", None)
        return f"{name}: claim_date removed"
    obj.obj["claim_date_precision"] = draw(st.sampled_from(["unknown", "year", "day"]))
    return f"{name}: claim_date_precision {obj.obj['claim_date_precision']}"


def m_enum(draw, reports: Reports) -> str:
    name, obj = _pick(draw, reports, where=lambda o: any(k in ENUMS for k in o.obj))
    if obj is None:
        return "nothing to change"
    key = draw(st.sampled_from(sorted(k for k in obj.obj if k in ENUMS)))
    obj.obj[key] = draw(st.sampled_from(["not-a-code", obj.obj[key].upper() if isinstance(obj.obj[key], str) else 1]))
    return f"{name}: {key} = {obj.obj[key]!r}"


def m_float(draw, reports: Reports) -> str:
    numbers = ("quote_start", "quote_end", "value", "lower", "upper")
    name, obj = _pick(draw, reports, where=lambda o: any(isinstance(o.obj.get(k), int) for k in numbers))
    if obj is None:
        return "nothing to change"
    key = draw(st.sampled_from([k for k in numbers if isinstance(obj.obj.get(k), int)]))
    obj.obj[key] = draw(st.sampled_from([float(obj.obj[key]), obj.obj[key] + 0.5, str(obj.obj[key])]))
    return f"{name}: {key} = {obj.obj[key]!r}"


def m_remove(draw, reports: Reports) -> str:
    name, obj = _pick(draw, reports)
    if obj is None:
        return "nothing to change"
    if not obj.obj:
        return "nothing to remove"
    key = draw(st.sampled_from(sorted(obj.obj)))
    del obj.obj[key]
    return f"{name}: {obj.table} {key} removed"


def m_rename(draw, reports: Reports) -> str:
    name = draw(st.sampled_from(sorted(reports)))
    new = draw(st.sampled_from(["renamed", "a", "0-" + name, name + "-b"]))
    if new not in reports:
        reports[new] = reports.pop(name)
    return f"{name}.json renamed {new}.json"


def m_version(draw, reports: Reports) -> str:
    name = draw(st.sampled_from(sorted(reports)))
    value = draw(st.sampled_from(["0.1.0", "9.9.9", 2, None]))
    if value is None:
        reports[name].pop("schema_version", None)
    else:
        reports[name]["schema_version"] = value
    return f"{name}: schema_version {value!r}"


def m_clone(draw, reports: Reports) -> str:
    name = draw(st.sampled_from(sorted(reports)))
    return clone(reports, name, draw(st.sampled_from([n for n in CLONE_NAMES if n not in reports] or ["zzz"])))


def clone(reports: Reports, name: str, new: str) -> str:
    """Another report: a copy of one, under a new source id (its claim and quantity ids follow it), sharing
    its actors, places, events and text; named so that file-name order and source-id order differ."""
    report = reports[name]
    source = report.get("source") if isinstance(report.get("source"), dict) else {}
    old = source.get("source_id")
    if not isinstance(old, str) or not old:
        return "no source id"
    copied = json.loads(json.dumps(report).replace(json.dumps(old)[1:-1], new))
    if isinstance(copied.get("source"), dict) and "text_path" in source:
        copied["source"]["text_path"] = source["text_path"]
    reports[new] = copied
    return f"{name} cloned as {new}"


MUTATIONS = [
    m_string,
    m_free_text,
    m_duplicate_within,
    m_duplicate_across,
    m_dangling,
    m_unused,
    m_part_of,
    m_wording,
    m_offsets,
    m_claim_date,
    m_enum,
    m_float,
    m_remove,
    m_rename,
    m_version,
    m_clone,
]


def write_reports(root: Path, reports: Reports) -> None:
    folder = root / REPORTS
    for path in folder.glob("*.json"):
        path.unlink()
    for name, report in reports.items():
        text = dump_report(report)  # a lone surrogate is written as JSON writes it, escaped
        text = re.sub("[\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", text)
        (folder / f"{name}.json").write_text(text, encoding="utf-8")


def read_reports(root: Path) -> Reports:
    """The reports that are regular files of JSON objects (what build can build from); others are left out."""
    out: Reports = {}
    for path in sorted((root / REPORTS).glob("*.json")):
        if path.is_symlink() or not path.is_file():
            continue
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        if isinstance(report, dict):
            out[path.name[:-5]] = report
    return out


def _build(root: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = build([str(root)])
    return code, out.getvalue(), err.getvalue()


PROPERTY = settings(
    max_examples=int(os.environ.get("STREAMED_EXAMPLES", "60")),
    deadline=None,
    derandomize=os.environ.get("STREAMED_SEEDED", "1") == "1",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@PROPERTY
@given(data=st.data())
def test_mutated_reports_fast_equals_exact(data) -> None:
    """1-4 mutations of the reports, the tables rebuilt at some point or never: both paths give the same
    Outcome, and build then writes exactly ``expected_files`` or nothing (printing the validator's findings)."""
    draw = data.draw
    reports = copy.deepcopy(SEED)
    steps = draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=4))
    build_at = draw(st.sampled_from([None, *range(len(steps) + 1)]))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "pkg"
        copy_tree(BASE2, root)
        done = []
        for i, mutation in enumerate(steps):
            if i == build_at:
                write_reports(root, reports)
                _build(root)
                reports = read_reports(root)
            done.append(mutation(draw, reports))
        write_reports(root, reports)
        if build_at == len(steps):
            _build(root)
        note(done)
        for step in done:
            event(step.split(":")[-1].split(" ")[1] if ": " in step else step.split(" ")[-1])
        assert_paths_agree(root, limits=(draw(st.sampled_from(MAX_ERRORS[:-1])),))
        event(f"build exit {assert_build_agrees(root)}")


# ---------------------------------------------------------------- 3. build


def _written(root: Path) -> dict[str, bytes]:
    """The files build writes, as they are on disk."""
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "data").glob("*.csv")}
    descriptor = root / "datapackage.json"
    return files | ({"datapackage.json": descriptor.read_bytes()} if descriptor.exists() else {})


def assert_build_agrees(root: Path) -> int:
    """``build``: when it succeeds, exactly ``expected_files`` of the reports (sorted by source id) and a valid
    package; when it refuses, nothing written, and the findings it prints are the validator's on the reports."""
    before = _written(root)
    code, out, err = _build(root)
    reports = read_reports(root)  # build may have filled offsets left out
    after = validate_package(root, max_errors=10**6, fast=False)
    if code == 0:
        ordered = sorted(reports.values(), key=lambda r: r["source"]["source_id"])
        version = ordered[0]["schema_version"] if ordered else "0.2.0"
        want = {rel: text.encode("utf-8") for rel, text in expected_files(ordered, version).items()}
        assert {rel: data for rel, data in _written(root).items() if rel in want} == want
        assert shown(after) == ([], False, []), out
        return code
    assert code == 1, out + err
    assert _written(root) == before, err
    printed = out.splitlines()[:-1]  # the last line is the summary
    tables = set(before)
    expected = render_text([p for p in after.problems if p.file not in tables], False).splitlines()[:-1]
    if printed or expected:
        versions = {r.get("schema_version") for r in reports.values() if isinstance(r, dict)}
        if "wrong-schema-version" in {p.code for p in after.problems} and len(versions) > 1:
            return code  # build takes the reports' own versions, the validator the package's: worded apart
        assert sorted(printed) == sorted(expected), err
    return code


# ---------------------------------------------------------------- differences found, held as tests

N, F, K = sorted(SEED)  # the three reports of base-0.2.0, in build order


def _package(tmp: Path, edit) -> Path:
    root = tmp / "pkg"
    copy_tree(BASE2, root)
    reports = copy.deepcopy(SEED)
    edit(reports)
    write_reports(root, reports)
    return root


def _first_claim(report: dict) -> dict:
    return report["events"][0]["claims"][0]


@pytest.mark.parametrize("limit", [1, 1000])
def test_every_screened_report_is_checked_exactly_when_the_built_tables_overflow(
    limit: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More table findings on the tables as built than ``streamed.SCREEN_LIMIT``: every report is checked
    by the exact path, and the Outcome is still the exact one."""

    def edit(reports: Reports) -> None:
        for name in (N, K):
            _first_claim(reports[name])["claim_date_precision"] = "unknown"
            _first_claim(reports[name])["quantities"][0]["wording"] = "not in the quote"

    root = _package(tmp_path, edit)
    for cap in (0, 1, 2, 3):
        monkeypatch.setattr(streamed, "SCREEN_LIMIT", cap)
        assert len(assert_paths_agree(root, limits=(limit,))) == 4


@pytest.mark.parametrize(
    "table,edit",
    [
        (
            "claims",
            lambda r: (
                _first_claim(r[N]).update(statement=_first_claim(r[N])["statement"] + "\rx"),
                _first_claim(r[K]).update(claim_date_precision="unknown"),
            ),
        ),
        (
            "quantities",
            lambda r: (
                _first_claim(r[N])["quantities"][0].update(wording="Drohnen\rx"),
                _first_claim(r[K])["quantities"][0].update(wording="not in the quote"),
            ),
        ),
    ],
    ids=["claims", "quantities"],
)
def test_a_lone_cr_in_one_report_hides_no_finding_of_later_reports(table: str, edit, tmp_path: Path) -> None:
    """Exact: the CR's control-character in the first report and the rule broken in the last one.
    Fast: only the control-character (the last report's claim-date-mismatch or wording-not-in-quote is lost)."""
    assert_paths_agree(_package(tmp_path, edit))


def test_cr_lf_in_two_reports_is_found_in_both(tmp_path: Path) -> None:
    def edit(reports: Reports) -> None:
        for name in (N, K):
            _first_claim(reports[name])["statement"] += "\r\nx"

    assert_paths_agree(_package(tmp_path, edit))


def test_a_descriptor_naming_one_file_twice(tmp_path: Path) -> None:
    root = _package(tmp_path, lambda r: _first_claim(r[K]).update(claim_date_precision="unknown"))
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == "quantities":
            resource["path"] = "data/claims.csv"
    (root / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    assert_paths_agree(root)


def test_build_orders_reports_by_source_id_not_by_file_name(tmp_path: Path) -> None:
    """ "a-b.json" sorts before "a.json" by name, source id "a" before "a-b": build writes the rows in
    source-id order, exactly ``expected_files``; both paths find nothing."""

    def edit(reports: Reports) -> None:
        for new in ("a-b", "a", "a.b", "a_b"):
            clone(reports, K, new)

    root = _package(tmp_path, edit)
    assert sorted(p.name for p in (root / REPORTS).glob("a*.json")) == ["a-b.json", "a.b.json", "a.json", "a_b.json"]
    assert assert_build_agrees(root) == 0
    assert assert_paths_agree(root) == []


def _hostile(folder: Path, kind: str) -> None:
    """One hostile file among the reports of base-0.2.0 (``folder`` is data/reports)."""
    korrektur = folder / f"{K}.json"
    match kind:
        case "line-break-in-name":
            (folder / "x\ny.json").write_text("{}", encoding="utf-8")
        case "name-not-utf8":
            (folder / b"\xff\xfe.json".decode("utf-8", "surrogateescape")).write_text("{}", encoding="utf-8")
        case "symlink-to-a-report":
            (folder / "zz.json").symlink_to(korrektur.name)
        case "symlink-outside":
            (folder / "out.json").symlink_to("/etc/hostname")
        case "dangling-symlink":
            (folder / "gone.json").symlink_to("nowhere")
        case "folder":
            (folder / "folder.json").mkdir()
        case "fifo":
            os.mkfifo(folder / "fifo.json")
        case "empty":
            (folder / "empty.json").write_bytes(b"")
        case "only-suffix":
            korrektur.rename(folder / ".json")
        case "space-before-suffix":
            (folder / f"{K} .json").write_bytes(korrektur.read_bytes())
        case "crlf":
            korrektur.write_bytes(korrektur.read_bytes().replace(b"\n", b"\r\n"))
        case "bom":
            korrektur.write_bytes(b"\xef\xbb\xbf" + korrektur.read_bytes())
        case "truncated":  # an interrupted write
            data = korrektur.read_bytes()
            korrektur.write_bytes(data[: len(data) // 2])


HOSTILE_FILES = [
    "line-break-in-name",
    "name-not-utf8",
    "symlink-to-a-report",
    "symlink-outside",
    "dangling-symlink",
    "folder",
    "fifo",
    "empty",
    "only-suffix",
    "space-before-suffix",
    "crlf",
    "bom",
    "truncated",
]


@pytest.mark.parametrize("kind", HOSTILE_FILES)
def test_hostile_report_files_fast_equals_exact(kind: str, tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    copy_tree(BASE2, root)
    _hostile(root / REPORTS, kind)
    assert_paths_agree(root)
    assert_build_agrees(root)
