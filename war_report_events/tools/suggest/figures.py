"""Candidate figures: numbers in digits and words, vague amounts, counted articles, qualifiers and ranges."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from war_report_events.standard.schema import load_codelists
from war_report_events.tools.suggest.lexicon import (
    ALERT_WORD,
    ALERTS_AFTER,
    ATTACKS_AFTER,
    DIGITS,
    DOZEN,
    DURATION_UNITS,
    NOT_DURATION_AFTER,
    NOT_DURATION_BEFORE,
    NOT_NUMBERS,
    ORDINAL_ATTACK,
    QUALIFIERS_AFTER,
    QUALIFIERS_BEFORE,
    RANGES,
    TIMES,
    VAGUE,
    WHOLES,
    WORD,
    _alternation,
    _free,
    _number_of,
    _parse_digits,
    _time_units,
    _words_to_number,
)
from war_report_events.tools.suggest.times import Cue, TimeExpression


@dataclass
class Candidate:
    start: int
    end: int
    text: str
    qualifier: str
    kind: str = "number"  # number, vague, article ("a child"), whole ("all the drones"), duration, ordinal
    value: int | float | None = None
    lower: int | float | None = None
    upper: int | float | None = None
    after: str = ""
    cue: Cue | None = None
    date: TimeExpression | None = None
    coded: bool | None = None
    quantity_ids: list[str] = field(default_factory=list)
    measure: str | None = None  # a code of measure.csv, only where the words say it: duration, alerts, attacks
    unit: str | None = None  # the quantity's unit, for a duration

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
        if self.measure:
            out["measure"] = self.measure
        if self.unit:
            out["unit"] = self.unit
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
    # Ordinals first: "der 19. Angriff" would otherwise read as the number 19.
    ordinals = _ordinal_attacks(text, lang, taken + vague)
    blocked = taken + vague + [(c.start, c.end) for c in ordinals]
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
    for candidate in out:
        if candidate.kind == "number":
            candidate.measure = _count_measure(text, lang, candidate)
    out += ordinals
    out += _wholes(text, lang, blocked + [(c.start, c.end) for c in out])
    return sorted(out, key=lambda c: c.start)


def _count_measure(text: str, lang: str, candidate: Candidate) -> str | None:
    """`alerts` or `attacks` when the words after a number say what it counts ("drei Mal Luftalarm")."""
    after = text[candidate.end :]
    if re.match(ALERTS_AFTER[lang], after, re.IGNORECASE if lang == "en" else 0):
        return "alerts"
    if (
        lang == "en"
        and re.match(TIMES, after)
        and re.search(ALERT_WORD, text[max(0, candidate.start - 80) : candidate.start], re.IGNORECASE)
    ):
        return "alerts"
    if re.match(ATTACKS_AFTER[lang], after, re.IGNORECASE if lang == "en" else 0):
        return "attacks"
    return None


def _ordinal_attacks(text: str, lang: str, taken: list[tuple[int, int]]) -> list[Candidate]:
    """ "the 19th attack", "der 19. Angriff": the ordinal as a count of attacks so far."""
    out = []
    for m in re.finditer(ORDINAL_ATTACK[lang], text, re.IGNORECASE if lang == "en" else 0):
        span = (m.start("n"), m.end())
        if _free(span, taken):
            out.append(
                Candidate(
                    *span, text[span[0] : span[1]], "exact", kind="ordinal", value=int(m.group("n")), measure="attacks"
                )
            )
    return out


def _wholes(text: str, lang: str, taken: list[tuple[int, int]]) -> list[Candidate]:
    """ "all the drones", "alle Drohnen", "keine der Raketen": all or none of a whole, without a number."""
    out: list[Candidate] = []
    for pattern, code, flags in WHOLES[lang]:
        for m in re.finditer(rf"\b(?:{pattern})", text, flags):
            if _free(m.span(), taken + [(c.start, c.end) for c in out]):
                out.append(Candidate(m.start(), m.end(), m.group(), code, kind="whole"))
    return out


def durations(text: str, lang: str, times: list[TimeExpression]) -> list[Candidate]:
    """Durations ("more than five hours", "3-4 hours") among the undated time expressions, with qualifier and unit.

    A time expression is a duration when a number and a unit of minutes to months make it up whole
    and no "later"/"ago" ("vor"/"in") makes it a point in time; years stay dates.
    """
    units = _time_units(lang)
    unit_re = _alternation(units)
    number = rf"(?:{DIGITS[lang]}|{WORD})"
    undated = {(t.start, t.end) for t in times if not (t.date_start or t.date_end)}
    out: list[Candidate] = []
    for pattern in (
        rf"(?<![\w.,])(?P<a>{number})\s*(?:[-–]|\bto\b|\bbis\b)\s*(?P<b>{number})[\s-]+(?P<unit>{unit_re})\b",
        # "a 24-hour lull" names a stretch of time, not a count of hours: only "24 hours" is a duration.
        rf"(?<![\w.,])(?P<a>{number})(?P<b>)\s+(?P<unit>{unit_re})\b",
    ):
        for m in re.finditer(pattern, text, re.IGNORECASE):
            unit = DURATION_UNITS.get(units[m.group("unit").lower()])
            a, b = _number_of(m.group("a"), lang), _number_of(m.group("b") or m.group("a"), lang)
            if unit is None or a is None or b is None or m.span() not in undated:
                continue
            if re.match(NOT_DURATION_AFTER[lang], text[m.end() :], re.IGNORECASE):
                continue
            if re.search(NOT_DURATION_BEFORE[lang], text[max(0, m.start() - 10) : m.start()], re.IGNORECASE):
                continue
            if not _free(m.span(), [(c.start, c.end) for c in out]):
                continue
            if m.group("b"):
                candidate = Candidate(*m.span(), m.group(), "range", lower=a, upper=b)
            else:
                candidate = _single(text, lang, _Core(m.start(), m.end(), a, True))
            candidate.kind, candidate.measure, candidate.unit = "duration", "duration", unit
            out.append(candidate)
    return out


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
