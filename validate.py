#!/usr/bin/env python3
"""Validate a War Report Events package: ``python validate.py [PATH ...] [--format text|json|github]``.

A thin entry point over ``war_report_events.validator.cli``. It imports the package from
this file's folder by path, and takes that folder and the working directory off
``sys.path`` first, so a stray ``jsonschema.py`` or ``frictionless_*.py`` in a
package being checked, or in the current directory, is never imported.
"""

import os
import signal
import sys


def _interrupted_while_starting(signum, frame):
    # Ctrl-C while the libraries are imported: nothing was read yet; one line, never a traceback (or a
    # half-imported library failing later with another one).
    os.write(2, b"validate.py: interrupted while starting\n")
    os._exit(130)


if __name__ == "__main__":
    signal.signal(signal.SIGINT, _interrupted_while_starting)

import importlib.util  # noqa: E402

sys.dont_write_bytecode = True  # validation writes nothing, not even .pyc files
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if p not in ("", ".", HERE, os.getcwd())]
_spec = importlib.util.spec_from_file_location(
    "war_report_events",
    os.path.join(HERE, "war_report_events", "__init__.py"),
    submodule_search_locations=[os.path.join(HERE, "war_report_events")],
)
_package = importlib.util.module_from_spec(_spec)
sys.modules["war_report_events"] = _package
_spec.loader.exec_module(_package)

from war_report_events.validator.cli import main  # noqa: E402

if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.default_int_handler)  # the validator ends a Ctrl-C with one line itself
    sys.exit(main(sys.argv[1:]))
