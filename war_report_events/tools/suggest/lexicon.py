"""The words ``suggest`` knows, per language, and the small helpers that read numbers and names.

Qualifier and cue words are the codelists' own examples, in English and German. Number words come
from text2num and weekday, month and unit names from dateparser's locale data; both are imported
only by the suggest tools, so validation never loads them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Any

from dateparser.languages.loader import default_loader
from text_to_num import text2num

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
        (
            r"said|says|say|saying|told|tells|stated|states|added|adds|adding|claimed|claims|reported|reports|"
            r"confirmed|confirms|wrote|writes",
            "said",
        ),
    ],
    "de": [
        (r"Berichten\s+zufolge|angeblich|mutmaßlich", "reportedly"),
        (r"nach\s+(?:eigenen\s+)?Angaben|laut|zufolge|unter\s+Berufung\s+auf", "according_to"),
        (r"gaben?\b[^.!?\n]{0,60}?\bbekannt|verkündete[n]?", "announced"),
        # Present and past of the separable "teilt ... mit", and the joined form of reported speech
        # ("wie die Luftwaffe mitteilte").
        (r"(?:teilt|teilte|teilten|teilen)\b[^.!?\n]{0,80}?\bmit\b|mitgeteilt|mitteilte[n]?|mitteilt", "said"),
        (
            r"sagte[n]?|sagt|erklärte[n]?|berichtete[n]?|meldete[n]?|hieß\s+es|heißt\s+es|schrieb|bestätigte[n]?",
            "said",
        ),
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
# "all"/"none" of a whole, without a number ("all the drones", "alle Drohnen", "keine der Raketen"):
# figures relative to a whole, coded with the qualifier `all` or `none`. "all 33" is a number.
WHOLES: dict[str, list[tuple[str, str, int]]] = {
    "en": [
        (r"all(?=\s+(?:of\b|the\b|them\b|those\b|these\b|their\b|its\b|[a-z]+s\b))", "all", re.IGNORECASE),
        (r"none(?=\s+(?:of|was|were|had|has|have)\b)|no\s+one\b|nobody", "none", re.IGNORECASE),
    ],
    "de": [
        (r"\b[Aa]lle(?=\s+(?:der|dieser|diese|ihre|[A-ZÄÖÜ]))", "all", 0),
        # "keine der Raketen", "keine Toten", "niemand": not "keine Nachricht" or "keine Angaben".
        (
            r"\b[Kk]ein(?:e|er|en)?(?=\s+(?:der|von|davon)\b)"
            r"|\b[Kk]ein(?:e|er|en)?(?=\s+(?:Tote|Toten|Verletzte|Verletzten|Opfer|Menschen|Personen|Zivilisten"
            r"|Drohne|Drohnen|Rakete|Raketen|Soldaten)\b)|\b[Nn]iemand",
            "none",
            0,
        ),
    ],
}
# Durations ("five hours", "mehr als fünf Stunden"): the quantity field `unit` by dateparser's unit.
DURATION_UNITS: dict[str, str] = {
    "minute": "minutes",
    "hour": "hours",
    "day": "days",
    "week": "weeks",
    "month": "months",
}
# A number of days before "later"/"ago" (or after German "vor"/"in") is a point in time, not a duration.
NOT_DURATION_AFTER: dict[str, str] = {
    "en": r"\s+(?:later|ago|earlier|before|after|from\s+now)\b",
    "de": r"\s+(?:später|zuvor|danach|davor|früher)\b",
}
NOT_DURATION_BEFORE: dict[str, str] = {"en": r"(?!)", "de": r"\b(?:vor|in)\s+$"}
# Counts of alerts and attacks (measures `alerts` and `attacks`): words right after a number. English
# "N times" counts alerts only after an alert word in the same sentence (ALERT_WORD).
ALERTS_AFTER: dict[str, str] = {
    "en": r"\s+(?:air[\s-]raid\s+)?(?:alerts|alarms|sirens)\b",
    "de": r"\s*[Mm]al\s+(?:Luftalarm|Alarm|Raketenalarm)\b|\s+(?:Luftalarme|Alarme)\b",
}
ALERT_WORD = r"\b(?:alerts?|alarms?|sirens?)\b"
TIMES = r"\s+times\b"
ATTACKS_AFTER: dict[str, str] = {
    "en": r"\s+(?:(?:massive|major|large-scale|combined|drone|missile|air|separate)\s+)?(?:attacks|raids|assaults)\b",
    "de": r"\s+(?:(?:massive[n]?|schwere[n]?|erneute[n]?)\s+)?(?:Angriffe|Angriffen|Luftangriffe|Luftangriffen|Drohnenangriffe|Raketenangriffe|Attacken)\b",
}
# "the 19th attack", "der 19. Angriff": the ordinal counts the attacks so far.
ORDINAL_ATTACK: dict[str, str] = {
    "en": r"\b(?P<n>\d+)(?:st|nd|rd|th)\s+(?:(?:massive|major|large-scale|combined|drone|missile|air)\s+)?(?:attack|strike|raid|assault)\b",
    "de": r"(?<![\d.])\b(?P<n>\d+)\.\s+(?:(?:massive[n]?|schwere[n]?)\s+)?(?:Angriff|Luftangriff|Drohnenangriff|Raketenangriff|Attacke)\b",
}
LANGUAGES = tuple(QUALIFIERS_BEFORE)


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
