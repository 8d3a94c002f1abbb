"""``suggest``: list every candidate figure in a text, as a checklist for the coder.

The tool finds; the coder decides. For each number in the text (digits, number
words in English or German, or a vague amount such as "thousands of") it gives
the span, the value, the qualifier its words imply (codes of the `qualifier`
codelist), the nearest attribution cue and the nearest date, resolved against
the publication date. Given a report, it marks which candidates the report
already codes. It never writes a claim, a quantity or a file.

Number words come from text2num and weekday, month and relative-day names from
dateparser's locale data; both are imported only here, so validation never
loads them. The qualifier and cue words below are the codelists' own examples,
in English and German.

"a"/"an" is a number only before a noun that the `subject` codelist counts
(its titles and its quoted "a ..." examples: "a child", "a kindergarten",
"a residential building"), and only in English, the codelist's language; such
candidates have kind `article`, and --no-articles leaves them out. German
"ein"/"eine" is never a candidate. Numbers that are part of a time expression
("24 hours", "Oct. 29", "10:30") are not figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import re
import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import dateparser
import langcodes
from dateparser.languages.loader import default_loader
from text_to_num import text2num

from war_report_events.failure import UserError
from war_report_events.files import package_root_of, read_json, read_text
from war_report_events.standard.schema import load_codelists
from war_report_events.tools.locate import locate

# --- language resources ------------------------------------------------------

# Words before a number and the qualifier they imply (qualifier.csv).
QUALIFIERS_BEFORE: dict[str, list[tuple[str, str]]] = {
    "en": [
        ("at least", "at_least"),
        ("no fewer than", "at_least"),
        ("no less than", "at_least"),
        ("not less than", "at_least"),
        ("a minimum of", "at_least"),
        ("more than", "more_than"),
        ("over", "more_than"),
        ("upwards of", "more_than"),
        ("in excess of", "more_than"),
        ("above", "more_than"),
        ("up to", "at_most"),
        ("at most", "at_most"),
        ("no more than", "at_most"),
        ("a maximum of", "at_most"),
        ("as many as", "at_most"),
        ("fewer than", "less_than"),
        ("less than", "less_than"),
        ("just under", "less_than"),
        ("under", "less_than"),
        ("nearly", "less_than"),
        ("almost", "less_than"),
        ("below", "less_than"),
        ("about", "about"),
        ("around", "about"),
        ("some", "about"),
        ("roughly", "about"),
        ("approximately", "about"),
        ("an estimated", "about"),
        ("estimated", "about"),
        ("all", "exact"),
        ("exactly", "exact"),
        ("precisely", "exact"),
    ],
    "de": [
        ("mindestens", "at_least"),
        ("wenigstens", "at_least"),
        ("zumindest", "at_least"),
        ("mehr als", "more_than"),
        ("über", "more_than"),
        ("bis zu", "at_most"),
        ("höchstens", "at_most"),
        ("maximal", "at_most"),
        ("weniger als", "less_than"),
        ("fast", "less_than"),
        ("beinahe", "less_than"),
        ("knapp", "less_than"),
        ("nahezu", "less_than"),
        ("unter", "less_than"),
        ("etwa", "about"),
        ("rund", "about"),
        ("ungefähr", "about"),
        ("circa", "about"),
        ("ca.", "about"),
        ("zirka", "about"),
        ("schätzungsweise", "about"),
        ("alle", "exact"),
        ("genau", "exact"),
        ("exakt", "exact"),
    ],
}
QUALIFIERS_AFTER: dict[str, list[tuple[str, str]]] = {
    "en": [(r"\s+or\s+more\b", "at_least"), (r"-plus\b|\+", "more_than"), (r"\s+or\s+so\b", "about")],
    "de": [(r"\s+oder\s+mehr\b", "at_least"), (r"\+", "more_than")],
}
# Range: (word before the first number or None, joiner between the numbers).
RANGES: dict[str, list[tuple[str | None, str]]] = {
    "en": [("between", "and"), ("from", "to"), (None, "to")],
    "de": [("zwischen", "und"), ("von", "bis"), (None, "bis")],
}
# Amounts without a number (qualifier `vague`). Matched before number words,
# because text2num reads "thousands" as 1000.
VAGUE: dict[str, list[str]] = {
    "en": [
        r"(?:tens|hundreds)\s+of\s+thousands",
        r"several\s+(?:dozen|hundred|thousand)",
        r"scores(?=\s+of\b)",
        r"(?:dozens|hundreds|thousands|millions)",
        r"(?:relatively\s+|very\s+|comparatively\s+)?(?:small|large|limited|significant|substantial|unknown|undisclosed|unspecified)\s+number",
        r"a\s+handful",
    ],
    "de": [
        r"(?:einige|mehrere)\s+(?:Dutzend|Hundert|Tausend)",
        r"(?:Dutzende|Hunderte|Tausende|Zehntausende|Hunderttausende)",
        r"(?:relativ\s+|sehr\s+|vergleichsweise\s+)?(?:kleine|geringe|große|unbekannte)\s+(?:Zahl|Anzahl)",
        r"eine\s+Handvoll",
    ],
}
DOZEN: dict[str, str] = {"en": r"an?\s+dozen", "de": r"ein\s+Dutzend"}
# Number words text2num reads that are (almost always) articles here.
NOT_NUMBERS: dict[str, frozenset[str]] = {
    "en": frozenset(),
    "de": frozenset({"ein", "eine", "einen", "einem", "einer", "eines"}),
}
# Attribution cues (attribution.csv), most specific first.
CUES: dict[str, list[tuple[str, str]]] = {
    "en": [
        (r"according\s+to|citing", "according_to"),
        (r"reportedly|allegedly|(?:is|are|was|were)\s+said\s+to", "reportedly"),
        (r"announced|announces|announce", "announced"),
        (r"said|says|say|told|tells|stated|added|adding|claimed|claims|reported|confirmed|wrote", "said"),
    ],
    "de": [
        (r"Berichten\s+zufolge|angeblich|mutmaßlich", "reportedly"),
        (r"nach\s+(?:eigenen\s+)?Angaben|laut|zufolge|unter\s+Berufung\s+auf", "according_to"),
        (r"gaben?\b[^.!?\n]{0,60}?\bbekannt|verkündete[n]?", "announced"),
        (r"teilten?\b[^.!?\n]{0,80}?\bmit\b", "said"),
        (r"sagte[n]?|sagt|erklärte[n]?|berichtete[n]?|meldete[n]?|hieß\s+es|schrieb|bestätigte[n]?", "said"),
    ],
}
OVERNIGHT: dict[str, str] = {
    "en": r"overnight|during\s+the\s+night|through\s+the\s+night|last\s+night",
    "de": r"über\s+Nacht|in\s+der\s+(?:vergangenen\s+)?Nacht(?:\s+(?:zum|zu|auf)\s+(?P<wd>{weekday}))?|letzte\s+Nacht|heute\s+Nacht",
}
PAST_SPAN: dict[str, str] = {
    "en": r"(?:over|in|during|within|for)\s+the\s+(?:past|last|previous)\s+(?:(?P<n>{num})[\s-]+)?(?P<unit>{unit})",
    "de": r"(?:in|während|binnen|innerhalb)\s+(?:der|den|des)\s+(?:vergangenen|letzten)\s+(?:(?P<n>{num})\s+)?(?P<unit>{unit})",
}
PART_OF_DAY: dict[str, dict[str, str]] = {
    "en": {"morning": "morning", "afternoon": "afternoon", "evening": "evening", "night": "night"},
    "de": {
        "morgen": "morning",
        "vormittag": "morning",
        "nachmittag": "afternoon",
        "abend": "evening",
        "nacht": "night",
    },
}
YEAR_BEFORE: dict[str, str] = {"en": r"in|since|of|by", "de": r"im\s+Jahr|im|seit|bis"}
CLOCK = r"\d{1,2}[:.]\d{2}(?!\d)(?:\s*(?:a\.m\.|p\.m\.|am|pm|Uhr|h)\b)?|\d{1,2}\s*(?:a\.m\.|p\.m\.|Uhr\b|o['’]clock)"
DIGITS: dict[str, str] = {
    "en": r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?",
    "de": r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d{1,3}(?:[\u00a0\u202f]\d{3})+|\d+(?:,\d+)?",
}
WORD = r"[^\W\d_]+(?:[-‐][^\W\d_]+)*"
LANGUAGES = tuple(QUALIFIERS_BEFORE)


# --- data -------------------------------------------------------------------


@dataclass(frozen=True)
class TimeExpression:
    start: int
    end: int
    text: str
    date_start: str | None = None
    date_end: str | None = None
    precision: str | None = None  # a code of date_precision.csv
    time_of_day: str | None = None  # a code of time_of_day.csv


@dataclass(frozen=True)
class Cue:
    start: int
    end: int
    text: str
    attribution: str  # a code of attribution.csv


@dataclass
class Candidate:
    start: int
    end: int
    text: str
    qualifier: str
    kind: str = "number"  # number (digits or number words), vague, or article ("a child")
    value: int | float | None = None
    lower: int | float | None = None
    upper: int | float | None = None
    after: str = ""
    cue: Cue | None = None
    date: TimeExpression | None = None
    coded: bool | None = None
    quantity_ids: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "kind": self.kind,
            "qualifier": self.qualifier,
        }
        for key in ("value", "lower", "upper"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        out["after"] = self.after
        out["cue"] = asdict(self.cue) if self.cue else None
        out["date"] = asdict(self.date) if self.date else None
        out["coded"] = self.coded
        if self.coded:
            out["quantity_ids"] = self.quantity_ids
        return out


@dataclass(frozen=True)
class _Core:
    """A number before qualifiers are applied."""

    start: int
    end: int
    value: int | float | None
    digits: bool


# --- small helpers -------------------------------------------------------------


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _free(span: tuple[int, int], taken: Iterable[tuple[int, int]]) -> bool:
    return not any(_overlaps(span, t) for t in taken)


def _squeeze(s: str) -> str:
    return " ".join(s.split())


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@cache
def _locale(lang: str) -> dict[str, Any]:
    return default_loader.get_locale(lang).info


def _weekday_names(lang: str) -> list[str]:
    """Full weekday names, Monday first, from dateparser's locale data."""
    info = _locale(lang)
    days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    return [max(info[d], key=len).lower() for d in days]


def _month_names(lang: str) -> list[str]:
    info = _locale(lang)
    months = (
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    )
    return [name for m in months for name in info[m] if len(name) >= 3 and name.isalpha()]


def _time_units(lang: str) -> dict[str, str]:
    """Unit word (lowercase) -> hour/day/week/month/year/minute."""
    info = _locale(lang)
    return {
        word.lower(): unit
        for unit in ("minute", "hour", "day", "week", "month", "year")
        for word in info[unit]
        if len(word) >= 3 and word.isalpha()
    }


@lru_cache(maxsize=4096)
def _words_to_number(phrase: str, lang: str) -> int | None:
    try:
        return int(text2num(phrase, lang))
    except (ValueError, TypeError, AssertionError, IndexError):
        return None


def _number_of(token: str, lang: str) -> int | float | None:
    """The number a digit string or number-word phrase stands for."""
    if token and token[0].isdigit():
        return _parse_digits(token, lang)
    return _words_to_number(token, lang)


def _parse_digits(token: str, lang: str) -> int | float:
    group, decimal = (",", ".") if lang == "en" else (".", ",")
    plain = token.replace(group, "").replace("\u00a0", "").replace("\u202f", "").replace(decimal, ".")
    number = float(plain)
    return int(number) if number.is_integer() and "." not in plain else number


def _iso(day: dt.date) -> str:
    return day.isoformat()


def _parse_day(words: str, lang: str, base: dt.date, prefer: str) -> dt.date | None:
    settings = {"RELATIVE_BASE": dt.datetime.combine(base, dt.time()), "PREFER_DATES_FROM": prefer}
    found = dateparser.parse(words, languages=[lang], settings=settings)
    return found.date() if found else None


def _weekday_date(name: str, lang: str, published: dt.date) -> dt.date | None:
    # News usage: "Tuesday" is the latest Tuesday on or before the publication
    # day ("Wednesday" in a Wednesday article is that day). dateparser's "past"
    # excludes the base day itself, so the base is the day after publication.
    return _parse_day(name, lang, published + dt.timedelta(days=1), "past")


# --- sentences, time expressions, cues ------------------------------------------------


SENTENCE_END = re.compile(r"[.!?][\"”’»)]*\s+(?=[\"“„‘«(]?[A-ZÄÖÜ])")
# "Maj. Gen. Pat Ryder", "Oct. 29", "U.S. officials": a period after a short
# capitalised word or a single letter rarely ends a sentence.
ABBREVIATION = re.compile(r"(?:\b[A-Z][a-z]{0,2}|\b[A-Za-z])\.$")


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of sentences: each line, split at sentence punctuation not after an abbreviation."""
    spans = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for m in SENTENCE_END.finditer(text, line.start(), line.end()):
            if ABBREVIATION.search(text[max(0, m.start() - 3) : m.start() + 1]):
                continue
            spans.append((start, m.start() + 1))
            start = m.end()
        if start < line.end():
            spans.append((start, line.end()))
    return spans


def time_expressions(text: str, lang: str, published: dt.date | None) -> list[TimeExpression]:
    """Dates, relative days, nights, spans, clock times and durations, non-overlapping, in text order."""
    weekdays = _weekday_names(lang)
    weekday_re = "|".join(w.capitalize() for w in weekdays)
    months_re = _alternation(m.capitalize() for m in _month_names(lang))
    units = _time_units(lang)
    unit_re = _alternation(units)
    num_re = rf"\d+|{WORD}"
    found: list[TimeExpression] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match[str], group: int | str = 0, **kw: Any) -> None:
        span = m.span(group)
        if _free(span, taken):
            taken.append(span)
            found.append(TimeExpression(span[0], span[1], _squeeze(m.group(group)), **kw))

    def day_kw(day: dt.date | None, **extra: Any) -> dict[str, Any]:
        return {"date_start": _iso(day), "date_end": _iso(day), "precision": "day", **extra} if day else extra

    def resolve(words: str, prefer: str) -> dt.date | None:
        return _parse_day(words, lang, published, prefer) if published else None

    # ISO dates (a banner's "2024-10-30").
    for m in re.finditer(r"\b\d{4}-\d{2}-\d{2}\b", text):
        try:
            day = dt.date.fromisoformat(m.group())
        except ValueError:
            day = None
        add(m, **day_kw(day))
    # Month and day, in the year of publication unless the text gives one.
    day_month = (
        rf"\b(?:{months_re})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}}\b)?"
        if lang == "en"
        else rf"\b\d{{1,2}}\.\s*(?:{months_re})\b\.?(?:\s+\d{{4}}\b)?"
    )
    for m in re.finditer(
        day_month
        + (
            rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{months_re})\b\.?(?:,?\s+\d{{4}}\b)?"
            if lang == "en"
            else ""
        ),
        text,
    ):
        add(m, **day_kw(resolve(m.group(), "current_period")))
    # Nights: "overnight", "in der Nacht zum Mittwoch".
    for m in re.finditer(rf"\b(?:{OVERNIGHT[lang].format(weekday=weekday_re)})\b", text, re.IGNORECASE):
        end = published
        if published and m.groupdict().get("wd"):
            end = _weekday_date(m.group("wd"), lang, published)
        kw = {"time_of_day": "overnight"}
        if end:
            kw |= {"date_start": _iso(end - dt.timedelta(days=1)), "date_end": _iso(end), "precision": "days"}
        add(m, **kw)
    # "over the past 24 hours", "in den vergangenen zwei Tagen".
    for m in re.finditer(rf"\b(?:{PAST_SPAN[lang].format(num=num_re, unit=unit_re)})\b", text, re.IGNORECASE):
        count = _number_of(m.group("n"), lang) if m.group("n") else 1
        unit = units[m.group("unit").lower()]
        days = {"minute": 0, "hour": math.ceil((count or 0) / 24), "day": count, "week": 7 * (count or 0)}.get(unit)
        kw: dict[str, Any] = {}
        if published and count is not None and days is not None:
            days = max(1, int(days))
            kw = {
                "date_start": _iso(published - dt.timedelta(days=days)),
                "date_end": _iso(published),
                "precision": "days",
            }
        add(m, **kw)
    # Weekdays: "Tuesday", "last Tuesday", "Dienstagabend", "Tuesday night".
    if lang == "en":
        pattern = rf"\b(?:(?P<rel>last|next|this)\s+)?(?P<wd>{weekday_re})(?:\s+(?P<part>morning|afternoon|evening|night))?\b"
    else:
        pattern = rf"\b(?P<wd>{weekday_re})(?P<part>morgen|vormittag|nachmittag|abend|nacht)?\b"
    for m in re.finditer(pattern, text):
        rel = m.groupdict().get("rel")
        day = None
        if published:
            day = (
                resolve(f"{rel} {m.group('wd')}", "current_period")
                if rel
                else _weekday_date(m.group("wd"), lang, published)
            )
        part = m.group("part")
        add(m, **day_kw(day, **({"time_of_day": PART_OF_DAY[lang][part.lower()]} if part else {})))
    # Relative days from dateparser's locale: today, yesterday, heute, gestern, vorgestern.
    relative = {
        word: int(key.split()[0])
        for key, words in _locale(lang)["relative-type"].items()
        if re.fullmatch(r"[0-2] day ago", key)
        for word in words
    }
    for m in re.finditer(rf"\b(?:{_alternation(relative)})\b", text, re.IGNORECASE):
        back = relative[m.group().lower()]
        add(m, **day_kw(published - dt.timedelta(days=back) if published else None))
    # Years after a preposition, clock times and other durations: not figures, no day.
    for m in re.finditer(rf"\b(?:{YEAR_BEFORE[lang]})\s+(?P<y>(?:19|20)\d{{2}})\b", text):
        year = int(m.group("y"))
        add(m, "y", date_start=f"{year}-01-01", date_end=f"{year}-12-31", precision="year")
    for m in re.finditer(rf"(?<![\d.,:])(?:{CLOCK})", text):
        add(m)
    number = rf"(?:{DIGITS[lang]}|{WORD})"
    for pattern in (
        rf"(?<![\w.,])(?P<a>{number})\s*(?:[-–]|\bto\b|\bbis\b)\s*(?P<b>{number})[\s-]+(?:{unit_re})\b",  # "3-4 hours"
        rf"(?<![\w.,])(?P<a>{number})(?P<b>)[\s-]+(?:{unit_re})\b",  # "24 hours", "a 24-hour lull"
    ):
        for m in re.finditer(pattern, text, re.IGNORECASE):
            if all(_number_of(n, lang) is not None for n in (m.group("a"), m.group("b") or m.group("a"))):
                add(m)
    return sorted(found, key=lambda t: t.start)


def cues(text: str, lang: str) -> list[Cue]:
    out: list[Cue] = []
    taken: list[tuple[int, int]] = []
    for pattern, code in CUES[lang]:
        for m in re.finditer(rf"\b(?:{pattern})\b", text, re.IGNORECASE):
            if _free(m.span(), taken):
                taken.append(m.span())
                out.append(Cue(m.start(), m.end(), _squeeze(m.group()), code))
    return sorted(out, key=lambda c: c.start)


# --- figures --------------------------------------------------------------------------


def _vague_spans(text: str, lang: str, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for pattern in VAGUE[lang]:
        for m in re.finditer(rf"\b(?:{pattern})\b", text, re.IGNORECASE if lang == "en" else 0):
            if _free(m.span(), taken + out):
                out.append(m.span())
    return out


def _digit_cores(text: str, lang: str, taken: list[tuple[int, int]]) -> list[_Core]:
    out = []
    # Not inside a designation ("S-300", "Su-34", "Shahed-136"), a date or a
    # fraction; after a digit and a hyphen ("5-10") it is the end of a range.
    for m in re.finditer(rf"(?<![\w.,:/])(?<![^\W\d_]-)(?:{DIGITS[lang]})(?![\w:/]|[.,]\d)", text):
        if not _free(m.span(), taken):
            continue
        value, end = _parse_digits(m.group(), lang), m.end()
        scale = re.match(rf"\s+({WORD})", text[end:])
        if scale and _words_to_number(scale.group(1), lang) in (10**3, 10**6, 10**9):
            value = value * _words_to_number(scale.group(1), lang)
            value = int(value) if float(value).is_integer() else value
            end += scale.end()
        out.append(_Core(m.start(), end, value, True))
    return out


def _word_cores(text: str, lang: str, taken: list[tuple[int, int]]) -> list[_Core]:
    """Longest runs of words that text2num reads as one number ("Twenty-six", "two thousand")."""
    out: list[_Core] = []
    for m in re.finditer(rf"\b{DOZEN[lang]}\b", text, re.IGNORECASE):
        if _free(m.span(), taken):
            out.append(_Core(m.start(), m.end(), 12, False))
    tokens = list(re.finditer(WORD, text))
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if (
            token.group().lower() in NOT_NUMBERS[lang]
            or _words_to_number(token.group(), lang) is None
            or not _free(token.span(), taken + [(c.start, c.end) for c in out])
        ):
            i += 1
            continue
        best_j, best_value = i, _words_to_number(token.group(), lang)
        for j in range(i + 1, min(i + 8, len(tokens))):
            if text[tokens[j - 1].end() : tokens[j].start()].strip() or not _free(tokens[j].span(), taken):
                break
            value = _words_to_number(" ".join(t.group() for t in tokens[i : j + 1]), lang)
            if value is not None:
                best_j, best_value = j, value
        out.append(_Core(token.start(), tokens[best_j].end(), best_value, False))
        i = best_j + 1
    return out


@lru_cache(maxsize=1)
def counted_nouns() -> tuple[str, ...]:
    """Nouns the `subject` codelist counts: its titles and its quoted "a ..." examples."""
    nouns = set()
    for row in load_codelists()["subject"]:
        if " or " not in row["title"]:
            nouns.add(row["title"].lower())
        for example in re.findall(r'"an? ([^"]+)"', row["description"]):
            nouns.add(example.lower())
    return tuple(sorted(nouns, key=len, reverse=True))


def _article_spans(text: str, lang: str, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """ "a child", "an Iranian drone": the article, at most two words, then a counted noun."""
    if lang != "en":
        return []
    nouns = r"|".join(r"\s+".join(map(re.escape, n.split())) for n in counted_nouns())
    out = []
    for m in re.finditer(rf"\b[Aa]n?\s+(?:[\w’'-]+\s+){{0,2}}?(?:{nouns})\b(?!-)", text):
        if _free(m.span(), taken + out):
            out.append(m.span())
    return out


def _qualifier_before(text: str, start: int, lang: str) -> tuple[int, str] | None:
    """(start of the qualifier words, code) when words right before ``start`` imply a qualifier."""
    window = text[max(0, start - 40) : start]
    for words, code in QUALIFIERS_BEFORE[lang]:
        flexible = r"\s+".join(re.escape(w) for w in words.split())
        m = re.search(rf"(?:^|(?<=[\s(„“\"]))({flexible})\s+$", window, re.IGNORECASE)
        if m:
            return start - len(window) + m.start(1), code
    return None


def _figures(text: str, lang: str, taken: list[tuple[int, int]], articles: bool = True) -> list[Candidate]:
    vague = _vague_spans(text, lang, taken)
    blocked = taken + vague
    cores = _digit_cores(text, lang, blocked)
    cores += _word_cores(text, lang, blocked + [(c.start, c.end) for c in cores])
    cores.sort(key=lambda c: c.start)
    out = [Candidate(s, e, text[s:e], "vague", kind="vague") for s, e in vague]
    if articles:
        counted = _article_spans(text, lang, blocked + [(c.start, c.end) for c in cores])
        out += [Candidate(s, e, text[s:e], "exact", kind="article", value=1) for s, e in counted]
    i = 0
    while i < len(cores):
        core = cores[i]
        nxt = cores[i + 1] if i + 1 < len(cores) else None
        if nxt is not None:
            candidate = _range(text, lang, core, nxt)
            if candidate:
                out.append(candidate)
                i += 2
                continue
        out.append(_single(text, lang, core))
        i += 1
    return sorted(out, key=lambda c: c.start)


def _range(text: str, lang: str, a: _Core, b: _Core) -> Candidate | None:
    gap = text[a.end : b.start]
    before = text[max(0, a.start - 20) : a.start]
    for opener, joiner in RANGES[lang]:
        if not re.fullmatch(rf"\s+{joiner}\s+", gap, re.IGNORECASE):
            continue
        start = a.start
        if opener:
            m = re.search(rf"\b{opener}\s+$", before, re.IGNORECASE)
            if not m:
                continue
            start = a.start - len(before) + m.start()
        return Candidate(start, b.end, text[start : b.end], "range", lower=a.value, upper=b.value)
    if a.digits and b.digits and re.fullmatch(r"\s*[-–]\s*", gap):
        return Candidate(a.start, b.end, text[a.start : b.end], "range", lower=a.value, upper=b.value)
    return None


def _single(text: str, lang: str, core: _Core) -> Candidate:
    start, end, qualifier = core.start, core.end, "exact"
    found = _qualifier_before(text, core.start, lang)
    if found:
        start, qualifier = found
    else:
        for pattern, code in QUALIFIERS_AFTER[lang]:
            m = re.match(pattern, text[core.end :], re.IGNORECASE)
            if m:
                end, qualifier = core.end + m.end(), code
                break
    candidate = Candidate(start, end, text[start:end], qualifier)
    if qualifier in ("exact", "about"):
        candidate.value = core.value
    elif qualifier in ("at_least", "more_than"):
        candidate.lower = core.value
    else:
        candidate.upper = core.value
    return candidate


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
            "code this text without it, or add the words for the language to war_report_events/suggesting.py",
            exit_code=2,
        )
    return lang


# --- checking against a report ------------------------------------------------------


@dataclass(frozen=True)
class CodedSpan:
    quantity_id: str
    start: int
    end: int
    wording: str


def coded_spans(report: dict[str, Any], text: str) -> tuple[list[CodedSpan], list[str]]:
    """Where each quantity's wording lies in the text: inside its claim's quote, at quote_start."""
    spans, problems = [], []
    for i, event in enumerate(report.get("events") or []):
        for j, claim in enumerate(event.get("claims") or [] if isinstance(event, dict) else []):
            if not isinstance(claim, dict) or not isinstance(claim.get("quote"), str):
                continue
            quote, start = claim["quote"], claim.get("quote_start")
            if not isinstance(start, int) or text[start : start + len(quote)] != quote:
                start = locate(text, quote).span[0] if locate(text, quote).span else None
            for k, quantity in enumerate(claim.get("quantities") or []):
                wording = quantity.get("wording") if isinstance(quantity, dict) else None
                qid = (
                    quantity.get("quantity_id", f"$.events[{i}].claims[{j}].quantities[{k}]")
                    if isinstance(quantity, dict)
                    else "?"
                )
                at = quote.find(wording) if isinstance(wording, str) and wording else -1
                if start is None or at == -1:
                    problems.append(f"{qid}: its wording {wording!r} is not found in its claim's quote in the text")
                    continue
                spans.append(CodedSpan(qid, start + at, start + at + len(wording), wording))
    return spans, problems


def mark_coded(candidates: list[Candidate], coded: list[CodedSpan]) -> list[CodedSpan]:
    """Set each candidate's coded flag; return the coded quantities no candidate covers."""
    covered: set[str] = set()
    for candidate in candidates:
        hits = [c for c in coded if _overlaps((c.start, c.end), (candidate.start, candidate.end))]
        candidate.coded = bool(hits)
        candidate.quantity_ids = [c.quantity_id for c in hits]
        covered.update(candidate.quantity_ids)
    return [c for c in coded if c.quantity_id not in covered]


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


def render_text(name: str, candidates: list[Candidate], uncovered: list[CodedSpan] | None, problems: list[str]) -> str:
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
            f"cue: {cue:<14} date: {_date_text(c.date)}"
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
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m war_report_events suggest",
        description="List every candidate figure in a text with its qualifier, attribution cue and date; "
        "given a report, mark which ones it codes.",
    )
    parser.add_argument(
        "path", type=Path, help="a text file (data/sources/<id>.txt) or a report (data/reports/<id>.json)"
    )
    parser.add_argument("--published", help="publication date YYYY-MM-DD (a text file; a report gives its own)")
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
        published_day = dt.date.fromisoformat(published) if published else None
        candidates = suggest(text, language, published_day, articles=not args.no_articles)
    except UserError as exc:
        print(exc, file=sys.stderr)
        return exc.exit_code
    uncovered, problems = None, []
    if report is not None:
        coded, problems = coded_spans(report, text)
        uncovered = mark_coded(candidates, coded)
    if args.format == "json":
        print(json.dumps([c.as_json() for c in candidates], indent=2, ensure_ascii=False))
    else:
        if published_day is None:
            print("note: no --published date, so relative dates are not resolved")
        print(render_text(name, candidates, uncovered, problems))
    return 0


def _inputs(args: argparse.Namespace) -> tuple[str, str, str | None, dict[str, Any] | None, str]:
    """(text, language, published, report or None, display name) from the command line."""
    if args.path.suffix == ".json":
        report = read_json(args.path)
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
        published = source.get("published")
        _check_date(published)
        return text, str(source.get("language") or ""), published, report, str(args.path)
    if not args.language:
        raise UserError("give the text's language with --language (en or de)", exit_code=2)
    _check_date(args.published)
    return read_text(args.path), args.language, args.published, None, str(args.path)


def _check_date(value: str | None) -> None:
    if value is None:
        return
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        dt.date.fromisoformat(value)
    except (ValueError, TypeError):
        raise UserError(f"--published {value!r}: not a date in the form YYYY-MM-DD", exit_code=2) from None
