"""Sentences, attribution cues and time expressions, with relative dates resolved against the publication date."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

import dateparser

from war_report_events.tools.suggest.lexicon import (
    CLOCK,
    CUES,
    DIGITS,
    OVERNIGHT,
    PART_OF_DAY,
    PAST_SPAN,
    WORD,
    YEAR_BEFORE,
    _alternation,
    _free,
    _locale,
    _month_names,
    _number_of,
    _squeeze,
    _time_units,
    _weekday_names,
)


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
