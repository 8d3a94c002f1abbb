"""Calendar days as the schema writes them: YYYY-MM-DD, and a day that exists."""

from __future__ import annotations

import datetime as dt
import re

#: The one written form of a day (Python's ``fromisoformat`` also takes ``20241030`` and others).
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_day(text: object) -> dt.date | None:
    """The day ``text`` names in the form YYYY-MM-DD, or None when it is not a real day in that form."""
    if not isinstance(text, str) or not ISO_DAY.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None
