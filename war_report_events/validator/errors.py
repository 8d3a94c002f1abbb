"""The error codes: one registry, from which docs/error-codes.md is generated.

A code is a stable public name: scripts and CI filter on it. Add codes; never
rename or reuse one (see docs/versioning.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ErrorCode:
    meaning: str
    fix: str
    group: str


def _codes(group: str, entries: dict[str, tuple[str, str]]) -> dict[str, ErrorCode]:
    return {slug: ErrorCode(meaning, fix, group) for slug, (meaning, fix) in entries.items()}


ERROR_CODES: dict[str, ErrorCode] = {
    **_codes(
        "could not start (exit 2)",
        {
            "bad-arguments": (
                "The command line could not be understood.",
                "Run `python validate.py --help` and correct the options.",
            ),
            "path-not-found": (
                "A PATH given on the command line does not exist.",
                "Check the spelling, or run from the package root.",
            ),
            "path-unreadable": ("A PATH exists but cannot be read.", "Check its permissions."),
            "no-datapackage": (
                "A directory was given that holds no datapackage.json.",
                "Give the package root, a datapackage.json, or one report .json file.",
            ),
            "internal-error": (
                "The validator itself failed on this input (a bug, not your data's fault); nothing was written.",
                "Report it with the input that caused it; the message names the exception.",
            ),
        },
    ),
    **_codes(
        "files and encoding",
        {
            "file-missing": (
                "A file the package or a report refers to does not exist, cannot be read, or is not a regular file (a folder, a FIFO, a device: never read).",
                "Add the file, or correct the path that refers to it (`make build` writes the tables).",
            ),
            "unsafe-path": (
                "A path is a URL, absolute, leaves the package with `..`, or is a symlink out of the package. The validator never fetches or reads outside the package.",
                "Use a relative path inside the package (or pass --allow-outside-root if you trust it).",
            ),
            "file-too-large": (
                "A report or descriptor is larger than the validator reads (16 MiB), or a source text larger than 64 MiB.",
                "Split the report (a report codes one source); ship the text of the news report only.",
            ),
            "encoding-error": ("The bytes are not valid UTF-8.", "Save the file as UTF-8 (without BOM)."),
            "bom": (
                "The file starts with a UTF-8 byte-order mark.",
                "Save it as UTF-8 without BOM (`make build` writes tables that way).",
            ),
            "crlf-line-ends": (
                "A line ends with CR LF (Windows line ends).",
                "Save the file with LF line ends (`make build` writes tables that way).",
            ),
            "control-character": (
                "A cell or string holds a control character (NUL, escape, C1 such as U+0085 NEXT LINE, ...); tabs and line breaks are allowed only in free-text fields.",
                "Delete the character; retype the text if it was pasted.",
            ),
            "not-nfc": (
                "Text is not in Unicode NFC form (for example a letter followed by a combining accent).",
                "Normalise the text to NFC. Quotes are the exception: they must match the shipped text byte for byte.",
            ),
            "formula-injection": (
                "A text cell begins with =, +, -, @, tab or CR, which spreadsheets run as a formula.",
                "Reword the text so it does not start with that character.",
            ),
            "csv-syntax": (
                "The CSV cannot be parsed here (an unclosed quote, or a quote inside an unquoted cell); the rest of the file was not read.",
                "Quote cells that hold commas, quotes or line breaks, and double every quote inside them; `make build` writes tables that way.",
            ),
            "placeholder-text": (
                "A text still holds a placeholder that `new` wrote (it begins with TODO).",
                "Replace it with what the source says (for `rights`: on what terms the text is shipped).",
            ),
            "cell-too-large": (
                "A CSV cell is larger than the validator reads (1 MiB); the rest of the file was not read.",
                "Shorten the cell; a quote is an excerpt, not the whole text.",
            ),
        },
    ),
    **_codes(
        "JSON",
        {
            "json-syntax": (
                "The file is not valid JSON.",
                "Fix the syntax at the line shown (a missing comma or quote is the usual cause).",
            ),
            "json-duplicate-key": (
                "An object has the same key twice; JSON readers silently keep only one.",
                "Delete or rename one of the two.",
            ),
            "json-not-finite": (
                "A number is NaN, Infinity, or too large to be finite (1e309).",
                "Write a finite number, or omit the value.",
            ),
            "json-too-deep": (
                "Objects or arrays are nested deeper than any war report needs (64 levels).",
                "Check the file's structure against the schema.",
            ),
            "descriptor-not-object": (
                "datapackage.json is valid JSON but not an object.",
                "Regenerate it with `make build`.",
            ),
        },
    ),
    **_codes(
        "fields and cells",
        {
            "required": (
                "A required field is missing or empty.",
                "Give the value; if the source does not give it, see the codebook on what to record instead.",
            ),
            "unknown-field": (
                "A field that the schema does not define.",
                "Remove it, or check its spelling against the data dictionary.",
            ),
            "wrong-type": (
                "A value has the wrong type (text where a number belongs, a number where text belongs).",
                "Write the value in the type the data dictionary gives.",
            ),
            "invalid-date": (
                "A date is not a real calendar date in YYYY-MM-DD form.",
                "Write the date as YYYY-MM-DD (2024-10-29).",
            ),
            "not-in-codelist": (
                "A code is not in its codelist.",
                "Use one of the codes listed in the data dictionary (codes are lowercase with underscores).",
            ),
            "pattern-mismatch": (
                "A value does not have the required form (ids are lowercase words joined by - . or _; countries are two capital letters).",
                "Rewrite it in the form the data dictionary gives.",
            ),
            "out-of-range": (
                "A number is below the minimum (counts are never negative) or above the maximum.",
                "Correct the number.",
            ),
            "too-long": (
                "A text is longer than the field allows, or empty where it may not be.",
                "Shorten the text (quotes are excerpts) or give a value.",
            ),
            "too-few-items": (
                "A list is empty where it must hold at least one item.",
                "Add the item, or omit the list when it may be omitted.",
            ),
            "wrong-schema-version": (
                "The report declares a schema version this validator does not have, or the package or report follows another version than the one --schema-version requires.",
                "Set schema_version to a version under schema/; with --schema-version, give the version the package is written for.",
            ),
            "invalid-country": (
                "Not an ISO 3166-1 alpha-2 country code.",
                "Use the two-letter code of the country (UA, RU, KP).",
            ),
            "invalid-subdivision": (
                "Not an ISO 3166-2 subdivision code, or not one of the place's country.",
                "Look the code up in ISO 3166-2 (pycountry); leave it empty when there is none.",
            ),
            "invalid-language": ("Not a valid BCP 47 language tag.", "Use a tag such as en, de, uk, ru."),
        },
    ),
    **_codes(
        "tables and keys",
        {
            "header-mismatch": (
                "A table's header is not the columns the schema defines, in order.",
                "Rebuild the table with `make build` rather than editing the header.",
            ),
            "row-width": (
                "A row has more or fewer cells than the header.",
                "Check for a missing or extra comma, or an unquoted comma in text.",
            ),
            "empty-file": ("A table file is empty: not even a header row.", "Rebuild it with `make build`."),
            "duplicate-id": (
                "Two records share an id that must be unique.",
                "Give each record its own id (see the codebook on ids); never reuse an id.",
            ),
            "dangling-reference": (
                "An id refers to a record that does not exist.",
                "Define the referenced record in the same report, or correct the id.",
            ),
            "conflicting-definition": (
                "Two reports define the same actor, place or event differently; ids are global.",
                "Make both definitions identical, or give one of them a new id.",
            ),
            "unused-definition": (
                "A report defines an actor or place that nothing in it refers to.",
                "Remove the definition, or refer to it.",
            ),
            "report-file-name": (
                "A report's file name is not its source_id.",
                "Rename the file to data/reports/<source_id>.json.",
            ),
            "descriptor-out-of-date": (
                "datapackage.json differs from what `make build` generates from the schema.",
                "Run `make build` and commit datapackage.json; do not edit it by hand.",
            ),
            "table-out-of-date": (
                "A table differs from what `make build` writes from data/reports/ (it was edited by hand, or not rebuilt).",
                "Edit the report, not the table, and run `make build`.",
            ),
        },
    ),
    **_codes(
        "war-report rules",
        {
            "date-order": ("date_end is before date_start.", "Swap or correct the dates."),
            "date-precision-mismatch": (
                "The dates given do not fit date_precision (e.g. `day` with two different dates, `unknown` with a date).",
                "Give the dates the precision's codebook entry asks for, or change the precision.",
            ),
            "place-precision-mismatch": (
                "place_precision is `unknown` but a place is given, or a place is missing although the precision says there is one.",
                "Give place_id unless the source says nothing of the place.",
            ),
            "qualifier-mismatch": (
                "The numbers given do not fit the qualifier (exact/about: value; at_least/more_than: lower; at_most/less_than: upper; range: lower and upper; estimate: all three; vague, all, none: none; all and none also name their whole in part_of or subject_detail).",
                "Give exactly the numbers the qualifier asks for; never drop the qualifier to fit a number.",
            ),
            "range-order": ("lower is greater than upper.", "Correct the bounds."),
            "part-exceeds-whole": (
                "An exact part is larger than the exact whole it is part of.",
                "Check both figures against the source.",
            ),
            "part-of-other-claim": (
                "part_of refers to a quantity of another claim; parts and wholes belong to one claimant's statement.",
                "Refer to a quantity of the same claim, or omit part_of.",
            ),
            "part-of-self": ("A quantity is part of itself, directly or through a cycle.", "Correct part_of."),
            "part-measure-mismatch": (
                "part_of names a quantity of another measure (e.g. intercepted 33 as part of launched 62); only `all` "
                "and `none` name a whole that counts something else.",
                "Remove part_of: the two figures stand side by side in the claim (codebook 9.4).",
            ),
            "subtype-mismatch": (
                "event_subtype does not belong to event_type.",
                "Choose a subtype of the event type (see the event_subtype codelist), or change the type.",
            ),
            "quote-mismatch": (
                "The quote is not exactly the shipped text at quote_start..quote_end.",
                "Run `python -m war_report_events locate TEXT 'PHRASE'` and copy its offsets, or copy the quote exactly.",
            ),
            "text-sha256-mismatch": (
                "The shipped source text's SHA-256 is not text_sha256: the text changed after coding.",
                "Restore the text as published, or recompute the hash and re-check every quote.",
            ),
            "wording-not-in-quote": (
                "A quantity's wording does not occur in its claim's quote.",
                "Copy the wording verbatim from the quote, or widen the quote.",
            ),
            "claim-status-mismatch": (
                "A retracted or superseded claim does not name the source that reports it (status_source_id), or an active claim does.",
                "Give status_source_id with status retracted or superseded, and neither for an active claim.",
            ),
            "translation-mismatch": (
                "A quote translation lacks its language or translator, or is in the source's own language.",
                "Give quote_translation, quote_translation_language and quote_translator together, in another language than the source's.",
            ),
            "id-removed": (
                "An id of a released version is gone from the data. Ids are never deleted or reused.",
                "Restore the record (mark a claim retracted instead of deleting it), or list the id in data/withdrawn.csv with the reason.",
            ),
            "published-precision-mismatch": (
                "A source's published, published_precision and retrieved do not fit together (schema 0.2.0).",
                "Give published for a known date; for an unknown one set published_precision 'unknown', omit published and give retrieved.",
            ),
            "undated-id": (
                "A source without a publication date has an id that does not begin with `undated-` or holds the retrieval date, or one of its event ids begins with the retrieval date; or a dated source's id begins with `undated-`.",
                "Begin the id of an undated source with `undated-` and a few words; never put the retrieval date in an id.",
            ),
            "text-redistribution-mismatch": (
                "text_redistribution and text_path disagree: a text that may not be redistributed is shipped, or an allowed one is missing.",
                "Ship the text (allowed) or remove text_path and the file (not_allowed; check it with `validate.py --texts DIR`).",
            ),
            "unit-mismatch": (
                "A duration has no unit, or a figure that is not a duration has one.",
                "Give unit (minutes, hours, days, weeks, months) exactly when measure is duration.",
            ),
            "time-mismatch": (
                "An event has a clock time (time_start, time_end) without the source's words for it.",
                "Copy the source's words into time_wording.",
            ),
            "parent-event-self": (
                "An event names itself as its parent_event_id.",
                "Name the larger event it is part of, or omit parent_event_id.",
            ),
            "claim-date-mismatch": (
                "claim_date is given with precision `unknown`, or missing with another precision.",
                "Give claim_date unless the precision is `unknown`.",
            ),
        },
    ),
}


@dataclass(frozen=True, order=True)
class Problem:
    """One finding, located. ``file`` is relative to the package root (POSIX form)."""

    file: str | None
    line: int | None
    path: str | None
    field: str | None
    code: str
    message: str = field(compare=False)

    def __post_init__(self) -> None:
        if self.code not in ERROR_CODES:
            raise ValueError(f"unregistered error code {self.code!r}")


def show_value(value: object, limit: int = 80) -> str:
    """A value as a message shows it: cut to ``limit`` characters, control characters escaped."""
    if not isinstance(value, str):
        return repr(value)[:limit]
    escaped = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in value[:limit])
    return '"' + escaped + ("…" if len(value) > limit else "") + '"'


class Full(Exception):
    """Raised when --max-errors is reached: validation stops early."""


@dataclass
class Collector:
    limit: int
    problems: list[Problem] = field(default_factory=list)
    truncated: bool = False

    def add(self, problem: Problem) -> None:
        if len(self.problems) >= self.limit:
            self.truncated = True
            raise Full
        self.problems.append(problem)

    def extend(self, problems: list[Problem]) -> None:
        for p in problems:
            self.add(p)
