"""Reading the air-attack table: its columns, its records, and its cells (counts, times, Python literals)."""

from __future__ import annotations

import ast
import datetime as dt
import io
import re
import tokenize

from war_report_events.failure import UserError
from war_report_events.peers.common import Record, RowProblem, csv_records, problems_text

#: Columns each known version of the table has; any other column is refused, so nothing is dropped silently.
REQUIRED = ("time_start", "time_end", "model", "target", "launched", "destroyed", "source")
KNOWN = frozenset(
    REQUIRED
    + (
        "launch_place",
        "target_main",
        "not_reach_goal",
        "still_attacking",
        "border_crossing",
        "cross_border_belarus",
        "back_russia",
        "is_shahed",
        "num_hit_location",
        "num_fall_fragment_location",
        "carrier",
        "turbojet",
        "turbojet_destroyed",
        "affected region",
        "destroyed_details",
        "launched_details",
        "launch_place_details",
    )
)


def read_table(text: str, name: str) -> tuple[str, list[Record], list[RowProblem]]:
    """(header text, records, problems of rows) of the table; a header that is not the table's stops here."""
    header, header_text, records, problems = csv_records(text, name)
    unknown = [c for c in header if c not in KNOWN]
    missing = [c for c in REQUIRED if c not in header]
    if missing or unknown or len(set(header)) != len(header):
        raise UserError(
            f"{name}:1: not a known version of the air-attack table"
            + (f"; missing column(s): {', '.join(missing)}" if missing else "")
            + (
                f"; unknown column(s): {', '.join(unknown)} (the importer refuses them rather than drop them: "
                "add their mapping to war_report_events/peers/air_attacks/building.py)"
                if unknown
                else ""
            )
            + ("; a column name repeats" if len(set(header)) != len(header) else "")
            + "."
        )
    if not records and not problems:
        raise UserError(f"{name}: no rows after the header; nothing to import.")
    return header_text, records, problems


def read_records(text: str, name: str) -> tuple[str, list[Record]]:
    """(header text, records) of a table whose every record parses; otherwise every bad line at once."""
    header_text, records, problems = read_table(text, name)
    if problems:
        raise UserError(f"{name}: {len(problems)} record(s) cannot be read:\n" + problems_text(name, problems))
    return header_text, records


def python_literal(text: str, where: str) -> object:
    """A Python-literal cell (dict or list, single quotes, ``NaN``) parsed safely; NaN becomes None.

    ``NaN`` is a name, not a literal, so ``ast.literal_eval`` refuses it: the NaN tokens are
    replaced by ``None`` first (tokens, so a 'NaN' inside a quoted key is left alone).
    """
    try:
        tokens = [
            (t.type, "None" if t.type == tokenize.NAME and t.string == "NaN" else t.string)
            for t in tokenize.generate_tokens(io.StringIO(text.strip()).readline)
        ]
        return ast.literal_eval(tokenize.untokenize(tokens).strip())
    except (ValueError, SyntaxError, tokenize.TokenError, MemoryError, RecursionError):
        raise UserError(
            f"{where}: {text[:60]!r} is not a Python literal (dict or list) as the table writes them."
        ) from None


def count(text: str, where: str) -> int | None:
    """A count cell ("62", "62.0") as an int; None for ``NaN`` (a count the table leaves open)."""
    if text.strip().lower() == "nan":
        return None
    try:
        number = float(text)
    except ValueError:
        raise UserError(f"{where}: {text!r} is not a number.") from None
    if not number.is_integer() or number < 0:
        raise UserError(f"{where}: {text!r} is not a whole, non-negative count.")
    return int(number)


def parse_time(text: str, where: str) -> tuple[dt.date, str | None]:
    """(day, "HH:MM" or None) of a time cell: minute precision or a day only; "3:30" is 03:30."""
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}):(\d{2})(?::\d{2})?)?", text.strip())
    if not m:
        raise UserError(f"{where}: {text!r} is not a date (YYYY-MM-DD) or a time (YYYY-MM-DD HH:MM).")
    try:
        day = dt.date.fromisoformat(m.group(1))
        if m.group(2) is None:
            return day, None
        clock = dt.time(int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise UserError(f"{where}: {text!r} is not a real date and time.") from None
    return day, clock.strftime("%H:%M")


def part_of_day(start: str, end: str) -> str | None:
    """The time_of_day code whose hours (codelist time_of_day) hold the whole same-day window."""
    spans = {"morning": ("05:00", "12:00"), "afternoon": ("12:00", "18:00"), "evening": ("18:00", "22:00")}
    for code, (low, high) in spans.items():
        if low <= start <= end <= high:
            return code
    return None


def time_fields(start_text: str, end_text: str, where: str) -> dict:
    """date_start/date_end/date_precision/time_of_day/time_wording of a row's window."""
    (d0, t0), (d1, t1) = parse_time(start_text, where + " time_start"), parse_time(end_text, where + " time_end")
    if d1 < d0 or (d1 == d0 and t0 and t1 and t1 < t0):
        raise UserError(f"{where}: time_end {end_text!r} is before time_start {start_text!r}; correct the row.")
    out = {"date_start": d0.isoformat(), "date_end": d1.isoformat(), "date_precision": "day" if d0 == d1 else "days"}
    if t0 and t1:
        # Overnight: an Air Force night report, evening start and next-morning end (our reading of
        # the codelist's "spanning the night between date_start and date_end").
        if d1 - d0 == dt.timedelta(days=1) and t0 >= "17:00" and t1 <= "12:00":
            out["time_of_day"] = "overnight"
        elif d0 == d1 and (code := part_of_day(t0, t1)):
            out["time_of_day"] = code
    out["time_wording"] = f"{start_text},{end_text}"  # verbatim: the two cells as the record has them
    return out


def dict_cell(cells: dict[str, str], column: str, where: str) -> dict:
    text = cells.get(column, "").strip()
    if not text:
        return {}
    value = python_literal(text, f"{where} {column}")
    if not isinstance(value, dict):
        raise UserError(f"{where} {column}: {text[:60]!r} is not a dictionary.")
    return value


def list_cell(cells: dict[str, str], column: str, where: str) -> list:
    text = cells.get(column, "").strip()
    if not text:
        return []
    value = python_literal(text, f"{where} {column}")
    if not isinstance(value, (list, tuple)):
        raise UserError(f"{where} {column}: {text[:60]!r} is not a list.")
    return [str(v) for v in value]
