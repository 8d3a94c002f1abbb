"""docs/one-night.md is generated from the tables, says what the figures say, and the suite fails when it is stale."""

from __future__ import annotations

import csv
import dataclasses
import io
import shutil
from pathlib import Path

import pytest

from war_report_events.publish import one_night

ROOT = Path(__file__).resolve().parent.parent


def figure(qualifier: str, value=None, lower=None, upper=None, source="s1", status="active") -> one_night.Figure:
    return one_night.Figure(
        quantity_id=f"{source}.c01.q1",
        event_id="e",
        measure="injured",
        subject="person",
        place="ua-kyiv",
        qualifier=qualifier,
        value=value,
        lower=lower,
        upper=upper,
        wording="nine people",
        part_of="",
        claimant="someone",
        attribution="said",
        modality="asserted",
        status=status,
        source_id=source,
        publisher="an outlet",
        language="en",
        claim_id=f"{source}.c01",
    )


def test_the_shipped_page_and_plot_are_up_to_date():
    assert one_night.main(["--root", str(ROOT), "--check"]) == 0, "run: python -m war_report_events one-night"


def test_a_changed_table_makes_the_page_stale(tmp_path: Path, capsys):
    for rel in ("data", "docs"):
        shutil.copytree(ROOT / rel, tmp_path / rel, ignore=shutil.ignore_patterns("sources"))
    claims = tmp_path / "data" / "quantities.csv"
    claims.write_text(claims.read_text(encoding="utf-8").replace("nine people", "nine persons"), encoding="utf-8")
    assert one_night.main(["--root", str(tmp_path), "--check"]) == 1
    assert "stale: docs/one-night.md" in capsys.readouterr().err


def test_missing_tables_are_a_message_not_a_traceback(tmp_path: Path):
    with pytest.raises(one_night.UserError, match="run `python -m war_report_events build` first"):
        one_night.read_tables(tmp_path)


@pytest.mark.parametrize(
    ("figures", "word"),
    [
        ([figure("exact", 9), figure("exact", 9, source="s2")], "**Agree**"),
        ([figure("exact", 9), figure("at_least", lower=9, source="s2")], "**Compatible**"),
        ([figure("exact", 9), figure("more_than", lower=9, source="s2")], "**Disagree**"),
        ([figure("exact", 18), figure("exact", 19, source="s2")], "**Disagree**"),
        (
            [
                figure("exact", 5, status="superseded"),
                figure("exact", 9, source="s2"),
                figure("exact", 9, source="s3"),
            ],
            "**Agree**",
        ),
        ([figure("about", 30), figure("about", 30, source="s2")], "not judged"),
        ([figure("exact", 9)], "One source only"),
    ],
)
def test_verdict_never_merges_and_ignores_superseded_figures(figures, word):
    assert word in one_night.verdict(figures)


def test_said_keeps_the_qualifier():
    assert one_night.said(figure("at_least", lower=9)) == "at least 9"
    assert one_night.said(figure("more_than", lower=24)) == "more than 24"
    assert one_night.said(figure("about", 30)) == "about 30"
    assert one_night.said(dataclasses.replace(figure("vague"), wording="“scores of”")) == "“scores of” (no number)"


def copy_tables(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data", ignore=shutil.ignore_patterns("sources", "reports"))
    return tmp_path


def test_text_from_the_data_cannot_inject_html_links_or_rows(tmp_path: Path):
    root = copy_tables(tmp_path)
    claims = root / "data" / "claims.csv"
    text = claims.read_text(encoding="utf-8")
    hostile = "<img src=x onerror=alert(1)> [click](https://example.invalid) | cell\nrow"
    text = text.replace("Eighteen residents were evacuated; the fire was put out.", hostile.replace("\n", " "))
    claims.write_text(text, encoding="utf-8")
    page = one_night.render(one_night.read_tables(root))
    assert "<img" not in page and "[click](https" not in page
    assert "&lt;img src=x onerror=alert(1)&gt; \\[click\\](https://example.invalid) \\| cell row" in page


def test_tables_that_do_not_match_are_a_message_not_a_traceback(tmp_path: Path):
    root = copy_tables(tmp_path)
    claims = root / "data" / "claims.csv"
    lines = claims.read_text(encoding="utf-8").splitlines(keepends=True)
    claims.write_text("".join(lines[:1] + lines[2:]), encoding="utf-8")  # a quantity's claim is gone
    with pytest.raises(
        one_night.UserError, match=r"data/quantities.csv:\d+: .* run `python -m war_report_events build`"
    ):
        one_night.figures(one_night.read_tables(root))


def test_a_table_that_is_not_utf8_is_a_message(tmp_path: Path):
    root = copy_tables(tmp_path)
    (root / "data" / "actors.csv").write_bytes("actor_id,name\nx,Kyjiw Stra\xdfe\n".encode("latin-1"))
    with pytest.raises(one_night.UserError, match="not UTF-8"):
        one_night.read_tables(root)


def test_page_and_plot_are_the_same_bytes_on_every_run(tmp_path: Path):
    first = one_night.outputs(ROOT)
    assert one_night.outputs(ROOT) == first


def test_the_page_is_never_written_through_a_link_out_of_the_package(tmp_path: Path, capsys):
    root, outside = copy_tables(tmp_path / "pkg"), tmp_path / "outside"
    outside.mkdir()
    (root / "docs").symlink_to(outside, target_is_directory=True)
    with pytest.raises(one_night.UserError):
        one_night.main(["--root", str(root)])
    assert list(outside.iterdir()) == []


def test_a_report_of_another_night_leaves_the_page_as_it_is(tmp_path: Path):
    """A contribution that is not one of the listed sources (docs/one-night-sources.txt) changes nothing here."""
    for rel in ("data", "docs"):
        shutil.copytree(ROOT / rel, tmp_path / rel, ignore=shutil.ignore_patterns("sources"))
    other = "2030-01-01-another-night"
    for name, changes in (
        ("sources", {"source_id": other}),
        ("claims", {"claim_id": other + ".c01", "source_id": other}),
    ):
        path = tmp_path / "data" / f"{name}.csv"
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows + [{**rows[0], **changes}])
        path.write_text(out.getvalue(), encoding="utf-8")
    assert one_night.main(["--root", str(tmp_path), "--check"]) == 0
    listed = tmp_path / "docs" / "one-night-sources.txt"
    listed.write_text(listed.read_text(encoding="utf-8") + other + "\n", encoding="utf-8")
    assert one_night.main(["--root", str(tmp_path), "--check"]) == 1  # listed, it joins the page
