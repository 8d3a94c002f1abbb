"""``new``: start a war report from a text file.

Copies the text into ``data/sources/<source_id>.txt`` byte for byte, and writes a
skeleton ``data/reports/<source_id>.json`` holding only what the tool knows for
certain (id, date, language, path, hash) and every other top-level key a report
can have, as an empty list. Everything that needs judgement (rights, actors,
places, events, claims) is left for the coder: the skeleton is deliberately
invalid until the coder fills it in, so it cannot be merged by accident.

A text that states no publication date (``--published unknown --retrieved DATE``)
gets the form of schema 0.2.0: ``published_precision`` ``unknown``, the
``retrieved`` date, and an id that begins ``undated-`` and carries no date, so
that a retrieval date is never taken for a publication date.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
from pathlib import Path
from typing import Any

import langcodes
from slugify import slugify

from war_report_events import SCHEMA_VERSION
from war_report_events.failure import UserError
from war_report_events.files import Refused, dump_report, read_bytes, unsafe_reason, write_files
from war_report_events.standard.dates import ISO_DAY, iso_day

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$")  # the schema's id pattern
ID_MAX_LENGTH = 120
SLUG_WORDS = 5
UNKNOWN = "unknown"
UNDATED_PREFIX = "undated-"
UNDATED_SCHEMA_VERSION = "0.2.0"  # the first schema with published_precision and retrieved
RIGHTS_TODO = (
    "TODO: state on what terms this text is shipped (who holds the copyright, if the text says, and why it is shipped)"
)


def parse_date(value: str, flag: str = "--published") -> str:
    """The date as YYYY-MM-DD, or UserError when it is not a real calendar date in that form."""
    hint = ", or 'unknown' when the text states no date" if flag == "--published" else ""
    if not ISO_DAY.fullmatch(value):
        raise UserError(f"{flag} {value!r}: write the date as YYYY-MM-DD, e.g. 2024-10-30{hint}", exit_code=2)
    if iso_day(value) is None:
        raise UserError(f"{flag} {value!r}: no such day in the calendar", exit_code=2)
    return value


def parse_published(value: str) -> str:
    """The publication date as YYYY-MM-DD, or ``unknown``; UserError otherwise."""
    return UNKNOWN if value == UNKNOWN else parse_date(value)


def parse_dates(published: str, retrieved: str | None) -> tuple[str, str | None]:
    """(published or ``unknown``, retrieved or None): the retrieval date is required exactly when the other is unknown."""
    published = parse_published(published)
    if published == UNKNOWN and retrieved is None:
        raise UserError(
            "--published unknown: give the day you retrieved the text with --retrieved YYYY-MM-DD", exit_code=2
        )
    if published != UNKNOWN and retrieved is not None:
        raise UserError(
            f"--retrieved is only for a text without a publication date; drop it, or use --published {UNKNOWN} "
            "if the text does not state the date you gave",
            exit_code=2,
        )
    return published, None if retrieved is None else parse_date(retrieved, "--retrieved")


def parse_language(value: str) -> str:
    """The BCP 47 tag in its standard form (``en-us`` -> ``en-US``), or UserError."""
    if not langcodes.tag_is_valid(value):
        raise UserError(f"--language {value!r}: not a valid BCP 47 language tag; use e.g. en, de, uk, ru", exit_code=2)
    return langcodes.standardize_tag(value)


def default_source_id(text: str, published: str) -> str:
    """``<published>-<first words of the first non-empty line>``, lowercase ASCII joined by hyphens.

    Undated (``unknown``): ``undated-<words>``, never the retrieval date.

    Pure numbers are skipped (the date is already in front); python-slugify
    transliterates non-Latin scripts, so a Ukrainian headline gives ASCII too.
    """
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    words = [w for w in slugify(first_line).split("-") if w and not w.isdigit()]
    prefix = UNDATED_PREFIX.rstrip("-") if published == UNKNOWN else published
    source_id = "-".join([prefix, *words[:SLUG_WORDS]]) if words else ""
    return source_id[:ID_MAX_LENGTH].rstrip("-")


def check_source_id(source_id: str, published: str | None = None) -> str:
    if not ID_PATTERN.fullmatch(source_id) or len(source_id) > ID_MAX_LENGTH:
        raise UserError(
            f"source id {source_id!r} is not allowed: use lowercase letters and digits joined by "
            f"single hyphens, dots or underscores, at most {ID_MAX_LENGTH} characters "
            "(e.g. 2024-10-30-drone-strikes-north-korea)"
        )
    if published == UNKNOWN and not source_id.startswith(UNDATED_PREFIX):
        raise UserError(
            f"source id {source_id!r}: the id of a source without a publication date begins {UNDATED_PREFIX!r} "
            f"and carries no date (e.g. {UNDATED_PREFIX}kyiv-drone-attack)"
        )
    if published == UNKNOWN and re.search(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", source_id):
        raise UserError(
            f"source id {source_id!r}: a source without a publication date gets no date in its id, "
            "not even the day you retrieved it"
        )
    if published not in (None, UNKNOWN) and source_id.startswith(UNDATED_PREFIX):
        raise UserError(
            f"source id {source_id!r}: {UNDATED_PREFIX!r} is for sources without a publication date; "
            f"begin the id with the date instead (e.g. {published}-kyiv-drone-attack)"
        )
    return source_id


def skeleton(
    source_id: str, published: str, language: str, text_sha256: str, retrieved: str | None = None
) -> dict[str, Any]:
    """The report as far as no judgement is needed, with every top-level key; key order as in the schema."""
    if published == UNKNOWN:
        version = UNDATED_SCHEMA_VERSION
        dates: dict[str, str] = {"published_precision": UNKNOWN, "retrieved": str(retrieved)}
    else:
        version, dates = SCHEMA_VERSION, {"published": published}
    return {
        "schema_version": version,
        "source": {
            "source_id": source_id,
            **dates,
            "language": language,
            "text_path": f"data/sources/{source_id}.txt",
            "text_sha256": text_sha256,
            "rights": RIGHTS_TODO,
            # Shown, not left to the default, so that the coder decides it with the rights (codebook 7.2).
            "text_redistribution": "allowed",
        },
        "actors": [],
        "places": [],
        "events": [],
    }


def next_steps(source_id: str, published: str, language: str) -> str:
    text_rel, report_rel = f"data/sources/{source_id}.txt", f"data/reports/{source_id}.json"
    return f"""Next steps:
  1. Edit "rights" in {report_rel}: replace its TODO before you open a pull request.
     If the rights do not allow redistributing the text (most news), set "text_redistribution"
     to "not_allowed", remove "text_path", and move {text_rel} out of the package
     (check it with: python validate.py --texts DIR).
     Add "title", "publisher" and "url" only if the text or its page states them.
  2. List the figures to code:   python -m war_report_events suggest {text_rel} --published {published} --language {language}
  3. Code actors, places, events, claims and quantities in {report_rel}
     (docs/codebook.md says how); copy each quote from {text_rel} exactly.
     Delete "places" if no claim names a place: an empty list is not valid.
  4. Fill the quote offsets:     python -m war_report_events fill-offsets {report_rel}
  5. Check what you missed:      python -m war_report_events suggest {report_rel}
  6. Check everything:           make build && python validate.py"""


def create(
    text_file: Path, published: str, language: str, source_id: str | None, root: Path, retrieved: str | None = None
) -> tuple[Path, Path, str]:
    """Copy the text and write the skeleton; returns (text path, report path, source id)."""
    if not root.is_dir():
        raise UserError(f"--root {root}: not a folder; give the package root (the folder holding data/)", exit_code=2)
    try:
        data = read_bytes(text_file)  # a regular file only: a FIFO, /dev/zero or a folder is refused
    except Refused as exc:
        raise UserError(f"{text_file}: {exc.reason}; give the text file to copy") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(
            f"{text_file}: not UTF-8 (byte {exc.start} cannot be decoded); save it as UTF-8 first"
        ) from None
    if not text.strip():
        raise UserError(f"{text_file}: the file is empty")
    if source_id is None:
        source_id = default_source_id(text, published)
        if not source_id:
            raise UserError(f"{text_file}: its first line gives no words for an id; choose one with --source-id")
    check_source_id(source_id, published)
    text_out = root / "data" / "sources" / f"{source_id}.txt"
    report_out = root / "data" / "reports" / f"{source_id}.json"
    for folder in ("data/sources", "data/reports"):
        why = unsafe_reason(root, folder)
        if why:
            raise UserError(f"{root / folder} {why}; nothing was written")
    for existing in (text_out, report_out):
        if os.path.lexists(existing):  # a dangling symlink too: it is never replaced
            raise UserError(
                f"{existing} already exists; nothing was written. Choose another id with --source-id, "
                "or edit the existing report instead of starting a new one"
            )
    report = skeleton(source_id, published, language, hashlib.sha256(data).hexdigest(), retrieved)
    write_files({text_out: data, report_out: dump_report(report)}, root=root)  # both or neither
    return text_out, report_out, source_id


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m war_report_events new",
        description="Start a report: copy TEXT_FILE unchanged to data/sources/<source_id>.txt and "
        "write a skeleton data/reports/<source_id>.json for you to fill in.",
    )
    parser.add_argument("text_file", type=Path, help="the source text as published, UTF-8")
    parser.add_argument(
        "--published",
        required=True,
        help="publication date as the text states it, YYYY-MM-DD; 'unknown' when it states none (then give --retrieved)",
    )
    parser.add_argument(
        "--retrieved", help="the day you retrieved a text without a publication date, YYYY-MM-DD (never a guess)"
    )
    parser.add_argument("--language", required=True, help="BCP 47 tag of the text's language (en, de, uk, ...)")
    parser.add_argument(
        "--source-id", help="id of the source (default: the date and the first words of the first line)"
    )
    parser.add_argument("--root", type=Path, default=Path("."), help="package root (default: the current directory)")
    args = parser.parse_args(argv)
    try:
        published, retrieved = parse_dates(args.published, args.retrieved)
        language = parse_language(args.language)
    except UserError as exc:
        print(exc, file=sys.stderr)
        return exc.exit_code
    try:
        text_out, report_out, source_id = create(
            args.text_file, published, language, args.source_id, args.root, retrieved
        )
    except UserError as exc:
        print(exc, file=sys.stderr)
        return exc.exit_code
    print(f"copied  {args.text_file} -> {text_out} (unchanged)")
    print(f"wrote   {report_out}")
    if args.source_id is None:
        print(
            f"id      {source_id} (from the first line; for a better one, delete both files and run again with --source-id)"
        )
    if language != args.language:
        print(f"note    language {args.language!r} written in its standard form {language!r}")
    print(next_steps(source_id, published, language))
    return 0
