"""``python -m war_report_events review [PATH ...] [--out DIR]``: write the review pages, all of them or none."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ...failure import UserError
from ...files import write_folder
from .collect import collect
from .page import render

#: Written into every review folder; only a folder holding it is ever replaced.
MARKER = ".war-report-events-review"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m war_report_events review",
        description="Write static HTML pages to review a package or reports: every quote and figure in its "
        "source text, every claim on an event side by side, every validator finding at its place.",
    )
    p.add_argument(
        "paths", nargs="*", metavar="PATH", default=["."], help="package folder, datapackage.json or report"
    )
    p.add_argument("--out", default="review", metavar="DIR", help="folder to write (default: review); replaced whole")
    p.add_argument(
        "--texts",
        metavar="DIR",
        help="local copies of texts not shipped, as DIR/<source_id>.txt, shown when their SHA-256 matches "
        "(the pages then contain them: do not publish those)",
    )
    return p


def write_all(out: Path, pages: dict[str, str]) -> None:
    """Replace ``out`` by a folder of exactly ``pages``, all of them or none (``files.write_folder``), but only
    a folder this command wrote before (it holds ``MARKER``) or an empty one: never a folder of other files."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise UserError(f"{out}: is not a folder; give --out a folder to write the review pages into.", 2)
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise UserError(f"{out}: holds files that are not review pages; give --out an empty or new folder.", 2)
    # A file name that is not UTF-8 reaches us as lone surrogates: shown as \udcff, never a refusal.
    files: dict[str, bytes | str] = {name: html.encode("utf-8", "backslashreplace") for name, html in pages.items()}
    files[MARKER] = "Review pages written by `python -m war_report_events review`.\n"
    write_folder(out, dict(sorted(files.items())))


def say(line: str) -> None:
    """Print a line whatever the terminal's encoding: a folder named in another script is never a traceback."""
    encoding = sys.stdout.encoding or "utf-8"
    print(line.encode(encoding, "backslashreplace").decode(encoding))


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    texts = Path(args.texts) if args.texts else None
    if texts is not None and not texts.is_dir():
        raise UserError(f"{args.texts}: (--texts) is not a folder.", 2)
    packages = [collect(target, texts) for target in args.paths]
    out = Path(args.out)
    try:
        write_all(out, render(packages))
    except OSError as exc:  # a full disk, a read-only folder: nothing was replaced, say so in words
        raise UserError(
            f"{out}: cannot write the review pages there ({exc.strerror or exc}); nothing was changed."
        ) from None
    found = sum(len(p.findings) + sum(len(r.findings) for r in p.reports) for p in packages)
    say(
        f"review pages written to {out / 'index.html'} ({found} finding{'s' if found != 1 else ''} of the validator shown)"
    )
    return 0
