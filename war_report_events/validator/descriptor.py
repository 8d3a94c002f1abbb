"""The descriptor: datapackage.json must be exactly what `make build` derives from the schema."""

from __future__ import annotations

import json
import re
from pathlib import Path

from .. import SCHEMA_VERSION
from ..files import unsafe_reason
from ..standard import schema, tables
from ..standard.reports import json_path
from .errors import Problem, show_value
from .loading import JsonDocument, read_json


def _first_difference(a: object, b: object, parts: tuple = ()) -> tuple | None:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in list(b) + [k for k in a if k not in b]:
            if k not in a or k not in b:
                return parts + (k,)
            d = _first_difference(a[k], b[k], parts + (k,))
            if d is not None:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b)):
            d = _first_difference(x, y, parts + (i,))
            if d is not None:
                return d
        return None if len(a) == len(b) else parts + (min(len(a), len(b)),)
    return None if a == b and type(a) is type(b) else parts


SCHEMA_ID = re.compile(r"^https://w3id\.org/war-report-events/schema/([^/]+)/war-report\.schema\.json$")
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")


def package_version(data: object) -> str:
    """The schema version a package follows: its descriptor's schema_id (or, as 0.1.0 wrote it, its version)
    when this validator has that schema. Between releases the version says e.g. 0.3.0-dev; schema_id does not."""
    if not isinstance(data, dict):
        return SCHEMA_VERSION
    match = SCHEMA_ID.match(str(data.get("schema_id", "")))
    for version in (match.group(1) if match else None, data.get("version")):
        if version in schema.available_versions():
            return version
    return SCHEMA_VERSION


def check_descriptor(root: Path, allow_outside: bool) -> tuple[dict[str, str], list[Problem], str]:
    """Resource name -> safe path to read, the descriptor's problems, and the package's schema version."""
    rel = "datapackage.json"
    why = unsafe_reason(root, rel, allow_outside)
    if why:  # a descriptor symlinked out of the package is not read: not even whether it parses is told
        doc = JsonDocument(rel, "")
        doc.problems.append(Problem(rel, None, None, None, "unsafe-path", f"{why}; it must be a file of the package."))
    else:
        doc = read_json(root / rel, rel)
    found = list(doc.problems)
    version = package_version(doc.data)
    expected = tables.descriptor(version)
    # The defaults are checked like declared paths: a table missing from the descriptor whose file
    # is a symlink out of the package is never read.
    paths = {
        r["name"]: "" if unsafe_reason(root, r["path"], allow_outside) else r["path"] for r in expected["resources"]
    }
    if doc.data is None:
        return paths, found, version
    if not isinstance(doc.data, dict):
        return (
            paths,
            found
            + [
                Problem(
                    rel,
                    1,
                    "$",
                    None,
                    "descriptor-not-object",
                    "datapackage.json must be a JSON object; regenerate it with `make build`.",
                )
            ],
            version,
        )
    resources = doc.data.get("resources")
    for i, res in enumerate(resources if isinstance(resources, list) else []):
        if not isinstance(res, dict):
            continue
        name = res.get("name") if isinstance(res.get("name"), str) else None
        for key in ("path", "schema"):
            value = res.get(key)
            values = value if isinstance(value, list) else [value]
            for v in values:
                why = unsafe_reason(root, v, allow_outside) if isinstance(v, str) else None
                if why:
                    found.append(
                        Problem(
                            rel,
                            doc.line_of(("resources", i, key)),
                            json_path(("resources", i, key)),
                            key,
                            "unsafe-path",
                            f"{show_value(v)} {why}; resources must be files inside the package.",
                        )
                    )
                    if key == "path" and name in paths:
                        paths[name] = ""  # never read an unsafe path
            if (
                key == "path"
                and isinstance(value, str)
                and name in paths
                and paths[name]
                and not unsafe_reason(root, value, allow_outside)
            ):
                paths[name] = value
        ref = json.dumps(res.get("schema")) if isinstance(res.get("schema"), dict) else ""
        if '"$ref"' in ref:
            found.append(
                Problem(
                    rel,
                    doc.line_of(("resources", i, "schema")),
                    json_path(("resources", i, "schema")),
                    "schema",
                    "unsafe-path",
                    "a Table Schema may not use $ref; the validator resolves nothing outside the bundled schema.",
                )
            )
    if isinstance(doc.data.get("version"), str) and SEMVER.match(doc.data["version"]):
        expected["version"] = doc.data["version"]  # the data's own version label (a release, or X.Y.Z-dev)
    diff = _first_difference(doc.data, expected)
    if diff is not None:
        found.append(
            Problem(
                rel,
                doc.line_of(diff),
                json_path(diff),
                None,
                "descriptor-out-of-date",
                f"differs from what `make build` generates at {json_path(diff)}; run `make build`, never edit it by hand.",
            )
        )
    return paths, found, version
