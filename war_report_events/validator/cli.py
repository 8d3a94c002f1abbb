"""The validator's command line: ``python validate.py [PATH ...] [--format ...]``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from ..files import Refused, open_regular, package_root_of, regular_size
from .errors import Problem, show_value
from .reporting import RENDERERS

EPILOG = """\
PATH is a package directory (holding datapackage.json), a datapackage.json file,
or one war report .json file. Several PATHs are checked in one run. Default: .

exit codes:
  0  valid
  1  invalid: something inside the package is wrong (every error is listed)
  2  could not start: bad arguments, a PATH that does not exist or cannot be
     read, a directory without datapackage.json

The validator never touches the network, never reads outside the package
(unless --allow-outside-root), and writes nothing."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit 2 in the chosen format, not argparse's usage dump
        raise _BadArguments(message)


class _BadArguments(Exception):
    pass


def _parser() -> _Parser:
    p = _Parser(
        prog="validate.py",
        description="Validate a War Report Events package, descriptor or report.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("paths", nargs="*", metavar="PATH", default=["."], help="what to check (default: .)")
    p.add_argument("--format", choices=sorted(RENDERERS), default="text", help="output format (default: text)")
    p.add_argument("--max-errors", type=int, default=1000, metavar="N", help="stop after N errors (default: 1000)")
    p.add_argument(
        "--schema-version",
        metavar="V",
        help="the schema version the package (or report) must follow; one that declares another is invalid",
    )
    p.add_argument(
        "--allow-outside-root", action="store_true", help="allow paths and symlinks that leave the package root"
    )
    p.add_argument(
        "--texts",
        metavar="DIR",
        help="local copies of source texts that are not shipped, as DIR/<source_id>.txt: check their hashes and "
        "quotes too",
    )
    return p


def _start_problem(code: str, target: str, message: str) -> Problem:
    return Problem(target or None, None, None, None, code, message)


def _format_of(argv: list[str]) -> str:
    for i, arg in enumerate(argv):
        if arg.startswith("--format="):
            return arg.split("=", 1)[1] if arg.split("=", 1)[1] in RENDERERS else "text"
        if arg == "--format" and i + 1 < len(argv) and argv[i + 1] in RENDERERS:
            return argv[i + 1]
    return "text"


def run(argv: list[str]) -> tuple[int, str]:
    """(exit code, what to print): pure apart from reading the files checked."""
    from .package import Outcome, validate_package, validate_report

    try:
        args = _parser().parse_args(argv)
        if args.max_errors < 1:
            raise _BadArguments("--max-errors must be at least 1")
        if args.schema_version is not None:
            from ..standard.schema import available_versions

            if args.schema_version not in available_versions():
                raise _BadArguments(
                    f"--schema-version {args.schema_version!r} is not one this validator has ({', '.join(available_versions())})"
                )
    except _BadArguments as exc:
        fmt = _format_of(argv)
        return 2, RENDERERS[fmt](
            [_start_problem("bad-arguments", "", f"{exc}; see `python validate.py --help`.")], False
        )
    texts = Path(args.texts) if args.texts else None
    if texts is not None and not texts.is_dir():
        return 2, RENDERERS[args.format](
            [_start_problem("path-not-found", "--texts", f"{show_value(args.texts)} is not a folder.")], False
        )
    problems: list[Problem] = []
    unchecked: list[str] = []
    truncated = False
    for target in args.paths:
        path = Path(target)
        try:
            exists = os.path.lexists(path)
        except (OSError, ValueError):
            exists = False
        if not exists:
            return 2, RENDERERS[args.format]([_start_problem("path-not-found", target, "does not exist.")], False)
        try:
            if path.is_dir():
                list(path.iterdir())
                try:
                    regular_size(path / "datapackage.json")
                    present = True
                except Refused as exc:
                    if exc.reason != "does not exist":  # a FIFO or a folder: never read, said as it is
                        raise Refused(f"its datapackage.json {exc.reason}") from None
                    present = False
                if not present:
                    return 2, RENDERERS[args.format](
                        [
                            _start_problem(
                                "no-datapackage",
                                target,
                                "holds no datapackage.json; give the package root, a datapackage.json or a report .json file.",
                            )
                        ],
                        False,
                    )
                root = path
                outcome: Outcome = validate_package(
                    root, args.allow_outside_root, args.max_errors - len(problems), args.schema_version, texts
                )
            elif path.name == "datapackage.json":
                regular_size(path)
                root = path.parent
                outcome = validate_package(
                    root, args.allow_outside_root, args.max_errors - len(problems), args.schema_version, texts
                )
            else:
                open_regular(path).close()  # a FIFO or a device given as PATH is refused, never read
                root = _package_root(path)
                outcome = validate_report(
                    path, root, args.allow_outside_root, args.max_errors - len(problems), args.schema_version, texts
                )
        except PermissionError:
            return 2, RENDERERS[args.format](
                [_start_problem("path-unreadable", target, "cannot be read; check its permissions.")], False
            )
        except Refused as exc:
            return 2, RENDERERS[args.format](
                [_start_problem("path-unreadable", target, f"{exc.reason}; give a package folder or a file.")], False
            )
        except OSError as exc:
            return 2, RENDERERS[args.format](
                [_start_problem("path-unreadable", target, f"cannot be read ({exc.strerror or exc}).")], False
            )
        # Files are named relative to the package root; with several packages, or for GitHub
        # (which places annotations by path from the repository root), relative to here instead.
        prefix = os.path.relpath(root) if len(args.paths) > 1 or args.format == "github" else "."
        problems += [_prefixed(p, prefix + "/") for p in outcome.problems] if prefix != "." else outcome.problems
        truncated = truncated or outcome.truncated
        unchecked += outcome.unchecked
        if len(problems) >= args.max_errors:
            truncated = truncated or len(args.paths) > 1
            break
    rendered = (
        RENDERERS[args.format](problems, truncated)
        if args.format != "text"
        else RENDERERS["text"](problems, truncated, ", ".join(args.paths))
    )
    return (1 if problems else 0), _with_note(args.format, rendered, unchecked)


#: What cannot be checked without a source's text (schema 0.2.0, text_redistribution not_allowed).
NEEDS_TEXT = ("text-sha256-mismatch", "quote-mismatch")


def texts_note(unchecked: list[str]) -> str | None:
    """Says plainly which checks did not run because texts are not shipped, and how to run them."""
    if not unchecked:
        return None
    shown = ", ".join(unchecked[:5]) + (f" and {len(unchecked) - 5} more" if len(unchecked) > 5 else "")
    return (
        f"not checked: {len(unchecked)} source text(s) are not shipped ({shown}), so {' and '.join(NEEDS_TEXT)} "
        "did not run for them; run again with --texts DIR holding <source_id>.txt copies to check them"
    )


def _with_note(fmt: str, rendered: str, unchecked: list[str]) -> str:
    note = texts_note(unchecked)
    if note is None:
        return rendered
    if fmt == "json":
        data = json.loads(rendered)
        data["not_checked"] = {"sources": unchecked, "checks": list(NEEDS_TEXT)}
        return json.dumps(data, ensure_ascii=False) + "\n"
    lines = rendered.splitlines()
    line = f"::notice title=texts-not-shipped::{note}" if fmt == "github" else f"note: {note}"
    return "\n".join(lines[:-1] + [line] + lines[-1:]) + "\n"


def _prefixed(p: Problem, prefix: str) -> Problem:
    return Problem(prefix + p.file if p.file else p.file, p.line, p.path, p.field, p.code, p.message)


def _package_root(report: Path) -> Path:
    """The package a report belongs to: the folder holding its data/reports/, else the nearest with datapackage.json."""
    here = report.resolve().parent
    if here.name == "reports" and here.parent.name == "data":
        return package_root_of(report, here)  # the one rule for <root>/data/reports/<id>.json (files.py)
    return next((f for f in here.parents if (f / "datapackage.json").is_file()), here)


def main(argv: list[str]) -> int:
    try:
        code, text = run(argv)
    except KeyboardInterrupt:  # Ctrl-C: the validator wrote nothing, so there is nothing to undo
        print("validate.py: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug must still end in a message for people, never a traceback
        problem = _start_problem(
            "internal-error", "", f"{type(exc).__name__}: {str(exc)[:200]}; please report this with the input."
        )
        code, text = 2, RENDERERS[_format_of(argv)]([problem], False)
    fmt = _format_of(argv)
    # Text-format "could not start" goes to stderr, as argparse's own messages do; JSON and GitHub
    # annotations stay on stdout, where scripts and the runner read them.
    stream = sys.stderr if code == 2 and fmt == "text" else sys.stdout
    try:
        _write(stream, text, fmt)
    except BrokenPipeError:  # piped into `head`: stop quietly, keeping the exit code
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
    return code


def _write(stream, text: str, fmt: str) -> None:
    """Write all of ``text`` in whatever encoding the stream has (cp1252, ASCII, ...): characters it
    cannot encode are escaped (in JSON as \\uXXXX, which every reader decodes), never a traceback."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        if fmt == "json":
            text = json.dumps(json.loads(text), ensure_ascii=True) + "\n"
        else:
            text = text.encode(encoding, errors="backslashreplace").decode(encoding)
    except LookupError:
        pass
    stream.write(text)
    stream.flush()


main_validate = main
