"""Fixtures as data: every case under tests/fixtures/invalid/ must give exactly its expected.csv, in every format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURES, case_args, expected_rows, materialize, order
from war_report_events.validator.cli import run
from war_report_events.validator.errors import ERROR_CODES

CASES = sorted(p for p in (FIXTURES / "invalid").iterdir() if p.is_dir())
START_CODES = {c for c, e in ERROR_CODES.items() if e.group.startswith("could not start")}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_vectorised_path_finds_exactly_the_same(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every table screened with pyarrow (as large tables are) gives the same findings as streaming."""
    from war_report_events.validator import tables as validation

    monkeypatch.setattr(validation, "FAST_MIN_BYTES", 0)
    pkg = materialize(case, tmp_path)
    code, out = run(case_args(case, pkg) + ["--format", "json"])
    got = [(e["file"], e["line"], e["field"], e["path"], e["code"]) for e in json.loads(out)["errors"]]
    assert got == expected_rows(case, pkg)


TABLE_CASES = [c for c in CASES if c.name.startswith("table-")]


@pytest.mark.parametrize("case", TABLE_CASES, ids=[c.name for c in TABLE_CASES])
def test_vectorised_path_in_small_batches_finds_the_same(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As above, with batches of a few records: what crosses batches (line numbers after quoted line
    breaks, repeated ids, quotes of claims, parts and their wholes) is carried over right."""
    from war_report_events.validator import fastcheck
    from war_report_events.validator import tables as validation

    monkeypatch.setattr(validation, "FAST_MIN_BYTES", 0)
    monkeypatch.setattr(fastcheck, "BLOCK", 700)  # bytes: two to four records of the frozen package
    pkg = materialize(case, tmp_path)
    code, out = run(case_args(case, pkg) + ["--format", "json"])
    got = [(e["file"], e["line"], e["field"], e["path"], e["code"]) for e in json.loads(out)["errors"]]
    assert got == expected_rows(case, pkg)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_invalid_case(case: Path, tmp_path: Path) -> None:
    pkg = materialize(case, tmp_path)
    args = case_args(case, pkg)
    expected = expected_rows(case, pkg)
    code, out = run(args + ["--format", "json"])
    result = json.loads(out)
    got = [(e["file"], e["line"], e["field"], e["path"], e["code"]) for e in result["errors"]]
    assert sorted(got, key=order) == got  # output order is documented
    assert got == expected, "\n".join(e["message"] for e in result["errors"])
    want_exit = 2 if {e[4] for e in expected} & START_CODES else 1
    assert (code, result["valid"]) == (want_exit, False)
    for e in result["errors"]:
        assert e["message"] and "\n" not in e["message"] and len(e["message"]) < 400

    text_code, text = run(args)
    lines = text.splitlines()
    if result.get("truncated"):  # --max-errors reached: said once, before the summary
        assert lines.pop(-2).startswith(f"stopped after {len(expected)} errors")
    assert text_code == want_exit and len(lines) == len(expected) + 1
    assert lines[-1].startswith("could not start: " if want_exit == 2 else "invalid: ")
    for (file, line, _, _, code_), printed in zip(expected, lines):
        assert printed.startswith(f"{file}:{line}:" if line else f"{file or '(command line)'}:")
        assert printed.endswith(f"[{code_}]")

    gh_code, gh = run(args + ["--format", "github"])
    annotations = [line for line in gh.splitlines() if line.startswith("::error ")]
    assert gh_code == want_exit and len(annotations) == len(expected)
    assert sorted(a.split("title=")[1].split("::")[0] for a in annotations) == sorted(e[4] for e in expected)


def test_every_error_code_has_a_fixture() -> None:
    covered = set()
    for case in CASES:
        covered |= {row[4] for row in expected_rows(case, Path("."))}
    untested_here = {"path-unreadable", "file-too-large", "cell-too-large", "internal-error"}  # in test_hostile.py
    assert set(ERROR_CODES) - covered - untested_here == set()


def test_build_never_writes_a_decimal_integer(tmp_path: Path) -> None:
    """A report with offsets 334.0 and a value 6.2e1 (integers to JSON Schema) is refused by `build`,
    which writes nothing: no 334.0 reaches claims.csv."""
    from war_report_events.tools.build import main as build

    pkg = materialize(FIXTURES / "invalid" / "report-decimal-integer", tmp_path)
    before = {p.name: p.read_bytes() for p in (pkg / "data").glob("*.csv")}
    assert build([str(pkg)]) == 1
    assert {p.name: p.read_bytes() for p in (pkg / "data").glob("*.csv")} == before


MIXED = ["table-duplicate-claim-other-quote", "report-wording-not-in-quote", "table-quote-mismatch"]


@pytest.mark.parametrize("case", [c for c in CASES if c.name in MIXED], ids=lambda c: c.name)
def test_claims_screened_and_quantities_streamed_find_the_same(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large claims table screened, a small quantities table streamed: quantities then read the claims'
    quotes from the screen's index, which must give each claim id the quote streaming would."""
    from war_report_events.validator import fastcheck
    from war_report_events.validator import tables as validation

    screen = fastcheck.check
    monkeypatch.setattr(
        fastcheck,
        "check",
        lambda path, checker, data=None: checker.table.name != "quantities" and screen(path, checker, data),
    )
    monkeypatch.setattr(validation, "FAST_MIN_BYTES", 0)
    pkg = materialize(case, tmp_path)
    code, out = run(case_args(case, pkg) + ["--format", "json"])
    got = [(e["file"], e["line"], e["field"], e["path"], e["code"]) for e in json.loads(out)["errors"]]
    assert got == expected_rows(case, pkg)


def test_the_streaming_checker_offers_what_the_screen_uses(tmp_path: Path) -> None:
    """fastcheck.Checker and fastcheck.Context list all the screen may use of RowChecker and TableContext."""
    import typing

    from war_report_events.standard import schema
    from war_report_events.validator import fastcheck
    from war_report_events.validator import tables as validation
    from war_report_events.validator.errors import Collector

    ctx = validation.TableContext()
    checker = validation.RowChecker("data/claims.csv", schema.table("claims"), ctx, Collector(10), tmp_path, False)
    for protocol, real in ((fastcheck.Checker, checker), (fastcheck.Context, ctx)):
        wanted = set(typing.get_type_hints(protocol)) | {
            n for n, v in vars(protocol).items() if callable(v) and not n.startswith("_")
        }
        assert wanted and all(hasattr(real, name) for name in wanted), wanted - set(dir(real))
