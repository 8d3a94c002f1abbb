"""A released schema folder never changes: schema/released/<version>.sha256 lists every file of
schema/<version>/ with its SHA-256, and any changed, added or removed file fails here.

Freeze a version (before its first release only):
    python -m war_report_events release --freeze-schema 0.1.0
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from war_report_events.publish import release as releasing

ROOT = Path(__file__).resolve().parent.parent
RELEASED = releasing.released_schema_versions(ROOT)


def test_at_least_one_schema_is_frozen() -> None:
    assert RELEASED, "no schema/released/*.sha256: run `python -m war_report_events release --freeze-schema <v>`"


@pytest.mark.parametrize("version", RELEASED)
def test_released_schema_is_unchanged(version: str) -> None:
    problems = releasing.schema_immutability_problems(ROOT, version)
    assert problems == [], (
        f"schema/{version}/ was released and must not change; put the change into a new "
        f"schema/<next>/ folder (docs/versioning.md):\n" + "\n".join(problems)
    )


@pytest.fixture
def frozen_copy(tmp_path: Path) -> Path:
    """A copy of the repository's schema/0.1.0 folder, frozen in the copy."""
    shutil.copytree(ROOT / "schema" / "0.1.0", tmp_path / "schema" / "0.1.0")
    releasing.write_schema_manifest(tmp_path, "0.1.0")
    assert releasing.schema_immutability_problems(tmp_path, "0.1.0") == []
    return tmp_path


def test_a_changed_file_is_caught(frozen_copy: Path) -> None:
    schema = frozen_copy / "schema" / "0.1.0" / "war-report.schema.json"
    schema.write_text(schema.read_text(encoding="utf-8").replace("war report", "war  report", 1), encoding="utf-8")
    assert releasing.schema_immutability_problems(frozen_copy, "0.1.0") == [
        "changed: schema/0.1.0/war-report.schema.json"
    ]


def test_an_added_file_is_caught(frozen_copy: Path) -> None:
    (frozen_copy / "schema" / "0.1.0" / "codelists" / "new.csv").write_text("code,title,description\n")
    assert releasing.schema_immutability_problems(frozen_copy, "0.1.0") == ["added: schema/0.1.0/codelists/new.csv"]


def test_a_removed_file_is_caught(frozen_copy: Path) -> None:
    (frozen_copy / "schema" / "0.1.0" / "codelists" / "modality.csv").unlink()
    assert releasing.schema_immutability_problems(frozen_copy, "0.1.0") == [
        "removed: schema/0.1.0/codelists/modality.csv"
    ]


def test_freezing_again_never_rewrites_a_released_manifest(frozen_copy: Path) -> None:
    manifest = releasing.manifest_path(frozen_copy, "0.1.0")
    before = manifest.read_bytes()
    assert releasing.write_schema_manifest(frozen_copy, "0.1.0") == (manifest, False)
    (frozen_copy / "schema" / "0.1.0" / "codelists" / "modality.csv").write_text("changed\n")
    with pytest.raises(releasing.UserError, match="never changes"):
        releasing.write_schema_manifest(frozen_copy, "0.1.0")
    assert manifest.read_bytes() == before


def test_manifest_is_sha256sum_format(frozen_copy: Path) -> None:
    """`sha256sum -c schema/released/0.1.0.sha256` from the repository root checks it."""
    lines = releasing.manifest_path(frozen_copy, "0.1.0").read_text(encoding="utf-8").splitlines()
    paths = [line.split("  ", 1)[1] for line in lines]
    assert paths == sorted(paths) and "schema/0.1.0/war-report.schema.json" in paths
    assert all(len(line.split("  ", 1)[0]) == 64 for line in lines)
    if shutil.which("sha256sum"):
        result = subprocess.run(
            ["sha256sum", "--check", "--quiet", "schema/released/0.1.0.sha256"], cwd=frozen_copy, check=False
        )
        assert result.returncode == 0


def test_parse_manifest_rejects_garbage() -> None:
    with pytest.raises(ValueError, match="line 1"):
        releasing.parse_manifest("not a checksum line\n")
    digest = "a" * 64
    assert releasing.parse_manifest(f"{digest}  x\n{digest} *y\n") == {"x": digest, "y": digest}
