"""CITATION.cff is valid Citation File Format 1.2.0, .zenodo.json says the same things, and the
licence files name the licences the metadata declares."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from war_report_events.publish import versions

ROOT = Path(__file__).resolve().parent.parent


def cff() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def zenodo() -> dict:
    return json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))


def latest_schema_id() -> str:
    label = next(label for label in versions.version_sources(ROOT) if label.endswith("$id"))
    path = ROOT / versions.version_sources(ROOT)[label][0]
    return json.loads(path.read_text(encoding="utf-8"))["$id"]


def validate_cff(path: Path) -> subprocess.CompletedProcess[str]:
    # check-jsonschema ships the CFF 1.2.0 schema that cffconvert --validate also uses;
    # cffconvert itself cannot be installed beside jsonschema 4 (it requires jsonschema<4).
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.citation-file-format", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_citation_cff_is_valid_cff_1_2_0() -> None:
    assert cff()["cff-version"] == "1.2.0"
    result = validate_cff(ROOT / "CITATION.cff")
    assert result.returncode == 0, result.stdout + result.stderr


def test_cff_validation_can_fail(tmp_path: Path) -> None:
    """'dataset' is not a CFF reference type ('data' is): the check must say so."""
    broken = tmp_path / "CITATION.cff"
    broken.write_text(
        (ROOT / "CITATION.cff").read_text(encoding="utf-8").replace("  type: data\n", "  type: dataset\n")
    )
    result = validate_cff(broken)
    assert result.returncode == 1 and "dataset" in result.stdout


def test_citation_describes_the_dataset() -> None:
    citation = cff()
    assert citation["type"] == "dataset"
    assert citation["license"] == "CC-BY-4.0"
    assert citation["authors"] == [{"name": "War Report Events contributors"}]
    preferred = citation["preferred-citation"]
    for key in ("title", "version", "date-released", "license", "authors"):
        assert preferred.get(key) == citation.get(key), key  # no date-released between releases
    # No URL is given until the dataset has a home of its own: citation tools use the first
    # identifier as "the" URL of the dataset, and the schema's $id is not that.
    assert "url" not in citation and "identifiers" not in citation and "repository-code" not in citation


def test_zenodo_and_citation_agree() -> None:
    citation, deposit = cff(), zenodo()
    assert deposit["upload_type"] == "dataset"
    assert deposit["title"] == citation["title"]
    assert deposit["version"] == citation["version"]
    assert deposit["license"].lower() == citation["license"].lower()
    assert deposit["keywords"] == citation["keywords"]
    assert [c["name"] for c in deposit["creators"]] == [a["name"] for a in citation["authors"]]


def test_release_dates_agree() -> None:
    """At a release, its date everywhere; between releases (X.Y.Z-dev), no release date at all."""
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    date = versions.changelog_release_date(changelog)
    assert date is not None
    if versions.is_dev(str(cff()["version"])):
        assert "date-released" not in cff() and "date-released" not in cff()["preferred-citation"]
        assert "publication_date" not in zenodo()
    else:
        assert str(cff()["date-released"]) == date
        assert zenodo()["publication_date"] == date


def test_bibtex_and_csl_json_come_from_citation_cff_with_the_version() -> None:
    from war_report_events.publish import citing

    citation = cff()
    bib = citing.bibtex(citation)
    assert bib.startswith("@dataset{war_report_events_") and f"version = {{{citation['version']}}}" in bib
    assert "author  = {{War Report Events contributors}}" in bib
    item = json.loads(citing.csl_json(citation))[0]
    assert (item["type"], item["version"], item["title"]) == ("dataset", str(citation["version"]), citation["title"])
    # Nothing invented: no DOI or URL while CITATION.cff has none.
    assert "doi" not in bib and "url" not in bib and "DOI" not in item and "URL" not in item
    page = (ROOT / "docs" / "citing.md").read_text(encoding="utf-8")
    assert citing.fill(page, citation) == page, "run `make docs`: docs/citing.md differs from CITATION.cff"
    assert bib in page and citing.csl_json(citation) in page
    assert "<repository URL>" not in page and "<owner>" not in page and "TODO" not in page


def test_a_doi_in_citation_cff_reaches_the_generated_blocks() -> None:
    from war_report_events.publish import citing

    citation = {**cff(), "doi": "10.5281/zenodo.0000000"}  # an example value, never written to a file
    assert "doi     = {10.5281/zenodo.0000000}" in citing.bibtex(citation)
    assert json.loads(citing.csl_json(citation))[0]["DOI"] == "10.5281/zenodo.0000000"


def test_zenodo_points_to_the_schema() -> None:
    related = zenodo()["related_identifiers"]
    # Relation and resource type from Zenodo's deposit metadata vocabulary (DataCite relation types).
    assert {
        "identifier": latest_schema_id(),
        "relation": "isDescribedBy",
        "resource_type": "other",
        "scheme": "url",
    } in related


def test_licence_files_name_their_licences() -> None:
    code = (ROOT / "LICENSE").read_text(encoding="utf-8")
    data = (ROOT / "LICENSE-DATA").read_text(encoding="utf-8")
    notice = (ROOT / "NOTICE").read_text(encoding="utf-8")
    assert code.startswith("MIT License")
    assert "https://creativecommons.org/licenses/by/4.0/legalcode" in data
    # The shipped source texts are excluded from both licences, in the licence and the notice.
    assert "data/sources/" in data and "NOT covered" in data
    assert "data/sources/" in notice and "NOT" in notice
