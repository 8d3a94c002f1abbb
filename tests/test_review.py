"""Review pages without a browser: amounts in words, placement of findings, escaping, all-or-none writing."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, copy_tree
from war_report_events.__main__ import main as command
from war_report_events.failure import UserError
from war_report_events.publish.review import cli
from war_report_events.publish.review.collect import collect, path_parts
from war_report_events.publish.review.page import render
from war_report_events.publish.review.words import amount, verdict
from war_report_events.validator.errors import ERROR_CODES

REPORT = "data/reports/2024-10-30-drone-strikes-north-korea.json"
HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>&amp;\u202e'


def hostile_package(tmp_path: Path) -> Path:
    """The shipped package with markup and script in names, statements, wordings, ids and the URL."""
    pkg = tmp_path / "hostile"
    copy_tree(FIXTURES / "base", pkg)
    path = pkg / REPORT
    report = json.loads(path.read_text(encoding="utf-8"))
    report["source"]["url"] = "javascript:alert(3)"
    report["source"]["title"] = HOSTILE
    report["actors"][0]["name"] = HOSTILE
    event = report["events"][0]
    event["summary"] = HOSTILE
    event["event_id"] = "../../" + HOSTILE
    claim = event["claims"][0]
    claim["statement"] = HOSTILE
    claim["claimant_actor_id"] = report["actors"][0]["actor_id"]
    claim["quantities"][0]["wording"] = HOSTILE
    claim["quantities"][0]["measure"] = HOSTILE
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return pkg


@pytest.mark.parametrize(
    ("quantity", "words"),
    [
        ({"qualifier": "exact", "value": 4}, "4"),
        ({"qualifier": "at_least", "lower": 4}, "at least 4"),
        ({"qualifier": "more_than", "lower": 4}, "more than 4"),
        ({"qualifier": "at_most", "upper": 10000}, "at most 10,000"),
        ({"qualifier": "less_than", "upper": 5}, "less than 5"),
        ({"qualifier": "about", "value": 30}, "about 30"),
        ({"qualifier": "range", "lower": 4, "upper": 7}, "4 to 7"),
        ({"qualifier": "vague", "wording": "thousands"}, "thousands (no number)"),
        ({"qualifier": "estimate", "value": 9, "lower": 9, "upper": 11}, "9 (best estimate; low 9, high 11)"),
        ({"qualifier": "new_one", "value": 2}, "new_one: value 2"),
    ],
)
def test_amounts_in_words_keep_the_qualifier(quantity: dict, words: str) -> None:
    assert amount(quantity) == words


def test_verdicts_never_stretch_approximations() -> None:
    exact = {"qualifier": "exact", "value": 9}
    assert verdict([exact]) == "one claim"
    assert verdict([exact, dict(exact)]) == "agree"
    assert verdict([exact, {"qualifier": "at_least", "lower": 4}]) == "compatible"
    assert verdict([exact, {"qualifier": "exact", "value": 10}]) == "disagree"
    assert verdict([exact, {"qualifier": "more_than", "lower": 9}]) == "disagree"
    assert verdict([exact, {"qualifier": "about", "value": 10}]) == "not comparable"
    assert verdict([exact, {"qualifier": "vague", "wording": "dozens"}]) == "not comparable"


def test_json_paths_become_parts() -> None:
    assert path_parts("$.events[1].claims[0].quote") == ("events", 1, "claims", 0, "quote")
    assert path_parts('$["odd key"][2]') == ("odd key", 2)
    assert path_parts("$") == () and path_parts(None) is None and path_parts("data/x.csv") is None


def test_shipped_data_renders_every_source_event_and_claim() -> None:
    pages = render([collect(str(ROOT))])
    report = json.loads((ROOT / REPORT).read_text(encoding="utf-8"))
    claims = [c for e in report["events"] for c in e["claims"]]
    source = pages["source-2024-10-30-drone-strikes-north-korea.html"]
    assert len(re.findall(r'<article class="claim', source)) == len(claims)
    assert {f"event-{e['event_id']}.html" for e in report["events"]} <= set(pages)
    assert "the validator finds nothing wrong" in pages["index.html"]


def test_rendering_is_deterministic() -> None:
    first = render([collect(str(FIXTURES / "base-0.2.0"))])
    assert first == render([collect(str(FIXTURES / "base-0.2.0"))])


def test_new_schema_fields_appear_by_their_titles() -> None:
    """0.2.0's translation and supersession fields, shown with no code that names them."""
    pages = render([collect(str(FIXTURES / "base-0.2.0"))])
    page = pages["source-2024-10-31-fixture-korrektur.html"]
    for title in ("Quote translation", "Quote translation language", "Supersedes"):
        assert f">{title}</dt>" in page
    assert 'lang="en" dir="auto">The city administration corrected its figures' in page


def test_hostile_values_are_text_never_markup(tmp_path: Path) -> None:
    pages = render([collect(str(hostile_package(tmp_path)))])
    for name, html in pages.items():
        assert re.fullmatch(r"(index|source-[a-z0-9.-]+|event-[a-z0-9.-]+)\.html", name)
        assert html.count("<script") == 1 and "<img" not in html, name
        assert "javascript:" not in re.sub(r"<[^>]*>", "", html) or 'href="javascript' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages["index.html"]


def test_findings_appear_at_their_place_with_code_and_fix(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    copy_tree(FIXTURES / "base", pkg)
    copy_tree(FIXTURES / "invalid" / "report-part-exceeds-whole" / "package", pkg)
    pages = render([collect(str(pkg))])
    source = pages["source-2024-10-30-drone-strikes-north-korea.html"]
    card = source[source.index('<article class="claim bad"') :]
    card = card[: card.index("</article>")]
    assert 'data-code="part-exceeds-whole"' in card
    assert ERROR_CODES["part-exceeds-whole"].fix.replace("`", "") in card.replace("`", "")


@pytest.mark.parametrize(
    "case",
    sorted(p.name for p in (FIXTURES / "invalid").iterdir() if (p / "expected.csv").is_file()),
)
def test_every_invalid_fixture_renders_with_every_finding(case: str, tmp_path: Path) -> None:
    from conftest import case_args, materialize

    pkg = materialize(FIXTURES / "invalid" / case, tmp_path)
    targets = [a for a in case_args(FIXTURES / "invalid" / case, pkg) if not a.startswith("-")]
    try:
        packages = [collect(t) for t in targets]
    except UserError:
        return  # the validator could not start either: review says so in words (test below)
    html = "".join(render(packages).values())
    found = [p for pk in packages for p in pk.findings + [q for r in pk.reports for q in r.findings]]
    assert found
    for p in found:
        assert f'data-code="{p.code}"' in html


def test_missing_path_is_a_message_not_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert command(["review", str(tmp_path / "nope"), "--out", str(tmp_path / "out")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_text_not_shipped_shows_quotes_and_where_to_check(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    copy_tree(FIXTURES / "base", pkg)
    (pkg / "data" / "sources" / "2024-10-30-drone-strikes-north-korea.txt").unlink()
    page = render([collect(str(pkg))])["source-2024-10-30-drone-strikes-north-korea.html"]
    assert 'id="text-missing"' in page and "validate.py --texts" in page and "<mark" not in page
    assert "Russia and Ukraine exchanged scores of drone strikes Wednesday</blockquote>" in page


def test_writes_all_pages_or_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from war_report_events import files

    out = tmp_path / "out"
    cli.write_all(out, {"index.html": "old"})
    staged = []
    real_stage = files._stage

    def failing(path: Path, payload: bytes, mode: int | None) -> Path:
        staged.append(path)
        if len(staged) == 2:
            raise OSError(28, "No space left on device")
        return real_stage(path, payload, mode)

    monkeypatch.setattr(files, "_stage", failing)
    with pytest.raises(UserError, match="disk is full"):
        cli.write_all(out, {"index.html": "new", "source-a.html": "new", "event-b.html": "new"})
    assert sorted(p.name for p in out.iterdir()) == [cli.MARKER, "index.html"]
    assert (out / "index.html").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"], "no staging folder left behind"


def test_never_replaces_a_folder_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "mine.md").write_text("keep")
    with pytest.raises(UserError, match="not review pages"):
        cli.write_all(tmp_path / "docs", {"index.html": "x"})
    (tmp_path / "link").symlink_to(tmp_path / "docs")
    with pytest.raises(UserError, match="not a folder"):
        cli.write_all(tmp_path / "link", {"index.html": "x"})
    assert (tmp_path / "docs" / "mine.md").read_text() == "keep"


def test_docs_site_gets_the_review_pages_of_the_shipped_data(tmp_path: Path) -> None:
    from war_report_events.publish.review.site import on_post_build

    on_post_build({"site_dir": str(tmp_path)})
    assert (tmp_path / "review" / "index.html").is_file()
    assert "Browse the data: browse.md" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert 'href="../review/index.html"' in (ROOT / "docs" / "browse.md").read_text(encoding="utf-8")


def test_text_symlinked_out_of_the_package_is_not_read(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    copy_tree(FIXTURES / "base", pkg)
    (tmp_path / "secret.txt").write_text("secret outside", encoding="utf-8")
    text = pkg / "data" / "sources" / "2024-10-30-drone-strikes-north-korea.txt"
    text.unlink()
    text.symlink_to(tmp_path / "secret.txt")
    (pkg / "data" / "reports" / "<b>evil.json").symlink_to(tmp_path / "secret.txt")
    pages = render([collect(str(pkg))])
    assert "secret outside" not in "".join(pages.values())
    page = pages["source-2024-10-30-drone-strikes-north-korea.html"]
    assert 'id="text-missing"' in page and 'data-code="unsafe-path"' in page
    assert "&lt;b&gt;evil.json" in pages["index.html"]


def test_an_unreadable_report_shows_its_finding_on_its_lines() -> None:
    report = FIXTURES / "invalid" / "json-syntax" / "package" / REPORT
    page = render([collect(str(report))])["source-2024-10-30-drone-strikes-north-korea.html"]
    assert 'data-code="json-syntax"' in page and "could not be read" in page
    assert re.search(r'<span class="hit">\s*186  \s*&quot;parent_place_id&quot;: &quot;</span>', page)


ODD_VALUES = [None, 1, -5, 2.5, True, [], {}, [1, "<img>"], {"a": "<img>"}, "<img src=x>", "", "\u202e", 10**30]


def _leaves(obj: object, path: tuple = ()) -> list[tuple]:
    inner = obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, list) else []
    return [path] + [p for key, value in inner for p in _leaves(value, (*path, key))]


def test_any_json_value_anywhere_renders_as_text() -> None:
    """An invalid report may hold any JSON value where a string or number belongs: never a traceback, never markup."""
    import copy
    import random

    from war_report_events.publish.review.collect import Package, Report

    base = json.loads((ROOT / REPORT).read_text(encoding="utf-8"))
    text = (ROOT / base["source"]["text_path"]).read_text(encoding="utf-8")
    paths = [p for p in _leaves(base) if p]
    rng = random.Random(20)
    for _ in range(150):
        report = copy.deepcopy(base)
        for path in rng.sample(paths, rng.randint(1, 6)):
            try:
                parent = report
                for key in path[:-1]:
                    parent = parent[key]
                parent[path[-1]] = rng.choice(ODD_VALUES)
            except (KeyError, IndexError, TypeError):
                pass  # an earlier change replaced an ancestor
        pages = render([Package("p", [Report("data/reports/x.json", report, "0.1.0", text, None)], [])])
        assert all("<img" not in html for html in pages.values())


def test_a_local_copy_of_a_text_not_shipped_is_shown_only_when_its_hash_matches(tmp_path: Path) -> None:
    pkg, texts = tmp_path / "pkg", tmp_path / "texts"
    copy_tree(FIXTURES / "base", pkg)
    texts.mkdir()
    shipped = pkg / "data" / "sources" / "2024-10-30-drone-strikes-north-korea.txt"
    (texts / shipped.name).write_bytes(shipped.read_bytes())
    shipped.unlink()
    report = json.loads((pkg / REPORT).read_text(encoding="utf-8"))
    del report["source"]["text_path"]
    (pkg / REPORT).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    name = "source-2024-10-30-drone-strikes-north-korea.html"

    page = render([collect(str(pkg), texts)])[name]
    assert 'id="text-local"' in page and "do not publish them" in page and "<mark" in page

    (texts / shipped.name).write_bytes(b"another text")
    page = render([collect(str(pkg), texts)])[name]
    assert 'id="text-missing"' in page and "not the one the report gives" in page and "<mark" not in page

    (texts / shipped.name).unlink()
    (tmp_path / "elsewhere.txt").write_bytes((FIXTURES / "base" / shipped.relative_to(pkg)).read_bytes())
    (texts / shipped.name).symlink_to(tmp_path / "elsewhere.txt")  # the right text, but outside --texts
    page = render([collect(str(pkg), texts)])[name]
    assert 'id="text-missing"' in page and "<mark" not in page

    (texts / shipped.name).unlink()
    os.mkfifo(texts / shipped.name)  # would block a plain read forever
    page = render([collect(str(pkg), texts)])[name]
    assert "not a regular file" in page


def test_a_report_file_name_that_is_not_utf8_is_shown_escaped(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    copy_tree(FIXTURES / "base", pkg)
    odd = os.fsdecode(b"\xffodd.json")
    (pkg / "data" / "reports" / odd).write_bytes((pkg / REPORT).read_bytes())
    out = tmp_path / "out"
    assert command(["review", str(pkg), "--out", str(out)]) == 0
    assert "data/reports/\\udcffodd.json" in (out / "source-2.html").read_text(encoding="utf-8")


def test_an_unwritable_out_is_a_message(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "file").write_text("x")
    assert command(["review", str(FIXTURES / "base"), "--out", str(tmp_path / "file" / "sub")]) == 1
    err = capsys.readouterr().err
    assert "is not a folder" in err and "Traceback" not in err
