"""Find a phrase in a shipped text by code-point offsets; fill the offsets of quotes in reports.

``locate`` answers one question: where exactly does this phrase occur? It gives
offsets only when the answer is unambiguous (the phrase occurs once). Otherwise
it says why not: every occurrence with line and column, or, when the phrase is
absent, the closest near-match and what differs (quotes, dashes, whitespace,
case), because a quote retyped by hand usually differs from the text in exactly
those ways. ``fill-offsets`` writes into reports only what ``locate`` prints.
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from war_report_events.failure import UserError, printable
from war_report_events.files import (
    atomic_write,
    dump_report,
    load_json,
    package_root_of,
    read_text,
    report_files,
)
from war_report_events.standard.reports import claims, json_path

QUOTES = frozenset("\"'“”„‟«»‹›‘’‚‛′″`´")
DASHES = frozenset("-‐‑‒–—―−")
NEAR_MATCH_MIN_SCORE = 75.0  # below this a "closest match" misleads more than it helps
CONTEXT = 25  # characters of text shown either side of an occurrence


@dataclass(frozen=True)
class Found:
    """The outcome of looking for a phrase: its span when unique, else a message for a person."""

    span: tuple[int, int] | None
    message: str


# --- pure functions -------------------------------------------------------


def find_all(text: str, phrase: str) -> list[int]:
    """Start offsets of every occurrence of phrase, overlapping ones included."""
    starts, at = [], text.find(phrase)
    while at != -1:
        starts.append(at)
        at = text.find(phrase, at + 1)
    return starts


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in code points) of an offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _shown(phrase: str) -> str:
    return "«" + phrase.replace("\n", "\\n") + "»"


def _context(text: str, start: int, end: int) -> str:
    left = text[max(0, start - CONTEXT) : start]
    right = text[end : end + CONTEXT]
    snippet = ("…" if start > CONTEXT else "") + left + "[" + text[start:end] + "]" + right
    snippet += "…" if end + CONTEXT < len(text) else ""
    return " ".join(snippet.split())


def _where(text: str, start: int, end: int) -> str:
    line, col = line_col(text, start)
    return f"line {line}, column {col} (offsets {start} {end}): {_context(text, start, end)}"


def _normalise(s: str) -> str:
    """Map each character to a canonical one, keeping length so offsets stay valid."""
    out = []
    for ch in s:
        if ch in QUOTES:
            ch = '"'
        elif ch in DASHES:
            ch = "-"
        elif ch.isspace():
            ch = " "
        else:
            low = ch.lower()
            ch = low if len(low) == 1 else ch
        out.append(ch)
    return "".join(out)


def _name_chars(s: str) -> str:
    """Characters as a person can read them: «—», or "2 spaces" for invisible ones."""
    names = {" ": "space", "\n": "line break", "\t": "tab", "\u00a0": "no-break space", "\r": "carriage return"}
    if s and all(ch.isspace() for ch in s):
        if len(set(s)) == 1:
            name = names.get(s[0], f"U+{ord(s[0]):04X}")
            return f"a {name}" if len(s) == 1 else f"{len(s)} {name}s"
        return " + ".join(names.get(ch, f"U+{ord(ch):04X}") for ch in s)
    return "«" + s + "»"


def _kind(a: str, b: str) -> str:
    both = a + b
    if both and all(ch in QUOTES for ch in both):
        return "quotes"
    if both and all(ch in DASHES for ch in both):
        return "dashes"
    if both and all(ch.isspace() for ch in both):
        return "whitespace"
    if a and b and a.lower() == b.lower():
        return "case"
    return "other"


def _tokens(s: str) -> list[tuple[int, str]]:
    """Words, runs of whitespace and single other characters, with their offsets."""
    return [(m.start(), m.group()) for m in re.finditer(r"\w+|\s+|[^\w\s]", s)]


def differences(phrase: str, found: str, found_start: int, text: str) -> list[str]:
    """What differs between the phrase and the text's words, one line per difference.

    Compared token by token (words, whitespace, punctuation), so a changed word
    is reported as that word, not as scattered letters.
    """
    a_tokens, b_tokens = _tokens(phrase), _tokens(found)
    # Adjacent edits are one difference ("Ukraines" -> "Ukraine's", not two).
    groups: list[list[int]] = []
    for op in Levenshtein.opcodes([t for _, t in a_tokens], [t for _, t in b_tokens]):
        if op.tag == "equal":
            continue
        if groups and groups[-1][1] == op.src_start and groups[-1][3] == op.dest_start:
            groups[-1][1], groups[-1][3] = op.src_end, op.dest_end
        else:
            groups.append([op.src_start, op.src_end, op.dest_start, op.dest_end])
    lines = []
    for src_start, src_end, dest_start, dest_end in groups:
        a = "".join(t for _, t in a_tokens[src_start:src_end])
        b = "".join(t for _, t in b_tokens[dest_start:dest_end])
        at = b_tokens[dest_start][0] if dest_start < len(b_tokens) else len(found)
        _, col = line_col(text, found_start + at)
        if not a:
            what = f"the text has {_name_chars(b)} that the phrase lacks"
        elif not b:
            what = f"the phrase has {_name_chars(a)} that the text lacks"
        else:
            what = f"the text has {_name_chars(b)} where the phrase has {_name_chars(a)}"
        lines.append(f"  - {_kind(a, b)}: {what} (column {col})")
    return lines


def _snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span that cuts a word in two to the whole word."""
    while 0 < start < len(text) and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while 0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    return start, end


def _best_window(nphrase: str, ntext: str) -> tuple[int, int, float] | None:
    """The span of text most similar to the phrase (rapidfuzz's alignment, then its ends adjusted)."""
    found = fuzz.partial_ratio_alignment(nphrase, ntext, score_cutoff=NEAR_MATCH_MIN_SCORE)
    if found is None:
        return None
    if len(nphrase) > len(ntext):
        return None
    # partial_ratio compares windows as long as the phrase; an extra or missing
    # space shifts the true end, so try nearby ends and starts.
    best = (found.dest_start, found.dest_end, -1.0)
    for start in range(max(0, found.dest_start - 3), min(len(ntext), found.dest_start + 4)):
        for end in range(max(start + 1, found.dest_end - 3), min(len(ntext), found.dest_end + 3) + 1):
            score = Levenshtein.normalized_similarity(nphrase, ntext[start:end]) * 100
            if score > best[2]:
                best = (start, end, score)
    if best[2] < NEAR_MATCH_MIN_SCORE:
        return None
    start, end = _snap_to_words(ntext, best[0], best[1])
    return start, end, best[2]


def locate(text: str, phrase: str, name: str = "the text") -> Found:
    """Where phrase occurs in text: its (start, end) when exactly once, else why not."""
    starts = find_all(text, phrase)
    if len(starts) == 1:
        return Found((starts[0], starts[0] + len(phrase)), "")
    if starts:
        lines = [f"{_shown(phrase)} occurs {len(starts)} times in {name}; quote more words so that it occurs once:"]
        lines += [f"  {_where(text, s, s + len(phrase))}" for s in starts]
        return Found(None, "\n".join(lines))
    head = f"{_shown(phrase)} does not occur in {name}."
    ntext, nphrase = _normalise(text), _normalise(phrase)
    near = [(s, s + len(phrase)) for s in find_all(ntext, nphrase)]
    if not near:
        window = _best_window(nphrase, ntext)
        if window is None:
            return Found(None, f"{head} Nothing in it is close; check the file and the phrase.")
        near = [window[:2]]
    lines = [head]
    for start, end in near:
        found = text[start:end]
        similarity = round(Levenshtein.normalized_similarity(phrase, found) * 100)
        lines.append(f"Closest match, {similarity}% alike: {_where(text, start, end)}")
        lines.append("What differs:")
        lines += differences(phrase, found, start, text)
    lines.append("Copy the words from the text as they are: quotes, dashes, spaces and case all count.")
    return Found(None, "\n".join(lines))


def _with_offsets(claim: dict[str, Any], start: int, end: int) -> dict[str, Any]:
    """The claim with quote_start/quote_end set, placed right after quote as in the schema."""
    out: dict[str, Any] = {}
    for key, value in claim.items():
        if key in ("quote_start", "quote_end"):
            continue
        out[key] = value
        if key == "quote":
            out["quote_start"], out["quote_end"] = start, end
    return out


def fill_offsets(report: dict[str, Any], text: str, text_name: str = "the text") -> tuple[dict[str, Any], list[str]]:
    """Fill every missing quote_start/quote_end of report from text.

    Returns the filled copy and one message per quote that could not be filled
    (absent or repeated, with locate's explanation), each starting with the
    quote's JSON path. Offsets already present are kept; a present offset that
    disagrees with the quote's only occurrence is reported, not overwritten.
    """
    out = copy.deepcopy(report)
    problems: list[str] = []
    for located in claims(out) if isinstance(out, dict) else []:
        claim = located.obj
        if not isinstance(claim.get("quote"), str):
            continue  # the validator reports a missing or non-string quote
        have_start, have_end = claim.get("quote_start"), claim.get("quote_end")
        if have_start is not None and have_end is not None:
            continue
        path = json_path(located.parts + ("quote",))
        found = locate(text, claim["quote"], text_name)
        if found.span is None:
            problems.append(f"{path}: {found.message}")
            continue
        start, end = found.span
        if (have_start is not None and have_start != start) or (have_end is not None and have_end != end):
            problems.append(
                f"{path}: the quote occurs once, at offsets {start} {end}, but the report says "
                f"quote_start {have_start}, quote_end {have_end}; correct or remove the wrong one"
            )
            continue
        _, i, _, j = located.parts
        out["events"][i]["claims"][j] = _with_offsets(claim, start, end)
    return out, problems


def count_missing(report: dict[str, Any]) -> int:
    """How many claims lack quote_start or quote_end."""
    return sum(
        1
        for located in claims(report)
        if located.obj.get("quote_start") is None or located.obj.get("quote_end") is None
    )


# --- command line ----------------------------------------------------------


def main(argv: list[str]) -> int:
    """``locate TEXT_FILE PHRASE``: print START END, or say why there is no single answer."""
    parser = argparse.ArgumentParser(
        prog="python -m war_report_events locate",
        description="Print the code-point offsets START END (end exclusive) of a phrase that occurs "
        "exactly once in a text; otherwise list its occurrences or the closest near-match.",
    )
    parser.add_argument("text_file", type=Path, help="the shipped text, e.g. data/sources/<source_id>.txt")
    parser.add_argument("phrase", help="the words to find, copied from the text")
    args = parser.parse_args(argv)
    if not args.phrase:
        parser.error("the phrase is empty; give the words to find")
    try:
        text = read_text(args.text_file)
    except UserError as exc:
        print(exc, file=sys.stderr)
        return 1
    found = locate(text, args.phrase, str(args.text_file))
    if found.span is None:
        print(found.message, file=sys.stderr)
        return 1
    print(*found.span)
    return 0


def main_fill_offsets(argv: list[str]) -> int:
    """``fill-offsets [REPORT ...]``: fill missing quote offsets where the quote occurs once."""
    parser = argparse.ArgumentParser(
        prog="python -m war_report_events fill-offsets",
        description="Fill each missing quote_start/quote_end of the reports with what `locate` prints "
        "for the quote. Stops at the first quote that is absent from the text or occurs more than once.",
    )
    parser.add_argument(
        "reports", nargs="*", type=Path, help="report files (default: every data/reports/*.json under --root)"
    )
    parser.add_argument("--root", type=Path, default=Path("."), help="package root (default: the current directory)")
    args = parser.parse_args(argv)
    if args.reports:
        reports = args.reports
    else:  # the door's one listing: a report symlinked out of the package is refused, never read
        allowed, refused = report_files(args.root)
        if refused:
            rel, why = refused[0]
            print(
                f"{printable(str(args.root / rel))} {why}; reports must be files inside the package", file=sys.stderr
            )
            return 1
        reports = [path for _, path in allowed]
    if not reports:
        print(
            f"no reports found under {printable(str(args.root / 'data' / 'reports'))}; give report files as arguments",
            file=sys.stderr,
        )
        return 1
    for report_path in reports:
        try:
            filled = fill_file(report_path, args.root)
        except UserError as exc:
            print(exc, file=sys.stderr)
            return 1
        name = printable(str(report_path))  # a file name from a pull request may carry terminal escapes
        print(f"{name}: filled the offsets of {filled} quote(s)" if filled else f"{name}: every quote has its offsets")
    return 0


def fill_file(report_path: Path, default_root: Path) -> int:
    """Fill one report file in place; the number of quotes filled. Raises UserError to stop."""
    report = load_json(report_path)
    source = report.get("source") if isinstance(report, dict) else None
    text_path = source.get("text_path") if isinstance(source, dict) else None
    if not isinstance(text_path, str):
        raise UserError(
            f"{printable(str(report_path))}: $.source.text_path: missing; set it to data/sources/<source_id>.txt"
        )
    missing = count_missing(report)
    if not missing:
        return 0
    root = package_root_of(report_path, default_root)
    # The same path check as the validator's: a text_path out of the package is never read (nor quoted).
    filled, problems = fill_offsets(report, read_text(root / text_path, root, text_path), text_path)
    if problems:
        name = printable(str(report_path))
        lines = [f"{name}: {printable(problem)}" for problem in problems]
        raise UserError("\n".join(lines) + f"\nNothing was written to {name}; fix the quotes above and run again.")
    atomic_write(report_path, dump_report(filled), root=root)
    return missing - count_missing(filled)
