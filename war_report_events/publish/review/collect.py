"""What the pages show, read from disk: each report with its shipped text and the validator's findings.

The one place of this module that reads files. Nothing outside a package is read (the validator's own
path checks decide), nothing is imported from the data's folder, and nothing is fetched.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ... import SCHEMA_VERSION
from ...failure import UserError
from ...files import Refused, read_bytes
from ...standard.schema import available_versions
from ...validator.errors import Problem
from ...validator.loading import MAX_TEXT_BYTES, read_json, source_text
from ...validator.package import validate_package, validate_report
from ...validator.reports import REPORTS_DIR

MAX_FINDINGS = 10_000


@dataclass
class Report:
    """One report file: its data when it parses, its source text when shipped, and the findings in it."""

    rel: str  # relative to the package root, POSIX form
    data: dict | None
    version: str  # schema version whose titles and codelists describe it
    text: str | None
    text_note: str | None  # why the text is not shown, when it is not
    findings: list[Problem] = field(default_factory=list)
    json_text: str = ""  # the report file as read, to show the lines a finding without a JSON path points at


@dataclass
class Package:
    label: str  # as given on the command line; an absolute path only by its last part (pages name no machine)
    reports: list[Report]
    findings: list[Problem]  # findings not inside a report file (tables, descriptor)
    truncated: bool = False


def version_of(data: object) -> str:
    declared = data.get("schema_version") if isinstance(data, dict) else None
    return declared if isinstance(declared, str) and declared in available_versions() else SCHEMA_VERSION


SOURCE_ID = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$")


def local_copy(texts: Path, source: dict) -> tuple[str | None, str]:
    """(text, note) from ``texts/<source_id>.txt``, a copy the person holds of a text the package does not ship.

    Shown only when its SHA-256 is the report's: a different text would put the quotes at wrong places."""
    sid = source.get("source_id")
    if not isinstance(sid, str) or not SOURCE_ID.match(sid):
        return None, "The text of this source is not shipped in this package, and its id names no file in --texts."
    path = texts / f"{sid}.txt"
    real, folder = os.path.realpath(path), os.path.realpath(texts)
    if not real.startswith(folder + os.sep) or not os.path.lexists(real):
        return None, f"The text of this source is not shipped in this package, and --texts holds no file {sid}.txt."
    try:
        raw = read_bytes(Path(real), MAX_TEXT_BYTES)  # a regular file, capped: a FIFO or a device never hangs us
    except Refused as exc:
        return None, f"The text of this source is not shipped in this package; your copy {path} {exc.reason}."
    digest = hashlib.sha256(raw).hexdigest()
    if digest != source.get("text_sha256"):
        return None, (
            f"The text of this source is not shipped in this package; your copy {path} has SHA-256 {digest}, "
            "not the one the report gives, so it is not the text that was coded and is not shown."
        )
    try:
        return raw.decode("utf-8"), (
            f"Shown from your local copy {path} (its SHA-256 is the report's). The package does not ship this text: "
            "these pages now contain it, so do not publish them."
        )
    except UnicodeDecodeError as exc:
        return None, f"Your copy {path} is not UTF-8 (byte {exc.start}); it is not shown."


def text_of(root: Path, data: object, texts: Path | None = None) -> tuple[str | None, str | None]:
    """(text, None) of a report's shipped source text, (text, note) from a local copy, or (None, why not shown)."""
    source = data.get("source") if isinstance(data, dict) else None
    rel = source.get("text_path") if isinstance(source, dict) else None
    if not isinstance(rel, str) or not rel:
        if texts is not None and isinstance(source, dict):
            return local_copy(texts, source)
        return None, "The text of this source is not shipped in this package."
    raw, why = source_text(root, rel, False)[:2]
    if raw is None:
        return None, f"The text file {rel!r} {why or 'cannot be read'}; it is not shown."
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return None, f"The text file {rel!r} is not UTF-8 (byte {exc.start}); it is not shown."


def _report(root: Path, path: Path, rel: str, findings: list[Problem], texts: Path | None) -> Report:
    doc = read_json(path, rel)
    data = doc.data if isinstance(doc.data, dict) else None
    text, note = text_of(root, data, texts) if data is not None else (None, None)
    return Report(rel, data, version_of(data), text, note, [p for p in findings if p.file == rel], doc.text)


def _root_of_report(path: Path) -> Path:
    here = path.resolve().parent
    if here.name == "reports" and here.parent.name == "data":
        return here.parent.parent
    return next((f for f in here.parents if (f / "datapackage.json").is_file()), here)


def label_of(target: str) -> str:
    path = Path(target)
    return path.resolve().name or target if path.is_absolute() else target


def collect(target: str, texts: Path | None = None) -> Package:
    """A package directory, a datapackage.json or one report file, with every finding of the validator.

    ``texts``: a folder of local copies of texts the package does not ship, as ``<source_id>.txt``."""
    path = Path(target)
    if not path.exists():
        raise UserError(
            f"{target}: does not exist; give a package folder, a datapackage.json or a report .json file.", 2
        )
    if path.is_dir() or path.name == "datapackage.json":
        root = path if path.is_dir() else path.parent
        if not (root / "datapackage.json").is_file():
            raise UserError(f"{target}: holds no datapackage.json; give the package root or a report .json file.", 2)
        outcome = validate_package(root, max_errors=MAX_FINDINGS)
        folder = root / REPORTS_DIR
        files = sorted(folder.glob("*.json")) if folder.is_dir() else []
        rels = [f.relative_to(root).as_posix() for f in files]
        reports = [
            _report(root, f, rel, outcome.problems, texts)
            for f, rel in zip(files, rels)
            if not any(p.file == rel and p.code == "unsafe-path" and p.path is None for p in outcome.problems)
        ]
        shown = {r.rel for r in reports}
        rest = [p for p in outcome.problems if p.file not in shown]
        return Package(label_of(target), reports, rest, outcome.truncated)
    root = _root_of_report(path)
    outcome = validate_report(path, root, max_errors=MAX_FINDINGS)
    rel = (
        path.resolve().relative_to(root.resolve()).as_posix()
        if path.resolve().is_relative_to(root.resolve())
        else path.name
    )
    report = _report(root, path, rel, outcome.problems, texts)
    return Package(label_of(target), [report], [p for p in outcome.problems if p.file != rel], outcome.truncated)


_STEP = re.compile(r'\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]')


def path_parts(path: str | None) -> tuple | None:
    """``$.events[1].claims[0].quote`` -> ("events", 1, "claims", 0, "quote"); None when it is not a JSON path."""
    if not path or not path.startswith("$"):
        return None
    parts: list = []
    pos = 1
    while pos < len(path):
        m = _STEP.match(path, pos)
        if m is None:
            return tuple(parts)
        name, index, quoted = m.groups()
        if name is not None:
            parts.append(name)
        elif index is not None:
            parts.append(int(index))
        else:
            import json

            parts.append(json.loads(quoted))
        pos = m.end()
    return tuple(parts)
