"""The ``suggest`` command: candidates with their nearest cue and date, as text or JSON."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import langcodes

from war_report_events.failure import UserError, printable
from war_report_events.files import load_json, package_root_of, read_text
from war_report_events.standard.dates import iso_day
from war_report_events.tools.suggest.coverage import CodedSpan, coded_spans, mark_coded
from war_report_events.tools.suggest.figures import Candidate, _figures, durations
from war_report_events.tools.suggest.lexicon import LANGUAGES, _overlaps
from war_report_events.tools.suggest.times import TimeExpression, cues, sentences, time_expressions


def _nearest(items: Iterable[Any], span: tuple[int, int], sentence: tuple[int, int]) -> Any:
    inside = [x for x in items if sentence[0] <= x.start and x.end <= sentence[1]]
    if not inside:
        return None
    return min(inside, key=lambda x: (max(x.start - span[1], span[0] - x.end, 0), x.start))


def suggest(text: str, language: str, published: dt.date | None, articles: bool = True) -> list[Candidate]:
    """Every candidate figure in text, with qualifier, nearest cue and nearest resolved date."""
    lang = primary_language(language)
    times = time_expressions(text, lang, published)
    found = _figures(text, lang, [(t.start, t.end) for t in times], articles)
    found = sorted(found + durations(text, lang, times), key=lambda c: c.start)
    cue_list = cues(text, lang)
    dated = [t for t in times if t.date_start or t.date_end]
    spans = sentences(text)
    for candidate in found:
        sentence = next((s for s in spans if s[0] <= candidate.start < s[1]), (0, len(text)))
        span = (candidate.start, candidate.end)
        candidate.cue = _nearest([c for c in cue_list if not _overlaps((c.start, c.end), span)], span, sentence)
        candidate.date = _nearest(dated, span, sentence)
        candidate.after = " ".join(re.findall(r"\S+", text[candidate.end : sentence[1]])[:3])
    return found


def primary_language(tag: str) -> str:
    try:
        lang = langcodes.get(tag).language
    except (ValueError, LookupError):
        raise UserError(f"language {tag!r} is not a BCP 47 tag; use e.g. en or de", exit_code=2) from None
    if lang not in LANGUAGES:
        raise UserError(
            f"suggest knows the qualifier and attribution words of {', '.join(LANGUAGES)} only, not {tag!r}; "
            "code this text without it, or add the words for the language to war_report_events/tools/suggest/lexicon.py",
            exit_code=2,
        )
    return lang


# --- output ------------------------------------------------------------------------------


def _number_text(c: Candidate) -> str:
    if c.qualifier == "range":
        return f"{c.lower}-{c.upper}"
    value = next((v for v in (c.value, c.lower, c.upper) if v is not None), None)
    return "-" if value is None else str(value)


def _date_text(t: TimeExpression | None) -> str:
    if t is None:
        return "-"
    if t.date_start and t.date_start == t.date_end:
        when = t.date_start
    else:
        when = f"{t.date_start or '?'}..{t.date_end or '?'}"
    return f"{t.text} = {when} ({t.precision})"


def _measure_text(c: Candidate) -> str:
    if c.measure is None:
        return ""
    return f"  measure: {c.measure}" + (f" ({c.unit})" if c.unit else "")


def render_candidates(
    name: str, candidates: list[Candidate], uncovered: list[CodedSpan] | None, problems: list[str]
) -> str:
    with_report = uncovered is not None
    lines = []
    if with_report:
        done = sum(1 for c in candidates if c.coded)
        lines.append(f"{name}: {len(candidates)} candidate figures, {done} coded, {len(candidates) - done} not coded")
    else:
        lines.append(f"{name}: {len(candidates)} candidate figures")
    for c in candidates:
        mark = ("[x]" if c.coded else "[ ]") if with_report else " - "
        cue = (
            "-"
            if c.cue is None
            else c.cue.text
            if c.cue.text == c.cue.attribution
            else f"{c.cue.text} ({c.cue.attribution})"
        )
        words = f"«{c.text}» {c.after}".rstrip()
        lines.append(
            f"{mark} {c.start:>5}-{c.end:<5} {words[:36]:<36} {_number_text(c):>7} {c.qualifier:<9} "
            f"cue: {cue:<14} date: {_date_text(c.date)}" + _measure_text(c)
        )
    if with_report and uncovered:
        lines.append("Coded in the report but not a candidate (check that each is a figure of the text):")
        lines += [f"    {u.start:>5}-{u.end:<5} {u.wording}  ({u.quantity_id})" for u in uncovered]
    lines += [f"warning: {p}" for p in problems]
    if with_report:
        lines.append(
            "[x] coded: a quantity's wording overlaps it; [ ] not coded: code it or decide it is no figure of the war."
        )
    lines.append(
        "These are suggestions: the qualifier, cue and date are what the words imply; you decide what to code."
    )
    # Words around a figure come from the source text, which is not ours: escape controls and bidi overrides.
    return "\n".join(printable(line) for line in lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m war_report_events suggest",
        description="List every candidate figure in a text with its qualifier, attribution cue and date; "
        "given a report, mark which ones it codes.",
    )
    parser.add_argument(
        "path", type=Path, help="a text file (data/sources/<id>.txt) or a report (data/reports/<id>.json)"
    )
    parser.add_argument(
        "--published",
        help="publication date YYYY-MM-DD, or 'unknown' when the text states none (a text file; a report gives its own)",
    )
    parser.add_argument(
        "--published-is-a-guess",
        action="store_true",
        help="the --published date is not stated by the text (e.g. the day you retrieved it): resolve nothing against it",
    )
    parser.add_argument("--language", help="BCP 47 tag of the text: en or de (a text file; a report gives its own)")
    parser.add_argument(
        "--root",
        type=Path,
        default=Path("."),
        help="package root for a report's text_path (default: found from the report's path, else .)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--no-articles", action="store_true", help='leave out "a"/"an" before a counted noun ("a child")'
    )
    args = parser.parse_args(argv)
    try:
        text, language, published, report, name = _inputs(args)
        doubt = _date_doubt(args, report)
        published_day = dt.date.fromisoformat(published) if published and doubt is None else None
        candidates = suggest(text, language, published_day, articles=not args.no_articles)
    except UserError as exc:
        print(printable(str(exc), keep="\n"), file=sys.stderr)
        return exc.exit_code
    uncovered, problems = None, []
    if report is not None:
        coded, problems = coded_spans(report, text)
        uncovered = mark_coded(candidates, coded)
    if args.format == "json":
        if doubt:
            print(f"note: {doubt}", file=sys.stderr)  # stdout stays JSON
        # json escapes C0 controls; C1 and bidi controls become \uXXXX escapes, which every JSON reader decodes
        print(printable(json.dumps([c.as_json() for c in candidates], indent=2, ensure_ascii=False), keep="\n"))
    else:
        if doubt:
            print(f"note: {doubt}")
        elif published_day is None:
            print("note: no --published date, so relative dates are not resolved")
        print(render_candidates(name, candidates, uncovered, problems))
    return 0


def _inputs(args: argparse.Namespace) -> tuple[str, str, str | None, dict[str, Any] | None, str]:
    """(text, language, published, report or None, display name) from the command line."""
    if args.path.suffix == ".json":
        report = load_json(args.path)
        source = report.get("source") if isinstance(report, dict) else None
        if not isinstance(source, dict) or not isinstance(source.get("text_path"), str):
            raise UserError(f"{args.path}: $.source.text_path is missing; suggest needs the report's text")
        for flag, key in (("published", "published"), ("language", "language")):
            given = getattr(args, flag)
            if given is not None and given != source.get(key):
                raise UserError(
                    f"{args.path}: the report says {key} {source.get(key)!r}; drop --{flag} {given}", exit_code=2
                )
        root = package_root_of(args.path, args.root)
        text = read_text(root / source["text_path"], root, source["text_path"])  # never outside the package
        published = source.get("published") if source.get("published_precision") in (None, "day") else None
        _check_date(published)
        return text, str(source.get("language") or ""), published, report, str(args.path)
    if not args.language:
        raise UserError("give the text's language with --language (en or de)", exit_code=2)
    published = None if args.published == UNKNOWN else args.published
    _check_date(published)
    return read_text(args.path), args.language, published, None, str(args.path)


UNKNOWN = "unknown"
UNRESOLVED = (
    'so relative dates ("Tuesday", "overnight", "yesterday") cannot be resolved and none is: '
    "date an event only by what the text states absolutely, else as on or before the day the text was retrieved"
)


def _date_doubt(args: argparse.Namespace, report: dict[str, Any] | None) -> str | None:
    """Why relative dates must not be resolved against the publication date, or None when they can be."""
    source = report.get("source") if isinstance(report, dict) else None
    if isinstance(source, dict):
        precision = source.get("published_precision")
        if precision == UNKNOWN or (precision is None and source.get("published") is None):
            return f"the report's publication date is unknown (published_precision unknown), {UNRESOLVED}"
        if precision not in (None, "day"):
            return f"the report's publication date is known only to the {precision}, {UNRESOLVED}"
        return None
    if args.published == UNKNOWN:
        return f"the publication date is unknown, {UNRESOLVED}"
    if args.published_is_a_guess:
        return f"the publication date {args.published} is a guess, {UNRESOLVED}; never resolve them against a guess"
    return None


def _check_date(value: str | None) -> None:
    if value is None:
        return
    if iso_day(value) is None:
        raise UserError(f"--published {value!r}: not a date in the form YYYY-MM-DD", exit_code=2)
