"""One command line for every tool: ``python -m war_report_events <command> [args]``.

Commands are dispatched from one explicit table, ``name -> module:function``;
a module is imported only when its command runs, so one tool's heavy
dependencies never slow down another.
"""

from __future__ import annotations

import os
import signal
import sys


def _without_working_directory(path: list[str], cwd: str) -> list[str]:
    """``sys.path`` without the working directory that ``python -m`` puts first: the validator runs in
    contributors' checkouts, and a ``jsonschema.py`` there must never be imported in place of the library
    (as ``validate.py`` does; ``python -P`` in the pre-commit hook also keeps out a ``war_report_events/``)."""
    return [p for p in path if p not in ("", ".") and os.path.abspath(p) != cwd]


sys.path[:] = _without_working_directory(sys.path, os.getcwd())

import importlib  # noqa: E402  (after sys.path is cleaned)

from war_report_events.failure import UserError  # noqa: E402

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


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM (a cancelled CI job, `kill`) rolls back a write as Ctrl-C does


def main(argv: list[str] | None = None) -> int:
    _tolerant_streams()
    if argv is None and hasattr(signal, "SIGTERM"):  # only as the program, never inside a caller's process
        signal.signal(signal.SIGTERM, _interrupt)
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help"):
        print(usage())
        return 0 if args else 2
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"unknown command {name!r}\n\n{usage()}", file=sys.stderr)
        return 2
    try:
        return int(entry(name)(rest) or 0)
    except UserError as exc:  # a command that let one escape: the message is for the person, not a traceback
        print(f"{name}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:  # Ctrl-C: whatever was being written has been put back as it was
        print(f"{name}: interrupted; no file was left half-written", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head`: stop quietly, as other command-line tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
