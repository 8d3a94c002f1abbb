"""One command line for every tool: ``python -m war_report_events <command> [args]``.

Each command lives in its own module with a ``main(argv: list[str]) -> int``;
modules are imported only when their command runs, so one tool's heavy
dependencies never slow down another.
"""

from __future__ import annotations

import importlib
import os
import sys

COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("war_report_events.cli", "check a package, datapackage.json or report (same as validate.py)"),
    "build": ("war_report_events.building", "rebuild data/*.csv and datapackage.json from data/reports/"),
    "new": ("war_report_events.scaffolding", "start a report from a text file"),
    "locate": ("war_report_events.locating", "print the code-point offsets of a phrase in a text"),
    "suggest": ("war_report_events.suggesting", "list candidate figures in a text or report"),
    "fill-offsets": ("war_report_events.locating", "fill missing quote offsets in reports"),
    "docs": ("war_report_events.documenting", "generate the data dictionary and error-code pages"),
    "export": ("war_report_events.exporting", "write Parquet and JSON Lines to dist/"),
    "release": ("war_report_events.releasing", "build the reproducible release zip in dist/"),
    "import": ("war_report_events.importing", "import a peer dataset as war reports"),
    "flat": ("war_report_events.flattening", "write one peer-style row per event to dist/events-flat.csv"),
}


def usage() -> str:
    lines = ["usage: python -m war_report_events <command> [args]", "", "commands:"]
    lines += [f"  {name:<13} {help_}" for name, (_, help_) in COMMANDS.items()]
    lines += ["", "Run a command with --help for its arguments."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help"):
        print(usage())
        return 0 if args else 2
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"unknown command {name!r}\n\n{usage()}", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[name][0])
    entry = getattr(module, "main_" + name.replace("-", "_"), None) or module.main
    try:
        return int(entry(rest) or 0)
    except BrokenPipeError:  # output piped into `head`: stop quietly, as other command-line tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
