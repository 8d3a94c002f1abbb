"""``one-night``: write docs/one-night.md ("One night, every claim") and its plot from the built tables.

The page is derived, never edited: every figure on it comes from data/*.csv, so a report
added or recoded changes the page, and ``--check`` (run by the test suite) fails until the
page is regenerated. Nothing is added up, averaged or picked: figures are listed by
claimant and source, and a group's verdict only says whether its figures can all be true
at once.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import os
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from war_report_events.failure import UserError
from war_report_events.files import read_text, same_bytes, write_files

PAGE = Path("docs/one-night.md")
PLOT = Path("docs/one-night.svg")
SOURCES = Path("docs/one-night-sources.txt")  # which reports the page covers: a contribution elsewhere never stales it
TABLES = ("sources", "actors", "places", "events", "claims", "quantities")
QUOTE_MARKS = "“”\"'"
#: Words for the qualifiers, as a reader says them.
SAYS = {"at_least": "at least", "more_than": "more than", "at_most": "at most", "less_than": "less than"}


@dataclass(frozen=True)
class Figure:
    """One quantity with what a reader needs beside it."""

    quantity_id: str
    event_id: str
    measure: str
    subject: str
    place: str
    qualifier: str
    value: float | None
    lower: float | None
    upper: float | None
    wording: str
    part_of: str
    claimant: str
    attribution: str
    modality: str
    status: str
    source_id: str
    publisher: str
    language: str
    claim_id: str


def read_tables(root: Path) -> dict[str, list[dict[str, str]]]:
    """The package's tables as lists of rows, read through the package door (inside the root, regular, capped)."""
    tables = {}
    for name in TABLES:
        rel = f"data/{name}.csv"
        if not os.path.lexists(root / rel):
            raise UserError(f"{root / rel}: not found; run `python -m war_report_events build` first", exit_code=2)
        text = read_text(root / rel, root, rel)
        try:
            tables[name] = list(csv.DictReader(io.StringIO(text, newline="")))
        except csv.Error as exc:
            raise UserError(f"{root / rel}: not a CSV table ({exc}); rebuild it with `build`", exit_code=2) from None
    return tables


def _number(text: str) -> float | None:
    return float(text) if text not in ("", None) else None


def figures(tables: dict[str, list[dict[str, str]]]) -> list[Figure]:
    """Every quantity joined to its claim, claimant, source and event."""
    claims = {c["claim_id"]: c for c in tables["claims"]}
    actors = {a["actor_id"]: a for a in tables["actors"]}
    sources = {s["source_id"]: s for s in tables["sources"]}
    events = {e["event_id"]: e for e in tables["events"]}
    out = []
    for line, q in enumerate(tables["quantities"], start=2):
        try:
            c = claims[q["claim_id"]]
            s = sources[c["source_id"]]
            _known = (actors[c["claimant_actor_id"]], events[c["event_id"]])  # a KeyError here is a stale table
            numbers = [_number(q[k]) for k in ("value", "lower", "upper")]
        except (KeyError, ValueError) as exc:
            raise UserError(
                f"data/quantities.csv:{line}: {exc} does not match the other tables; "
                "run `python -m war_report_events build` and `python validate.py`, then try again",
                exit_code=1,
            ) from None
        out.append(
            Figure(
                quantity_id=q["quantity_id"],
                event_id=c["event_id"],
                measure=q["measure"],
                subject=q["subject"],
                place=q.get("place_id") or events[c["event_id"]]["place_id"],
                qualifier=q["qualifier"],
                value=numbers[0],
                lower=numbers[1],
                upper=numbers[2],
                wording=q["wording"],
                part_of=q["part_of"],
                claimant=actors[c["claimant_actor_id"]]["name"],
                attribution=c["attribution"],
                modality=c["modality"],
                status=c.get("status") or "active",
                source_id=s["source_id"],
                publisher=s.get("publisher") or "(publisher not named)",
                language=s["language"],
                claim_id=c["claim_id"],
            )
        )
    return out


def said(f: Figure) -> str:
    """The figure as the source qualifies it: 9, at least 9, about 30, "scores of"."""
    n = f.value if f.value is not None else (f.lower if f.lower is not None else f.upper)
    if f.qualifier == "vague" or n is None:
        return "“" + f.wording.strip(QUOTE_MARKS) + "” (no number)"
    shown = f"{n:g}"
    if f.qualifier == "exact":
        return shown
    if f.qualifier == "about":
        return f"about {shown}"
    if f.qualifier == "range":
        return f"{f.lower:g} to {f.upper:g}"
    return f"{SAYS.get(f.qualifier, f.qualifier)} {shown}"


def interval(f: Figure) -> tuple[float, float, bool, bool] | None:
    """(low, high, low open, high open) the figure allows, or None when it states no bound (vague, about)."""
    if f.qualifier == "exact":
        return (f.value, f.value, False, False)
    if f.qualifier == "at_least":
        return (f.lower, math.inf, False, True)
    if f.qualifier == "more_than":
        return (f.lower, math.inf, True, True)
    if f.qualifier == "at_most":
        return (-math.inf, f.upper, True, False)
    if f.qualifier == "less_than":
        return (-math.inf, f.upper, True, True)
    if f.qualifier == "range":
        return (f.lower, f.upper, False, False)
    return None


def verdict(group: list[Figure]) -> str:
    """Whether the standing figures of one group can all be true at once, in words."""
    standing = [f for f in group if f.status == "active"]
    bounded = [(f, interval(f)) for f in standing if interval(f) is not None]
    if len({f.source_id for f in standing}) < 2:
        return "One source only: nothing to compare."
    if not bounded:
        return "Only words or `about` figures: not judged."
    lo = max((i[0], i[2]) for _, i in bounded)
    hi = min((i[1], not i[3]) for _, i in bounded)
    exacts = sorted({f.value for f, _ in bounded if f.qualifier == "exact"})
    fits = lo[0] < hi[0] or (lo[0] == hi[0] and not lo[1] and hi[1])
    if fits and len(exacts) <= 1 and len({f.qualifier for f, _ in bounded}) == 1:
        return f"**Agree**: every standing figure is {said(bounded[0][0])}."
    if fits:
        return (
            "**Compatible**: the figures differ in qualifier ("
            + ", ".join(sorted({said(f) for f, _ in bounded}))
            + ") but can all be true at once."
        )
    return (
        "**Disagree**: "
        + ", ".join(sorted({said(f) for f, _ in bounded}))
        + " cannot all be true at once (they may be counts made at different times: compare the claims' dates)."
    )


def _cell(text: str) -> str:
    """Text from the data, safe inside a Markdown table or list: no raw HTML, no links, no broken rows."""
    for raw, safe in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "\\|"), ("[", "\\["), ("]", "\\]")):
        text = text.replace(raw, safe)
    return " ".join(text.split())


def group_figures(figs: list[Figure]) -> dict[str, dict[tuple[str, str, str, bool], list[Figure]]]:
    """Figures by event, then by (measure, subject, place, is a breakdown of a same-subject whole)."""
    by_id = {f.quantity_id: f for f in figs}
    out: dict[str, dict] = defaultdict(lambda: defaultdict(list))
    for f in figs:
        whole = by_id.get(f.part_of)
        breakdown = whole is not None and whole.subject == f.subject and whole.measure == f.measure
        out[f.event_id][(f.measure, f.subject, f.place, breakdown)].append(f)
    return out


def who_said_what(group: list[Figure]) -> str:
    """The standing figures of a group, each with its claimants and the outlets that carried it."""
    by_figure: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for f in group:
        if f.status == "active" and interval(f) is not None:
            by_figure[said(f)][f.claimant].add(f.publisher)
    parts = []
    for figure_said in sorted(by_figure, key=lambda x: (len(x), x)):
        claimants = "; ".join(
            f"{claimant} via {', '.join(sorted(publishers))}"
            for claimant, publishers in sorted(by_figure[figure_said].items())
        )
        parts.append(f"**{figure_said}** ({_cell(claimants)})")
    return " · ".join(parts)


def summary(tables: dict[str, list[dict[str, str]]], grouped: dict) -> str:
    """The page's opening: where the standing figures of several sources disagree, and where they agree."""
    events = {e["event_id"]: e for e in tables["events"]}
    places = {p["place_id"]: p["name"] for p in tables["places"]}
    lines: dict[str, list[str]] = {"**Disagree**": [], "**Compatible**": [], "**Agree**": []}
    for eid in sorted(grouped):
        for key, group in sorted(grouped[eid].items()):
            measure, subject, place, breakdown = key
            word = verdict(group).split(":")[0]
            if breakdown or word not in lines:
                continue
            where = f" in {_cell(places.get(place, place))}" if place != events[eid]["place_id"] else ""
            lines[word].append(
                f"- {_cell(events[eid]['summary'])} *{measure} {subject}{where}*: {who_said_what(group)}\n"
            )
    out = "## What can and cannot be said\n\n"
    out += (
        "**Where sources disagree** (the standing figures cannot all be true at once; often they are counts "
        "made at different times, or one outlet's version of another's figure):\n\n"
    )
    out += "".join(lines["**Disagree**"]) or "- nowhere\n"
    out += '\n**Where they differ only in qualifier** ("nine" and "at least nine" can both be true):\n\n'
    out += "".join(lines["**Compatible**"]) or "- nowhere\n"
    out += "\n**Where every source gives the same figure:**\n\n"
    out += "".join(lines["**Agree**"]) or "- nowhere\n"
    out += (
        "\n**What the data cannot tell you.** Whether a figure is true: the package records who claimed what, and "
        "outlets repeating one claimant (a wire story, a ministry's statement) are not independent confirmation. "
        "Numbers for which the codelist has no measure (people evacuated, for one) are in the claims' statements "
        "only, listed under each event below. Sources without a publication date date their claims only on or "
        "before the day the text was retrieved. Each report was coded from an excerpt of its page, so a figure "
        "the full article gave after the excerpt ends is missing here.\n\n"
    )
    return out


def counts(tables: dict[str, list[dict[str, str]]]) -> dict[str, int]:
    return {
        "reports": len(tables["sources"]),
        "publishers": len({s.get("publisher") or s["source_id"] for s in tables["sources"]}),
        "languages": len({s["language"] for s in tables["sources"]}),
        "events": len(tables["events"]),
        "claims": len(tables["claims"]),
        "quantities": len(tables["quantities"]),
        "claimants": len({c["claimant_actor_id"] for c in tables["claims"]}),
    }


def render(tables: dict[str, list[dict[str, str]]]) -> str:
    """The whole page, as Markdown."""
    figs = figures(tables)
    n_sources = defaultdict(set)
    for c in tables["claims"]:
        n_sources[c["event_id"]].add(c["source_id"])
    # the most-reported happenings first: that is where the claims can be compared
    events = sorted(tables["events"], key=lambda e: (-len(n_sources[e["event_id"]]), e["event_id"]))
    places = {p["place_id"]: p["name"] for p in tables["places"]}
    actors = {a["actor_id"]: a["name"] for a in tables["actors"]}
    sources = {s["source_id"]: s for s in tables["sources"]}
    grouped = group_figures(figs)
    claims_of: dict[str, list[dict[str, str]]] = defaultdict(list)
    for c in tables["claims"]:
        claims_of[c["event_id"]].append(c)
    with_figures = {f.claim_id for f in figs}
    n = counts(tables)
    languages = ", ".join(sorted({s["language"] for s in tables["sources"]}))
    out = io.StringIO()
    w = out.write
    w("# One night, every claim\n\n")
    w("<!-- Generated by `python -m war_report_events one-night` from data/*.csv; do not edit. -->\n\n")
    w(
        "What the news said about the night of 29 to 30 October 2024 and the day after: Russia's drone and "
        "missile attack on Ukraine, the strike on Kyiv, Ukraine's drones over Russia, the bomb on Kharkiv. "
        f"The package holds **{n['reports']} reports** from **{n['publishers']} publishers** in "
        f"**{n['languages']} languages** ({languages}): **{n['events']} events**, **{n['claims']} claims** "
        f"by **{n['claimants']} claimants**, **{n['quantities']} figures**.\n\n"
    )
    w(
        "Read every figure as *a claim*: who said it, through which outlet, with which qualifier. Nothing here "
        "is added up, averaged or chosen between. A group's verdict says only whether its standing figures "
        '(not superseded) can all be true at once; figures without a number ("scores of") and `about` '
        "figures are listed but not judged. Figures of one claimant repeated by several outlets count once "
        "per outlet: agreement between outlets that copy one wire story is not independent confirmation.\n\n"
    )
    w(
        '!!! warning "What the texts are"\n'
        "    The reports were coded from excerpts (at most about 2,000 characters) of archived news pages. "
        "No page states a licence, so no text is shipped: quotes, offsets and SHA-256 refer to the excerpts, "
        "which maintainers keep outside the repository. An excerpt can end before a figure the full article "
        "gives; a figure missing here is not evidence that a source did not give it.\n\n"
    )
    w(summary(tables, grouped))
    w("![Every figure by claim, one row per event and measure](one-night.svg)\n\n")
    w("## Every figure, event by event\n\n")
    for e in events:
        eid = e["event_id"]
        ev_claims = claims_of[eid]
        if not ev_claims:
            continue
        w(f"### {_cell(e['summary'])}\n\n")
        when = " to ".join(d for d in (e["date_start"], e["date_end"]) if d) or "date unknown"
        w(
            f"Event `{eid}`: {when} ({e['date_precision']}), {_cell(places.get(e['place_id'], 'place unknown'))}; "
            f"{len(ev_claims)} claims from {len({c['source_id'] for c in ev_claims})} sources.\n\n"
        )
        for key in sorted(grouped.get(eid, {}), key=lambda k: (k[3], k[0], k[1], k[2])):
            measure, subject, place, breakdown = key
            group = sorted(grouped[eid][key], key=lambda f: (f.claimant, f.publisher, f.claim_id, f.quantity_id))
            title = f"{measure} · {subject}" + (
                f" · {_cell(places.get(place, place))}" if place != e["place_id"] else ""
            )
            w(f"#### {title}{' (breakdown of a total)' if breakdown else ''}\n\n")
            w("| Figure | Wording | Claimant | Said how | Source | Status |\n|---|---|---|---|---|---|\n")
            for f in group:
                how = f.attribution.replace("_", " ") + ("" if f.modality == "asserted" else f", {f.modality}")
                w(
                    f"| {_cell(said(f))} | {_cell(f.wording)} | {_cell(f.claimant)} | {how} | "
                    f"{_cell(f.publisher)} ({f.language}), `{f.claim_id}` | {f.status} |\n"
                )
            w("\n" + (verdict(group) if not breakdown else "A breakdown: its parts are not compared.") + "\n\n")
        bare = [c for c in ev_claims if c["claim_id"] not in with_figures]
        if bare:
            w("Claims on this event without a coded figure (some carry numbers the schema has no measure for):\n\n")
            for c in sorted(bare, key=lambda c: c["claim_id"]):
                pub = sources[c["source_id"]].get("publisher") or "(publisher not named)"
                who = _cell(actors[c["claimant_actor_id"]])
                w(f"- {who}, via {_cell(pub)}: {_cell(c['statement'])} (`{c['claim_id']}`)\n")
            w("\n")
    return out.getvalue()


def plot_rows(figs: list[Figure]) -> list[tuple[str, list[Figure]]]:
    """Rows of the plot: each (event, measure, subject) total that at least two sources give a number for."""
    rows: dict[str, list[Figure]] = defaultdict(list)
    by_id = {f.quantity_id: f for f in figs}
    for f in figs:
        whole = by_id.get(f.part_of)
        if whole is not None and whole.subject == f.subject:
            continue
        if interval(f) is None and f.qualifier != "about":
            continue
        rows[f"{f.event_id} | {f.measure} {f.subject}"].append(f)
    # groups where every source says "one" (a kindergarten, a missile) show nothing a plot can add
    return sorted(
        (k, v)
        for k, v in rows.items()
        if len({f.source_id for f in v}) >= 2 and max((f.value or f.lower or 0) for f in v) >= 2
    )


def plot(figs: list[Figure]) -> bytes:
    """An SVG dot plot: one row per compared group, one mark per figure, its shape the qualifier."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matplotlib.rcParams["svg.hashsalt"] = "one-night"
    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: smaller, diffable, searchable
    rows = plot_rows(figs)
    marks = {
        "exact": ("o", "exact"),
        "at_least": (">", "at least"),
        "more_than": (">", "more than"),
        "about": ("D", "about"),
    }
    fig, ax = plt.subplots(figsize=(9, 0.55 * len(rows) + 1.6))
    seen = set()
    for y, (_, group) in enumerate(rows):
        for i, f in enumerate(sorted(group, key=lambda f: f.quantity_id)):
            x = f.value if f.value is not None else f.lower
            if x is None:
                continue
            marker, label = marks.get(f.qualifier, ("s", f.qualifier))
            hollow = f.status != "active" or f.qualifier == "more_than"
            name = label + (" (superseded)" if f.status != "active" else "")
            ax.scatter(
                [x],
                [y + (i - len(group) / 2) * 0.04],
                marker=marker,
                s=45,
                facecolors="none" if hollow else "C0" if f.status == "active" else "none",
                edgecolors="C3" if f.status != "active" else "C0",
                label=None if name in seen else name,
            )
            seen.add(name)
    ax.set_yticks(range(len(rows)), [k.replace("2024-", "") for k, _ in rows], fontsize=7)
    ax.set_xlim(left=0)
    ax.set_xlabel("figure as claimed; one mark per figure (a triangle is a lower bound)")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    return buf.getvalue()


def listed_sources(root: Path) -> set[str] | None:
    """The source ids of SOURCES (one a line, # comments), or None (every source) when the package has none."""
    if not os.path.lexists(root / SOURCES):
        return None
    lines = read_text(root / SOURCES, root, SOURCES.as_posix()).splitlines()
    return {line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")}


def scoped(tables: dict[str, list[dict[str, str]]], sources: set[str] | None) -> dict[str, list[dict[str, str]]]:
    """The tables limited to the claims of ``sources`` and what they concern (None: all of them)."""
    if sources is None:
        return tables
    claims = [c for c in tables["claims"] if c["source_id"] in sources]
    claim_ids = {c["claim_id"] for c in claims}
    event_ids = {c["event_id"] for c in claims}
    return {
        **tables,
        "sources": [s for s in tables["sources"] if s["source_id"] in sources],
        "events": [e for e in tables["events"] if e["event_id"] in event_ids],
        "claims": claims,
        "quantities": [q for q in tables["quantities"] if q["claim_id"] in claim_ids],
    }


def outputs(root: Path) -> dict[Path, bytes]:
    tables = scoped(read_tables(root), listed_sources(root))
    return {PAGE: render(tables).encode("utf-8"), PLOT: plot(figures(tables))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m war_report_events one-night", description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=Path("."), help="package root (default: the current directory)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when the page or plot is stale")
    args = parser.parse_args(argv)
    files = {args.root / rel: content for rel, content in outputs(args.root).items()}
    if args.check:
        stale = [p.relative_to(args.root).as_posix() for p, content in files.items() if not same_bytes(p, content)]
    else:
        stale = []
        write_files(
            files, 0o644, root=args.root
        )  # both or neither, never through a link out of the root; mkstemp alone would leave pages only their owner can read
        for path in files:
            print(f"wrote {path.relative_to(args.root).as_posix()}")
    if stale:
        print(
            f"stale: {', '.join(stale)}; run `python -m war_report_events one-night` and commit the result",
            file=sys.stderr,
        )
        return 1
    return 0
