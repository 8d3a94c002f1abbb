"""HTML of the review pages, built from what ``collect`` read: pure functions from data to strings.

Every value from a package goes through ``esc`` (text and attributes alike). An id names a page only when it
is a plain lower-case name (else the page is numbered); DOM ids and selectors are always numbers, so a hostile
id is only ever text.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from html import escape

from ... import SCHEMA_VERSION
from ...standard import schema
from ...standard.reports import as_list, objects
from ...validator.errors import ERROR_CODES, Problem
from .assets import CSP, CSS, JS
from .collect import Package, Report, path_parts
from .words import amount, verdict

LANG = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")
SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
CHECK_TEXTS = "python validate.py --texts DIR"


def esc(value: object) -> str:
    return escape(value if isinstance(value, str) else str(value), quote=True)


def lang_attr(value: object) -> str:
    return f' lang="{esc(value)}"' if isinstance(value, str) and LANG.match(value) else ""


def sid(value: object) -> str | None:
    """An id as a key: only a string is one (an invalid report may hold a list or an object there)."""
    return value if isinstance(value, str) else None


def text_of(value: object) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


# ---------------------------------------------------------------- the site: pages, claims and findings numbered


@dataclass
class Claim:
    n: int  # number of the claim on the site: DOM ids claim-<n>, q-<n>
    claim: dict
    event: dict
    source: SourcePage
    parts: tuple  # JSON path parts of the claim in its report


@dataclass
class SourcePage:
    name: str
    package: int
    report: Report
    claims: list[Claim] = field(default_factory=list)
    placed: dict[tuple, list[Problem]] = field(default_factory=dict)  # JSON path parts of an object -> findings

    @property
    def source(self) -> dict:
        src = self.report.data.get("source") if self.report.data else None
        return src if isinstance(src, dict) else {}

    @property
    def title(self) -> str:
        src = self.source
        sid = text_of(src.get("source_id")) or self.report.rel
        title = text_of(src.get("title"))
        return f"{title} ({sid})" if title else sid

    @cached_property
    def flagged(self) -> set[tuple]:
        """JSON path parts of the claims with a finding on them or on one of their figures."""
        return {key[:4] for key, found in self.placed.items() if len(key) >= 4 and key[2] == "claims" and found}

    @property
    def title_html(self) -> str:
        """The title with each value isolated in <bdi>: a right-to-left or override character in one stays in it."""
        src = self.source
        sid = f"<bdi>{esc(text_of(src.get('source_id')) or self.report.rel)}</bdi>"
        title = text_of(src.get("title"))
        return f"<bdi>{esc(title)}</bdi> ({sid})" if title else sid

    @property
    def language(self) -> object:
        return self.source.get("language")

    def actor(self, actor_id: object) -> dict:
        data = self.report.data or {}
        return next(
            (a for a in as_list(data.get("actors")) if isinstance(a, dict) and a.get("actor_id") == actor_id), {}
        )


@dataclass
class EventPage:
    name: str
    key: tuple  # (package number, event id)
    event: dict
    claims: list[Claim] = field(default_factory=list)


@dataclass
class Site:
    packages: list[Package]
    sources: list[SourcePage]
    events: list[EventPage]
    event_of: dict[int, EventPage] = field(default_factory=dict)  # claim number -> the page of its event


def _name(wanted: str, taken: set[str], fallback: str) -> str:
    """A file-name stem: the id when it is a plain lower-case name not yet taken, else ``fallback``."""
    name = wanted if SAFE_NAME.match(wanted) and wanted.lower() not in taken else fallback
    while name in taken:
        name += "-"
    taken.add(name)
    return name


def place(findings: list[Problem], located: list[tuple]) -> dict[tuple, list[Problem]]:
    """Each finding under the deepest object whose JSON path starts its own; () for the report as a whole."""
    out: dict[tuple, list[Problem]] = defaultdict(list)
    known = set(located)
    for p in findings:
        parts = path_parts(p.path) or ()
        while parts and parts not in known:
            parts = parts[:-1]
        out[parts].append(p)
    return dict(out)


def build_site(packages: list[Package]) -> Site:
    sources: list[SourcePage] = []
    events: dict[tuple, EventPage] = {}
    taken: set[str] = {"index"}
    n = 0
    for k, pkg in enumerate(packages):
        for report in pkg.reports:
            data = report.data or {}
            src = data.get("source") if isinstance(data.get("source"), dict) else {}
            stem = report.rel.rsplit("/", 1)[-1].removesuffix(".json")
            page = SourcePage(
                "source-" + _name(text_of(src.get("source_id")) or stem, taken, f"{len(sources) + 1}"), k, report
            )
            page.placed = place(report.findings, [loc.parts for loc in objects(data)] if report.data else [])
            sources.append(page)
            for i, event in enumerate(as_list(data.get("events"))):
                if not isinstance(event, dict):
                    continue
                key = (k, text_of(event.get("event_id")) or f"{report.rel}#{i}")
                if key not in events:
                    events[key] = EventPage("", key, event)
                for j, claim in enumerate(as_list(event.get("claims"))):
                    if isinstance(claim, dict):
                        n += 1
                        c = Claim(n, claim, event, page, ("events", i, "claims", j))
                        page.claims.append(c)
                        events[key].claims.append(c)
    ordered = sorted(events.values(), key=lambda e: (e.key[0], e.key[1]))
    for i, ev in enumerate(ordered, 1):
        ev.name = "event-" + _name(ev.key[1], taken, f"{i}")
    return Site(packages, sources, ordered, {c.n: ev for ev in ordered for c in ev.claims})


def event_page_of(site: Site, claim: Claim) -> EventPage | None:
    return site.event_of.get(claim.n)


# ---------------------------------------------------------------- pieces


@lru_cache(maxsize=64)
def codelist_titles(version: str, name: str | None) -> dict[str, str]:
    if not name:
        return {}
    return {row["code"]: row["title"] for row in schema.load_codelists(version).get(name, ())}


@lru_cache(maxsize=256)
def codelist_of(version: str, table: str, field_name: str) -> str | None:
    return next((f.codelist for f in schema.table(table, version).fields if f.name == field_name), None)


def coded(version: str, table: str, field_name: str, value: object) -> str:
    """A coded value as its title from the codelist (the code kept in a tooltip); other values as they are."""
    title = (
        codelist_titles(version, codelist_of(version, table, field_name)).get(value)
        if isinstance(value, str)
        else None
    )
    return f'<span title="{esc(value)}">{esc(title)}</span>' if title else esc(text_of(value))


def finding_html(p: Problem, version_titles: dict[str, str] | None = None) -> str:
    entry = ERROR_CODES.get(p.code)
    where = esc(p.file or "")
    where += f":{p.line}" if p.line is not None else ""
    if p.path:
        where += f" · {esc(p.path)}"
    label = (version_titles or {}).get(p.field or "", p.field)
    field_ = f' <span class="tag">{esc(label)}</span>' if label else ""
    fix = f'<p class="fix"><strong>Fix:</strong> {esc(entry.fix)}</p>' if entry else ""
    return (
        f'<div class="finding" role="note" data-code="{esc(p.code)}"><span class="code">{esc(p.code)}</span>{field_} '
        f'<span class="message">{esc(p.message)}</span>{fix}<div class="where">{where}</div></div>'
    )


def findings_html(found: list[Problem], titles: dict[str, str] | None = None, json_text: str = "") -> str:
    return "".join(finding_html(p, titles) + (excerpt(json_text, p.line) if json_text else "") for p in found)


def excerpt(text: str, line: int | None, around: int = 3) -> str:
    """The lines of a report file around ``line``, numbered, that line marked: where a finding without a JSON path is."""
    lines = text.split("\n")
    if line is None or not 1 <= line <= len(lines):
        return ""
    first, last = max(1, line - around), min(len(lines), line + around)
    rows = "".join(
        f'<span class="{"hit" if n == line else "ctx"}">{n:>5}  {esc(lines[n - 1][:300])}</span>\n'
        for n in range(first, last + 1)
    )
    return f'<pre class="excerpt" dir="ltr">{rows}</pre>'


def titles_of(version: str, table: str) -> dict[str, str]:
    return {f.name: f.title for f in schema.table(table, version).fields}


def fields_html(version: str, table: str, obj: dict, language: object = None) -> str:
    """Every field the schema defines for ``table``, by its title, so fields added to the schema appear here."""
    tb = schema.table(table, version)
    rows = []
    for f in tb.fields:
        if f.name in tb.parent_columns and f.name not in obj:
            continue
        value = obj.get(f.name)
        lang = obj.get(f.name + "_language") if f.name + "_language" in obj else (language if f.verbatim else None)
        if value is None:
            shown = '<span class="empty">—</span>'
        else:
            shown = f'<span{lang_attr(lang)} dir="auto">{coded(version, table, f.name, value)}</span>'
        rows.append(f'<dt title="{esc(f.description)}">{esc(f.title)}</dt><dd data-field="{esc(f.name)}">{shown}</dd>')
    names = set(tb.names) | {"claims", "quantities"}
    for key in sorted((k for k in obj if k not in names), key=str):
        rows.append(f'<dt>{esc(key)} (not in the schema)</dt><dd dir="auto">{esc(obj[key])}</dd>')
    return f'<dl class="fields">{"".join(rows)}</dl>'


def quantity_items(page: SourcePage, claim: Claim, version: str) -> str:
    """The claim's figures, parts nested within their wholes."""
    quantities = [(k, q) for k, q in enumerate(as_list(claim.claim.get("quantities"))) if isinstance(q, dict)]
    ids = {sid(q.get("quantity_id")) for _, q in quantities} - {None}
    children: dict[object, list[tuple[int, dict]]] = defaultdict(list)
    for k, q in quantities:
        parent = sid(q.get("part_of"))
        children[parent if parent in ids and parent != sid(q.get("quantity_id")) else None].append((k, q))

    done: set[int] = set()

    def items(parent: object, seen: frozenset) -> str:
        out = []
        for k, q in children.get(parent, []):
            done.add(k)
            qid = sid(q.get("quantity_id"))
            parts = (*claim.parts, "quantities", k)
            measure = coded(version, "quantities", "measure", q.get("measure"))
            subject = coded(version, "quantities", "subject", q.get("subject"))
            wording = q.get("wording")
            said = (
                f' <q{lang_attr(page.language)} dir="auto">{esc(wording)}</q>'
                if isinstance(wording, str) and q.get("qualifier") != "vague"  # a vague amount is its wording
                else ""
            )
            nested = items(qid, seen | {qid}) if qid not in seen else ""
            out.append(
                f'<li data-quantity="{claim.n}-{k}"><span class="tag">{measure}</span> {subject}: '
                f'<span class="amount">{esc(amount(q))}</span>{said}'
                f"{findings_html(page.placed.get(parts, []), titles_of(version, 'quantities'))}"
                f"{f'<ul class=figures>{nested}</ul>' if nested else ''}</li>"
            )
        return "".join(out)

    body = items(None, frozenset())
    for k, q in quantities:  # parts of each other in a circle (an error): shown at the top level
        if k not in done:
            children["circle"] = [(k, q)]
            body += items("circle", frozenset({sid(q.get("quantity_id"))}))
    return f'<ul class="figures">{body}</ul>' if body else ""


def claim_card(site: Site, claim: Claim, on_source: bool) -> str:
    page, c = claim.source, claim.claim
    version = page.report.version
    actor = page.actor(c.get("claimant_actor_id"))
    who = text_of(actor.get("name")) or text_of(c.get("claimant_actor_id")) or "(no claimant)"
    found = page.placed.get(claim.parts, [])
    nested_bad = claim.parts in page.flagged
    tags = "".join(
        f'<span class="tag">{coded(version, "claims", name, c.get(name))}</span>'
        for name in ("attribution", "modality", "status")
        if c.get(name) is not None
    )
    date = f' <span class="muted">{esc(c.get("claim_date"))}</span>' if c.get("claim_date") is not None else ""
    quote = c.get("quote")
    quote_html = (
        f'<blockquote{lang_attr(page.language)} dir="auto">{esc(quote)}</blockquote>'
        if isinstance(quote, str) and (not on_source or page.report.text is None or found)
        else ""
    )
    links = []
    if on_source and page.report.text is not None:
        links.append(f'<a href="#q-{claim.n}" data-show="{claim.n}">Show in text</a>')
    elif not on_source:
        links.append(f'<a href="{esc(page.name)}.html#claim-{claim.n}">In its source: {page.title_html}</a>')
    ev = event_page_of(site, claim) if on_source else None
    if ev:
        links.append(f'<a href="{esc(ev.name)}.html">All claims on this event</a>')
    statement = c.get("statement")
    return (
        f'<article class="claim{" bad" if nested_bad else ""}" id="claim-{claim.n}" tabindex="-1">'
        f'<div><span class="who" dir="auto">{esc(who)}</span> {tags}{date}</div>'
        f'<p dir="auto">{esc(text_of(statement))}</p>{quote_html}'
        f"{findings_html(found, titles_of(version, 'claims'))}"
        f"{quantity_items(page, claim, version)}"
        f'<div class="muted">{" · ".join(links)}</div>'
        f"<details><summary>All fields of claim {esc(text_of(c.get('claim_id')))}</summary>"
        f"{fields_html(version, 'claims', c, page.language)}</details></article>"
    )


# ---------------------------------------------------------------- the source text with its quotes and figures


def spans(page: SourcePage) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, str]]]:
    """Quotes (claim number, start, end) at their code-point offsets, and figures' wordings inside them."""
    text = page.report.text or ""
    quotes, figures = [], []
    for claim in page.claims:
        s, e = claim.claim.get("quote_start"), claim.claim.get("quote_end")
        if not (type(s) is int and type(e) is int and 0 <= s < e <= len(text)):
            continue
        quotes.append((claim.n, s, e))
        for k, q in enumerate(as_list(claim.claim.get("quantities"))):
            wording = q.get("wording") if isinstance(q, dict) else None
            at = text.find(wording, s, e) if isinstance(wording, str) and wording else -1
            if at >= 0 and at + len(wording) <= e:
                figures.append((at, at + len(wording), f"{claim.n}-{k}"))
    return quotes, figures


def marked_text(page: SourcePage) -> str:
    """The text as shipped, each stretch covered by quotes in a <mark> that names them and its offsets."""
    text = page.report.text or ""
    quotes, figures = spans(page)
    bad = {c.n for c in page.claims if c.parts in page.flagged}
    cuts = sorted(
        {0, len(text)} | {x for _, s, e in quotes for x in (s, e)} | {x for s, e, _ in figures for x in (s, e)}
    )
    opens: dict[int, list[int]] = defaultdict(list)
    closes: dict[int, list[int]] = defaultdict(list)
    for n, s, e in quotes:
        opens[s].append(n)
        closes[e].append(n)
    fig_opens: dict[int, list[str]] = defaultdict(list)
    fig_closes: dict[int, list[str]] = defaultdict(list)
    for s, e, f in figures:
        fig_opens[s].append(f)
        fig_closes[e].append(f)
    active: set[int] = set()
    active_figs: set[str] = set()
    out = []
    for a, b in zip(cuts, cuts[1:]):  # one sweep: linear in the number of quotes, however many overlap
        active.difference_update(closes.get(a, ()))
        active.update(opens.get(a, ()))
        active_figs.difference_update(fig_closes.get(a, ()))
        active_figs.update(fig_opens.get(a, ()))
        out += [f'<span class="anchor" id="q-{n}"></span>' for n in opens.get(a, [])]
        piece = esc(text[a:b]).replace("\r", "&#13;")  # a raw CR LF would become LF; a reference survives
        if not active:
            out.append(piece)
            continue
        inside = sorted(active)
        classes = "q" + (" deep" if len(inside) > 1 else "") + (" bad" if bad & active else "")
        figs = " ".join(sorted(active_figs))
        fig = f'<span class="fig" data-f="{figs}">{piece}</span>' if figs else piece
        out.append(
            f'<mark class="{classes}" tabindex="0" data-s="{a}" data-e="{b}" data-q="{" ".join(map(str, inside))}">'
            f"{fig}</mark>"
        )
    return "".join(out)


# ---------------------------------------------------------------- pages


def frame(title: str, body: str, lang: str = "en") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{esc(title)} · War Report Events review</title><style>{CSS}</style></head><body>"
        '<header class="site"><nav><a href="index.html">Index</a></nav></header>'
        f"<main>{body}</main><script>{JS}</script></body></html>\n"
    )


def shown_keys(page: SourcePage) -> set[tuple]:
    """Objects whose findings the source page shows where they stand; findings elsewhere go to its top."""
    data = page.report.data or {}
    keys: set[tuple] = {("source",)} if isinstance(data.get("source"), dict) else set()
    keys |= {(key, i) for key in ("actors", "places") for i, _ in enumerate(as_list(data.get(key)))}
    for c in page.claims:
        keys |= {c.parts[:2], c.parts}
        keys |= {
            (*c.parts, "quantities", k)
            for k, q in enumerate(as_list(c.claim.get("quantities")))
            if isinstance(q, dict)
        }
    return keys


def source_page(site: Site, page: SourcePage) -> str:
    report, src = page.report, page.source
    version = report.version
    head = f'<h1>{page.title_html}</h1><p class="muted">{esc(report.rel)} · schema {esc(version)}</p>'
    general = findings_html(
        [p for key, found in page.placed.items() if key not in shown_keys(page) for p in found],
        json_text=report.json_text,
    )
    if report.data is None:
        return frame(page.title, head + general + '<p class="note">This report could not be read; see above.</p>')
    about = f"<details><summary>About the source</summary>{fields_html(version, 'sources', src, page.language)}"
    about += findings_html(page.placed.get(("source",), []), titles_of(version, "sources")) + "</details>"
    others = "".join(
        f'<h3 dir="auto">{esc(key[:-1].title())} <bdi>{esc(text_of(obj.get(key[:-1] + "_id") if isinstance(obj, dict) else obj))}</bdi></h3>{findings_html(found)}'
        for key in ("actors", "places")
        for i, obj in enumerate(as_list(report.data.get(key)))
        if (found := page.placed.get((key, i), []))
    )
    if report.text is not None:
        copy = f'<p class="note" id="text-local">{esc(report.text_note)}</p>' if report.text_note else ""
        pane = f'{copy}<div class="text" dir="auto"{lang_attr(page.language)} id="text">{marked_text(page)}</div>'
    else:
        url = src.get("url")
        link = (
            f'<a href="{esc(url)}" rel="noopener noreferrer nofollow">{esc(url)}</a>'
            if isinstance(url, str) and re.match(r"^https?://", url)
            else esc(text_of(url) or "no URL given")
        )
        sha = text_of(src.get("text_sha256")) or "not given"
        pane = (
            f'<p class="note" id="text-missing">{esc(report.text_note or "")} Its quotes are shown beside, with their '
            f"offsets. Check them against the original ({link}; SHA-256 <code>{esc(sha)}</code>): with a copy of the "
            f"text saved as <code>DIR/{esc(text_of(src.get('source_id')) or '<source_id>')}.txt</code>, "
            f"<code>{CHECK_TEXTS}</code> checks its hash and every quote at its offsets.</p>"
        )
    groups = []
    for ev_claims in _by_event(page.claims):
        event = ev_claims[0].event
        ev = event_page_of(site, ev_claims[0])
        ev_found = findings_html(page.placed.get(ev_claims[0].parts[:2], []), titles_of(version, "events"))
        title = esc(text_of(event.get("summary")) or text_of(event.get("event_id")))
        heading = f'<a href="{esc(ev.name)}.html">{title}</a>' if ev else title
        groups.append(
            f'<section><h3 dir="auto">{heading}</h3>{ev_found}'
            + "".join(claim_card(site, c, True) for c in ev_claims)
            + "</section>"
        )
    no_claims = "" if groups else '<p class="muted">This report codes no claims.</p>'
    body = (
        f"{head}{general}{about}{others}"
        '<p><a class="skip" href="#claims">Skip the text, to the claims</a></p>'
        f'<div class="layout"><section class="text-pane" aria-label="Source text">{pane}</section>'
        f'<section aria-label="Claims"><h2 id="claims">Claims by event</h2>{"".join(groups)}{no_claims}</section></div>'
    )
    return frame(page.title, body)


def _by_event(claims: list[Claim]) -> list[list[Claim]]:
    groups: dict[tuple, list[Claim]] = {}
    for c in claims:
        groups.setdefault(c.parts[:2], []).append(c)
    return list(groups.values())


def column_head(c: Claim, version: str) -> str:
    """A claim's column: its claimant, its status when it has one (superseded, retracted), its source."""
    claimant = c.claim.get("claimant_actor_id")
    who = text_of(c.source.actor(claimant).get("name")) or text_of(claimant)
    status = c.claim.get("status")
    status_html = f"<div>{coded(version, 'claims', 'status', status)}</div>" if status is not None else ""
    return f'<th scope="col" dir="auto">{esc(who)}{status_html}<div class="muted">{c.source.title_html}</div></th>'


def comparison(site: Site, ev: EventPage) -> str:
    """One row per measure and subject, one column per claim: amounts side by side and how they relate."""
    rows: dict[tuple, dict[int, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for c in ev.claims:
        for q in as_list(c.claim.get("quantities")):
            if isinstance(q, dict):
                rows[(text_of(q.get("measure")), text_of(q.get("subject")))][c.n].append(q)
    if not rows:
        return '<p class="muted">No claim on this event gives a figure.</p>'
    version = ev.claims[0].source.report.version
    head = "".join(column_head(c, version) for c in ev.claims)
    body = []
    for (measure, subject), by_claim in sorted(rows.items()):
        said = [q for qs in by_claim.values() for q in qs]
        word = verdict(said)
        cells = "".join(
            "<td>"
            + "<br>".join(f'<span class="amount">{esc(amount(q))}</span>' for q in by_claim.get(c.n, []))
            + "</td>"
            for c in ev.claims
        )
        body.append(
            f'<tr><th scope="row">{coded(version, "quantities", "measure", measure)} · '
            f"{coded(version, 'quantities', 'subject', subject)}</th>"
            f'<td class="verdict-{word.replace(" ", "-")}">{esc(word)}</td>{cells}</tr>'
        )
    return (
        '<div class="scroll"><table class="compare"><thead><tr><th scope="col">Figure</th><th scope="col">Comparison</th>'
        f"{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def event_page(site: Site, ev: EventPage) -> str:
    version = ev.claims[0].source.report.version if ev.claims else SCHEMA_VERSION
    sources = sorted({c.source.name: c.source for c in ev.claims}.values(), key=lambda p: p.name)
    listed = ", ".join(f'<a href="{esc(p.name)}.html" >{p.title_html}</a>' for p in sources)
    title = text_of(ev.event.get("summary")) or ev.key[1]
    body = (
        f'<h1 dir="auto">{esc(title)}</h1><p class="muted">Event <bdi>{esc(ev.key[1])}</bdi> · {len(ev.claims)} claims from '
        f"{len(sources)} sources: {listed}</p>"
        f"<details><summary>All fields of the event</summary>{fields_html(version, 'events', ev.event)}</details>"
        "<h2>Figures compared</h2>"
        '<p class="muted">Each claim keeps its claimant and wording; nothing is merged. <em>agree</em>: the same '
        "amount; <em>compatible</em>: the amounts can all be true; <em>disagree</em>: they cannot; <em>not "
        "comparable</em>: an approximate or vague amount is involved.</p>"
        f"{comparison(site, ev)}<h2>Every claim, side by side</h2>"
        f'<div class="side">{"".join(claim_card(site, c, False) for c in ev.claims)}</div>'
    )
    return frame(title, body)


def text_state(report: Report) -> str:
    if report.text is None:
        return "not shipped"
    return "your local copy" if report.text_note else "shipped"


def dates(event: dict) -> str:
    start, end = text_of(event.get("date_start")), text_of(event.get("date_end"))
    if start and end:
        return start if start == end else f"{start} to {end}"
    return f"from {start}" if start else (f"by {end}" if end else "")


def _token(values: dict[str, str], value: str) -> str:
    return values.setdefault(value, f"v{len(values) + 1}")


def index_page(site: Site) -> str:
    parts = ["<h1>War Report Events: review</h1>"]
    labels = ", ".join(esc(p.label) for p in site.packages)
    total = sum(len(p.findings) + sum(len(r.findings) for r in p.reports) for p in site.packages)
    claims = [c for s in site.sources for c in s.claims]
    verdict_line = f"{total} findings of the validator" if total else "valid: the validator finds nothing wrong"
    parts.append(
        f"<p>Reviewing {labels}: {len(site.sources)} sources, {len(site.events)} events, {len(claims)} claims; "
        f'<strong id="verdict">{esc(verdict_line)}</strong>.</p>'
    )
    for pkg in site.packages:
        if pkg.findings:
            parts.append(f"<h2>Findings outside the reports of {esc(pkg.label)}</h2>{findings_html(pkg.findings)}")
        if pkg.truncated:
            parts.append('<p class="note">The validator stopped early: more findings exist than are shown.</p>')
    rows = []
    for s in site.sources:
        src = s.source
        n_found = len(s.report.findings)
        rows.append(
            f'<tr><td><a href="{esc(s.name)}.html" >{s.title_html}</a></td>'
            f'<td dir="auto">{esc(text_of(src.get("publisher")))}</td><td>{esc(text_of(src.get("published")))}</td>'
            f"<td>{esc(text_of(src.get('language')))}</td><td>{text_state(s.report)}</td>"
            f"<td>{len(s.claims)}</td><td>{n_found or ''}</td></tr>"
        )
    parts.append(
        '<h2 id="sources">Sources</h2><div class="scroll"><table><thead><tr><th>Source</th><th>Publisher</th>'
        "<th>Published</th><th>Language</th><th>Text</th><th>Claims</th><th>Findings</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
    rows = [
        f'<tr><td><a href="{esc(e.name)}.html" dir="auto">{esc(text_of(e.event.get("summary")) or e.key[1])}</a>'
        f'<div class="muted">{esc(e.key[1])}</div></td><td>{esc(dates(e.event))}</td><td>{len(e.claims)}</td>'
        f"<td>{len({c.source.name for c in e.claims})}</td></tr>"
        for e in site.events
    ]
    parts.append(
        '<h2 id="events">Events</h2><div class="scroll"><table><thead><tr><th>Event</th><th>Dates</th><th>Claims</th>'
        f"<th>Sources</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )
    claimants: dict[tuple, list[Claim]] = defaultdict(list)
    for c in claims:
        claimants[(c.source.package, text_of(c.claim.get("claimant_actor_id")))].append(c)
    rows = []
    for (_, actor_id), said in sorted(claimants.items()):
        actor = said[0].source.actor(actor_id)
        rows.append(
            f'<tr><td dir="auto">{esc(text_of(actor.get("name")) or actor_id)}<div class="muted">{esc(actor_id)}</div></td>'
            f"<td>{coded(said[0].source.report.version, 'actors', 'actor_type', actor.get('actor_type'))}</td>"
            f"<td>{len(said)}</td><td>{len({c.source.name for c in said})}</td></tr>"
        )
    parts.append(
        '<h2 id="claimants">Claimants</h2><div class="scroll"><table><thead><tr><th>Claimant</th><th>Type</th>'
        f"<th>Claims</th><th>Sources</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )
    parts.append(claims_table(site, claims))
    return frame("Index", "".join(parts))


def claims_table(site: Site, claims: list[Claim]) -> str:
    """Every claim, with filters by claimant, measure, modality and language (shown when scripts run)."""
    tokens: dict[str, dict[str, str]] = {k: {} for k in ("claimant", "measure", "modality", "language")}
    labels: dict[str, dict[str, str]] = {k: {} for k in tokens}
    rows = []
    for c in claims:
        version = c.source.report.version
        claimant = text_of(c.claim.get("claimant_actor_id"))
        name = text_of(c.source.actor(claimant).get("name")) or claimant
        measures = sorted(
            {text_of(q.get("measure")) for q in as_list(c.claim.get("quantities")) if isinstance(q, dict)}
        )
        modality = text_of(c.claim.get("modality"))
        language = text_of(c.source.language)
        # The claimant by id: two actors of the same name stay two (claims of different parties are never merged).
        values = {"claimant": [claimant], "measure": measures, "modality": [modality], "language": [language]}
        attrs = ""
        for key, vals in values.items():
            for v in vals:
                titles = {"claimant": {claimant: name}, "language": {}}.get(key) or codelist_titles(version, key)
                labels[key][_token(tokens[key], v)] = titles.get(v, v)
            attrs += f' data-{key}="{" ".join(tokens[key][v] for v in vals)}"'
        amounts = "; ".join(
            f"{codelist_titles(version, 'measure').get(text_of(q.get('measure')), text_of(q.get('measure')))} "
            f"{codelist_titles(version, 'subject').get(text_of(q.get('subject')), text_of(q.get('subject')))}: {amount(q)}"
            for q in as_list(c.claim.get("quantities"))
            if isinstance(q, dict)
        )
        ev = event_page_of(site, c)
        event_link = f'<a href="{esc(ev.name)}.html">event</a>' if ev else ""
        rows.append(
            f'<tr data-row{attrs}><td><a href="{esc(c.source.name)}.html#claim-{c.n}" dir="auto">'
            f"{esc(text_of(c.claim.get('statement')) or text_of(c.claim.get('claim_id')))}</a></td>"
            f'<td dir="auto">{esc(name)}</td><td>{coded(version, "claims", "modality", modality)}</td>'
            f'<td dir="auto">{esc(amounts)}</td><td>{esc(language)}</td>'
            f"<td>{event_link}</td></tr>"
        )
    selects = "".join(
        f'<label>{key.title()}<select data-filter="{key}"><option value="">all</option>'
        + "".join(
            f'<option value="{tok}">{esc(labels[key][tok] or "(none)")}</option>'
            for tok in sorted(labels[key], key=lambda t: (labels[key][t], int(t[1:])))
        )
        + "</select></label>"
        for key in tokens
    )
    return (
        f'<h2 id="claims">Claims</h2><form class="filters" id="filters" hidden>{selects}'
        f'<output id="shown">{len(claims)} of {len(claims)} claims shown</output></form>'
        '<div class="scroll"><table><thead><tr><th>Statement</th><th>Claimant</th><th>Modality</th><th>Figures</th>'
        f"<th>Language</th><th></th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def render(packages: list[Package]) -> dict[str, str]:
    """File name -> HTML of every page of the review site."""
    site = build_site(packages)
    pages = {"index.html": index_page(site)}
    pages |= {f"{s.name}.html": source_page(site, s) for s in site.sources}
    pages |= {f"{e.name}.html": event_page(site, e) for e in site.events}
    return pages
