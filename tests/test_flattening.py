"""`flat`: one peer-style row per event, with the rule for several claims stated and tested."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from war_report_events.peers import flat as flattening
from war_report_events.peers.flat import claim_figure, combine, flat_events, read_tables

ROOT = Path(__file__).resolve().parent.parent
BASE_V2 = ROOT / "tests" / "fixtures" / "base-0.2.0"
PEERS = ROOT.parent / "shared" / "peers"


def by_id(rows: list[dict]) -> dict[str, dict]:
    return {r["event_id"]: r for r in rows}


def test_shipped_data_one_row_per_event_with_the_seed_figures() -> None:
    tables = read_tables(ROOT)
    rows = flat_events(tables)
    assert [r["event_id"] for r in rows] == [e["event_id"] for e in tables["events"]]
    attack = by_id(rows)["2024-10-30-ru-drone-missile-attack-ua"]
    # "62 drones and one missile": launched sums the claim's figures across subjects.
    assert (attack["launched_best"], attack["intercepted_best"], attack["jammed_best"]) == (63, 33, 25)
    # the one-night corpus: the seed's event is reported by several sources; counted from the tables, not hard-coded
    claims = [c for c in tables["claims"] if c["event_id"] == "2024-10-30-ru-drone-missile-attack-ua"]
    assert (attack["country"], attack["place_name"], attack["number_of_sources"]) == (
        "UA",
        "Ukraine",
        len({c["source_id"] for c in claims}),
    )
    assert set(attack["claimants"].split(";")) == {c["claimant_actor_id"] for c in claims}
    kyiv = by_id(rows)["2024-10-30-ru-drone-strike-ua-kyiv"]
    assert kyiv["injured_best"] == 9  # the child is part_of the nine people: not added again
    assert kyiv["subdivision"] == "UA-30"
    other = by_id(rows)["2024-10-30-ru-attacks-ua-other-regions"]
    assert (other["killed_best"], other["killed_low"], other["killed_high"]) == ("", 4, "")  # "at least four"
    assert (other["injured_best"], other["injured_low"], other["injured_high"]) == (30, 30, 30)  # "about 30"
    exchange = by_id(rows)["2024-10-30-ru-ua-drone-strike-exchange"]
    assert (exchange["launched_best"], exchange["launched_vague"], exchange["launched_claims"]) == (
        "",
        2,
        2,
    )  # "scores of", in the seed and in CityNews' copy of the same AP story


def test_two_sources_on_one_event_and_a_superseded_claim() -> None:
    rows = by_id(flat_events(read_tables(BASE_V2)))
    attack = rows["2024-10-30-ru-drone-missile-attack-ua"]
    assert (
        attack["number_of_sources"] == 2
        and attack["source_ids"] == "2024-10-30-drone-strikes-north-korea;2024-10-30-fixture-air-force-post"
    )
    assert (attack["intercepted_best"], attack["intercepted_claims"], attack["intercepted_distinct"]) == (33, 2, 1)
    assert (attack["not_reached_best"], attack["not_reached_claims"]) == (26, 1)  # 25 drones + 1 missile, one claim
    kyiv = rows["2024-10-30-ru-drone-strike-ua-kyiv"]
    # The seed's "nine" was superseded by the correction's "ten": only the active claim counts.
    assert (kyiv["injured_best"], kyiv["injured_claims"], kyiv["claims_not_active"]) == (10, 1, 1)


def test_disagreeing_claims_are_not_merged_silently() -> None:
    q = lambda claim, qualifier, value=None, lower=None, upper=None, part_of="": {  # noqa: E731
        "claim_id": claim,
        "measure": "killed",
        "qualifier": qualifier,
        "value": "" if value is None else str(value),
        "lower": "" if lower is None else str(lower),
        "upper": "" if upper is None else str(upper),
        "part_of": part_of,
    }
    tables = {
        "places": [],
        "events": [
            {"event_id": "e", "date_precision": "unknown", "place_precision": "unknown", "event_type": "shelling"}
        ],
        "claims": [
            {"claim_id": c, "event_id": "e", "source_id": s, "claimant_actor_id": a, "status": st}
            for c, s, a, st in (
                ("c1", "s1", "a", ""),
                ("c2", "s2", "b", ""),
                ("c3", "s3", "c", ""),
                ("c4", "s3", "c", "retracted"),
                ("c5", "s4", "d", ""),
            )
        ],
        "quantities": [
            q("c1", "exact", 5),
            q("c1", "exact", 1, part_of="x"),
            q("c2", "about", 7),
            q("c3", "at_least", lower=3),
            q("c4", "exact", 100),
            q("c5", "vague"),
        ],
    }
    row = flat_events(tables, ["killed"])[0]
    assert (row["killed_best"], row["killed_low"], row["killed_high"]) == (
        5,
        3,
        "",
    )  # median_low(5, 7); at least 3 has no high
    assert (row["killed_claims"], row["killed_distinct"], row["killed_vague"]) == (4, 3, 1)
    assert (row["number_of_sources"], row["claims_not_active"], row["claimants"]) == (4, 1, "a;b;c;d")


@pytest.mark.parametrize(
    "quantities,expected",
    [
        ([{"qualifier": "exact", "value": "62"}, {"qualifier": "exact", "value": "1"}], ((63, 63, 63), 0)),
        (
            [{"qualifier": "range", "lower": "2", "upper": "4"}, {"qualifier": "about", "value": "10"}],
            ((None, 12, 14), 0),
        ),
        ([{"qualifier": "at_most", "upper": "9"}, {"qualifier": "vague"}], ((None, None, 9), 1)),
        ([{"qualifier": "vague"}], (None, 1)),
    ],
)
def test_claim_figure_sums_bounds_and_counts_vague(quantities: list[dict], expected: tuple) -> None:
    assert claim_figure(quantities) == expected


def test_combine_median_low_min_max() -> None:
    assert combine([(4, 4, 4), (9, 9, 9)]) == (4, 4, 9)
    assert combine([(None, 3, None), (5, 5, 5)]) == (5, 3, None)


def test_main_writes_a_csv_with_every_measure_column_of_the_version_when_asked(tmp_path: Path, capsys) -> None:
    out = tmp_path / "flat.csv"
    assert flattening.main([str(BASE_V2), "--out", str(out), "--measures", "all"]) == 0
    header = next(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert header[:3] == ["event_id", "date_start", "date_end"]
    assert {"left_airspace_best", "debris_fell_vague", "detained_distinct", "detained_qualifiers"} <= set(header)
    assert flattening.main([str(tmp_path / "nowhere")]) == 1
    assert "build the tables first" in capsys.readouterr().err


@pytest.mark.skipif(
    not (PEERS / "air-attacks-sample.csv").is_file(),
    reason="real peer sample ../shared/peers/air-attacks-sample.csv not present",
)
def test_imported_real_sample_flattens_with_regions_as_subdivisions(tmp_path: Path) -> None:
    from war_report_events.peers import importing
    from war_report_events.tools import build as build_command

    assert (
        importing.main(
            ["air-attacks", str(PEERS / "air-attacks-sample.csv"), str(tmp_path), "--published", "2026-04-08"]
        )
        == 0
    )
    assert build_command.main([str(tmp_path)]) == 0
    rows = flat_events(read_tables(tmp_path))
    night = [r for r in rows if r["date_start"] == "2024-10-29" and r["time_of_day"] == "overnight"]
    main = next(r for r in night if r["place_name"] == "Ukraine")
    assert (main["launched_best"], main["destroyed_best"], main["not_reached_best"]) == (62, 33, 25)
    regional = {r["subdivision"]: r for r in night if r["event_id"].startswith(main["event_id"] + "-")}
    assert regional["UA-68"]["destroyed_best"] == 2 and regional["UA-63"]["destroyed_vague"] == 1


def flat_csv(root: Path, tmp_path: Path, *args: str) -> list[dict]:
    out = tmp_path / "flat.csv"
    assert flattening.main([str(root), "--out", str(out), *args]) == 0
    return list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))


def test_shipped_package_only_its_versions_measures_none_all_empty_and_modality(tmp_path: Path) -> None:
    """The shipped package: measures of its own schema version only, each with figures; modality per event."""
    from war_report_events.standard.schema import load_codelists

    rows = flat_csv(ROOT, tmp_path)
    version = flattening.version_of(ROOT)
    codes = [r["code"] for r in load_codelists(version)["measure"]]
    header = list(rows[0])
    shown = [c.rsplit("_", 1)[0] for c in header if c.endswith("_qualifiers")]
    assert shown and set(shown) <= set(codes)
    for m in shown:  # no measure whose columns are all empty
        assert any(r[f"{m}_claims"] for r in rows), m
    modes = [r["code"] for r in load_codelists(version)["modality"]]
    assert [f"claims_{m}" for m in modes] == [
        c for c in header if c.startswith("claims_") and c != "claims_not_active"
    ]
    for r in rows:
        assert int(r["number_of_claims"]) == sum(int(r[f"claims_{m}"]) for m in modes)
        assert r["asserted"] == ("true" if int(r["claims_asserted"]) else "false")
    forecast = by_id(rows)["2024-10-30-kp-troops-fight-ua"]
    assert (forecast["asserted"], forecast["claims_forecast"]) == ("false", "1")  # not an event that happened


def test_qualifiers_are_kept_per_figure(tmp_path: Path) -> None:
    rows = by_id(flat_csv(ROOT, tmp_path))
    other = rows["2024-10-30-ru-attacks-ua-other-regions"]
    assert (other["injured_best"], other["injured_qualifiers"]) == ("30", "about")  # "about 30" says so
    assert (other["killed_best"], other["killed_low"], other["killed_qualifiers"]) == ("", "4", "at_least")
    attack = rows["2024-10-30-ru-drone-missile-attack-ua"]
    # "62 drones and one missile" (the air force), and the corpus's "other unidentified UAVs", "unspecified drones"
    assert (attack["launched_best"], attack["launched_qualifiers"], attack["launched_vague"]) == (
        "63",
        "exact;vague",
        "2",
    )
    exchange = rows["2024-10-30-ru-ua-drone-strike-exchange"]
    assert (exchange["launched_best"], exchange["launched_qualifiers"]) == ("", "vague")
    assert (attack["country"], attack["country_gw"]) == ("UA", "369")


def test_a_0_1_0_package_gets_only_0_1_0_measures(tmp_path: Path) -> None:
    rows = flat_csv(ROOT / "tests" / "fixtures" / "base", tmp_path, "--measures", "all")
    from war_report_events.standard.schema import load_codelists

    header = list(rows[0])
    version = flattening.version_of(ROOT / "tests" / "fixtures" / "base")
    codes = [r["code"] for r in load_codelists(version)["measure"]]
    assert [c.rsplit("_", 1)[0] for c in header if c.endswith("_qualifiers")] == codes
    if version == "0.1.0":
        assert "destroyed_best" not in header and "reported_as" not in header


def page_code(page: str) -> list[tuple[int, str, str]]:
    """(line, language, code) of every python/sql block of a docs page."""
    from markdown_it import MarkdownIt

    fences = [t for t in MarkdownIt().parse((ROOT / page).read_text(encoding="utf-8")) if t.type == "fence"]
    return [
        (f.map[0] + 1, f.info.split()[0], f.content) for f in fences if f.info.split()[:1] in (["python"], ["sql"])
    ]


MULTIPLE = page_code("docs/multiple-sources.md")


@pytest.fixture(scope="module")
def package_0_1_0(tmp_path_factory) -> Path:
    """The 0.1.0 test package (no status column, 0.1.0 measures) with its flat export."""
    import shutil

    root = tmp_path_factory.mktemp("v010")
    shutil.copytree(ROOT / "tests" / "fixtures" / "base" / "data", root / "data")
    assert flattening.version_of(root) == "0.1.0"
    assert flattening.main([str(root), "--out", str(root / "dist" / "events-flat.csv")]) == 0
    return root


@pytest.mark.parametrize("line,language,code", MULTIPLE, ids=[f"multiple-sources.md:{m[0]}" for m in MULTIPLE])
def test_multiple_sources_patterns_run_on_a_0_1_0_package(line, language, code, package_0_1_0, monkeypatch, capfd):
    """The page's outputs are those of the 0.2.0 test package; on 0.1.0 the same code must run, not fail."""
    monkeypatch.chdir(package_0_1_0)
    if language == "python":
        exec(compile(code, f"docs/multiple-sources.md:{line}", "exec"), {"__name__": "__snippet__"})
    else:
        import duckdb

        duckdb.sql(code).fetchall()
    assert "Error" not in capfd.readouterr().err


def test_figures_of_schema_0_2_0_qualifiers() -> None:
    """estimate gives best, low and high; all and none have no number and are counted with the vague."""
    from war_report_events.peers.flat import claim_figure

    def q(qualifier: str, value: str = "", lower: str = "", upper: str = "") -> dict:
        return {"qualifier": qualifier, "value": value, "lower": lower, "upper": upper}

    assert claim_figure([q("estimate", "9", "9", "11")]) == ((9, 9, 11), 0)
    assert claim_figure([q("all"), q("none")]) == (None, 2)
    assert claim_figure([q("exact", "5"), q("all")]) == ((5, 5, 5), 1)
