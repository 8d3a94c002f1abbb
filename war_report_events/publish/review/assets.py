"""The style sheet and the little JavaScript every page carries inline (no file, CDN or font to fetch).

The text pane uses ``unicode-bidi: plaintext``: each paragraph of a source text takes its own direction from
its first strong character (the Unicode rule), so an Arabic paragraph in an English text reads right to left.
Pages forbid everything else with a Content-Security-Policy that allows exactly these two by hash, so even
a value that escaped escaping could neither run a script nor make a request.
"""

from __future__ import annotations

import base64
import hashlib

CSS = """
:root { --ink: #1b1b1b; --muted: #5a5a5a; --line: #d0d0d0; --quote: #fff1a8; --active: #ffb74d;
  --figure: #1565c0; --bad: #b71c1c; --bad-bg: #fdecea; --ok: #1b5e20; --bg: #fff; --card: #fafafa; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans Arabic",
  "Noto Sans CJK SC", sans-serif; color: var(--ink); background: var(--bg); }
header.site, main, footer { padding: 0 1rem; max-width: 90rem; margin: 0 auto; }
header.site { border-bottom: 1px solid var(--line); padding-top: .5rem; padding-bottom: .5rem; }
header.site nav a { margin-right: 1rem; }
h1 { font-size: 1.5rem; margin: .75rem 0; overflow-wrap: anywhere; }
h2 { font-size: 1.25rem; margin-top: 1.5rem; } h3 { font-size: 1.05rem; margin: 1rem 0 .5rem; }
a { color: #0b57d0; } a:focus-visible, button:focus-visible, mark:focus-visible, select:focus-visible,
  summary:focus-visible, .claim:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
.muted, .where { color: var(--muted); font-size: .9rem; }
.layout { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1.5rem; align-items: start; }
.layout > .text-pane { position: sticky; top: 0; max-height: 100vh; overflow: auto; }
@media (max-width: 50rem) { .layout { grid-template-columns: 1fr; }
  .layout > .text-pane { position: static; max-height: 60vh; } }
.text { white-space: pre-wrap; unicode-bidi: plaintext; overflow-wrap: anywhere; border: 1px solid var(--line); padding: 1rem;
  background: var(--card); font-family: Georgia, "Noto Serif", serif; }
mark.q { background: var(--quote); color: inherit; cursor: pointer; border-radius: 2px; }
mark.q.deep { background: #ffe066; }
mark.q.active { background: var(--active); }
mark.q.bad { text-decoration: underline wavy var(--bad); }
.fig { font-weight: 700; color: var(--figure); border-bottom: 2px solid var(--figure); }
.claim { border: 1px solid var(--line); border-left: 4px solid var(--line); padding: .5rem .75rem;
  margin: .5rem 0; background: var(--bg); overflow-wrap: anywhere; }
.claim.active, .claim:target { border-left-color: var(--active); background: #fff8ec; }
.claim.bad { border-left-color: var(--bad); }
.claim .who { font-weight: 600; }
.claim blockquote { margin: .25rem 0; padding-left: .5rem; border-left: 3px solid var(--quote); }
.claim ul.figures { padding-left: 1.2rem; margin: .25rem 0; }
.amount { font-weight: 700; }
.tag { display: inline-block; font-size: .8rem; padding: 0 .4rem; border: 1px solid var(--line); border-radius: 1rem;
  margin: 0 .15rem; white-space: nowrap; }
button { font: inherit; font-size: .9rem; padding: .2rem .6rem; cursor: pointer; }
dl.fields { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .1rem .75rem; margin: .25rem 0;
  font-size: .9rem; }
dl.fields dt { color: var(--muted); } dl.fields dd { margin: 0; overflow-wrap: anywhere; }
dl.fields .empty { color: #999; }
.finding { border: 1px solid var(--bad); background: var(--bad-bg); padding: .4rem .6rem; margin: .4rem 0;
  overflow-wrap: anywhere; }
.finding .code { font-family: ui-monospace, monospace; font-weight: 700; color: var(--bad); }
.finding .fix { margin: .2rem 0 0; }
.excerpt { overflow-x: auto; background: var(--card); border: 1px solid var(--line); padding: .4rem; margin: 0 0 .6rem;
  font-size: .85rem; }
.excerpt .hit { background: var(--bad-bg); color: var(--bad); font-weight: 700; }
.skip { position: absolute; left: -100rem; } .skip:focus { position: static; }
.note { border: 1px solid #8a6d00; background: #fff8d6; padding: .5rem .75rem; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .5rem; text-align: start; vertical-align: top;
  overflow-wrap: anywhere; }
.scroll { overflow-x: auto; }
.side { display: grid; grid-auto-flow: column; grid-auto-columns: minmax(16rem, 1fr); gap: .75rem; overflow-x: auto; }
.verdict-agree, .verdict-compatible { color: var(--ok); font-weight: 600; }
.verdict-disagree { color: var(--bad); font-weight: 700; }
.verdict-not-comparable { color: #8a6d00; font-weight: 600; }
.filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; margin: .5rem 0; }
.filters label { display: flex; flex-direction: column; font-size: .9rem; max-width: 100%; }
.filters select { max-width: 100%; font: inherit; }
tr[hidden] { display: none; }
"""

JS = """
"use strict";
(function () {
  function clear() {
    document.querySelectorAll(".active").forEach(function (el) { el.classList.remove("active"); });
  }
  function marksOf(id) { return document.querySelectorAll('mark[data-q~="' + id + '"]'); }
  function fromMark(mark) {
    clear();
    var ids = mark.getAttribute("data-q").split(" ");
    ids.forEach(function (id) {
      marksOf(id).forEach(function (m) { m.classList.add("active"); });
      var card = document.getElementById("claim-" + id);
      if (card) { card.classList.add("active"); }
    });
    var first = document.getElementById("claim-" + ids[0]);
    if (first) { first.scrollIntoView({block: "nearest"}); first.focus({preventScroll: true}); }
  }
  function fromClaim(id) {
    clear();
    var card = document.getElementById("claim-" + id);
    if (card) { card.classList.add("active"); }
    var marks = marksOf(id);
    marks.forEach(function (m) { m.classList.add("active"); });
    if (marks.length) { marks[0].scrollIntoView({block: "center"}); marks[0].focus({preventScroll: true}); }
  }
  document.addEventListener("click", function (e) {
    var mark = e.target.closest("mark[data-q]");
    if (mark) { fromMark(mark); return; }
    var show = e.target.closest("[data-show]");
    if (show) { e.preventDefault(); fromClaim(show.getAttribute("data-show")); }
  });
  document.addEventListener("keydown", function (e) {
    var mark = e.target.closest && e.target.closest("mark[data-q]");
    if (mark && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); fromMark(mark); }
  });
  var selects = document.querySelectorAll("select[data-filter]");
  function filter() {
    var want = {};
    selects.forEach(function (s) { want[s.getAttribute("data-filter")] = s.value; });
    var shown = 0, rows = document.querySelectorAll("tr[data-row]");
    rows.forEach(function (row) {
      var ok = Object.keys(want).every(function (key) {
        return !want[key] || (row.getAttribute("data-" + key) || "").split(" ").indexOf(want[key]) >= 0;
      });
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    var count = document.getElementById("shown");
    if (count) { count.textContent = shown + " of " + rows.length + " claims shown"; }
  }
  selects.forEach(function (s) { s.addEventListener("change", filter); });
  var form = document.getElementById("filters");
  if (form) { form.hidden = false; }
})();
"""


def digest(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


#: Only the inline style and script above, by hash; no request of any kind (default-src 'none').
CSP = f"default-src 'none'; style-src '{digest(CSS)}'; script-src '{digest(JS)}'; base-uri 'none'; form-action 'none'"
