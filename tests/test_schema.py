"""The single definition: the JSON Schema and its codelists agree with each other and are complete."""

from __future__ import annotations

import csv
import re

import jsonschema
import pytest

from war_report_events import SCHEMA_VERSION
from war_report_events.standard import schema

SCH = schema.load_schema()
CODELISTS = schema.load_codelists()


def _properties(node: dict, where: str = "$"):
    for name, prop in node.get("properties", {}).items():
        yield f"{where}.{name}", prop
    for name, sub in node.get("$defs", {}).items():
        yield from _properties(sub, f"$defs.{name}")
    for name, prop in node.get("x-parentColumns", {}).items():
        yield f"{where}.(column {name})", prop
    for name, prop in node.get("x-derivedColumns", {}).items():
        yield f"{where}.(derived column {name})", prop


def test_schema_is_valid_draft_2020_12() -> None:
    assert SCH["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCH)


def test_id_carries_the_version_on_a_project_url() -> None:
    assert SCH["$id"] == f"https://w3id.org/war-report-events/schema/{SCHEMA_VERSION}/war-report.schema.json"


@pytest.mark.parametrize("where,prop", list(_properties(SCH)), ids=[w for w, _ in _properties(SCH)])
def test_every_property_has_title_and_description(where: str, prop: dict) -> None:
    assert prop.get("title", "").strip(), where
    assert len(prop.get("description", "")) >= 20, where


def test_every_codelist_reference_exists_and_enum_matches_it() -> None:
    referenced = set()
    for where, prop in _properties(SCH):
        if "x-codelist" in prop:
            name = prop["x-codelist"].removesuffix(".csv")
            referenced.add(name)
            assert name in CODELISTS, where
            assert prop["enum"] == [row["code"] for row in CODELISTS[name]], f"{where}: enum differs from {name}.csv"
        else:
            assert "enum" not in prop, f"{where}: an enum must come from a codelist"
    assert referenced == set(CODELISTS), "every codelist is used by a field"


@pytest.mark.parametrize("name", sorted(CODELISTS))
def test_codelist_form(name: str) -> None:
    path = schema.schema_dir() / "codelists" / f"{name}.csv"
    with open(path, newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
    assert header[:3] == ["code", "title", "description"]
    codes = [r["code"] for r in CODELISTS[name]]
    assert len(codes) == len(set(codes)) and codes
    for row in CODELISTS[name]:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", row["code"]), row
        assert row["title"].strip() and len(row["description"]) >= 20, row
    assert path.read_bytes().endswith(b"\n") and b"\r" not in path.read_bytes()


def test_subtypes_belong_to_existing_types() -> None:
    types = {r["code"] for r in CODELISTS["event_type"]}
    assert {r["event_type"] for r in CODELISTS["event_subtype"]} <= types


def test_required_codes_of_the_contract_exist() -> None:
    codes = {name: {r["code"] for r in rows} for name, rows in CODELISTS.items()}
    assert {"asserted", "forecast", "speculative", "unverified", "denied"} <= codes["modality"]
    assert {"exact", "at_least", "more_than", "at_most", "less_than", "about", "range", "vague"} <= codes["qualifier"]
    assert {"launched", "intercepted", "jammed", "hit", "killed", "injured", "deployed"} <= codes["measure"]


def test_table_columns_follow_the_contract() -> None:
    names = {t.name: t.names for t in schema.tables()}
    assert list(names) == ["sources", "actors", "places", "events", "claims", "quantities"]
    assert names["sources"] == (
        "source_id",
        "publisher",
        "title",
        "published",
        "published_precision",
        "retrieved",
        "language",
        "url",
        "text_path",
        "text_sha256",
        "rights",
        "text_redistribution",
    )
    assert names["events"][-2:] == ("parent_event_id", "reported_as")  # derived columns come last
    assert names["quantities"][:2] == ("quantity_id", "claim_id")
    assert {"claim_date", "claim_date_precision", "quote", "quote_start", "quote_end"} <= set(names["claims"])
