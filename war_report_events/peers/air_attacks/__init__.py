"""`python -m war_report_events import air-attacks FILE OUT_DIR --published DATE`: a peer table as war reports.

The air-attack table ("Massive Missile Attacks on Ukraine", P. Ivaniuk / piterfm) has one row
per weapon model per Ukrainian Air Force report; its ``source`` column names the Air Force post.
We do not have the posts' texts, so each imported report ships, as its source text, the table's
own record of one post: the CSV header line and every row citing that post, byte for byte as
in FILE. Every claim quotes its row from that record, so a reader can check each figure
against what the table says (never against what the post said: that is one step further away).

Decisions (see docs/crosswalks.md for the full mapping and its losses):

- one report per post (``source`` cell); the source is the table's record of the post, its
  publisher is the dataset, ``published`` is the date of the dataset snapshot FILE was taken
  from (``--published``: the file does not say, so it is never guessed);
- one event per row (an attack with one model in one reporting window), plus one sub-event
  per region the row names in ``destroyed_details`` or ``affected region``, placed in that region;
- one claim per row and per sub-event, claimant the actor the post's account belongs to, as
  ``data/air_force_accounts.csv`` lists it (Air Force, Air Commands, General Staff, ... with the
  evidence for each); an account the file does not list becomes an actor of that account's name,
  marked "not identified" (``--unknown-accounts refuse`` makes it a bad row instead);
  quoting the row; every count is a quantity with qualifier ``exact`` (the table keeps no
  "about"); a region named without a number (``NaN``) is a ``vague`` quantity;
- the table names no attacker and no target actor, so events have neither;
- a place or actor that OUT_DIR's reports already define keeps that definition (ids are global),
  so that an import can join an existing package;
- a row that cannot be imported faithfully (unparseable, a count that is not a count, an unknown
  weapon model, ...) is reported with its line and skipped; the other rows are imported and the
  command exits 1. ``--all-or-nothing`` writes nothing and lists every bad row at once.

Layout: ``reading`` (columns, records, cells), ``mapping`` (accounts, weapons, places),
``building`` (one report per post); this module runs them, with no I/O.
"""

from __future__ import annotations

import datetime as dt

from war_report_events.failure import UserError
from war_report_events.files import dump_report
from war_report_events.peers.air_attacks.building import DATASET, Post, build_report
from war_report_events.peers.air_attacks.mapping import SUBDIVISIONS, Kind, account_of, read_weapons
from war_report_events.peers.air_attacks.reading import KNOWN, parse_time, python_literal, read_records, read_table
from war_report_events.peers.common import Record, RowProblem, problems_text, schema_check

__all__ = [
    "DATASET",
    "KNOWN",
    "SUBDIVISIONS",
    "Record",
    "account_of",
    "import_air_attacks",
    "import_rows",
    "python_literal",
    "read_records",
    "read_weapons",
]


def posts_of(records: list[Record]) -> tuple[list[Post], list[RowProblem]]:
    """Rows grouped by their ``source`` cell, in order of first appearance; a row without one is a problem."""
    posts: dict[str, Post] = {}
    problems = []
    for rec in records:
        source = rec.cells["source"].strip()
        if not source:
            problems.append(RowProblem(rec.line, "the row has no source; every report needs the post it comes from"))
            continue
        posts.setdefault(source, Post(source, [])).records.append(rec)
    return list(posts.values()), problems


def import_rows(
    text: str,
    name: str,
    published: str,
    weapons: dict[str, Kind] | None = None,
    known: dict[str, dict[str, dict]] | None = None,
    refuse_unknown: bool = False,
) -> tuple[dict[str, str], list[RowProblem]]:
    """(package-relative path -> content of every report and source text, rows not imported). Pure.

    A post's report is built and checked against the JSON Schema whole; when that fails, its rows
    are tried one by one, and a row that fails alone is a problem of its line and is left out, so
    one bad row never costs the others. ``known``: places and actors of the package the import joins."""
    header, records, problems = read_table(text, name)
    posts, unsourced = posts_of(records)
    problems += unsourced

    def build(post: Post) -> tuple[dict, str]:
        report, shipped = build_report(post, header, published, weapons or {}, name, known, refuse_unknown)
        schema_check(report)
        return report, shipped

    built: list[tuple[dict, str]] = []
    rows: list[Record] = []
    for post in posts:
        kept, repeated = unique_rows(post.records)
        problems += repeated
        try:
            built.append(build(Post(post.source, kept)))
            rows += kept
            continue
        except UserError:
            pass  # find the rows at fault
        good = []
        for rec in kept:
            try:
                build(Post(post.source, [rec]))
            except UserError as exc:
                problems.append(RowProblem(rec.line, str(exc)))
            else:
                good.append(rec)
        if good:
            built.append(build(Post(post.source, good)))
            rows += good
    if rows:
        latest = max(parse_time(r.cells["time_end"], f"{name}:{r.line} time_end")[0] for r in rows)
        if dt.date.fromisoformat(published) < latest:
            raise UserError(
                f"--published {published} is before the newest row ({latest}); give the date of the "
                "dataset snapshot the file was taken from."
            )
    files: dict[str, str] = {}
    for report, shipped in built:
        sid = report["source"]["source_id"]
        if f"data/reports/{sid}.json" in files:
            raise UserError(f"{name}: two posts map to the source id {sid}; this should not happen, report it.")
        files[f"data/reports/{sid}.json"] = dump_report(report)
        files[f"data/sources/{sid}.txt"] = shipped
    return files, sorted(problems, key=lambda p: p.line)


def unique_rows(records: list[Record]) -> tuple[list[Record], list[RowProblem]]:
    """A post's rows without repeats: two rows with the same window, model, target and launch place would be
    one event twice (the same event id), so the later one is a problem naming the first."""
    first: dict[tuple[str, ...], int] = {}
    kept, repeated = [], []
    for rec in records:
        key = tuple(
            rec.cells.get(c, "").strip() for c in ("time_start", "time_end", "model", "target", "launch_place")
        )
        if key in first:
            repeated.append(
                RowProblem(
                    rec.line,
                    f"the same post, window, model, target and launch place as line {first[key]}: "
                    "one event cannot have two rows; keep one",
                )
            )
        else:
            first[key] = rec.line
            kept.append(rec)
    return kept, repeated


def import_air_attacks(
    text: str,
    name: str,
    published: str,
    weapons: dict[str, Kind] | None = None,
    known: dict[str, dict[str, dict]] | None = None,
    refuse_unknown: bool = False,
) -> dict[str, str]:
    """Every file of the import when every row imports; otherwise a UserError listing every bad row."""
    files, problems = import_rows(text, name, published, weapons, known, refuse_unknown)
    if problems:
        raise UserError(f"{name}: {len(problems)} row(s) cannot be imported:\n" + problems_text(name, problems))
    return files
