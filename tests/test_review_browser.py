"""Review pages in a real browser: Debian's chromium, headless, driven by playwright (nothing downloaded).

Skipped, with one line saying how to install the browser, where chromium or playwright is missing;
`.ci/run` installs chromium so CI always runs these. Screenshots of each kind of page are kept under
tests/artefacts/review/ (git-ignored); their paths are printed at the end of the run.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from test_review import HOSTILE, REPORT, hostile_package

import conftest
from conftest import FIXTURES, ROOT, copy_tree
from war_report_events.publish.review import cli

CHROMIUM = os.environ.get("REVIEW_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARTEFACTS = ROOT / "tests" / "artefacts" / "review"
INSTALL = "review browser tests skipped: install the browser with `sudo apt-get install chromium` (Debian/Ubuntu)"

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover
    sync_playwright = None

if sync_playwright is None or not Path(CHROMIUM).is_file():
    conftest.NOTES.append(INSTALL + ("" if sync_playwright else " and `make test` (playwright)"))
    pytest.skip(INSTALL, allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Review sites of the shipped data, the 0.2.0 fixture, a package with seeded errors, a hostile one."""
    from war_report_events.publish.review.collect import collect
    from war_report_events.publish.review.page import render

    tmp = tmp_path_factory.mktemp("review")
    bad = tmp / "bad"
    copy_tree(FIXTURES / "base", bad)
    report = json.loads((bad / REPORT).read_text(encoding="utf-8"))
    report["events"][0]["claims"][0]["quote"] += " (misquoted)"  # quote-mismatch at a claim
    report["events"][4]["claims"][0]["quantities"][3]["value"] = 10  # part-exceeds-whole at a figure
    (bad / REPORT).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    unshipped = tmp / "unshipped"
    copy_tree(FIXTURES / "base-0.2.0", unshipped)
    (unshipped / "data" / "sources" / "2024-10-31-fixture-korrektur.txt").unlink()
    out = {}
    for name, target in {
        "shipped": ROOT,
        "v020": FIXTURES / "base-0.2.0",
        "bad": bad,
        "hostile": hostile_package(tmp),
        "rtl": rtl_package(tmp),
        "unshipped": unshipped,
    }.items():
        out[name] = tmp / f"site-{name}"
        cli.write_all(out[name], render([collect(str(target))]))
    return out


ARABIC = "\u0642\U0001d54f قال الجيش إن 62 طائرة مسيرة أُطلقت ليلاً. \U0001f680\r\n\r\n"  # CR LF: kept in the page as in the file


def rtl_package(tmp: Path) -> Path:
    """The shipped package with an Arabic sentence (and characters beyond the BMP) before its text, quoted."""
    pkg = tmp / "rtl"
    copy_tree(FIXTURES / "base", pkg)
    report = json.loads((pkg / REPORT).read_text(encoding="utf-8"))
    text_path = pkg / report["source"]["text_path"]
    text = ARABIC + text_path.read_text(encoding="utf-8")
    text_path.write_bytes(text.encode("utf-8"))
    report["source"]["text_sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    for claim in (c for e in report["events"] for c in e["claims"]):
        claim["quote_start"] += len(ARABIC)
        claim["quote_end"] += len(ARABIC)
    arabic = dict(report["events"][0]["claims"][0], claim_id="2024-10-30-drone-strikes-north-korea.c99")
    arabic.update(quote=ARABIC[2:40], quote_start=2, quote_end=40, statement="The army said 62 drones were launched.")
    arabic["quantities"] = [
        dict(arabic["quantities"][0], quantity_id=arabic["claim_id"] + ".q1", wording="62 طائرة", value=62)
    ]
    arabic["quantities"][0]["qualifier"] = "exact"
    report["events"][0]["claims"].append(arabic)
    (pkg / REPORT).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return pkg


class Page:
    """A page opened from file:// with every request it makes recorded."""

    def __init__(self, browser, path: Path, width: int = 1280) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=True)
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page = self.context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.goto(path.as_uri())

    def shot(self, name: str) -> Path:
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        target = ARTEFACTS / f"{name}.png"
        self.page.screenshot(path=str(target))
        conftest.NOTES.append(f"review screenshot: {target}")
        return target

    def close(self) -> None:
        self.context.close()
        assert [u for u in self.requests if not u.startswith("file://")] == [], "a page made a network request"
        assert self.errors == [] and self.dialogs == []


def source_page(site: Path) -> Path:
    return site / "source-2024-10-30-drone-strikes-north-korea.html"


QUOTES_AT_OFFSETS = """() => {
  const out = {};
  document.querySelectorAll("article.claim").forEach(card => {
    const n = card.id.slice(6);
    const id = card.querySelector('dd[data-field="claim_id"]').textContent;
    const marks = [...document.querySelectorAll('mark[data-q~="' + n + '"]')];
    out[id] = marks.map(m => [+m.dataset.s, +m.dataset.e, m.textContent]);
  });
  return {claims: out, text: document.getElementById("text").textContent};
}"""


@pytest.mark.parametrize("site", ["shipped", "v020"])
def test_each_quote_is_highlighted_at_its_offsets(browser, sites: dict[str, Path], site: str) -> None:
    package = ROOT if site == "shipped" else FIXTURES / "base-0.2.0"
    for report_path in sorted((package / "data" / "reports").glob("*.json")):
        report = json.loads(report_path.read_text(encoding="utf-8"))
        if "text_path" not in report["source"]:
            continue  # a text that may not be shipped has nothing to highlight in
        text = (package / report["source"]["text_path"]).read_bytes().decode("utf-8")
        page = Page(browser, sites[site] / f"source-{report['source']['source_id']}.html")
        got = page.page.evaluate(QUOTES_AT_OFFSETS)
        assert got["text"] == text, "the page shows the text exactly as shipped"
        for claim in (c for e in report["events"] for c in e["claims"]):
            marks = got["claims"][claim["claim_id"]]
            assert marks, claim["claim_id"]
            assert marks[0][0] == claim["quote_start"] and marks[-1][1] == claim["quote_end"]
            assert all(a[1] == b[0] for a, b in zip(marks, marks[1:])), "one unbroken highlight"
            assert "".join(m[2] for m in marks) == text[claim["quote_start"] : claim["quote_end"]] == claim["quote"]
        page.close()


def test_every_figure_wording_is_marked_inside_its_quote(browser, sites: dict[str, Path]) -> None:
    page = Page(browser, source_page(sites["shipped"]))
    marked = page.page.evaluate("() => [...document.querySelectorAll('#text .fig')].map(f => f.textContent)")
    report = json.loads((ROOT / REPORT).read_text(encoding="utf-8"))
    wordings = [q["wording"] for e in report["events"] for c in e["claims"] for q in c.get("quantities", [])]
    assert set(wordings) <= set(marked)
    page.shot("source-page")
    page.close()


def test_selecting_a_claim_reveals_its_span_and_back(browser, sites: dict[str, Path]) -> None:
    page = Page(browser, source_page(sites["shipped"]), width=1280)
    p = page.page
    last = p.locator("article.claim").last
    n = last.get_attribute("id").removeprefix("claim-")
    last.locator("[data-show]").click()
    mark = p.locator(f'mark[data-q~="{n}"]').first
    assert "active" in mark.get_attribute("class") and mark.is_visible()
    assert p.evaluate("() => { const r = document.activeElement.getBoundingClientRect(); return r.top >= 0 }")
    page.shot("source-page-claim-selected")
    first = p.locator("mark[data-q]").first
    first.focus()
    p.keyboard.press("Enter")  # the keyboard does what a click does
    ids = first.get_attribute("data-q").split()
    assert all("active" in p.locator(f"#claim-{i}").get_attribute("class") for i in ids)
    assert p.evaluate("() => document.activeElement.id") == f"claim-{ids[0]}"
    page.close()


def test_phone_layout_stacks_text_above_claims(browser, sites: dict[str, Path]) -> None:
    page = Page(browser, source_page(sites["shipped"]), width=390)
    p = page.page
    assert p.evaluate("() => document.documentElement.scrollWidth") <= 390, "no sideways scrolling on a phone"
    text, claims = p.locator(".text-pane").bounding_box(), p.locator('section[aria-label="Claims"]').bounding_box()
    assert claims["y"] >= text["y"] + text["height"] - 1
    page.shot("source-page-phone")
    page.close()
    for name in ("index.html", "event-2024-10-30-ru-drone-strike-ua-kyiv.html"):
        page = Page(browser, sites["shipped"] / name, width=390)
        assert page.page.evaluate("() => document.documentElement.scrollWidth") <= 390, name
        page.close()


def test_seeded_errors_show_at_their_place(browser, sites: dict[str, Path]) -> None:
    page = Page(browser, source_page(sites["bad"]))
    p = page.page
    quote = p.locator('.claim:has(.finding[data-code="quote-mismatch"])')
    assert quote.count() == 1 and "(misquoted)" in quote.locator("blockquote").inner_text()
    figure = p.locator('li[data-quantity]:has(> .finding[data-code="part-exceeds-whole"])')
    assert figure.count() == 1 and "Fix:" in figure.inner_text()
    assert p.locator("mark.bad").count() >= 2, "the quotes of claims with errors are marked in the text"
    assert p.locator("article.claim").count() == 16, "everything else still rendered"
    figure.scroll_into_view_if_needed()
    page.shot("source-page-with-errors")
    page.close()
    index = Page(browser, sites["bad"] / "index.html")
    assert "2 findings" in index.page.locator("#verdict").inner_text()
    index.close()


def test_hostile_values_render_as_text(browser, sites: dict[str, Path]) -> None:
    for name in sorted(p.name for p in sites["hostile"].glob("*.html")):
        page = Page(browser, sites["hostile"] / name)
        p = page.page
        assert p.locator("img").count() == 0 and p.locator("script").count() == 1
        if name.startswith("source-"):
            assert HOSTILE in p.locator("h1").inner_text()
            assert p.locator('a[href^="javascript"]').count() == 0
            page.shot("source-page-hostile")
        page.close()  # no dialog opened, no request made


def test_event_page_shows_every_claim_side_by_side(browser, sites: dict[str, Path]) -> None:
    page = Page(browser, sites["v020"] / "event-2024-10-30-ru-drone-strike-ua-kyiv.html")
    p = page.page
    assert p.locator(".side article.claim").count() == 3
    row = p.locator("table.compare tr", has_text="Injured · Person")
    assert (
        row.locator(".verdict-disagree").count() == 1 and "Superseded" in p.locator("table.compare thead").inner_text()
    )
    page.shot("event-page")
    page.close()


def test_index_filters_claims(browser, sites: dict[str, Path]) -> None:
    page = Page(browser, sites["v020"] / "index.html")
    p = page.page
    rows = p.locator("tr[data-row]")
    total = rows.count()
    p.select_option('select[data-filter="language"]', label="de")
    assert p.locator("tr[data-row]:visible").count() == 1
    p.select_option('select[data-filter="language"]', label="all")
    p.select_option('select[data-filter="modality"]', label="Forecast")
    visible = p.locator("tr[data-row]:visible")
    assert 0 < visible.count() < total
    p.locator("#claims").scroll_into_view_if_needed()
    p.evaluate("() => window.scrollTo(0, document.getElementById('claims').offsetTop - 10)")
    page.shot("index-page")
    page.close()


def test_right_to_left_text_and_astral_characters_keep_their_offsets(browser, sites: dict[str, Path]) -> None:
    """Offsets count code points; JavaScript counts UTF-16 units: a character beyond the BMP must not shift a quote."""
    pkg = sites["rtl"].parent / "rtl"
    report = json.loads((pkg / REPORT).read_text(encoding="utf-8"))
    text = (pkg / report["source"]["text_path"]).read_bytes().decode("utf-8")
    page = Page(browser, source_page(sites["rtl"]))
    p = page.page
    got = p.evaluate(QUOTES_AT_OFFSETS)
    assert got["text"] == text
    for claim in (c for e in report["events"] for c in e["claims"]):
        marks = got["claims"][claim["claim_id"]]
        assert "".join(m[2] for m in marks) == text[claim["quote_start"] : claim["quote_end"]] == claim["quote"]
    box = p.locator("#text").bounding_box()
    first = p.locator("#text mark").first.bounding_box()  # the Arabic paragraph starts at the right
    assert first["x"] > box["x"] + box["width"] / 2, "in a left-to-right paragraph it would start at the left"
    assert p.locator("#text").get_attribute("lang") == "en"  # the source's language, as its report says
    wording = p.locator("article.claim", has_text="The army said 62 drones").locator("q")
    assert wording.get_attribute("dir") == "auto" and wording.inner_text() == "62 طائرة"
    assert "62 طائرة" in p.locator("#text .fig").all_inner_texts()
    page.shot("source-page-right-to-left")
    page.close()


def test_text_not_shipped_shows_quotes_and_where_to_check(browser, sites: dict[str, Path]) -> None:
    page = Page(browser, sites["unshipped"] / "source-2024-10-31-fixture-korrektur.html")
    p = page.page
    assert "validate.py --texts" in p.locator("#text-missing").inner_text()
    quote = p.locator("article.claim blockquote").first
    assert quote.get_attribute("lang") == "de" and "zehn Menschen" in quote.inner_text()
    assert p.locator("mark").count() == 0
    page.shot("source-page-text-not-shipped")
    page.close()
