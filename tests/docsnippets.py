"""How the docs' runnable snippets are found, where they run, and how their output is compared.

A page's snippets never run against the live data/: every page runs against a frozen package that
the page itself names (its path appears in the page's text), so that adding, correcting or
retracting a report changes no documented output. The outputs stay exact, so a snippet that stops
working or prints something else still fails. Why frozen data rather than outputs checked by
shape: a reader compares the printed table with the page, and a shape check would let a wrong
join or a lost row pass; and why not a regenerate command: it would make every contributor rerun
and commit docs they never touched.

Convention: a ```python or ```sql block followed (with only prose such as "Output:" in between) by
a ```text block; the text block is the documented stdout, compared ignoring trailing spaces. SQL
runs in DuckDB and prints with `.show(max_width=200)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parent.parent
RUNNABLE = {"python", "sql"}

# The one table of pages with tested snippets and the frozen package each runs against.
# tests/fixtures/base is the package as released in 0.1.0 (tests/test_releasing.py proves it).
PAGE_DATA: dict[str, str] = {
    "docs/loading.md": "tests/fixtures/base",
    "docs/quickstart.md": "tests/fixtures/base",
    "docs/multiple-sources.md": "tests/fixtures/base-0.2.0",
}


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


def page_snippets(page: str) -> list[Snippet]:
    return snippets((ROOT / page).read_text(encoding="utf-8"), page)


def normalise(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def run(snippet: Snippet) -> None:
    """Run a snippet in the current directory; its output goes to stdout."""
    if snippet.language == "python":
        exec(compile(snippet.code, f"{snippet.page}:{snippet.line}", "exec"), {"__name__": "__snippet__"})
    else:
        import duckdb

        duckdb.sql(snippet.code).show(max_width=200)


def data_problems(page: str) -> list[str]:
    """Why a page's snippet data is not a frozen package it names (empty: it is)."""
    data = PAGE_DATA.get(page)
    if data is None:
        return [f"{page}: has runnable snippets but no entry in tests/docsnippets.py PAGE_DATA"]
    problems = []
    if not data.startswith("tests/fixtures/"):
        problems.append(f"{page}: its snippets run against {data}, not a frozen package under tests/fixtures/")
    if not (ROOT / data / "data").is_dir():
        problems.append(f"{page}: {data}/data does not exist")
    if f"`{data}`" not in (ROOT / page).read_text(encoding="utf-8"):
        problems.append(f"{page}: say on the page which data its outputs come from: name `{data}`")
    return problems
