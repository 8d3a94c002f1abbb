"""The documentation: generated pages complete and up to date, examples valid, site builds.

Checked examples: a fenced block whose info string is `json <kind>` holds a fragment that
must validate against the schema: `json report` a whole war report, `json event` an
event (`#/$defs/event`), likewise `claim`, `quantity`, `actor`, `place` and `source`.
A plain ```json block is not checked.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from markdown_it import MarkdownIt
from referencing import Registry, Resource

from war_report_events.publish import docs as documenting
from war_report_events.publish.docs import data_dictionary_markdown, error_codes_markdown, tables_of
from war_report_events.standard.schema import load_codelists, load_schema

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = load_schema()
CODELISTS = load_codelists()
DICTIONARY = data_dictionary_markdown(SCHEMA, CODELISTS)
FRAGMENT_KINDS = {"report", "event", "claim", "quantity", "actor", "place", "source"}


def sections(markdown: str) -> dict[str, str]:
    """Level-3 sections by their explicit anchor id ({#table-claims}, {#codelist-measure})."""
    parts = re.split(r"^### .*\{#([^}]+)\}$", markdown, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2]))


def field_rows(section: str) -> list[str]:
    """The field names of a table section, in row order."""
    return re.findall(r"^\| `([a-z0-9_]+)`", section, flags=re.M)


# --- data dictionary ----------------------------------------------------------------------


def test_every_field_of_every_table_appears_in_order_with_parents_after_the_key() -> None:
    found = sections(DICTIONARY)
    for definition in SCHEMA["$defs"].values():
        if "x-table" not in definition:
            continue
        rows = field_rows(found[f"table-{definition['x-table']}"])
        own = [n for n, p in definition["properties"].items() if p.get("type") != "array"]
        key = definition["x-primaryKey"]
        derived = definition.get("x-derivedColumns", {})
        assert rows == [key, *definition.get("x-parentColumns", {}), *(n for n in own if n != key), *derived]


def test_nested_arrays_are_not_columns() -> None:
    found = sections(DICTIONARY)
    assert "claims" not in field_rows(found["table-events"])
    assert "quantities" not in field_rows(found["table-claims"])


def test_every_code_of_every_codelist_appears_with_its_title() -> None:
    found = sections(DICTIONARY)
    assert set(CODELISTS) <= {k.removeprefix("codelist-") for k in found if k.startswith("codelist-")}
    for name, rows in CODELISTS.items():
        section = found[f"codelist-{name}"]
        for row in rows:
            assert re.search(rf"^\| `{re.escape(row['code'])}` \| {re.escape(row['title'])} \|", section, re.M), (
                f"{name}.{row['code']} missing"
            )


def test_event_subtype_shows_its_event_type_linked_to_that_codelist() -> None:
    section = sections(DICTIONARY)["codelist-event_subtype"]
    assert "| Code | Title | Description | event_type |" in section
    assert re.search(r"^\| `drone_strike` \|.*\[`aerial_attack`\]\(#codelist-event_type\) \|$", section, re.M)


def test_types_requirement_constraints_and_references() -> None:
    found = sections(DICTIONARY)
    claims = found["table-claims"]
    row = next(line for line in claims.splitlines() if line.startswith("| `claimant_actor_id`"))
    assert "| string | yes |" in row and "[`actors.actor_id`](#table-actors)" in row
    row = next(line for line in claims.splitlines() if line.startswith("| `claim_date`"))
    assert "| date (`YYYY-MM-DD`) | no |" in row
    row = next(line for line in claims.splitlines() if line.startswith("| `quote_start`"))
    assert "| integer | yes |" in row and "minimum 0" in row
    row = next(line for line in found["table-quantities"].splitlines() if line.startswith("| `qualifier`"))
    assert "a code of [`qualifier`](#codelist-qualifier)" in row
    row = next(line for line in found["table-actors"].splitlines() if line.startswith("| `country`"))
    assert "pattern `^[A-Z]{2}$`" in row and "checked against ISO 3166-1 alpha-2" in row


def test_prose_is_escaped_for_a_table_cell() -> None:
    schema = {
        "properties": {"schema_version": {"const": "9.9.9"}},
        "$defs": {
            "thing": {
                "x-table": "things",
                "x-primaryKey": "thing_id",
                "description": "Things.",
                "required": ["thing_id"],
                "properties": {
                    "thing_id": {"type": "string", "title": "Id", "description": "a|b <i>x</i> `c|d`\nnext line"},
                },
            }
        },
    }
    page = data_dictionary_markdown(schema, {})
    row = next(line for line in page.splitlines() if line.startswith("| `thing_id`"))
    assert r"a\|b &lt;i&gt;x&lt;/i&gt; `c|d` next line" in row
    assert "schema 9.9.9" in page and tables_of(schema)[0].name == "things"


# --- error codes --------------------------------------------------------------------------


def test_error_codes_page_lists_every_code_with_meaning_and_fix_under_its_group() -> None:
    codes = {
        "bad-arguments": SimpleNamespace(meaning="Bad | args.", fix="Run --help.", group="could not start"),
        "json-syntax": SimpleNamespace(meaning="Not JSON.", fix="Fix it.", group="JSON"),
    }
    page = error_codes_markdown(codes)
    assert "## Could not start" in page and "## JSON" in page
    assert '| <span id="bad-arguments"></span>`bad-arguments` | Bad \\| args. | Run --help. |' in page
    assert page.index("## JSON") < page.index("`json-syntax`")


def test_error_codes_page_covers_the_real_registry() -> None:
    codes = documenting.ERROR_CODES
    page = (ROOT / "docs/error-codes.md").read_text(encoding="utf-8")
    for slug in codes:
        assert f'<span id="{slug}"></span>`{slug}`' in page


# --- generated files committed and current ------------------------------------------------


def test_committed_generated_pages_are_up_to_date(capsys) -> None:
    assert documenting.main(["--check"]) == 0, capsys.readouterr().err


def test_check_flags_drift_and_a_run_fixes_it(tmp_path: Path, capsys) -> None:
    shutil.copytree(ROOT / "schema", tmp_path / "schema")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/data-dictionary.md").write_text("stale\n", encoding="utf-8")
    assert documenting.main(["--check", "--root", str(tmp_path)]) == 1
    assert "docs/data-dictionary.md is out of date" in capsys.readouterr().err
    assert (tmp_path / "docs/data-dictionary.md").read_text(encoding="utf-8") == "stale\n"
    assert documenting.main(["--root", str(tmp_path)]) == 0
    assert documenting.main(["--check", "--root", str(tmp_path)]) == 0


# --- checked examples in the docs ---------------------------------------------------------


def fragments() -> list[tuple[str, int, str, str]]:
    """(page, line, kind, text) of every `json <kind> [version]` block in docs/ (kind carries the version)."""
    found = []
    for page in sorted((ROOT / "docs").rglob("*.md")):
        for token in MarkdownIt().parse(page.read_text(encoding="utf-8")):
            words = token.info.split()
            if token.type == "fence" and len(words) >= 2 and words[0] == "json":
                kind = words[1] + (f"@{words[2]}" if len(words) > 2 else "")
                found.append((str(page.relative_to(ROOT)), token.map[0] + 1, kind, token.content))
    return found


def fragment_errors(kind: str, text: str) -> list[str]:
    """Why a fragment of that kind is not valid against the schema (empty: valid).

    ``kind@version`` checks against that schema version (default: the current one)."""
    kind, _, version = kind.partition("@")
    schema = load_schema(version) if version else SCHEMA
    if kind not in FRAGMENT_KINDS:
        return [f"unknown kind {kind!r}; use one of {sorted(FRAGMENT_KINDS)}"]
    try:
        instance = json.loads(text)
    except json.JSONDecodeError as exc:
        return [f"not JSON: {exc}"]
    registry = Registry().with_resource(schema["$id"], Resource.from_contents(schema))
    target = schema["$id"] if kind == "report" else f"{schema['$id']}#/$defs/{kind}"
    validator = Draft202012Validator({"$ref": target}, registry=registry, format_checker=FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in validator.iter_errors(instance)]


FRAGMENTS = fragments()


@pytest.mark.parametrize("page,line,kind,text", FRAGMENTS, ids=[f"{p}:{n}" for p, n, _, _ in FRAGMENTS])
def test_marked_example_is_valid_against_the_schema(page: str, line: int, kind: str, text: str) -> None:
    assert fragment_errors(kind, text) == []


def test_examples_are_found_and_an_invalid_one_is_caught() -> None:
    assert any(page == "docs/quickstart.md" for page, *_ in FRAGMENTS)
    claim = next(text for page, _, kind, text in FRAGMENTS if kind == "claim")
    broken = json.loads(claim)
    broken["modality"] = "certain"
    broken["claim_date"] = "2024-02-30"
    errors = fragment_errors("claim", json.dumps(broken))
    assert any(e.startswith("modality:") for e in errors) and any(e.startswith("claim_date:") for e in errors)
    assert fragment_errors("claims", claim) and fragment_errors("report", claim)


# --- the site ---------------------------------------------------------------------------


def test_site_builds_in_strict_mode_without_warnings(tmp_path: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    for page in ("data-dictionary", "error-codes", "loading", "quickstart", "changelog"):
        assert (tmp_path / "site" / page / "index.html").is_file()
    changelog = (tmp_path / "site/changelog/index.html").read_text(encoding="utf-8")
    assert "Keep a Changelog" in changelog  # CHANGELOG.md is included, not copied


# --- table rows quoted in the docs --------------------------------------------------------


FROZEN = [ROOT / "tests" / "fixtures" / "base", ROOT / "tests" / "fixtures" / "base-0.2.0"]


def quoted_table_rows() -> list[tuple[str, int, str, str]]:
    """(page, line, table, row) of every row of a ```text block that starts with a table's CSV header."""
    headers = {
        path.read_text(encoding="utf-8").splitlines()[0]: path.stem
        for base in FROZEN
        for path in sorted((base / "data").glob("*.csv"))
    }
    found = []
    for page in sorted((ROOT / "docs").rglob("*.md")):
        for token in MarkdownIt().parse(page.read_text(encoding="utf-8")):
            lines = token.content.splitlines() if token.type == "fence" and token.info.strip() == "text" else []
            if lines and lines[0] in headers:
                for k, row in enumerate(lines[1:]):
                    found.append((str(page.relative_to(ROOT)), token.map[0] + 3 + k, headers[lines[0]], row))
    return found


ROWS = quoted_table_rows()


def test_codebook_quotes_table_rows() -> None:
    assert sum(1 for page, *_ in ROWS if page == "docs/codebook.md") >= 10


@pytest.mark.parametrize("page,line,table,row", ROWS, ids=[f"{p}:{n}" for p, n, _, _ in ROWS])
def test_quoted_table_row_is_a_row_of_the_built_table(page: str, line: int, table: str, row: str) -> None:
    """Rows as `build` writes them (empty cells, not ""), from the frozen packages, not the live data."""
    built = {
        line for base in FROZEN for line in (base / "data" / f"{table}.csv").read_text(encoding="utf-8").splitlines()
    }
    assert row in built, f"{page}:{line}: not a row of {table}.csv as built"
