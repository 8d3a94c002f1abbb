"""Two versions, each stated consistently: the package's (the release, or the next one marked -dev) and
the schema's its reports follow (docs/versioning.md). Collect what each metadata file states and say which
disagree.

The package version is written down in several places because each audience reads a
different file (pip reads pyproject.toml, citation tools read CITATION.cff, Zenodo reads
.zenodo.json, data tools read datapackage.json, people read CHANGELOG.md); so is the schema
version (validators read the schema `$id`, the package SCHEMA_VERSION, citations CITATION.cff's
schema reference). A release is only citable if each group says one thing, so the release
command and tests/test_versions.py both use `inconsistencies()` below.

Parsing is done by pure functions over text; `collect_versions` is the only I/O.
"""

from __future__ import annotations

import ast
import json
import re
import tomllib
from collections.abc import Callable
from pathlib import Path

import yaml

from war_report_events.failure import UserError
from war_report_events.files import read_text

# SemVer 2.0.0 core (with optional pre-release/build); the folder names under schema/ use it.
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
SCHEMA_ID = re.compile(r"^https://w3id\.org/war-report-events/schema/([^/]+)/war-report\.schema\.json$")
# The first released section below "## [Unreleased]", Keep a Changelog style: "## [0.1.0] - 2026-11-25".
CHANGELOG_RELEASE = re.compile(r"^## \[(?!Unreleased\])([^\]]+)\](?:\s+-\s+(\S+))?\s*$", re.MULTILINE)


def semver_key(version: str) -> tuple[int, int, int]:
    """Sort key of a plain X.Y.Z version (pre-releases are not used for schema folders)."""
    major, minor, patch = version.split("-")[0].split("+")[0].split(".")
    return int(major), int(minor), int(patch)


def latest_schema_version(folder_names: list[str]) -> str | None:
    """The highest X.Y.Z among the folder names under schema/ (others, e.g. released/, are ignored)."""
    versions = [name for name in folder_names if SEMVER.match(name)]
    return max(versions, key=semver_key) if versions else None


# --- one parser per file: text in, version (or None when the file does not state one) out ---


def version_from_schema_id(text: str) -> str | None:
    match = SCHEMA_ID.match(str(json.loads(text).get("$id", "")))
    return match.group(1) if match else None


def version_from_schema_const(text: str) -> str | None:
    const = json.loads(text).get("properties", {}).get("schema_version", {}).get("const")
    return str(const) if const is not None else None


def version_from_cff_schema(text: str) -> str | None:
    """The version in the URL of CITATION.cff's reference to the schema: the citation names the schema too."""
    references = (yaml.safe_load(text) or {}).get("references")
    for reference in references if isinstance(references, list) else []:
        match = SCHEMA_ID.match(str(reference.get("url", ""))) if isinstance(reference, dict) else None
        if match:
            return match.group(1)
    return None


def version_from_json(text: str) -> str | None:
    value = json.loads(text).get("version")
    return str(value) if value is not None else None


def version_from_cff(text: str) -> str | None:
    value = (yaml.safe_load(text) or {}).get("version")
    return str(value) if value is not None else None


def version_from_pyproject(text: str) -> str | None:
    value = tomllib.loads(text).get("project", {}).get("version")
    return str(value) if value is not None else None


def python_constant(name: str) -> Callable[[str], str | None]:
    """A parser reading `NAME = "..."` at module level without importing the module."""

    def parse(text: str) -> str | None:
        for node in ast.parse(text).body:
            if (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
                and isinstance(node.value, ast.Constant)
            ):
                return str(node.value.value)
        return None

    return parse


def version_from_changelog(text: str) -> str | None:
    match = CHANGELOG_RELEASE.search(text)
    return match.group(1) if match else None


def changelog_release_date(text: str) -> str | None:
    """The date of the top released section, e.g. 2026-11-25 (CITATION.cff date-released must match)."""
    match = CHANGELOG_RELEASE.search(text)
    return match.group(2) if match else None


#: The labels (by ending) that state the package version: the data and tools as released, or the next release
#: marked `-dev` between releases. The others state the schema version the reports follow (the latest schema
#: folder, which a data release leaves as it is) and the latest release in the changelog.
PACKAGE_LABELS = (
    "datapackage.json version",
    "CITATION.cff version",
    ".zenodo.json version",
    "pyproject.toml [project] version",
    "__version__",
)
CHANGELOG_LABEL = "CHANGELOG.md top released section"
#: Stated since release 0.3.0 only: a release commit before it (0.2.0) lacks it and stays cuttable; the live
#: repository must state it (tests/test_versions.py).
CFF_SCHEMA_LABEL = "CITATION.cff schema reference"
DEV = "dev"  # the pre-release label between releases: 0.3.0-dev is "on the way to 0.3.0, not released"


def is_dev(version: str) -> bool:
    return version.split("+")[0].endswith("-" + DEV)


def version_sources(root: Path) -> dict[str, tuple[Path, Callable[[str], str | None]]]:
    """Every place a version is stated: label -> (file, parser). Labels name the file so messages are actionable."""
    schema_dir = root / "schema"
    folders = sorted(p.name for p in schema_dir.iterdir() if p.is_dir()) if schema_dir.is_dir() else []
    # The schema the package's reports follow: the latest folder (a draft until its manifest is written).
    latest = latest_schema_version(folders) or "<none>"
    schema_file = Path("schema") / latest / "war-report.schema.json"
    init = Path("war_report_events") / "__init__.py"
    sources: dict[str, tuple[Path, Callable[[str], str | None]]] = {
        f"{schema_file.as_posix()} $id": (schema_file, version_from_schema_id),
        f"{schema_file.as_posix()} schema_version const": (schema_file, version_from_schema_const),
        "datapackage.json version": (Path("datapackage.json"), version_from_json),
        "CITATION.cff version": (Path("CITATION.cff"), version_from_cff),
        CFF_SCHEMA_LABEL: (Path("CITATION.cff"), version_from_cff_schema),
        ".zenodo.json version": (Path(".zenodo.json"), version_from_json),
        "pyproject.toml [project] version": (Path("pyproject.toml"), version_from_pyproject),
        f"{init.as_posix()} __version__": (init, python_constant("__version__")),
        f"{init.as_posix()} SCHEMA_VERSION": (init, python_constant("SCHEMA_VERSION")),
        CHANGELOG_LABEL: (Path("CHANGELOG.md"), version_from_changelog),
    }
    return sources


def collect_versions(root: Path) -> dict[str, str | None]:
    """The version each source states, by label; None when the file is missing, unreadable or silent."""
    found: dict[str, str | None] = {}
    for label, (relative, parse) in version_sources(Path(root)).items():
        try:
            found[label] = parse(read_text(Path(root) / relative))
        except (UserError, ValueError, SyntaxError, yaml.YAMLError, AttributeError):
            # A broken file states no version; its own tests/validators say what is broken.
            found[label] = None
    return found


def _disagreement(versions: dict[str, str]) -> list[str]:
    by_version: dict[str, list[str]] = {}
    for label, v in versions.items():
        by_version.setdefault(v, []).append(label)
    if len(by_version) <= 1:
        return []
    # Most sources first: the odd one out is usually the one to fix.
    groups = sorted(by_version.items(), key=lambda item: (-len(item[1]), item[0]))
    return ["versions disagree: " + "; ".join(f"{v} in {', '.join(labels)}" for v, labels in groups)]


def _is_package_label(label: str) -> bool:
    return label.endswith(PACKAGE_LABELS)


def _schema_labels(versions: dict[str, str | None]) -> list[str]:
    return [label for label in versions if not _is_package_label(label) and label != CHANGELOG_LABEL]


def inconsistencies(versions: dict[str, str | None]) -> list[str]:
    """Human-readable problems: sources without a version, versions that are not SemVer, disagreement.

    Two versions, each stated consistently (docs/versioning.md). The package sources state the package
    version: the release (X.Y.Z) at a release, the next release marked `-dev` between releases. The
    schema sources agree among themselves on the schema the reports follow, a plain X.Y.Z not after the
    package version: a data release keeps its schema (release 0.3.0 may follow schema 0.2.0). The
    changelog's top released section is the package version at a release, and before it between them."""
    problems = [
        f"{label}: no version found" for label, v in versions.items() if v is None and label != CFF_SCHEMA_LABEL
    ]
    problems += [
        f"{label}: {v!r} is not a SemVer version (X.Y.Z)"
        for label, v in versions.items()
        if v is not None and not SEMVER.match(v)
    ]
    given = {label: v for label, v in versions.items() if v is not None}
    if any(not SEMVER.match(v) for v in given.values()):
        return problems + _disagreement(given)
    package = {label: v for label, v in given.items() if _is_package_label(label)}
    if not package:
        return problems + _disagreement(given)
    found = _disagreement(package)
    if found:
        return problems + found
    release = next(iter(package.values()))
    target = semver_key(release)
    schema = {label: given[label] for label in _schema_labels(versions) if label in given}
    found = _disagreement(schema)
    if found:
        return problems + found
    problems += [
        f"{label}: schema {v} is later than the package version {release}; make the package version at least "
        f"{v}{'-' + DEV if is_dev(release) else ''}"
        for label, v in schema.items()
        if semver_key(v) > target
    ]
    problems += [
        f"{label}: schema {v} is a pre-release; a schema version is a folder name X.Y.Z"
        for label, v in schema.items()
        if v != v.split("-")[0].split("+")[0]
    ]
    released = given.get(CHANGELOG_LABEL)
    if released is not None and is_dev(release) and semver_key(released) >= target:
        problems.append(
            f"{CHANGELOG_LABEL}: {released} is released, but the package says {release} (unreleased); "
            f"set the package version to the next release after {released}, marked -{DEV}"
        )
    if released is not None and not is_dev(release) and released != release:
        problems.append(
            f"versions disagree: {CHANGELOG_LABEL} says {released}, the package {release}; at a release the "
            f"changelog's top section is '## [{release}] - YYYY-MM-DD' (move the Unreleased entries under it)"
        )
    return problems


def schema_version(versions: dict[str, str | None]) -> str | None:
    """The schema version the package's reports follow, when every schema source states the same one."""
    required = [versions.get(label) for label in _schema_labels(versions) if label != CFF_SCHEMA_LABEL]
    stated = (set(required) | {versions.get(CFF_SCHEMA_LABEL)}) - {None}
    return stated.pop() if None not in required and len(stated) == 1 else None


def agreed_version(versions: dict[str, str | None]) -> str:
    """The package version every source agrees with; ValueError listing the problems otherwise."""
    problems = inconsistencies(versions)
    if problems:
        raise ValueError("\n".join(problems))
    return next(v for label, v in versions.items() if v is not None and _is_package_label(label))
