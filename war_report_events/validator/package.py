"""Entry points of the validator: a whole package, or one report."""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from pathlib import Path

from ..standard import schema
from .descriptor import check_descriptor
from .errors import Collector, Full, Problem, show_value
from .loading import read_json
from .reports import REPORTS_DIR, check_report
from .streamed import Scan, scan_reports
from .tables import TableContext, check_built, check_released_ids, check_table, check_up_to_date


@dataclass
class Outcome:
    problems: list[Problem]
    truncated: bool = False
    unchecked: list[str] = field(default_factory=list)  # sources whose text is not shipped and was not given


def validate_package(
    root: Path,
    allow_outside: bool = False,
    max_errors: int = 1000,
    required: str | None = None,
    texts: Path | None = None,
    fast: bool = True,
) -> Outcome:
    """``fast=False``: every report by the exact path (``streamed``; tests compare the two).
    ``required``: the schema version the package must follow (--schema-version), if any; ``texts``: local
    copies of texts that are not shipped (--texts)."""
    out = Collector(max_errors)
    ctx = TableContext(texts=texts)
    collecting = gc.isenabled()
    gc.disable()  # millions of short-lived cells, no cycles: the cyclic collector would only cost time
    try:
        paths, problems, version = check_descriptor(root, allow_outside)
        out.extend(problems)
        if required is not None and version != required:
            out.add(_other_version("datapackage.json", None, "$.version", "version", version, required))
        scan = scan_reports(root, allow_outside, version, texts, paths, fast=fast)
        out.extend(scan.problems)
        ctx.version = version
        has_reports = (root / REPORTS_DIR).is_dir()  # a package without reports ships tables only
        if _built_are_files(root, paths, scan, version, has_reports, out):
            # The files hold exactly the tables as built, which the table path has checked: its findings on
            # them are its findings on the files (the same bytes, in the same order, under the same limit).
            out.extend(scan.table_problems or [])
            ctx = scan.context or ctx
        else:
            scan.context = scan.table_problems = None  # let the tables as built go before the files are read
            for tb in schema.tables(version):
                check_table(root, paths.get(tb.name, ""), tb, ctx, out, allow_outside)
        if not scan.problems and has_reports:
            if scan.built is not None:
                check_built(root, paths, scan.built, out, version, scan.same)
            else:
                check_up_to_date(root, paths, [], out, version)
        check_released_ids(root, paths, ctx, out)
    except Full:
        pass
    finally:
        if collecting:
            gc.enable()
    return Outcome(sorted(out.problems, key=_order), out.truncated, ctx.unchecked)


def _built_are_files(
    root: Path, paths: dict[str, str], scan: Scan, version: str, has_reports: bool, out: Collector
) -> bool:
    """Whether the table path's findings on the tables as built stand for its findings on the files."""
    if scan.built is None or scan.table_problems is None or scan.problems or not has_reports:
        return False
    if scan.context is None or scan.context.version != version:
        return False
    if len(out.problems) + len(scan.table_problems) >= out.limit:
        return False  # past --max-errors, which findings come first is the files' own path's answer
    return all(tb.name in scan.same for tb in schema.tables(version))


def validate_report(
    path: Path,
    root: Path,
    allow_outside: bool = False,
    max_errors: int = 1000,
    required: str | None = None,
    texts: Path | None = None,
) -> Outcome:
    rel = (
        path.resolve().relative_to(root.resolve()).as_posix()
        if path.resolve().is_relative_to(root.resolve())
        else path.name
    )
    doc = read_json(path, rel)
    problems = list(doc.problems)
    unchecked = []
    if doc.data is not None:
        problems += check_report(doc, root, allow_outside, texts)
        source = doc.data.get("source") if isinstance(doc.data, dict) else None
        if texts is None and isinstance(source, dict) and "text_path" not in source:
            unchecked.append(str(source.get("source_id")))
        declared = doc.data.get("schema_version") if isinstance(doc.data, dict) else None
        if required is not None and isinstance(declared, str) and declared != required:
            line = doc.line_of(("schema_version",))
            problems.append(_other_version(rel, line, "$.schema_version", "schema_version", declared, required))
    problems.sort(key=_order)
    return Outcome(problems[:max_errors], len(problems) > max_errors, unchecked)


def _other_version(file: str, line: int | None, path: str, field: str, version: str, required: str) -> Problem:
    return Problem(
        file,
        line,
        path,
        field,
        "wrong-schema-version",
        f"follows schema {show_value(version)}, but {required} is required here (--schema-version); "
        f"validate it with the version it is written for, or convert it.",
    )


def _order(p: Problem) -> tuple:
    return (p.file or "", p.line or 0, p.path or "", p.field or "", p.code)
