"""docs/multiple-sources.md: its snippets run against the 0.2.0 test package and print what the page shows.

Same mechanism as tests/test_loading_docs.py (tests/docsnippets.py), but the frozen package is
tests/fixtures/base-0.2.0 (two sources on one event, a superseded claim) with dist/events-flat.csv
written by the `flat` exporter.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from docsnippets import PAGE_DATA, ROOT, normalise, page_snippets, run

PAGE = "docs/multiple-sources.md"
PACKAGE = ROOT / PAGE_DATA[PAGE]
SNIPPETS = page_snippets(PAGE)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    from war_report_events.peers import flat as flattening

    root = tmp_path_factory.mktemp("package")
    shutil.copytree(PACKAGE / "data", root / "data")
    assert flattening.main([str(root), "--out", str(root / "dist" / "events-flat.csv")]) == 0
    return root


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[f"{PAGE}:{s.line}" for s in SNIPPETS])
def test_snippet_prints_documented_output(snippet, workspace: Path, monkeypatch, capfd) -> None:
    assert snippet.output is not None, f"{PAGE}:{snippet.line}: add a ```text block with the output"
    monkeypatch.chdir(workspace)
    capfd.readouterr()
    run(snippet)
    printed = capfd.readouterr().out
    assert normalise(printed) == normalise(snippet.output), f"printed:\n{printed}"


def test_page_has_python_and_sql_snippets() -> None:
    assert {s.language for s in SNIPPETS} == {"python", "sql"}
