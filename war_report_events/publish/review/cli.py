"""``python -m war_report_events review [PATH ...] [--out DIR]``: write the review pages, all of them or none."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from ...failure import UserError
from ...files import write_files
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
    """Replace ``out`` by a folder of exactly ``pages``, all of them or none: the pages are written into a fresh
    sibling folder with ``files.write_files``, which is then renamed into place; a failure (or Ctrl-C, or
    SIGTERM) leaves the old folder as it was."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise UserError(f"{out}: is not a folder; give --out a folder to write the review pages into.", 2)
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise UserError(f"{out}: holds files that are not review pages; give --out an empty or new folder.", 2)
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp"))
    old = stage.with_suffix(".old")
    try:
        # A file name that is not UTF-8 reaches us as lone surrogates: shown as \udcff, never a refusal.
        payloads: dict[Path, bytes | str] = {
            stage / name: html.encode("utf-8", "backslashreplace") for name, html in sorted(pages.items())
        }
        payloads[stage / MARKER] = "Review pages written by `python -m war_report_events review`.\n"
        write_files(payloads)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(stage, 0o777 & ~umask)  # mkdtemp's 0700 would keep a web server or other users out
        if out.is_dir():
            os.replace(out, old)
        os.replace(stage, out)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        if old.is_dir() and not out.exists():
            os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


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
