"""The rules a war report and its tables must follow, as pure functions over values and rows.

The same functions check a report (values typed by JSON) and a table (cells
typed by ``cell_value``); callers turn each ``Finding`` into a located Problem.

Over 400 lines on purpose: this is the one place every rule is written, so that the
report path, the streaming table path and the pyarrow screen cannot drift apart. The
codes, characters and spans the rules name are defined here once; the vectorised
screens (``screens``) derive theirs from them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from functools import cache
from typing import NamedTuple

from ..standard.dates import ISO_DAY, iso_day
from ..standard.schema import Field
from .errors import show_value

Row = dict[str, object]


class Finding(NamedTuple):
    code: str
    field: str
    message: str


# ---------------------------------------------------------------- single values


@cache
def _pattern(pattern: str) -> re.Pattern:
    return re.compile(pattern)


INTEGER = re.compile(r"-?[0-9]+")
DATE = ISO_DAY
DATE_FORMAT = "%Y-%m-%d"  # the strptime form of DATE (the vectorised path parses dates with it)
# Python refuses to convert longer digit strings (sys.get_int_max_str_digits); no count or offset is
# anywhere near this long, so a longer one is only ever judged by its length.
MAX_DIGITS = 4000


class LongInteger(int):
    """A whole number written with more than MAX_DIGITS digits: ten to the MAX_DIGITS with its sign,
    beyond any bound of the schema, so judged as it would be (and cheap: ten to the number of digits
    would take seconds for a few million); shown by its digits' count, never printed in full."""

    digits: int

    def __new__(cls, text: str) -> LongInteger:
        digits = len(text.lstrip("-+"))
        self = super().__new__(cls, (-1 if text.startswith("-") else 1) * 10**MAX_DIGITS)
        self.digits = digits
        return self

    def __repr__(self) -> str:
        return f"a {'negative ' if self < 0 else ''}{self.digits}-digit number"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)


def whole_number(text: str) -> int:
    """The int a string of digits (and sign) stands for, without Python's limit on long ones."""
    return LongInteger(text) if len(text) > MAX_DIGITS else int(text)


def constraint_findings(f: Field, value: object) -> list[Finding]:
    """Checks a typed, non-empty value against the field's constraints (as JSON Schema would)."""
    if f.type == "date":
        if not isinstance(value, str) or iso_day(value) is None:
            return [Finding("invalid-date", f.name, f"{show_value(value)} is not a real date in YYYY-MM-DD form.")]
        return []
    if f.type == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            return [Finding("wrong-type", f.name, f"{show_value(value)} is not a whole number.")]
        if f.minimum is not None and value < f.minimum:
            return [
                Finding(
                    "out-of-range",
                    f.name,
                    f"{value} is below the minimum {f.minimum}; counts and offsets are never negative.",
                )
            ]
        if f.maximum is not None and value > f.maximum:
            return [Finding("out-of-range", f.name, f"{value} is above the maximum {f.maximum}.")]
        return []
    if not isinstance(value, str):
        return [Finding("wrong-type", f.name, f"{show_value(value)} is not text.")]
    if f.enum is not None:
        if value not in f.enum:
            return [
                Finding(
                    "not-in-codelist",
                    f.name,
                    f"{show_value(value)} is not a code of the {f.codelist} codelist; use one of: {', '.join(f.enum[:12])}{' ...' if len(f.enum) > 12 else ''}.",
                )
            ]
        return []
    if f.max_length is not None and len(value) > f.max_length:
        return [
            Finding(
                "too-long",
                f.name,
                f"{show_value(value)} has {len(value)} characters; at most {f.max_length} are allowed.",
            )
        ]
    if f.min_length is not None and len(value) < f.min_length:
        return [Finding("too-long", f.name, "is empty; give a value or omit the field.")]
    if f.pattern and not _pattern(f.pattern).search(value):
        return [Finding("pattern-mismatch", f.name, f"{show_value(value)} does not have the form {f.pattern}.")]
    return []


def written_number_findings(f: Field, value: object) -> list[Finding]:
    """A whole number written as a decimal (10.0, 6.2e1): JSON Schema counts it an integer, but the
    tables would hold "10.0", which no integer column reads, and the quote would never be compared."""
    if f.type != "integer" or not isinstance(value, float) or not value.is_integer():
        return []
    return [
        Finding(
            "wrong-type",
            f.name,
            f"{value!r} is written as a decimal number; write the whole number {int(value)}, without a point or exponent.",
        )
    ]


def cell_value(f: Field, text: str) -> tuple[object, list[Finding]]:
    """A CSV cell typed for its field: (value or None when empty, findings)."""
    if text == "":
        return None, ([Finding("required", f.name, "is empty, but required.")] if f.required else [])
    value: object = text
    if f.type == "integer":
        if not INTEGER.fullmatch(text):
            return None, [Finding("wrong-type", f.name, f"{show_value(text)} is not a whole number.")]
        value = whole_number(text)
    problems = constraint_findings(f, value)
    return (None if problems else value), problems


# Control characters: C0, DEL and C1 (U+0080-U+009F: U+0085 NEXT LINE breaks lines in some readers).
CONTROL_CHARACTERS = "".join(map(chr, [*range(0x00, 0x20), *range(0x7F, 0xA0)]))
FREE_TEXT_CONTROLS = "\t\n"  # allowed in free text (CR is never needed)
CONTROL_STRICT = re.compile("[" + re.escape(CONTROL_CHARACTERS) + "]")
CONTROL_FREE = re.compile("[" + re.escape("".join(c for c in CONTROL_CHARACTERS if c not in FREE_TEXT_CONTROLS)) + "]")
FORMULA = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets take as the start of a formula
PLACEHOLDER = "TODO"  # left by `new` for the coder to replace
NORMAL_FORM = "NFC"


def formula_start(value: str) -> str | None:
    """The character that makes a spreadsheet run ``value`` as a formula, or None.

    Spreadsheets skip leading spaces, and a space, a zero-width or other format character (``\u200b``) or a
    full-width ``＝`` (U+FF1D, NFKC-folded to ``=``) must not hide a formula from this check."""
    if value.startswith(FORMULA):
        return value[0]
    for char in value:
        if char.isspace() or unicodedata.category(char) == "Cf":
            continue
        return char if unicodedata.normalize("NFKC", char)[:1] in FORMULA[:4] else None
    return None


@cache
def formula_screen() -> str:
    """A regular expression (RE2, for the fast screen) matching every value ``formula_start`` flags, and few
    others: leading whitespace or format characters, then a character whose NFKC form starts a formula."""
    lookalikes = [c for c in map(chr, range(0x80, 0x30000)) if unicodedata.normalize("NFKC", c)[:1] in FORMULA[:4]]
    starts = "".join(re.escape(c) for c in ("=", "+", "-", "@", *lookalikes))
    return f"^[\\t\\r]|^[\\s\\p{{Z}}\\p{{Cf}}\\x1c-\\x1f\\x85]*[{starts}]"


def text_findings(f: Field, value: str) -> list[Finding]:
    """Hostile or unsafe text: control characters, formulas, non-NFC text."""
    found = []
    bad = (CONTROL_FREE if f.free_text else CONTROL_STRICT).search(value)
    if bad:
        where = "anywhere" if f.free_text else "outside free-text fields"
        found.append(
            Finding(
                "control-character",
                f.name,
                f"holds the control character {show_value(bad.group())} at character {bad.start() + 1}, not allowed {where}.",
            )
        )
    if f.enum is None and not f.pattern and (start := formula_start(value)) is not None:
        found.append(
            Finding(
                "formula-injection",
                f.name,
                f"{show_value(value)} begins with {show_value(start)}, which spreadsheets run as a formula; reword it.",
            )
        )
    if value.startswith(PLACEHOLDER):
        found.append(
            Finding(
                "placeholder-text",
                f.name,
                f"{show_value(value)} is a placeholder; replace it with what the source says.",
            )
        )
    if not f.verbatim and not value.isascii() and not unicodedata.is_normalized(NORMAL_FORM, value):
        found.append(Finding("not-nfc", f.name, f"{show_value(value)} is not in Unicode NFC form; normalise it."))
    return found


# ---------------------------------------------------------------- rows


def _known_country(code: str) -> bool:
    import pycountry

    return pycountry.countries.get(alpha_2=code) is not None


def _known_subdivision(code: str) -> bool:
    import pycountry

    return pycountry.subdivisions.get(code=code) is not None


def _valid_language(tag: str) -> bool:
    import langcodes

    return langcodes.tag_is_valid(tag)


def _given(row: Row, *names: str) -> list[str]:
    return [n for n in names if row.get(n) is not None]


def source_rules(row: Row) -> list[Finding]:
    lang = row.get("language")
    if isinstance(lang, str) and not _valid_language(lang):
        return [
            Finding(
                "invalid-language",
                "language",
                f"{show_value(lang)} is not a valid BCP 47 language tag; use e.g. en, de, uk.",
            )
        ]
    return publication_findings(row) + redistribution_findings(row)


UNDATED = "undated-"


def publication_findings(row: Row) -> list[Finding]:
    """Schema 0.2.0: a known publication date, or none at all, with the retrieval date kept apart from ids."""
    precision = row.get("published_precision") or "day"
    published, retrieved, sid = row.get("published"), row.get("retrieved"), row.get("source_id")
    found = []
    if precision == "unknown" and published is not None:
        found.append(
            Finding(
                "published-precision-mismatch",
                "published",
                "is given but published_precision is 'unknown'; omit published, or give its precision.",
            )
        )
    if precision == "unknown" and retrieved is None:
        found.append(
            Finding(
                "published-precision-mismatch",
                "retrieved",
                "is missing; a source without a publication date needs the date its text was retrieved.",
            )
        )
    if precision != "unknown" and published is None:
        found.append(
            Finding(
                "published-precision-mismatch",
                "published",
                "is missing; give the publication date, or set published_precision to 'unknown' and give retrieved.",
            )
        )
    if isinstance(published, str) and (
        (precision == "month" and published[8:] != "01") or (precision == "year" and published[4:] != "-01-01")
    ):
        first = "first day of the month" if precision == "month" else "1 January"
        found.append(
            Finding(
                "published-precision-mismatch",
                "published",
                f"{published} does not fit precision {precision!r}; write the {first}.",
            )
        )
    if isinstance(sid, str) and (precision == "unknown") != sid.startswith(UNDATED):
        found.append(
            Finding(
                "undated-id",
                "source_id",
                f"{show_value(sid)} must begin with 'undated-' for a source without a publication date, and only then "
                "(never with the retrieval date)."
                if precision == "unknown"
                else f"{show_value(sid)} begins with 'undated-' but the source has a publication date; begin it with that date.",
            )
        )
    if isinstance(sid, str) and isinstance(retrieved, str) and precision == "unknown" and retrieved in sid:
        found.append(
            Finding(
                "undated-id",
                "source_id",
                f"{show_value(sid)} holds the retrieval date {retrieved}, which is not a publication date; remove it.",
            )
        )
    return found


def redistribution_findings(row: Row) -> list[Finding]:
    """Schema 0.2.0: a text whose rights do not allow redistribution is never in the package."""
    decision, path = row.get("text_redistribution"), row.get("text_path")
    if decision in (None, "allowed") and path is None and "source_id" in row and row.get("text_sha256") is not None:
        return [
            Finding(
                "text-redistribution-mismatch",
                "text_path",
                "is missing, but the text may be shipped (text_redistribution 'allowed', the default); ship it under "
                "data/sources/, or set text_redistribution to 'not_allowed'.",
            )
        ]
    if decision == "not_allowed" and path is not None:
        return [
            Finding(
                "text-redistribution-mismatch",
                "text_path",
                "is given, but text_redistribution is 'not_allowed': the text may not be shipped; remove text_path "
                "and the file (keep text_sha256, and check with validate.py --texts DIR).",
            )
        ]
    return []


def actor_rules(row: Row) -> list[Finding]:
    country = row.get("country")
    if isinstance(country, str) and not _known_country(country):
        return [Finding("invalid-country", "country", f"{show_value(country)} is not an ISO 3166-1 alpha-2 code.")]
    return []


def place_rules(row: Row) -> list[Finding]:
    found = actor_rules(row)
    sub, country = row.get("subdivision"), row.get("country")
    if isinstance(sub, str):
        if not _known_subdivision(sub):
            found.append(
                Finding(
                    "invalid-subdivision",
                    "subdivision",
                    f"{show_value(sub)} is not an ISO 3166-2 code; leave it empty unless ISO 3166-2 lists it.",
                )
            )
        elif isinstance(country, str) and not sub.startswith(country + "-"):
            found.append(
                Finding(
                    "invalid-subdivision",
                    "subdivision",
                    f"{show_value(sub)} is not a subdivision of country {country}.",
                )
            )
    return found


# Codes of the codelists that rules name (both paths use these names).
DAY, DAYS, MONTH, YEAR, UNKNOWN = "day", "days", "month", "year", "unknown"  # date and place precisions
EXACT = "exact"  # the qualifier of a number as said

DATE_SHAPES = {  # precision -> (date_start given, date_end given)
    DAY: (True, True),
    DAYS: (True, True),
    MONTH: (True, True),
    YEAR: (True, True),
    "on_or_before": (False, True),
    "on_or_after": (True, False),
    UNKNOWN: (False, False),
}


class Span(NamedTuple):
    """A calendar span as written in YYYY-MM-DD: its dates share the first ``prefix`` characters;
    the start ends with ``first``, the end with ``last`` (empty: any day that ends the span)."""

    prefix: int
    first: str
    last: str


MONTH_SPAN = Span(7, "-01", "")  # the last day of a month varies: checked with the calendar
YEAR_SPAN = Span(4, "-01-01", "-12-31")


def _month_ends(day: str) -> bool:
    end = dt.date.fromisoformat(day)
    return end.month != (end + dt.timedelta(days=1)).month


def _precision_fits(precision: str, start: str | None, end: str | None) -> str | None:
    """Why the dates do not fit the precision, or None."""
    want = DATE_SHAPES.get(precision)
    if want is None:
        return None
    if want != (start is not None, end is not None):
        need = {
            (True, True): "both date_start and date_end",
            (False, True): "date_end only",
            (True, False): "date_start only",
            (False, False): "no dates",
        }[want]
        return f"precision {precision!r} needs {need}"
    if precision == DAY and start != end:
        return "precision 'day' needs date_start equal to date_end"
    if precision == DAYS and start == end:
        return "precision 'days' needs a span of more than one day; use 'day' for one day"
    month, year = MONTH_SPAN, YEAR_SPAN
    if precision == MONTH and (
        not start.endswith(month.first) or start[: month.prefix] != end[: month.prefix] or not _month_ends(end)
    ):
        return "precision 'month' needs the first and last day of one month"
    if precision == YEAR and (
        not start.endswith(year.first) or not end.endswith(year.last) or start[: year.prefix] != end[: year.prefix]
    ):
        return "precision 'year' needs 1 January and 31 December of one year"
    return None


def event_rules(row: Row, subtypes: dict[str, str]) -> list[Finding]:
    found = []
    start, end = row.get("date_start"), row.get("date_end")
    if start is not None and end is not None and end < start:
        found.append(Finding("date-order", "date_end", f"{end} is before date_start {start}."))
    else:
        why = _precision_fits(str(row.get("date_precision")), start, end)
        if why:
            found.append(Finding("date-precision-mismatch", "date_precision", why + "."))
    place, precision = row.get("place_id"), row.get("place_precision")
    if (place is None) != (precision == UNKNOWN):
        found.append(
            Finding(
                "place-precision-mismatch",
                "place_precision",
                "is 'unknown' but place_id is given; drop the place or say how precise it is."
                if place is not None
                else f"is {precision!r} but place_id is empty; give the place, or use 'unknown'.",
            )
        )
    if (row.get("time_start") is not None or row.get("time_end") is not None) and row.get("time_wording") is None:
        found.append(
            Finding(
                "time-mismatch",
                "time_wording",
                "is missing; a clock time (time_start, time_end) needs the source's words for it in time_wording.",
            )
        )
    if row.get("parent_event_id") is not None and row.get("parent_event_id") == row.get("event_id"):
        found.append(Finding("parent-event-self", "parent_event_id", "an event cannot be its own parent."))
    sub, kind = row.get("event_subtype"), row.get("event_type")
    if sub is not None and subtypes.get(sub) not in (None, kind):
        found.append(
            Finding(
                "subtype-mismatch",
                "event_subtype",
                f"{show_value(sub)} is a subtype of {subtypes[sub]!r}, not of {show_value(kind)}.",
            )
        )
    return found


ENDED_STATUSES = ("retracted", "superseded")  # schema 0.2.0: a status that names its source
TRANSLATION_FIELDS = ("quote_translation", "quote_translation_language", "quote_translator")  # all or none


def claim_rules(row: Row, language: str | None = None) -> list[Finding]:
    """``language`` is the source's, when known (for translations)."""
    found = []
    if (row.get("claim_date") is None) != (row.get("claim_date_precision") == UNKNOWN):
        found.append(
            Finding(
                "claim-date-mismatch",
                "claim_date",
                "must be given unless claim_date_precision is 'unknown', and omitted when it is.",
            )
        )
    status = row.get("status")
    if (status in ENDED_STATUSES) != (row.get("status_source_id") is not None):
        found.append(
            Finding(
                "claim-status-mismatch",
                "status_source_id",
                f"status is {status!r} but status_source_id is missing; name the source that reports it."
                if status in ENDED_STATUSES
                else "is given but the claim is active; set status, or remove status_source_id.",
            )
        )
    names = TRANSLATION_FIELDS
    given = [n for n in names if row.get(n) is not None]
    if given and len(given) < len(names):
        missing = next(n for n in names if n not in given)
        found.append(
            Finding("translation-mismatch", missing, f"is missing; a translation needs {', '.join(names)} together.")
        )
    elif given and language and str(row["quote_translation_language"]).lower() == language.lower():
        found.append(
            Finding(
                "translation-mismatch",
                "quote_translation_language",
                f"{row['quote_translation_language']!r} is the source's own language; the quote itself is in it, a translation is into another.",
            )
        )
    return found


QUALIFIER_NUMBERS = {  # qualifier -> the numbers it takes
    EXACT: ("value",),
    "about": ("value",),
    "at_least": ("lower",),
    "more_than": ("lower",),
    "at_most": ("upper",),
    "less_than": ("upper",),
    "range": ("lower", "upper"),
    "vague": (),
    "estimate": ("value", "lower", "upper"),  # schema 0.2.0
    "all": (),  # schema 0.2.0: relative to a whole, named by part_of or subject_detail
    "none": (),
}
RELATIVE = ("all", "none")


BOUNDED_QUALIFIERS = ("range", "estimate")  # lower may not exceed upper
ESTIMATE = "estimate"  # its value lies within its bounds


def quantity_rules(row: Row) -> list[Finding]:
    return _unit_findings(row) + _number_findings(row)


def _unit_findings(row: Row) -> list[Finding]:
    duration, unit = row.get("measure") == "duration", row.get("unit")
    if duration and unit is None:
        return [Finding("unit-mismatch", "unit", "is missing; a duration needs its unit (minutes, hours, days, ...).")]
    if not duration and unit is not None:
        return [
            Finding(
                "unit-mismatch",
                "unit",
                f"is given but measure is {show_value(row.get('measure'))}; only a duration has a unit.",
            )
        ]
    return []


def _number_findings(row: Row) -> list[Finding]:
    qualifier = row.get("qualifier")
    if qualifier in RELATIVE and row.get("part_of") is None and row.get("subject_detail") is None:
        return [
            Finding(
                "qualifier-mismatch",
                "qualifier",
                f"{qualifier!r} is relative to a whole; name it in part_of (the quantity it is {qualifier} of) "
                "or, when the source gives the whole no figure, in subject_detail.",
            )
        ]
    want = QUALIFIER_NUMBERS.get(qualifier)  # type: ignore[arg-type]
    if want is None:
        return []
    given = _given(row, "value", "lower", "upper")
    if tuple(given) != want:
        wanted = " and ".join(want) if want else "no number"
        return [
            Finding(
                "qualifier-mismatch",
                "qualifier",
                f"{qualifier!r} takes {wanted}, but {', '.join(given) or 'no number'} {'is' if len(given) == 1 else 'are'} given.",
            )
        ]
    if qualifier in BOUNDED_QUALIFIERS and row["lower"] > row["upper"]:  # type: ignore[operator]
        return [Finding("range-order", "upper", f"{row['upper']} is below lower {row['lower']}.")]
    if qualifier == ESTIMATE and not row["lower"] <= row["value"] <= row["upper"]:  # type: ignore[operator]
        return [
            Finding(
                "range-order", "value", f"the best estimate {row['value']} is outside {row['lower']}..{row['upper']}."
            )
        ]
    return []


# ---------------------------------------------------------------- rows with context


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def quote_findings(row: Row, text: str | None) -> list[Finding]:
    quote, start, end = row.get("quote"), row.get("quote_start"), row.get("quote_end")
    if text is None or not isinstance(quote, str) or not isinstance(start, int) or not isinstance(end, int):
        return []
    actual = text[start:end]
    if actual == quote:
        return []
    first = next((i for i, (a, b) in enumerate(zip(quote, actual)) if a != b), min(len(quote), len(actual)))
    hint = ""
    where = text.find(quote)
    if where >= 0 and text.find(quote, where + 1) < 0:
        hint = f" The quote occurs once, at {where}..{where + len(quote)}."
    differs = f"they differ from character {first + 1}: quote has {show_value(quote[first : first + 20])}, text has {show_value(actual[first : first + 20])}"
    return [Finding("quote-mismatch", "quote", f"the quote is not the text at {start}..{end}; {differs}.{hint}")]


def wording_findings(row: Row, quote: str | None) -> list[Finding]:
    wording = row.get("wording")
    if quote is None or not isinstance(wording, str) or wording in quote:
        return []
    return [
        Finding(
            "wording-not-in-quote",
            "wording",
            f"{show_value(wording)} does not occur in its claim's quote; copy it verbatim from the quote.",
        )
    ]


def part_findings(row: Row, whole: tuple[str, str | None, int | None, str | None] | None) -> list[Finding]:
    """``whole`` is (claim_id, qualifier, value, measure) of the quantity named in part_of, or None if unknown."""
    part_of = row.get("part_of")
    if part_of is None or whole is None:
        return []
    if part_of == row.get("quantity_id"):
        return [Finding("part-of-self", "part_of", "a quantity cannot be part of itself.")]
    claim, qualifier, value, measure = whole
    if claim != row.get("claim_id"):
        return [
            Finding(
                "part-of-other-claim",
                "part_of",
                f"{show_value(part_of)} belongs to claim {show_value(claim)}, not to this quantity's claim.",
            )
        ]
    # "33 of the 62 launched were intercepted" is two measures, not a part; "all of them were shot down" (all, none)
    # names the whole it is all of, which counts something else.
    if measure != row.get("measure") and row.get("qualifier") not in RELATIVE:
        return [
            Finding(
                "part-measure-mismatch",
                "part_of",
                f"{show_value(part_of)} counts {show_value(measure)}, this quantity {show_value(row.get('measure'))}; "
                "a part has its whole's measure (only all and none name another): remove part_of (codebook 9.4).",
            )
        ]
    if (
        row.get("qualifier") == EXACT
        and qualifier == EXACT
        and isinstance(row.get("value"), int)
        and isinstance(value, int)
        and row["value"] > value
    ):  # type: ignore[operator]
        return [
            Finding(
                "part-exceeds-whole",
                "value",
                f"{row['value']} is more than the {value} it is part of ({show_value(part_of)}).",
            )
        ]
    return []


def record_findings(table: str, row: Row, language: str | None, subtypes: dict[str, str]) -> list[Finding]:
    """The rules of one record of ``table``, on its own: the one mapping of tables to rules that both the
    report path and the table path use (what needs the text, the quote or the whole is checked beside it)."""
    match table:
        case "sources":
            return source_rules(row)
        case "actors":
            return actor_rules(row)
        case "places":
            return place_rules(row)
        case "events":
            return event_rules(row, subtypes)
        case "claims":
            return claim_rules(row, language)
        case "quantities":
            return quantity_rules(row)
    raise ValueError(f"no table {table!r}")
