"""Gleditsch–Ward state numbers (UCDP's ``country_id``, ``gwnoa``, ``gwnob``) <-> ISO 3166-1 alpha-2.

The numbers come from the maintained package ``country_converter`` (its ``country_data.tsv``),
never typed here. Its converter class is not used: with pandas 3 it fails while loading its
data, and the lookup needs no pandas. The file is found without importing the package, so
this module imports no pandas either.
"""

from __future__ import annotations

import csv
import importlib.util
import io
from functools import cache
from pathlib import Path

from war_report_events.failure import UserError
from war_report_events.files import read_text

SOURCE_PACKAGE = "country_converter"


@cache
def gleditsch_ward() -> dict[int, str]:
    """Gleditsch–Ward number -> ISO 3166-1 alpha-2, for every state the package gives both for."""
    spec = importlib.util.find_spec(SOURCE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise UserError(
            f"the package {SOURCE_PACKAGE} is not installed; it gives the Gleditsch–Ward country numbers. "
            "Install the pinned requirements: pip install -r requirements.txt"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "country_data.tsv"
    table = {}
    for row in csv.DictReader(io.StringIO(read_text(path)), delimiter="\t"):
        if row.get("GWcode", "").strip().isdigit() and len(row.get("ISO2", "")) == 2:
            table[int(row["GWcode"])] = row["ISO2"]
    return table


def iso2_of_gw(code: str | int) -> str | None:
    """The ISO alpha-2 code of a Gleditsch–Ward number ("369" -> "UA"); None when there is none."""
    try:
        return gleditsch_ward().get(int(float(str(code).strip())))
    except ValueError:
        return None


def gw_of_iso2(iso2: str) -> int | None:
    """The Gleditsch–Ward number of an ISO alpha-2 code ("UA" -> 369); None when the state has none."""
    reverse = {v: k for k, v in gleditsch_ward().items()}
    return reverse.get(iso2.strip().upper())
