"""The loading snippets of the docs run as written and print what the docs say they print.

Each page runs against the frozen package it names (tests/docsnippets.py says why and how), copied
to a temporary package root with dist/ written by `export`, so that no data contribution changes
a documented output.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from docsnippets import PAGE_DATA, ROOT, data_problems, normalise, page_snippets, run, snippets

PAGES = ("docs/loading.md", "docs/quickstart.md")
ALL = [s for page in PAGES for s in page_snippets(page)]


@pytest.fixture(scope="session")
def workspaces(tmp_path_factory) -> dict[str, Path]:
    """Per frozen package: a package root holding a copy of it and a freshly exported dist/."""
    from war_report_events.peers.export import export

    roots = {}
    for data in sorted({PAGE_DATA[page] for page in PAGES}):
        root = tmp_path_factory.mktemp("package")
        shutil.copytree(ROOT / data / "data", root / "data")
        shutil.copy(ROOT / data / "datapackage.json", root / "datapackage.json")
        export(root, root / "dist")
        roots[data] = root
    return roots


@pytest.mark.parametrize("snippet", ALL, ids=[f"{s.page}:{s.line}" for s in ALL])
def test_snippet_prints_documented_output(snippet, workspaces: dict[str, Path], monkeypatch, capfd) -> None:
    assert snippet.output is not None, f"{snippet.page}:{snippet.line}: add a ```text block with the output"
    monkeypatch.chdir(workspaces[PAGE_DATA[snippet.page]])
    capfd.readouterr()
    run(snippet)
    printed = capfd.readouterr().out
    assert normalise(printed) == normalise(snippet.output), f"printed:\n{printed}"


@pytest.mark.parametrize("page", sorted(PAGE_DATA))
def test_page_names_the_frozen_data_its_outputs_come_from(page: str) -> None:
    assert data_problems(page) == []


def test_every_page_with_runnable_snippets_is_in_the_table() -> None:
    pages = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "docs").rglob("*.md"))]
    with_snippets = {p for p in pages if any(s.output is not None for s in page_snippets(p))}
    assert with_snippets <= set(PAGE_DATA), sorted(with_snippets - set(PAGE_DATA))


def test_pages_have_python_and_sql_snippets() -> None:
    languages = {s.language for s in ALL if s.page == "docs/loading.md"}
    assert languages == {"python", "sql"}


def test_pairing_finds_the_output_block_and_flags_a_missing_one() -> None:
    page = "```python\nprint(1)\n```\n\nOutput:\n\n```text\n1\n```\n\n```sql\nSELECT 1;\n```\n\n```r\nx\n```\n"
    found = snippets(page, "x.md")
    assert [(s.language, s.output) for s in found] == [("python", "1\n"), ("sql", None)]


def test_a_page_on_live_data_is_refused(monkeypatch) -> None:
    monkeypatch.setitem(PAGE_DATA, "docs/loading.md", "data")
    assert any("not a frozen package" in p for p in data_problems("docs/loading.md"))
