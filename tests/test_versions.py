"""Two versions, each stated consistently: the package version (datapackage.json, CITATION.cff, .zenodo.json,
pyproject.toml, __version__, the CHANGELOG's top release) and the schema version its reports follow (the
schema $id and constant, SCHEMA_VERSION, CITATION.cff's schema reference), never later than the package's."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from war_report_events.publish import versions

ROOT = Path(__file__).resolve().parent.parent


def test_all_version_sources_agree() -> None:
    found = versions.collect_versions(ROOT)
    assert versions.inconsistencies(found) == [], "\n".join(versions.inconsistencies(found))
    assert len(found) == 10 and None not in found.values()


def test_a_release_names_a_frozen_schema_and_records_its_ids() -> None:
    """At a release commit the schema its reports follow is frozen and the release's ids are recorded;
    between releases the schema may be a draft (docs/versioning.md)."""
    found = versions.collect_versions(ROOT)
    release, schema = versions.agreed_version(found), versions.schema_version(found)
    assert schema is not None and versions.semver_key(schema) <= versions.semver_key(release)
    if not versions.is_dev(release):
        assert (ROOT / "schema" / "released" / f"{schema}.sha256").is_file()
        assert (ROOT / "schema" / "released" / f"{release}.ids.csv").is_file()


def copy_version_files(destination: Path) -> str:
    """Copy every file that states a version into `destination`; return the current version."""
    for relative, _ in versions.version_sources(ROOT).values():
        if (ROOT / relative).exists():
            (destination / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / relative, destination / relative)
    # Sources absent here (e.g. datapackage.json before the first build) are written so the
    # copy starts consistent and only the edit below breaks it.
    current = versions.collect_versions(ROOT)["pyproject.toml [project] version"]
    assert current
    if not (destination / "datapackage.json").exists():
        (destination / "datapackage.json").write_text(json.dumps({"version": current}))
    return current


def set_json_key(key: str) -> Callable[[str, str, str], str]:
    def edit(text: str, old: str, new: str) -> str:
        data = json.loads(text)
        data[key] = data[key].replace(old, new)
        return json.dumps(data)

    return edit


def set_schema_const(text: str, old: str, new: str) -> str:
    data = json.loads(text)
    data["properties"]["schema_version"]["const"] = new
    return json.dumps(data)


def replace_once(pattern: str) -> Callable[[str, str, str], str]:
    """Replace the version inside the first occurrence of `pattern` (with {v} for the version)."""

    def edit(text: str, old: str, new: str) -> str:
        before = pattern.format(v=old)
        assert before in text, f"{before!r} not found"
        return text.replace(before, pattern.format(v=new), 1)

    return edit


EDITS: dict[str, Callable[[str, str, str], str]] = {
    "$id": set_json_key("$id"),
    "schema_version const": set_schema_const,
    "datapackage.json version": set_json_key("version"),
    "CITATION.cff version": replace_once('version: "{v}"'),
    "CITATION.cff schema reference": replace_once('url: "https://w3id.org/war-report-events/schema/{v}/'),
    ".zenodo.json version": set_json_key("version"),
    "pyproject.toml [project] version": replace_once('version = "{v}"'),
    "__version__": replace_once('__version__ = "{v}"'),
    "SCHEMA_VERSION": replace_once('SCHEMA_VERSION = "{v}"'),
    "CHANGELOG.md top released section": replace_once("## [{v}]"),
}


def test_every_source_has_an_edit_below() -> None:
    labels = versions.version_sources(ROOT)
    assert all(any(label.endswith(key) for key in EDITS) for label in labels), labels


@pytest.mark.parametrize("key", EDITS)
def test_one_source_disagreeing_is_caught(tmp_path: Path, key: str) -> None:
    copy_version_files(tmp_path)
    assert versions.inconsistencies(versions.collect_versions(tmp_path)) == []
    label = next(label for label in versions.version_sources(tmp_path) if label.endswith(key))
    path = tmp_path / versions.version_sources(tmp_path)[label][0]
    current = versions.collect_versions(tmp_path)[label]
    assert current
    wrong = "9.9.9"  # wrong for every source, at a release and between releases
    path.write_text(EDITS[key](path.read_text(encoding="utf-8"), current, wrong), encoding="utf-8")

    found = versions.collect_versions(tmp_path)
    problems = versions.inconsistencies(found)
    assert found[label] == wrong
    assert len(problems) == 1 and label in problems[0], problems
    with pytest.raises(ValueError):
        versions.agreed_version(found)


def test_dev_versions_between_releases() -> None:
    base = {
        "schema/0.2.0/war-report.schema.json $id": "0.2.0",
        "schema/0.2.0/war-report.schema.json schema_version const": "0.2.0",
        "war_report_events/__init__.py SCHEMA_VERSION": "0.2.0",
        "CHANGELOG.md top released section": "0.2.0",
    }
    package = dict.fromkeys(versions.PACKAGE_LABELS, "0.3.0-dev")
    assert versions.inconsistencies({**base, **package}) == []
    assert versions.agreed_version({**base, **package}) == "0.3.0-dev"
    # Still saying the released version after the changelog moved on, or a dev version already released:
    assert versions.inconsistencies({**base, **dict.fromkeys(versions.PACKAGE_LABELS, "0.2.0-dev")})
    assert versions.inconsistencies({**base, **package, "CHANGELOG.md top released section": "0.3.0"})
    # A schema later than the next release, or package sources that disagree:
    assert versions.inconsistencies({**base, **package, "war_report_events/__init__.py SCHEMA_VERSION": "0.4.0"})
    assert versions.inconsistencies({**base, **package, "CITATION.cff version": "0.3.0"})
    # At a release, the package and the changelog say the release.
    assert versions.inconsistencies({**base, **dict.fromkeys(versions.PACKAGE_LABELS, "0.2.0")}) == []


def test_a_data_release_keeps_its_schema() -> None:
    """Release 0.3.0 may follow schema 0.2.0 unchanged: the reports and the tests that pick by the schema
    version do not move at a data release; the schema sources still agree and are not after the release."""
    schema = {
        "schema/0.2.0/war-report.schema.json $id": "0.2.0",
        "schema/0.2.0/war-report.schema.json schema_version const": "0.2.0",
        "war_report_events/__init__.py SCHEMA_VERSION": "0.2.0",
    }
    release = {**schema, **dict.fromkeys(versions.PACKAGE_LABELS, "0.3.0"), versions.CHANGELOG_LABEL: "0.3.0"}
    assert versions.inconsistencies(release) == []
    assert versions.agreed_version(release) == "0.3.0"
    assert versions.schema_version(release) == "0.2.0"
    # The changelog's top section must be the release; a schema source alone may not move; nor may the
    # schema be later than the release or a pre-release.
    assert versions.inconsistencies({**release, versions.CHANGELOG_LABEL: "0.2.0"}) == [
        "versions disagree: CHANGELOG.md top released section says 0.2.0, the package 0.3.0; at a release the "
        "changelog's top section is '## [0.3.0] - YYYY-MM-DD' (move the Unreleased entries under it)"
    ]
    moved = {**release, "war_report_events/__init__.py SCHEMA_VERSION": "0.3.0"}
    assert versions.inconsistencies(moved) == [
        "versions disagree: 0.2.0 in schema/0.2.0/war-report.schema.json $id, schema/0.2.0/war-report.schema.json "
        "schema_version const; 0.3.0 in war_report_events/__init__.py SCHEMA_VERSION"
    ]
    assert versions.schema_version(moved) is None
    later = {**release, **dict.fromkeys(schema, "0.4.0")}
    assert len(versions.inconsistencies(later)) == 3
    assert "schema 0.4.0 is later than the package version 0.3.0" in versions.inconsistencies(later)[0]
    assert versions.inconsistencies({**release, **dict.fromkeys(schema, "0.3.0-dev")})


def test_a_missing_source_is_a_problem(tmp_path: Path) -> None:
    copy_version_files(tmp_path)
    (tmp_path / ".zenodo.json").unlink()
    assert versions.inconsistencies(versions.collect_versions(tmp_path)) == [".zenodo.json version: no version found"]


def test_a_non_semver_version_is_a_problem() -> None:
    problems = versions.inconsistencies({"a": "0.1", "b": "0.1"})
    assert problems == ["a: '0.1' is not a SemVer version (X.Y.Z)", "b: '0.1' is not a SemVer version (X.Y.Z)"]


def test_changelog_top_release_skips_unreleased() -> None:
    text = "# Changelog\n\n## [Unreleased]\n\n### Fixed\n- x\n\n## [0.2.0] - 2027-01-02\n\n## [0.1.0] - 2026-11-25\n"
    assert versions.version_from_changelog(text) == "0.2.0"
    assert versions.changelog_release_date(text) == "2027-01-02"
    assert versions.version_from_changelog("## [Unreleased]\n") is None


def test_latest_schema_version_orders_numerically() -> None:
    assert versions.latest_schema_version(["0.9.0", "0.10.0", "released", "0.2.1"]) == "0.10.0"
    assert versions.latest_schema_version(["released"]) is None


def test_schema_id_must_follow_the_w3id_pattern() -> None:
    ok = '{"$id": "https://w3id.org/war-report-events/schema/1.2.3/war-report.schema.json"}'
    assert versions.version_from_schema_id(ok) == "1.2.3"
    assert versions.version_from_schema_id('{"$id": "https://example.org/1.2.3/schema.json"}') is None


@pytest.mark.parametrize("junk", ["references: 12\n", "references: {url: x}\n", "references: [12, null]\n"])
def test_a_malformed_schema_reference_states_no_schema(junk: str) -> None:
    text = "cff-version: 1.2.0\n" + junk
    assert versions.version_from_cff_schema(text) is None
