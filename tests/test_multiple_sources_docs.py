"""docs/multiple-sources.md: its snippets run against the 0.2.0 test package and print what the page shows.

Same convention as tests/test_loading_docs.py (a ```python or ```sql block followed by a ```text
block with its output), but the workspace is tests/fixtures/base-0.2.0 (two sources on one event,
a superseded claim) with dist/events-flat.csv written by the `flat` exporter.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parent.parent
PAGE = "docs/multiple-sources.md"
PACKAGE = ROOT / "tests" / "fixtures" / "base-0.2.0"


def snippets() -> list[tuple[int, str, str, str | None]]:
    """(line, language, code, documented output) of every python/sql block of the page."""
    fences = [t for t in MarkdownIt().parse((ROOT / PAGE).read_text(encoding="utf-8")) if t.type == "fence"]
    found = []
    for i, fence in enumerate(fences):
        language = fence.info.split()[0] if fence.info.strip() else ""
        if language in ("python", "sql"):
            after = fences[i + 1] if i + 1 < len(fences) else None
            found.append(
                (
                    fence.map[0] + 1,
                    language,
                    fence.content,
                    after.content if after is not None and after.info.strip() == "text" else None,
                )
            )
    return found


def normalise(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    from war_report_events.peers import flat as flattening

    root = tmp_path_factory.mktemp("package")
    shutil.copytree(PACKAGE / "data", root / "data")
    assert flattening.main([str(root), "--out", str(root / "dist" / "events-flat.csv")]) == 0
    return root


SNIPPETS = snippets()


@pytest.mark.parametrize("line,language,code,output", SNIPPETS, ids=[f"{PAGE}:{s[0]}" for s in SNIPPETS])
def test_snippet_prints_documented_output(line, language, code, output, workspace: Path, monkeypatch, capfd) -> None:
    assert output is not None, f"{PAGE}:{line}: add a ```text block with the output"
    monkeypatch.chdir(workspace)
    capfd.readouterr()
    if language == "python":
        exec(compile(code, f"{PAGE}:{line}", "exec"), {"__name__": "__snippet__"})
    else:
        import duckdb

        duckdb.sql(code).show(max_width=200)
    printed = capfd.readouterr().out
    assert normalise(printed) == normalise(output), f"printed:\n{printed}"


def test_page_has_python_and_sql_snippets() -> None:
    assert {language for _, language, _, _ in SNIPPETS} == {"python", "sql"}
