"""The one exception a command raises for a problem a person can fix.

Its message says what is wrong and how to fix it; its exit code is what the
command returns (1: the input is wrong, 2: the command line is wrong). Commands
print the message and return the code; ``__main__`` does the same for any that
escapes, so a person never sees a traceback for a mistake they can mend.
"""

from __future__ import annotations

import re


class UserError(Exception):
    """A problem a person can fix; ``exit_code`` is what the command returns for it."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


#: What a line of output may not carry raw: C0 and C1 controls (line breaks, ANSI escapes), DEL, the
#: Unicode line and paragraph separators, lone surrogates (a file name that is not UTF-8, a "\ud800" in a
#: report), and the bidirectional controls (U+061C, U+200E/F, U+202A-U+202E, U+2066-U+2069), which make a
#: terminal or a review page show text in another order than it is ("Trojan Source"). One finding stays
#: one line, and no value can forge another, drive the terminal or hide what it says.
UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(char: str) -> str:
    c = ord(char)
    if 0xDC80 <= c <= 0xDCFF:  # a byte of a file name that is not UTF-8 (surrogateescape): show the byte
        return f"\\x{c - 0xDC00:02x}"
    # \uXXXX above ASCII (C1 controls too): a valid escape inside a JSON string as well as readable text
    return f"\\x{c:02x}" if c < 0x80 else f"\\u{c:04x}"


def printable(text: str, keep: str = "") -> str:
    """``text`` (not ours: a file name, a value, a source text, an argument) with every character that could
    break or forge a line of output, drive a terminal or reorder what it shows escaped, but those in ``keep``.

    The one escaping function: every message a command prints of text that is not its own goes through it,
    and ``__main__`` passes every command's console output through it once more (keeping line breaks)."""
    return UNPRINTABLE.sub(lambda m: m.group() if m.group() in keep else _escape(m.group()), text)
