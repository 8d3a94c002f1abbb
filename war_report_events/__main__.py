"""One command line for every tool: ``python -m war_report_events <command> [args]``.

Commands are dispatched from one explicit table, ``name -> module:function``;
a module is imported only when its command runs, so one tool's heavy
dependencies never slow down another.
"""

from __future__ import annotations

import importlib
import os
import sys

from war_report_events.failure import UserError

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
    "import": ("war_report_events.peers.air_attacks:main", "import a peer dataset as war reports"),
    "flat": ("war_report_events.peers.flat:main", "write one peer-style row per event to dist/events-flat.csv"),
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


def main(argv: list[str] | None = None) -> int:
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
    except BrokenPipeError:  # output piped into `head`: stop quietly, as other command-line tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
