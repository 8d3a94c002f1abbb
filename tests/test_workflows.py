"""CI, the reusable action and the pre-commit hooks: they parse, call real make targets,
pin what they use, document their inputs, and the schemas they check are valid JSON Schema.

Everything here runs offline: check-jsonschema and pre-commit ship the schemas they check against.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from war_report_events import SCHEMA_VERSION

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTION = ROOT / "action.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
PRE_COMMIT_CONFIG = ROOT / ".pre-commit-config.yaml"
YAML_FILES = [*WORKFLOWS, ACTION, HOOKS, PRE_COMMIT_CONFIG]

# A version tag (v4, v4.1, v4.1.2, 0.39.0) or a full commit SHA; never a branch such as main.
PINNED_REF = re.compile(r"^(v?\d+(\.\d+){0,2}|[0-9a-f]{40})$")
MAKE_CALL = re.compile(r"(?:^|[;&|('\"]|\s)make((?:\s+-[-\w=]+)*)\s+([\w./-]+)")


def load(path: Path) -> object:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def strings(node: object) -> Iterator[str]:
    """Every string anywhere in a parsed YAML document."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from strings(key)
            yield from strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from strings(item)


def uses_refs(node: object) -> Iterator[str]:
    """Every value of a `uses:` key (workflow and composite-action steps)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "uses" and isinstance(value, str):
                yield value
            else:
                yield from uses_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from uses_refs(item)


def make_targets(text: str) -> list[str]:
    """The make targets a command line calls, e.g. 'make --quiet validate && x' -> ['validate']."""
    return [match.group(2) for match in MAKE_CALL.finditer(text)]


def makefile_targets() -> set[str]:
    """Targets as make itself sees them (variables expanded), from its printed database."""
    printed = subprocess.run(
        ["make", "-pRrq", "-f", "Makefile", ":"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout
    targets: set[str] = set()
    lines = printed.splitlines()
    for previous, line in zip(["", *lines], lines):
        match = re.match(r"^([\w./-]+):(?!=)", line)
        if match and previous != "# Not a target:":
            targets.add(match.group(1))
    return targets


def test_there_is_a_workflow_and_every_yaml_file_parses() -> None:
    assert WORKFLOWS, "no workflow in .github/workflows/"
    for path in YAML_FILES:
        assert isinstance(load(path), (dict, list)), f"{path.name} is empty or not YAML"


def test_make_target_parsing() -> None:
    assert make_targets("make test") == ["test"]
    assert make_targets("bash -c 'make --quiet .venv/.ready && x'") == [".venv/.ready"]
    assert make_targets("cmake build; make -j2 docs") == ["docs"]
    assert make_targets("python validate.py") == []


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_every_make_call_is_a_makefile_target() -> None:
    targets = makefile_targets()
    assert {"test", "validate", "build", "release"} <= targets, targets
    called = {
        (path.name, target) for path in YAML_FILES for text in strings(load(path)) for target in make_targets(text)
    }
    assert ("validate.yml", "test") in called  # the workflow runs the tests through make
    missing = sorted((name, target) for name, target in called if target not in targets)
    assert not missing, f"make targets called but not in the Makefile: {missing}"


def test_every_action_is_pinned_to_a_version() -> None:
    refs = [(path.name, ref) for path in [*WORKFLOWS, ACTION] for ref in uses_refs(load(path))]
    assert refs
    unpinned = [
        (name, ref)
        for name, ref in refs
        if not ref.startswith("./") and ("@" not in ref or not PINNED_REF.match(ref.rsplit("@", 1)[1]))
    ]
    assert not unpinned, f"pin these to a release tag or commit SHA: {unpinned}"


def test_pre_commit_repos_are_pinned_to_a_version() -> None:
    config = load(PRE_COMMIT_CONFIG)
    remote = [repo for repo in config["repos"] if repo["repo"] not in ("local", "meta")]
    assert remote
    for repo in remote:
        assert PINNED_REF.match(str(repo.get("rev", ""))), f"{repo['repo']} rev {repo.get('rev')!r} is not a version"


def test_workflow_runs_tests_then_validates_with_annotations() -> None:
    workflow = load(ROOT / ".github" / "workflows" / "validate.yml")
    # YAML 1.1 reads the bare key `on` as True.
    triggers = workflow.get("on", workflow.get(True))
    assert {"push", "pull_request"} <= set(triggers)
    steps = workflow["jobs"]["validate"]["steps"]
    runs = [step.get("run", "") for step in steps]
    python = next(step for step in steps if str(step.get("uses", "")).startswith("actions/setup-python@"))
    assert str(python["with"]["python-version"]) == "3.11"
    test_at = next(i for i, run in enumerate(runs) if "make test" in run)
    validate_at = next(i for i, run in enumerate(runs) if "validate.py --format github" in run)
    assert test_at < validate_at


def test_action_inputs_are_documented_defaulted_and_used() -> None:
    action = load(ACTION)
    inputs = action["inputs"]
    assert {name: str(spec.get("default")) for name, spec in inputs.items()} == {
        "path": ".",
        "schema-version": SCHEMA_VERSION,  # the schema the package follows now
        "format": "github",
    }
    steps_text = json.dumps(action["runs"]["steps"])
    header = ACTION.read_text(encoding="utf-8").split("\nname:")[0]
    for name, spec in inputs.items():
        assert len(str(spec.get("description", ""))) > 20, f"input {name} has no real description"
        assert f"inputs.{name}" in steps_text, f"input {name} is declared but never used"
        assert f"{name}:" in header, f"input {name} is missing from the usage example at the top of action.yml"
    assert action["runs"]["using"] == "composite"
    # The action installs its own pinned requirements and runs its own validate.py.
    assert "${{ github.action_path }}" in steps_text
    assert "requirements.txt" in steps_text and "validate.py" in steps_text


def test_action_and_workflow_never_paste_inputs_into_shell() -> None:
    """`${{ inputs.x }}` inside `run:` is shell injection; inputs must go through env."""
    for path in [*WORKFLOWS, ACTION]:
        document = load(path)
        steps = (
            document["runs"]["steps"]
            if path == ACTION
            else [step for job in document["jobs"].values() for step in job["steps"]]
        )
        for step in steps:
            assert "${{" not in step.get("run", "").replace("${{ !cancelled() }}", ""), (path.name, step.get("name"))


def test_offered_hook_runs_the_validator_on_the_package() -> None:
    hooks = {hook["id"]: hook for hook in load(HOOKS)}
    hook = hooks["war-report-events-validate"]
    assert hook["language"] == "python"
    # Hooks run in the calling repository, so the entry is the installed module, not a file here.
    assert hook["entry"] == "python -P -m war_report_events validate"  # -P: the cwd is not on sys.path
    assert hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    for path in ["data/reports/x.json", "data/claims.csv", "datapackage.json"]:
        assert files.search(path), path
    for path in ["README.md", "docs/data/x.md", "tests/datapackage.json.bak"]:
        assert not files.search(path), path


def test_pre_commit_config_has_validator_metaschema_and_build_check() -> None:
    config = load(PRE_COMMIT_CONFIG)
    hooks = {hook["id"]: (repo["repo"], hook) for repo in config["repos"] for hook in repo["hooks"]}
    assert hooks["war-report-events-validate"][0] == "local"
    assert "build --check" in hooks["war-report-events-build-check"][1]["entry"]
    repo, metaschema = hooks["check-metaschema"]
    assert repo == "https://github.com/python-jsonschema/check-jsonschema"
    assert re.search(metaschema["files"], "schema/0.1.0/war-report.schema.json")


def pre_commit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_pre_commit_accepts_the_config_and_the_hook_manifest() -> None:
    config = pre_commit("validate-config", ".pre-commit-config.yaml")
    assert config.returncode == 0, config.stdout + config.stderr
    manifest = pre_commit("validate-manifest", ".pre-commit-hooks.yaml")
    assert manifest.returncode == 0, manifest.stdout + manifest.stderr


def test_pre_commit_rejects_a_broken_manifest(tmp_path: Path) -> None:
    """The check above can fail: a hook without its required `entry` is refused."""
    broken = tmp_path / "hooks.yaml"
    broken.write_text("- id: x\n  name: x\n  language: python\n", encoding="utf-8")
    assert pre_commit("validate-manifest", str(broken)).returncode != 0


def check_jsonschema(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(
    ("schema", "paths"),
    [
        ("vendor.github-workflows", [str(p.relative_to(ROOT)) for p in WORKFLOWS]),
        ("vendor.github-actions", ["action.yml"]),
    ],
)
def test_github_files_match_github_schemas(schema: str, paths: list[str]) -> None:
    result = check_jsonschema("--builtin-schema", schema, *paths)
    assert result.returncode == 0, result.stdout + result.stderr


def test_github_schema_check_can_fail(tmp_path: Path) -> None:
    broken = tmp_path / "action.yml"
    broken.write_text("name: x\ndescription: x\nruns:\n  using: composite\n  steps: [{run: echo}]\n")
    # A composite `run` step needs `shell`.
    assert check_jsonschema("--builtin-schema", "vendor.github-actions", str(broken)).returncode == 1


SCHEMAS = sorted(ROOT.glob("schema/*/war-report.schema.json"))


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.parent.name)
def test_schema_is_valid_draft_2020_12(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)  # what check-jsonschema's check-metaschema hook does


def test_metaschema_check_can_fail() -> None:
    assert SCHEMAS
    with pytest.raises(SchemaError):
        Draft202012Validator.check_schema({"type": "object", "properties": {"x": {"type": "nonsense"}}})


# --- the action's own shell steps, run here as GitHub would run them ---


def run_action_step(
    name: str, inputs: dict[str, str], runner_temp: Path, cwd: Path
) -> subprocess.CompletedProcess[str]:
    """Run one `run:` step of action.yml with bash as GitHub does, its `${{ }}` env values resolved."""
    action = load(ACTION)
    step = next(step for step in action["runs"]["steps"] if step.get("name") == name)
    values = {f"inputs.{key}": str(spec["default"]) for key, spec in action["inputs"].items()}
    values |= {f"inputs.{key}": value for key, value in inputs.items()}
    values["github.action_path"] = str(ROOT)

    def resolve(text: str) -> str:
        return re.sub(r"\$\{\{\s*([\w.-]+)\s*\}\}", lambda m: values[m.group(1)], text)

    env = {**os.environ, "RUNNER_TEMP": str(runner_temp)} | {k: resolve(v) for k, v in step.get("env", {}).items()}
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_action_refuses_a_schema_version_it_does_not_ship(tmp_path: Path) -> None:
    ok = run_action_step("Check the schema version", {}, tmp_path, tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    missing = run_action_step("Check the schema version", {"schema-version": "9.9.9"}, tmp_path, tmp_path)
    assert missing.returncode == 2
    assert missing.stdout.startswith("::error") and "'9.9.9'" in missing.stdout and "0.1.0" in missing.stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_action_validates_a_package_and_annotates_errors(tmp_path: Path) -> None:
    # The install step's venv, stood in for by this interpreter (pip install needs the network).
    python = tmp_path / "war-report-events-venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    workspace = tmp_path / "workspace"
    package = workspace / "packages" / "ours"
    shutil.copytree(ROOT / "data", package / "data")
    shutil.copy(ROOT / "datapackage.json", package)

    valid = run_action_step("Validate", {"path": "packages/ours"}, tmp_path, workspace)
    assert valid.returncode == 0, valid.stdout + valid.stderr

    report = next((package / "data" / "reports").glob("*.json"))
    report.write_text(report.read_text(encoding="utf-8").replace('"actors"', '"actorz"', 1), encoding="utf-8")
    invalid = run_action_step("Validate", {"path": "packages/ours"}, tmp_path, workspace)
    assert invalid.returncode == 1
    assert re.search(rf"^::error file=[^,]*{re.escape(report.name)},line=\d+", invalid.stdout, re.M), invalid.stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_action_enforces_its_schema_version_input(tmp_path: Path) -> None:
    """A 0.2.0 package fails with schema-version 0.1.0 (the input is passed on, not only checked to exist)."""
    python = tmp_path / "war-report-events-venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    workspace = tmp_path / "workspace"
    shutil.copytree(ROOT / "tests" / "fixtures" / "base-0.2.0", workspace / "pkg")

    ours = run_action_step("Validate", {"path": "pkg", "schema-version": "0.2.0"}, tmp_path, workspace)
    assert ours.returncode == 0, ours.stdout + ours.stderr
    other = run_action_step("Validate", {"path": "pkg", "schema-version": "0.1.0"}, tmp_path, workspace)
    assert other.returncode == 1, other.stdout + other.stderr
    assert re.search(r"^::error file=pkg/datapackage.json.*title=wrong-schema-version", other.stdout, re.M), (
        other.stdout
    )


# --- what a contributor sees on GitHub: issue forms and the pull request template ---

ISSUE_FORMS = sorted((ROOT / ".github" / "ISSUE_TEMPLATE").glob("*.yml"))
PR_TEMPLATE = ROOT / ".github" / "pull_request_template.md"


def test_issue_forms_match_githubs_schema() -> None:
    names = {load(path)["name"] for path in ISSUE_FORMS}
    assert {"Report a coding error", "Propose a source"} <= names
    result = check_jsonschema("--builtin-schema", "vendor.github-issue-forms", *map(str, ISSUE_FORMS))
    assert result.returncode == 0, result.stdout + result.stderr


def test_issue_form_check_can_fail(tmp_path: Path) -> None:
    broken = tmp_path / "form.yml"
    # `body` items need a known `type`; "text" is not one (GitHub's is "textarea").
    broken.write_text("name: x\ndescription: x\nbody:\n  - type: text\n    id: a\n    attributes: {label: a}\n")
    assert check_jsonschema("--builtin-schema", "vendor.github-issue-forms", str(broken)).returncode == 1


def test_pull_request_checklist_names_the_commands_the_docs_name() -> None:
    template = PR_TEMPLATE.read_text(encoding="utf-8")
    boxes = re.findall(r"^- \[ \] (.+)$", template, flags=re.M)
    assert len(boxes) >= 6
    for step in ("fill-offsets", "suggest", "make build", "validate.py", "make test", "rights", "undated-"):
        assert any(step in box for box in boxes), step
    guide = (ROOT / "docs" / "contributing.md").read_text(encoding="utf-8")
    assert "pull_request_template.md" in guide
