"""Rules as pure functions: the qualifier table, including 0.2.0's estimate (UCDP's best, low and high)."""

from __future__ import annotations

import pytest

from war_report_events.standard import schema
from war_report_events.validator import rules


@pytest.mark.parametrize(
    "row,codes",
    [
        ({"qualifier": "estimate", "value": 9, "lower": 9, "upper": 11}, []),
        ({"qualifier": "estimate", "value": 12, "lower": 9, "upper": 11}, ["range-order"]),
        ({"qualifier": "estimate", "value": 9, "lower": 12, "upper": 11}, ["range-order"]),
        ({"qualifier": "estimate", "value": 9, "upper": 11}, ["qualifier-mismatch"]),
        ({"qualifier": "about", "value": 30}, []),
        ({"qualifier": "about", "value": 30, "lower": 20}, ["qualifier-mismatch"]),
        ({"qualifier": "vague"}, []),
        ({"qualifier": "range", "lower": 5, "upper": 8}, []),
    ],
)
def test_quantity_rules(row: dict, codes: list[str]) -> None:
    assert [f.code for f in rules.quantity_rules(row)] == codes


def test_estimate_is_a_code_of_0_2_0_only() -> None:
    assert "estimate" in schema.table("quantities", "0.2.0").field("qualifier").enum
    assert "estimate" not in schema.table("quantities", "0.1.0").field("qualifier").enum


def test_every_qualifier_of_every_version_has_its_numbers_defined() -> None:
    for version in schema.available_versions():
        assert set(schema.table("quantities", version).field("qualifier").enum) <= set(rules.QUALIFIER_NUMBERS)
