"""The contributor's docs are proven by real runs: quoted messages, outputs and the minimal report.

Mechanism: an HTML comment ``<!-- docs-test: {...} -->`` right before a fenced block says how the
block is produced, on a copy of the frozen seed package (tests/fixtures/base, release 0.1.0), so
that adding or correcting a report never changes these outputs:

- ``{"file": "data/..."}``: the block is that file of a package. All such files of a page are added
  to the copy, `build` runs, and the validator must find the package valid (the minimal report).
- ``{"replace": {FILE: [[OLD, NEW], ...]}, "new": [ARGS], "args": [ARGS]}``: break the copy (replace
  the first OLD in FILE by NEW; or run `new` with ARGS), run the validator with ARGS from the package
  root, and every line of the block must be a line of what it prints.
- ``{"run": [COMMAND, ARGS...]}``: run `python -m war_report_events COMMAND ARGS` from the package
  root; the block must equal what it prints (stdout, then stderr), or its first ``"head": N`` lines.
  ``/tmp/rehearsal`` in ARGS and output stands for an empty scratch folder (the page says to make it).

And every line of any ```text block in docs/ that ends in an error code (``[code]``) must sit in a
block produced this way, so no message in the docs can drift from the validator's.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from war_report_events.validator.errors import ERROR_CODES

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "tests" / "fixtures" / "base"
FROZEN = {"0.1.0": BASE, "0.2.0": ROOT / "tests" / "fixtures" / "base-0.2.0"}
PAGES = ("docs/contributing.md",)
MARKER = re.compile(r"<!--\s*docs-test:\s*(\{.*?\})\s*-->", re.S)
SCRATCH = "/tmp/rehearsal"


@dataclass(frozen=True)
class Proven:
    page: str
    line: int
    how: dict
    content: str


def proven_blocks(markdown: str, page: str) -> list[Proven]:
    """Every fence right after a docs-test comment, with the comment's instructions."""
    tokens = MarkdownIt().parse(markdown)
    found = []
    for i, token in enumerate(tokens):
        m = MARKER.search(token.content) if token.type == "html_block" else None
        if m and i + 1 < len(tokens) and tokens[i + 1].type == "fence":
            found.append(Proven(page, tokens[i + 1].map[0] + 1, json.loads(m.group(1)), tokens[i + 1].content))
    return found


def quoted_messages(markdown: str, page: str) -> list[tuple[int, str]]:
    """(line, text) of every line of a ```text block that ends in a registered error code."""
    out = []
    for token in MarkdownIt().parse(markdown):
        if token.type == "fence" and token.info.strip() == "text":
            for k, line in enumerate(token.content.splitlines()):
                m = re.search(r"\[([a-z0-9-]+)\]$", line)
                if m and m.group(1) in ERROR_CODES:
                    out.append((token.map[0] + 2 + k, line))
    return out


def read(page: str) -> str:
    return (ROOT / page).read_text(encoding="utf-8")


BLOCKS = [b for page in PAGES for b in proven_blocks(read(page), page)]
CHECKS = [b for b in BLOCKS if "file" not in b.how]


@pytest.fixture
def package(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "package"
    shutil.copytree(BASE, root)
    monkeypatch.chdir(root)
    return root


def command(argv: list[str], capsys) -> str:
    from war_report_events.__main__ import main

    capsys.readouterr()
    main(argv)
    captured = capsys.readouterr()
    return captured.out + captured.err


def normalise(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip("\n").splitlines()]


@pytest.mark.parametrize("block", CHECKS, ids=[f"{b.page}:{b.line}" for b in CHECKS])
def test_quoted_output_is_what_the_tools_print(block: Proven, package: Path, tmp_path: Path, capsys) -> None:
    scratch = tmp_path / "rehearsal"
    scratch.mkdir()
    how = block.how
    if "run" in how:
        argv = [a.replace(SCRATCH, str(scratch)) for a in how["run"]]
        printed = command(argv, capsys).replace(str(scratch), SCRATCH)
        lines = normalise(printed)[: how["head"]] if "head" in how else normalise(printed)
        assert lines == normalise(block.content), f"printed:\n{printed}"
        return
    for rel, pairs in how.get("replace", {}).items():
        path = package / rel
        text = path.read_text(encoding="utf-8")
        for old, new in pairs:
            assert old in text, f"{block.page}:{block.line}: {old!r} is not in {rel}"
            text = text.replace(old, new, 1)
        path.write_bytes(text.encode("utf-8"))
    if "new" in how:
        assert command(["new", *how["new"]], capsys)
    printed = command(["validate", ".", *how.get("args", [])], capsys)
    missing = [line for line in normalise(block.content) if line not in normalise(printed)]
    assert not missing, f"{block.page}:{block.line}: not printed by the validator: {missing}\nprinted:\n{printed}"


@pytest.mark.parametrize("page", PAGES)
def test_the_minimal_report_is_valid_in_a_package(page: str, tmp_path: Path, monkeypatch, capsys) -> None:
    files = [b for b in BLOCKS if b.page == page and "file" in b.how]
    assert any(b.how["file"].startswith("data/reports/") for b in files), f"{page}: no minimal report"
    report = json.loads(next(b.content for b in files if b.how["file"].startswith("data/reports/")))
    # A package follows one schema version: the frozen package of the report's version.
    package = tmp_path / "package"
    shutil.copytree(FROZEN[report["schema_version"]], package)
    monkeypatch.chdir(package)
    for block in files:
        path = package / block.how["file"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(block.content.encode("utf-8"))
    assert list(report) == ["schema_version", "source", "actors", "places", "events"]
    built = command(["build", "."], capsys)
    assert "built" in built, built
    printed = command(["validate", "."], capsys)
    assert printed.strip() == "valid: .", printed


def test_every_quoted_error_message_is_produced_by_a_real_run() -> None:
    for page in sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").rglob("*.md")):
        if page == "docs/error-codes.md":
            continue  # generated from the registry
        markdown = read(page)
        covered = {
            line for b in proven_blocks(markdown, page) if "file" not in b.how for line in b.content.splitlines()
        }
        unproven = [(n, line) for n, line in quoted_messages(markdown, page) if line not in covered]
        assert not unproven, f"{page}: quoted messages without a docs-test comment: {unproven}"
        assert page in PAGES or not proven_blocks(markdown, page), f"add {page} to PAGES"


def test_mechanism_pairs_comments_with_blocks_and_finds_messages() -> None:
    page = (
        '<!-- docs-test: {"args": ["--format", "github"]} -->\n\n```text\nx.json:1: $.a: b. [json-syntax]\n```\n\n'
        "```text\ny.json:2: $.c: d. [json-syntax]\n```\n"
    )
    (block,) = proven_blocks(page, "x.md")
    assert block.how == {"args": ["--format", "github"]} and block.content.startswith("x.json:1")
    assert [line for _, line in quoted_messages(page, "x.md")] == [
        "x.json:1: $.a: b. [json-syntax]",
        "y.json:2: $.c: d. [json-syntax]",
    ]
