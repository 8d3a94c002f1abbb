#!/usr/bin/env python3
"""Validate a War Report Events package: ``python validate.py [PATH ...] [--format text|json|github]``.

A thin entry point over ``war_report_events.validator.cli``. It imports the package from
this file's folder by path, and takes that folder and the working directory off
``sys.path`` first, so a stray ``jsonschema.py`` or ``frictionless_*.py`` in a
package being checked, or in the current directory, is never imported.
"""

import importlib.util
import os
import sys

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
    sys.exit(main(sys.argv[1:]))
