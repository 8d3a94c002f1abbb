"""Amounts in words ("at least 4", "about 30", "thousands (no number)") and whether claims' amounts agree.

Pure functions of one quantity object each; nothing here reads a file.
"""

from __future__ import annotations

import math

Interval = tuple[float, bool, float, bool]  # low, low included, high, high included


def number(value: object) -> str:
    """A number as people read it: 10,000 and 2.5; anything that is not a number shown as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}"


def amount(q: dict) -> str:
    """The amount of a quantity in words, its qualifier never dropped."""
    qualifier, value, lower, upper = q.get("qualifier"), q.get("value"), q.get("lower"), q.get("upper")
    qualifier = qualifier if isinstance(qualifier, str) else None  # an invalid report may hold any JSON value
    wording = q.get("wording")
    first = next((n for n in (value, lower, upper) if n is not None), None)
    if qualifier == "vague" or (first is None and isinstance(wording, str)):
        return f"{wording if isinstance(wording, str) else '?'} (no number)"
    if qualifier == "exact":
        return number(value if value is not None else first)
    simple = {"at_least": ("at least", lower), "more_than": ("more than", lower)}
    simple |= {"at_most": ("at most", upper), "less_than": ("less than", upper), "about": ("about", value)}
    if qualifier in simple:
        words, n = simple[qualifier]
        return f"{words} {number(n if n is not None else first)}"
    if qualifier == "range":
        return f"{number(lower)} to {number(upper)}"
    if qualifier == "estimate":
        return f"{number(value)} (best estimate; low {number(lower)}, high {number(upper)})"
    parts = [
        f"{name} {number(n)}" for name, n in (("value", value), ("lower", lower), ("upper", upper)) if n is not None
    ]
    return f"{qualifier or 'no qualifier'}: {', '.join(parts) or 'no number'}"


def _num(value: object) -> float | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    return float(value) if ok else None


def interval(q: dict) -> Interval | None:
    """The amounts a quantity allows, or None when it gives no number to compare ("about", vague, unknown)."""
    value, lower, upper = _num(q.get("value")), _num(q.get("lower")), _num(q.get("upper"))
    qualifier = q.get("qualifier") if isinstance(q.get("qualifier"), str) else None
    bounds: dict[object, Interval | None] = {
        "exact": (value, True, value, True) if value is not None else None,
        "at_least": (lower, True, math.inf, False) if lower is not None else None,
        "more_than": (lower, False, math.inf, False) if lower is not None else None,
        "at_most": (0.0, True, upper, True) if upper is not None else None,
        "less_than": (0.0, True, upper, False) if upper is not None else None,
        "range": (lower, True, upper, True) if lower is not None and upper is not None else None,
        "estimate": (lower, True, upper, True) if lower is not None and upper is not None else None,
    }
    return bounds.get(qualifier)


def overlap(a: Interval, b: Interval) -> bool:
    lo, lo_in = max((a[0], a[1]), (b[0], b[1]), key=lambda x: (x[0], not x[1]))
    hi, hi_in = min((a[2], a[3]), (b[2], b[3]), key=lambda x: (x[0], x[1]))
    return lo < hi or (lo == hi and lo_in and hi_in)


def verdict(quantities: list[dict]) -> str:
    """How the amounts that several claims give for one measure and subject relate, in one word or two.

    "one claim", "agree" (the same amount in the same words), "compatible" (every pair of amounts can be
    true together), "disagree" (some pair cannot), or "not comparable" (an "about" or a vague amount is
    involved and the amounts are not the same): approximations are never stretched into numbers."""
    if len(quantities) < 2:
        return "one claim"
    if len({amount(q) for q in quantities}) == 1:
        return "agree"
    bounds = [interval(q) for q in quantities]
    known = [b for b in bounds if b is not None]
    if any(not overlap(a, b) for i, a in enumerate(known) for b in known[i + 1 :]):
        return "disagree"
    return "compatible" if len(known) == len(bounds) else "not comparable"
