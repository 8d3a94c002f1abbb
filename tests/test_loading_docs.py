"""The loading snippets of the docs run as written and print what the docs say they print.

Convention: a ```python or ```sql block followed (with only prose such as "Output:" in
between) by a ```text block; the test runs the code from a copy of the package root
(data/ and datapackage.json of the checkout, dist/ from `export`) and compares its stdout
with the text block, ignoring trailing spaces. SQL runs in DuckDB and prints with
`.show(max_width=200)`, as docs/loading.md says.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("docs/loading.md", "docs/quickstart.md")
RUNNABLE = {"python", "sql"}


@dataclass(frozen=True)
class Snippet:
    page: str
    line: int
    language: str
    code: str
    output: str | None  # the documented stdout, None when the block has no output block


def snippets(markdown: str, page: str) -> list[Snippet]:
    """Every python/sql fence of a page, paired with the text fence that follows it."""
    fences = [t for t in MarkdownIt().parse(markdown) if t.type == "fence"]
    found = []
    for i, fence in enumerate(fences):
        language = fence.info.split()[0] if fence.info.strip() else ""
        if language not in RUNNABLE:
            continue
        after = fences[i + 1] if i + 1 < len(fences) else None
        output = after.content if after is not None and after.info.strip() == "text" else None
        found.append(Snippet(page, fence.map[0] + 1, language, fence.content, output))
    return found


def normalise(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


ALL = [s for page in PAGES for s in snippets((ROOT / page).read_text(encoding="utf-8"), page)]


@pytest.fixture(scope="session")
def workspace(tmp_path_factory) -> Path:
    """A package root whose data/ is the checkout's and whose dist/ is freshly exported."""
    if not (ROOT / "data" / "quantities.csv").is_file():
        pytest.fail("data/*.csv are missing: run `make build` first")
    from war_report_events.peers.export import export

    root = tmp_path_factory.mktemp("package")
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copy(ROOT / "datapackage.json", root / "datapackage.json")
    export(root, root / "dist")
    return root


def run(snippet: Snippet) -> None:
    if snippet.language == "python":
        exec(compile(snippet.code, f"{snippet.page}:{snippet.line}", "exec"), {"__name__": "__snippet__"})
    else:
        import duckdb

        duckdb.sql(snippet.code).show(max_width=200)


@pytest.mark.parametrize("snippet", ALL, ids=[f"{s.page}:{s.line}" for s in ALL])
def test_snippet_prints_documented_output(snippet: Snippet, workspace: Path, monkeypatch, capfd) -> None:
    assert snippet.output is not None, f"{snippet.page}:{snippet.line}: add a ```text block with the output"
    monkeypatch.chdir(workspace)
    run(snippet)
    printed = capfd.readouterr().out
    assert normalise(printed) == normalise(snippet.output), f"printed:\n{printed}"


def test_pages_have_python_and_sql_snippets() -> None:
    languages = {s.language for s in ALL if s.page == "docs/loading.md"}
    assert languages == {"python", "sql"}


def test_pairing_finds_the_output_block_and_flags_a_missing_one() -> None:
    page = "```python\nprint(1)\n```\n\nOutput:\n\n```text\n1\n```\n\n```sql\nSELECT 1;\n```\n\n```r\nx\n```\n"
    found = snippets(page, "x.md")
    assert [(s.language, s.output) for s in found] == [("python", "1\n"), ("sql", None)]
