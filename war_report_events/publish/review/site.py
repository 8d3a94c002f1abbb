"""MkDocs hook: after the site is built, the review pages of the shipped data are written into ``site/review/``.

Generated with every build (never committed), so the pages on the site always show the data they ship with.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

# Absolute imports: MkDocs loads a hook as a file of its own, outside its package.
from war_report_events.publish.review.cli import write_all
from war_report_events.publish.review.collect import collect
from war_report_events.publish.review.page import render

#: The repository whose data the site shows: three levels above this file's package.
REPOSITORY = Path(__file__).resolve().parents[3]


def on_post_build(config: Any, **_: Any) -> None:
    write_all(Path(config["site_dir"]) / "review", render([collect(str(REPOSITORY))]))
