"""Output that never crashes on a console that cannot show a character."""

from __future__ import annotations

import sys


def tolerant_output() -> None:
    """Write characters the console's encoding lacks (cp1252 and Cyrillic quotes) as escapes.

    Texts, quotes and ids may hold any character; a traceback halfway through a listing helps no one,
    and an escape such as ``\\u041a`` still says which character it is.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
