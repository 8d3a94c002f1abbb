"""One command line for every tool: ``python -m war_report_events <command> [args]``.

Commands are dispatched from one explicit table, ``name -> module:function``;
a module is imported only when its command runs, so one tool's heavy
dependencies never slow down another.
"""

from __future__ import annotations

import os
import signal
import sys
from contextlib import contextmanager


def _interrupted_while_starting(signum: int, frame: object) -> None:
    """Ctrl-C while Python imports our modules and their libraries: nothing has been read or written yet, so
    end at once with one line (a KeyboardInterrupt raised inside an import gives a traceback, or leaves a
    half-imported library that fails later with another one)."""
    os.write(2, b"interrupted while starting; nothing was read or written\n")
    os._exit(130)


if __name__ == "__main__":  # only as the program, never inside a caller's process
    signal.signal(signal.SIGINT, _interrupted_while_starting)


def _without_working_directory(path: list[str], cwd: str) -> list[str]:
    """``sys.path`` without the working directory that ``python -m`` puts first: the validator runs in
    contributors' checkouts, and a ``jsonschema.py`` there must never be imported in place of the library
    (as ``validate.py`` does; ``python -P`` in the pre-commit hook also keeps out a ``war_report_events/``)."""
    return [p for p in path if p not in ("", ".") and os.path.abspath(p) != cwd]


sys.path[:] = _without_working_directory(sys.path, os.getcwd())

import importlib  # noqa: E402  (after sys.path is cleaned)

from war_report_events.failure import UserError, printable  # noqa: E402

#: name -> (module:function, one line of help). Roles: validator, tools (the coder's), peers, publish.
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": (
        "war_report_events.validator.cli:main",
        "check a package, datapackage.json or report (same as validate.py)",
    ),
    "build": ("war_report_events.tools.build:main", "rebuild data/*.csv and datapackage.json from data/reports/"),
    "new": ("war_report_events.tools.new:main", "start a report from a text file"),
    "locate": ("war_report_events.tools.locate:main", "print the code-point offsets of a phrase in a text"),
    "suggest": ("war_report_events.tools.suggest:main", "list candidate figures in a text or report"),
    "fill-offsets": ("war_report_events.tools.locate:main_fill_offsets", "fill missing quote offsets in reports"),
    "upgrade": ("war_report_events.tools.upgrade:main", "upgrade reports to the latest schema version, losslessly"),
    "docs": ("war_report_events.publish.docs:main", "generate the data dictionary and error-code pages"),
    "export": ("war_report_events.peers.export:main", "write Parquet and JSON Lines to dist/"),
    "release": ("war_report_events.publish.release:main", "build the reproducible release zip in dist/"),
    "import": ("war_report_events.peers.importing:main", "import a peer dataset as war reports"),
    "flat": ("war_report_events.peers.flat:main", "write one peer-style row per event to dist/events-flat.csv"),
    "review": (
        "war_report_events.publish.review.cli:main",
        "write static HTML pages to review sources, claims and errors",
    ),
    "one-night": ("war_report_events.publish.one_night:main", "write docs/one-night.md and its plot from data/*.csv"),
}


def usage() -> str:
    lines = ["usage: python -m war_report_events <command> [args]", "", "commands:"]
    lines += [f"  {name:<13} {help_}" for name, (_, help_) in COMMANDS.items()]
    lines += ["", "Run a command with --help for its arguments."]
    return "\n".join(lines)


def entry(name: str):
    """The function that runs command ``name`` (its module imported now)."""
    module, function = COMMANDS[name][0].split(":")
    return getattr(importlib.import_module(module), function)


def _tolerant_streams() -> None:
    """Any console can print any message: a character its encoding lacks (Cyrillic in cp1252) or a file name
    that is not UTF-8 is printed as an escape, never a UnicodeEncodeError that loses the rest."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


class _Escaping:
    """A console stream that escapes, in whatever a command prints, every character that could forge a line's
    meaning or drive the terminal (ESC, BEL, a carriage return, bidi overrides; see ``failure.printable``),
    keeping line breaks and tabs. An argument of the command line that holds such characters (a path with a line
    break) is escaped whole wherever it appears, its line breaks too, so no message naming it can be forged.
    Data written as bytes (``flat --out -``) goes to ``.buffer`` unchanged."""

    def __init__(self, stream, args: list[str]) -> None:
        self._stream = stream
        hostile = {a for arg in args for a in (arg, os.path.normpath(arg)) if printable(a) != a}
        self._hostile = sorted(hostile, key=len, reverse=True)

    def write(self, text: str) -> int:
        for arg in self._hostile:
            text = text.replace(arg, printable(arg))
        return self._stream.write(printable(text, keep="\n\t"))

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


@contextmanager
def _escaped_console(args: list[str]):
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Escaping(sys.stdout, args), _Escaping(sys.stderr, args)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM (a cancelled CI job, `kill`) rolls back a write as Ctrl-C does


def main(argv: list[str] | None = None) -> int:
    _tolerant_streams()
    if argv is None and hasattr(signal, "SIGTERM"):  # only as the program, never inside a caller's process
        signal.signal(signal.SIGTERM, _interrupt)
    args = sys.argv[1:] if argv is None else argv
    with _escaped_console(args):
        return _dispatch(args, program=argv is None)


def _dispatch(args: list[str], program: bool) -> int:
    if not args or args[0] in ("-h", "--help"):
        print(usage())
        return 0 if args else 2
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"unknown command {printable(repr(name))}\n\n{usage()}", file=sys.stderr)
        return 2
    try:
        run = entry(name)
        if program:  # imports done: from here Ctrl-C raises KeyboardInterrupt, so a write is rolled back
            signal.signal(signal.SIGINT, signal.default_int_handler)
        return int(run(rest) or 0)
    except UserError as exc:  # a command that let one escape: the message is for the person, not a traceback
        print(f"{name}: {printable(str(exc), keep=chr(10))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:  # Ctrl-C: whatever was being written has been put back as it was
        print(f"{name}: interrupted; no file was left half-written", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head`: stop quietly, as other command-line tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
