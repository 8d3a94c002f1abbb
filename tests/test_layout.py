"""The house plan: roles as subpackages, imports one way only, no circles, ruff clean.

standard  <- validator <- tools, peers, publish; ``files`` and ``failure`` are the shared doors
any role may use. A test fails when an import points the wrong way or a circle appears.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "war_report_events"

#: role -> roles it may import (besides itself). The top-level modules are their own roles.
ALLOWED: dict[str, set[str]] = {
    "failure": set(),
    "files": {"failure"},
    "standard": {"__init__"},
    "validator": {"__init__", "standard", "files", "failure"},
    "tools": {"__init__", "standard", "validator", "files", "failure"},
    "peers": {"__init__", "standard", "validator", "files", "failure"},
    "publish": {"__init__", "standard", "validator", "files", "failure"},
    "__main__": {"failure"},
    "__init__": set(),
}


def role_of(module: str) -> str:
    """``war_report_events.validator.rules`` -> ``validator``; the package itself -> ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Modules of ours that ``path`` imports, absolute (relative imports resolved), lazy ones included."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "war_report_events"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "war_report_events":
                continue
            for alias in node.names:  # `from pkg import module` names a module when one exists
                candidate = f"{target}.{alias.name}"
                found.add(candidate if module_path(candidate) else target)
    return found


def module_path(module: str) -> Path | None:
    base = ROOT / Path(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def test_every_module_belongs_to_a_known_role() -> None:
    assert {role_of(m) for m in MODULES} <= set(ALLOWED)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_one_way(module: str) -> None:
    role = role_of(module)
    wrong = sorted(
        target
        for target in imports_of(MODULES[module])
        if role_of(target) != role and role_of(target) not in ALLOWED[role]
    )
    assert wrong == [], f"{module} ({role}) may not import {wrong}: see docs/contributing.md#architecture"


def test_no_import_circle() -> None:
    graph = {m: {t for t in imports_of(p) if t in MODULES and t != m} for m, p in MODULES.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt) :] + [nxt]
                pytest.fail("import circle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_the_checker_would_catch_a_wrong_way_import(tmp_path: Path) -> None:
    """The test above is only worth something if it sees a bad import: feed it one."""
    bad = PACKAGE / "validator" / "_probe_wrong_way.py"
    bad.write_text("from war_report_events.tools import build\nfrom ..publish import release\n", encoding="utf-8")
    try:
        assert imports_of(bad) == {"war_report_events.tools.build", "war_report_events.publish.release"}
    finally:
        bad.unlink()


def test_every_command_resolves_to_a_function() -> None:
    from war_report_events.__main__ import COMMANDS, entry

    for name in COMMANDS:
        assert callable(entry(name)), name


def _ruff() -> list[str]:
    exe = Path(sys.executable).parent / "ruff"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("ruff")
    if found is None:
        pytest.fail("ruff is not installed: `make test` installs it from requirements.txt")
    return [found]


@pytest.mark.parametrize("args", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff_is_clean(args: list[str]) -> None:
    done = subprocess.run(
        _ruff() + args + ["war_report_events", "tests", "validate.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
