"""`python -m war_report_events import FORMAT FILE OUT_DIR`: a peer dataset as war reports.

Formats: ``air-attacks`` (the table "Massive Missile Attacks on Ukraine") and ``ucdp-ged``
(UCDP's Georeferenced Event Dataset, CSV). The reading and mapping of each is in its own module;
this one is the command line: arguments, the package OUT_DIR joins, writing, messages.

Rows that cannot be imported are reported each with its line; the others are imported and
the command exits 1, so a script notices. ``--all-or-nothing`` writes nothing when any row is
bad and lists them all. Files are written all or none, never over an existing file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from war_report_events.failure import UserError
from war_report_events.files import read_text
from war_report_events.peers.common import RowProblem, known_definitions, problems_text, summary, write_new
from war_report_events.standard.dates import ISO_DAY, iso_day


def _date(text: str) -> str:
    if not ISO_DAY.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write YYYY-MM-DD")
    if iso_day(text) is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a real date")
    return text


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m war_report_events import", description="Import a peer dataset as war reports (schema 0.2.0)."
    )
    formats = top.add_subparsers(dest="format", required=True, metavar="FORMAT")
    air = formats.add_parser(
        "air-attacks",
        help="the air-attack table 'Massive Missile Attacks on Ukraine' (missile_attacks_daily.csv)",
        description="One war report per post cited in the table's `source` column; each ships the table's rows "
        "for that post as its source text.",
    )
    ged = formats.add_parser(
        "ucdp-ged",
        help="UCDP Georeferenced Event Dataset (GED) as CSV",
        description="One war report per GED event: UCDP is the claimant, best/low/high the `estimate` of deaths; "
        "each report ships the GED header and row as its source text.",
    )
    for sub, what in ((air, "the table (CSV)"), (ged, "GED events (CSV, as UCDP's download or API gives them)")):
        sub.add_argument("file", type=Path, metavar="FILE", help=what)
        sub.add_argument(
            "out", type=Path, metavar="OUT_DIR", help="package root to write data/reports/ and data/sources/ into"
        )
        sub.add_argument(
            "--published",
            required=True,
            type=_date,
            metavar="YYYY-MM-DD",
            help="date of the dataset snapshot or release FILE was taken from (the file does not say; never guessed)",
        )
        sub.add_argument(
            "--all-or-nothing",
            action="store_true",
            help="write nothing when any row cannot be imported (default: import the others, list the bad rows)",
        )
    air.add_argument(
        "--weapons", type=Path, metavar="CSV", help="the dataset's weapon reference table (missiles_and_uav.csv)"
    )
    air.add_argument(
        "--unknown-accounts",
        choices=("mark", "refuse"),
        default="mark",
        help="an account not in data/air_force_accounts.csv: 'mark' imports it as an actor of its own name "
        "marked 'not identified' (default); 'refuse' makes its rows bad rows",
    )
    return top


def run(args: argparse.Namespace) -> tuple[dict[str, str], list[RowProblem]]:
    text, name, known = read_text(args.file), str(args.file), known_definitions(args.out)
    if args.format == "air-attacks":
        from war_report_events.peers.air_attacks import import_rows, read_weapons

        weapons = read_weapons(args.weapons) if args.weapons else {}
        return import_rows(text, name, args.published, weapons, known, args.unknown_accounts == "refuse")
    from war_report_events.peers.ucdp_ged import import_ged

    return import_ged(text, name, args.published, known)


def main(argv: list[str]) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    name = str(args.file)
    try:
        files, problems = run(args)
        if problems and (args.all_or_nothing or not files):
            print(
                f"import: nothing written: {len(problems)} row(s) of {name} cannot be imported:\n"
                + problems_text(name, problems),
                file=sys.stderr,
            )
            return 1
        write_new(args.out, files)
    except UserError as exc:
        print(f"import: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(
            f"import: cannot write {exc.filename or args.out}: {exc.strerror}; check the path and permissions.",
            file=sys.stderr,
        )
        return 1
    print(f"imported {name} into {args.out}: {summary(files)}")
    if problems:
        print(
            f"import: {len(problems)} row(s) not imported (fix them and import them again, or use "
            f"--all-or-nothing):\n" + problems_text(name, problems),
            file=sys.stderr,
        )
        return 1
    return 0
