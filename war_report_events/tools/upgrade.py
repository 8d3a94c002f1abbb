"""Upgrade war reports to a newer schema version, losslessly: ``python -m war_report_events upgrade``.

    python -m war_report_events upgrade                 # every data/reports/*.json of the package here
    python -m war_report_events upgrade REPORT.json ... # these reports, in place
    python -m war_report_events upgrade --check         # say what would change, write nothing (exit 1 if any)

Each step maps a report of one version to the next and only adds what the older
version implied; every value of the old report stays where it was. A report is
rewritten all at once (atomic write), or not at all. Run ``make build`` afterwards.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path

from ..failure import UserError
from ..files import atomic_write, dump_report, read_text

Report = dict


def _from_0_1_0(report: Report) -> Report:
    """0.1.0 -> 0.2.0. 0.1.0 required a shipped text (text_path) and a publication day (published), so
    the 0.2.0 forms of the same facts are `text_redistribution: allowed` and the default precision `day`."""
    out = copy.deepcopy(report)
    out["schema_version"] = "0.2.0"
    source = out.get("source")
    if isinstance(source, dict) and "text_redistribution" not in source:
        items = list(source.items())
        at = next((i + 1 for i, (k, _) in enumerate(items) if k == "rights"), len(items))
        items.insert(at, ("text_redistribution", "allowed"))
        out["source"] = dict(items)
    return out


#: from version -> (to version, step)
STEPS: dict[str, tuple[str, Callable[[Report], Report]]] = {"0.1.0": ("0.2.0", _from_0_1_0)}
LATEST = "0.2.0"


def upgrade(report: Report, target: str = LATEST) -> Report:
    """The report in version ``target``; UserError for a version no step starts from."""
    current = report
    seen: set[str] = set()
    while current.get("schema_version") != target:
        version = current.get("schema_version")
        if not isinstance(version, str) or version not in STEPS or version in seen:
            known = ", ".join(sorted(STEPS) + [LATEST])
            raise UserError(f"cannot upgrade from schema_version {version!r} to {target}; known versions: {known}")
        seen.add(version)
        current = STEPS[version][1](current)
    return current


def lost_values(old: object, new: object, path: str = "$") -> list[str]:
    """JSON paths of values of ``old`` that ``new`` lacks or changed (schema_version aside): empty when lossless."""
    if isinstance(old, dict) and isinstance(new, dict):
        return [
            p
            for key, value in old.items()
            if key != "schema_version" or path != "$"
            for p in (
                lost_values(value, new[key], f"{path}.{key}") if key in new else [f"{path}.{key}"]  # type: ignore[index]
            )
        ]
    if isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            return [path]
        return [p for i, (a, b) in enumerate(zip(old, new)) for p in lost_values(a, b, f"{path}[{i}]")]
    same = old == new or (isinstance(old, float) and isinstance(new, float) and math.isnan(old) and math.isnan(new))
    return [] if same and type(old) is type(new) else [path]


def _targets(paths: list[str], root: Path) -> list[Path]:
    if not paths:
        folder = root / "data" / "reports"
        if not folder.is_dir():
            raise UserError(f"{folder} does not exist; run in a package root or name the reports", 2)
        return sorted(p for p in folder.glob("*.json") if not p.is_symlink())
    out = []
    for name in paths:
        path = Path(name)
        if path.is_symlink() or not path.is_file():
            raise UserError(f"{name}: not a regular file (symlinks are not followed)", 2)
        out.append(path)
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m war_report_events upgrade",
        description="Upgrade war reports to schema " + LATEST + " in place, losslessly (then run `make build`).",
    )
    parser.add_argument("reports", nargs="*", metavar="REPORT", help="report files (default: data/reports/*.json)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a report needs upgrading")
    args = parser.parse_args(argv)
    changed: list[tuple[Path, str]] = []
    for path in _targets(args.reports, Path(".")):
        try:
            report = json.loads(read_text(path))
        except json.JSONDecodeError as exc:
            raise UserError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg}); fix it, then upgrade") from None
        except RecursionError:
            raise UserError(f"{path}: nested too deeply to be a war report; nothing written") from None
        if not isinstance(report, dict):
            raise UserError(f"{path}: not a war report (a JSON object)")
        try:
            new = upgrade(report)
        except UserError as exc:
            raise UserError(f"{path}: {exc}") from None
        lost = lost_values(report, new)
        if lost:  # a step that drops a value is a bug: refuse rather than write less than was there
            raise UserError(f"{path}: upgrading would lose {', '.join(lost[:5])}; nothing written", 1)
        if new != report:
            changed.append((path, dump_report(new)))
    if args.check:
        for path, _ in changed:
            print(f"{path}: needs upgrading to {LATEST}")
        return 1 if changed else 0
    # All reports are upgraded in memory first: one unreadable report leaves every file untouched.
    for path, text in changed:
        atomic_write(path, text)
        print(f"{path}: upgraded to {LATEST}")
    print(f"{len(changed)} report(s) upgraded" + ("; now run `make build`" if changed else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
