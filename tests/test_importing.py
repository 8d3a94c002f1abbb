"""`import air-attacks`: the air-attack table as 0.2.0 war reports, on invented fixtures and, when
present, on the real samples in ../shared/peers/ (never copied into the repository)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pycountry
import pytest

from war_report_events.failure import UserError as InputError
from war_report_events.peers import air_attacks, importing
from war_report_events.peers.air_attacks import Record, import_air_attacks, read_records
from war_report_events.validator import cli

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "peers"
PEERS = ROOT.parent / "shared" / "peers"
FIXTURE_FILES = {"air-attacks-2026-format.csv": "2025-02-01", "air-attacks-2024-format.csv": "2024-10-01"}
REAL_FILES = {
    "air-attacks-sample.csv": "2026-04-08",
    "air-attacks-sample-2024-11.csv": "2024-11-03",
}  # snapshot dates: peers README

CASES = [pytest.param(FIXTURES / name, date, id=f"fixture:{name}") for name, date in FIXTURE_FILES.items()] + [
    pytest.param(
        PEERS / name,
        date,
        id=f"real:{name}",
        marks=pytest.mark.skipif(
            not (PEERS / name).is_file(),
            reason=f"real peer sample {PEERS / name} not present (it lives outside the repository)",
        ),
    )
    for name, date in REAL_FILES.items()
]


def run_import(csv_path: Path, published: str, out: Path) -> dict[str, dict]:
    """Imports through the command line; returns the written reports by file name."""
    assert importing.main(["air-attacks", str(csv_path), str(out), "--published", published]) == 0
    return {
        p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted((out / "data" / "reports").glob("*.json"))
    }


def records_of(csv_path: Path) -> list[Record]:
    return read_records(csv_path.read_text(encoding="utf-8"), csv_path.name)[1]


def claims_quoting(reports: dict[str, dict], rec: Record) -> list[tuple[dict, dict]]:
    """(event, claim) of every claim whose quote is the record, the row's own claim first."""
    return [
        (e, c)
        for r in reports.values()
        for e in r["events"]
        for c in e["claims"]
        if c["quote"] == rec.raw and rec.cells["source"].strip() in r["source"]["title"]
    ]


# ---------------------------------------------------------------- valid, complete, deterministic


@pytest.mark.parametrize("csv_path,published", CASES)
def test_every_imported_report_is_valid(csv_path: Path, published: str, tmp_path: Path) -> None:
    reports = run_import(csv_path, published, tmp_path)
    posts = {r.cells["source"].strip() for r in records_of(csv_path)}
    assert len(reports) == len(posts)  # one report per post
    for name in reports:
        code, output = cli.run([str(tmp_path / "data" / "reports" / name)])
        assert code == 0, output
    assert sum(len(e["claims"]) for r in reports.values() for e in r["events"]) >= len(records_of(csv_path))


def _numbers(claims: list[dict], measure: str) -> list[tuple[object, str | None, str]]:
    return [
        (q.get("value"), q.get("subject_detail"), q["wording"])
        for c in claims
        for q in c.get("quantities", [])
        if q["measure"] == measure
    ]


def _count(text: str) -> int | None:
    return None if text.strip().lower() == "nan" else int(float(text))


def _dict(text: str) -> dict:
    return air_attacks.python_literal(text, "test") if text.strip() else {}


# Where each column of the table ends up (besides the shipped record text, which holds every cell):
# column -> (what the test checks, check(cell, row's event, row's claims, events of the row's claims, report)).
Check = Callable[[str, dict, list, list, dict], bool]
WHERE: dict[str, tuple[str, Check]] = {
    "time_start": (
        "event time_wording (verbatim) and date_start",
        lambda v, e, c, es, r: e["time_wording"].startswith(v.strip() + ",") and e["date_start"] == v.strip()[:10],
    ),
    "time_end": (
        "event time_wording (verbatim) and date_end",
        lambda v, e, c, es, r: e["time_wording"].endswith("," + v.strip()) and e["date_end"] == v.strip()[:10],
    ),
    "model": (
        "subject_detail of the row's launched/destroyed quantities",
        lambda v, e, c, es, r: any(
            d == v.strip() for _, d, _ in _numbers(c[:1], "launched") + _numbers(c[:1], "destroyed")
        ),
    ),
    "launch_place": ("claim statement", lambda v, e, c, es, r: f"launched from {v.strip()}" in c[0]["statement"]),
    "target": (
        "event place name",
        lambda v, e, c, es, r: (
            next(p["name"] for p in r["places"] if p["place_id"] == e["place_id"]) in (v.strip(), "Ukraine")
            or e["place_id"] == "ua"
            and v.strip() == "Ukraine"
        ),
    ),
    "target_main": ("claim statement", lambda v, e, c, es, r: f"main target {v.strip()}" in c[0]["statement"]),
    "launched": (
        "quantity launched, value",
        lambda v, e, c, es, r: (
            (_count(v), c[0]["quantities"][0]["subject_detail"]) in {(n, d) for n, d, _ in _numbers(c[:1], "launched")}
        ),
    ),
    "destroyed": (
        "quantity destroyed, value",
        lambda v, e, c, es, r: _count(v) in {n for n, d, _ in _numbers(c[:1], "destroyed") if d != "jet-powered"},
    ),
    "not_reach_goal": (
        "quantity not_reached, value",
        lambda v, e, c, es, r: _count(v) in {n for n, _, _ in _numbers(c[:1], "not_reached")},
    ),
    "still_attacking": (
        "quantity still_airborne, value",
        lambda v, e, c, es, r: _count(v) in {n for n, _, _ in _numbers(c[:1], "still_airborne")},
    ),
    "cross_border_belarus": (
        "quantity left_airspace, subject_detail belarus",
        lambda v, e, c, es, r: (_count(v), "belarus") in {(n, d) for n, d, _ in _numbers(c[:1], "left_airspace")},
    ),
    "back_russia": (
        "quantity left_airspace, subject_detail russia",
        lambda v, e, c, es, r: (_count(v), "russia") in {(n, d) for n, d, _ in _numbers(c[:1], "left_airspace")},
    ),
    "border_crossing": (
        "one left_airspace quantity per country, subject_detail = the key",
        lambda v, e, c, es, r: all(
            ((None if n is None else int(n)), k) in {(x, d) for x, d, _ in _numbers(c[:1], "left_airspace")}
            for k, n in _dict(v).items()
        ),
    ),
    "is_shahed": (
        "quantity launched, subject_detail Shahed-type attack drones",
        lambda v, e, c, es, r: (
            (_count(v), "Shahed-type attack drones") in {(n, d) for n, d, _ in _numbers(c[:1], "launched")}
        ),
    ),
    "num_hit_location": (
        "quantity hit, subject location",
        lambda v, e, c, es, r: (
            _count(v)
            in {q.get("value") for q in c[0]["quantities"] if q["measure"] == "hit" and q["subject"] == "location"}
        ),
    ),
    "num_fall_fragment_location": (
        "quantity debris_fell, subject location",
        lambda v, e, c, es, r: (
            _count(v)
            in {
                q.get("value")
                for q in c[0]["quantities"]
                if q["measure"] == "debris_fell" and q["subject"] == "location"
            }
        ),
    ),
    "carrier": ("claim statement", lambda v, e, c, es, r: f"carrier {v.strip()}" in c[0]["statement"]),
    "turbojet": (
        "quantity launched, subject_detail jet-powered",
        lambda v, e, c, es, r: (_count(v), "jet-powered") in {(n, d) for n, d, _ in _numbers(c[:1], "launched")},
    ),
    "turbojet_destroyed": (
        "quantity destroyed, subject_detail jet-powered",
        lambda v, e, c, es, r: (_count(v), "jet-powered") in {(n, d) for n, d, _ in _numbers(c[:1], "destroyed")},
    ),
    "affected region": (
        "one sub-event per region, place name = the region",
        lambda v, e, c, es, r: (
            set(_list(v)) <= {next(p["name"] for p in r["places"] if p["place_id"] == x["place_id"]) for x in es}
        ),
    ),
    "destroyed_details": (
        "one sub-event per key, place name = the key, quantity destroyed (vague for NaN)",
        lambda v, e, c, es, r: all(
            any(
                next(p["name"] for p in r["places"] if p["place_id"] == x["place_id"]) in (k, "Ukraine")
                and any(
                    q["measure"] == "destroyed"
                    and q.get("value") == (None if n is None else int(n))
                    and q["qualifier"] == ("vague" if n is None else "exact")
                    for cl in x["claims"]
                    for q in cl.get("quantities", [])
                )
                for x in es
            )
            for k, n in _dict(v).items()
        ),
    ),
    "launched_details": (
        "one launched quantity per model, subject_detail = the model",
        lambda v, e, c, es, r: all(
            (int(n), k) in {(x, d) for x, d, _ in _numbers(c[:1], "launched")} for k, n in _dict(v).items()
        ),
    ),
    "launch_place_details": (
        "claim statement",
        lambda v, e, c, es, r: all(f"{k}: {p}" in c[0]["statement"] for k, p in _dict(v).items()),
    ),
    "source": (
        "source title (and url when the cell is a URL)",
        lambda v, e, c, es, r: (
            r["source"]["title"].endswith(v.strip()) and (not v.startswith("http") or r["source"]["url"] == v.strip())
        ),
    ),
}


def _list(text: str) -> list[str]:
    return [str(x) for x in air_attacks.python_literal(text, "test")] if text.strip() else []


def test_every_known_column_has_a_stated_place() -> None:
    assert set(WHERE) == set(air_attacks.KNOWN)


@pytest.mark.parametrize("csv_path,published", CASES)
def test_every_non_empty_cell_appears_in_the_result(csv_path: Path, published: str, tmp_path: Path) -> None:
    reports = run_import(csv_path, published, tmp_path)
    by_title = {r["source"]["title"]: r for r in reports.values()}
    checked = 0
    for rec in records_of(csv_path):
        report = by_title[f"{air_attacks.DATASET}: rows citing {rec.cells['source'].strip()}"]
        text = (tmp_path / report["source"]["text_path"]).read_text(encoding="utf-8")
        assert rec.raw in text  # the shipped record holds every cell verbatim
        found = claims_quoting(reports, rec)
        event, claims = found[0][0], [c for _, c in found]
        sub_events = [e for e, _ in found[1:]]
        for column, cell in rec.cells.items():
            if not cell.strip() or cell.strip() in ("{}", "[]"):
                continue
            what, check = WHERE[column]
            assert check(cell, event, claims, sub_events, report), (
                f"{csv_path.name}:{rec.line} {column}={cell!r} not found in {what}"
            )
            checked += 1
    assert checked > 0


@pytest.mark.parametrize("csv_path,published", CASES)
def test_output_is_deterministic(csv_path: Path, published: str) -> None:
    text = csv_path.read_text(encoding="utf-8")
    assert import_air_attacks(text, csv_path.name, published) == import_air_attacks(text, csv_path.name, published)


def test_fixture_figures_dates_places_and_kinds(tmp_path: Path) -> None:
    reports = run_import(FIXTURES / "air-attacks-2026-format.csv", "2025-02-01", tmp_path)
    events = {e["event_id"]: e for r in reports.values() for e in r["events"]}
    places = {p["place_id"]: p for r in reports.values() for p in r["places"]}
    shahed = next(
        e for e in events.values() if e["summary"].startswith("Aerial attack with Shahed-136/131 aimed at Ukraine")
    )
    assert (shahed["date_start"], shahed["date_end"], shahed["date_precision"], shahed["time_of_day"]) == (
        "2025-01-10",
        "2025-01-11",
        "days",
        "overnight",
    )
    assert shahed["event_subtype"] == "drone_strike" and "actor_id" not in shahed  # the table names no attacker
    q = {(x["measure"], x.get("subject_detail")): x for x in shahed["claims"][0]["quantities"]}
    assert (
        q[("launched", "Shahed-136/131")]["value"] == 120 and q[("launched", "Shahed-136/131")]["qualifier"] == "exact"
    )
    launched_id = q[("launched", "Shahed-136/131")]["quantity_id"]
    assert q[("launched", "Shahed-type attack drones")]["part_of"] == launched_id
    assert q[("launched", "jet-powered")]["part_of"] == launched_id
    assert (
        q[("left_airspace", "moldova")]["value"] == 1
        and q[("left_airspace", "belarus")]["wording"] == "'belarus': 2.0"
    )
    assert q[("hit", None)]["subject"] == "location" and q[("debris_fell", None)]["value"] == 5
    # Regions: sector, joined key, a misspelt oblast (no code guessed) and NaN as vague.
    regional = [e for e in events.values() if e["event_id"].startswith(shahed["event_id"] + "-")]
    assert {places[e["place_id"]]["name"] for e in regional} == {
        "south",
        "east",
        "north",
        "Odesa oblast and Mykolaiv oblast",
        "Cehrnihiv oblast",
        "Kyiv oblast",
        "Odesa oblast",
    }
    typo = next(e for e in regional if places[e["place_id"]]["name"] == "Cehrnihiv oblast")
    assert places[typo["place_id"]]["place_type"] == "area" and "subdivision" not in places[typo["place_id"]]
    assert (
        typo["claims"][0]["quantities"][0]["qualifier"] == "vague"
        and "value" not in typo["claims"][0]["quantities"][0]
    )
    joined = next(e for e in regional if "mykolaiv" in e["place_id"])
    assert places[joined["place_id"]]["country"] == "UA" and joined["claims"][0]["quantities"][0]["value"] == 6
    # A bundle of two missiles, a guided bomb, a reconnaissance drone, a combined row.
    kinds = {
        e["summary"].split(" aimed")[0].removeprefix("Aerial attack with "): e.get("event_subtype")
        for e in events.values()
        if e["summary"].startswith("Aerial")
    }
    assert kinds == {
        "Shahed-136/131": "drone_strike",
        "X-101/X-555 and Kalibr": "missile_strike",
        "Orlan-10": None,
        "KAB": "guided_bomb_strike",
        "X-47 Kinzhal": "missile_strike",
        "Shahed-136/131 and Iskander-M": "combined_strike",
        "Reconnaissance UAV": None,
    }
    combined = next(e for e in events.values() if e["summary"].startswith("Aerial attack with Shahed-136/131 and"))
    assert combined["date_precision"] == "days" and "time_of_day" not in combined
    assert [x["qualifier"] for x in combined["claims"][0]["quantities"]] == ["exact", "vague"]  # destroyed NaN
    assert combined["claims"][0]["quantities"][0]["subject"] == "drone_or_missile"
    morning = next(e for e in events.values() if "Reconnaissance" in e["summary"])
    assert morning["time_of_day"] == "morning" and morning["date_precision"] == "day"
    kinzhal = next(e for e in events.values() if "Kinzhal" in e["summary"])
    assert kinzhal["time_of_day"] == "evening" and places[kinzhal["place_id"]]["place_type"] == "area"
    kab = next(e for e in events.values() if e["summary"].startswith("Aerial attack with KAB"))
    assert places[kab["place_id"]] == {
        "place_id": "ua-kherson",
        "name": "Kherson",
        "place_type": "settlement",
        "country": "UA",
        "parent_place_id": "ua",
    }
    # Claimants by account; a URL source becomes the url, a path never does.
    sources = {r["source"]["title"].rsplit(" ", 1)[1]: r for r in reports.values()}
    assert sources["https://t.me/kpszsu/99999"]["source"]["url"] == "https://t.me/kpszsu/99999"
    assert all("url" not in r["source"] for k, r in sources.items() if not k.startswith("http"))
    claimants = {
        k.split("/")[0]: r["events"][0]["claims"][0]["claimant_actor_id"]
        for k, r in sources.items()
        if not k.startswith("http")
    }
    assert claimants == {
        "kpszsu": "ua-air-force",
        "PvKPivden": "ua-air-command-south",
        "PvkZahid": "ua-air-command-west",
    }
    bundle = next(
        e for e in events.values() if "X-101/X-555 and Kalibr" in e["summary"] and e["summary"].startswith("Aerial")
    )
    details = {x.get("subject_detail"): x for x in bundle["claims"][0]["quantities"] if x["measure"] == "launched"}
    assert (
        details["Kalibr"]["value"] == 5
        and details["Kalibr"]["part_of"] == details["X-101/X-555 and Kalibr"]["quantity_id"]
    )


def test_shipped_text_is_header_and_rows_and_quotes_point_into_it(tmp_path: Path) -> None:
    reports = run_import(FIXTURES / "air-attacks-2024-format.csv", "2024-10-01", tmp_path)
    header, records = read_records((FIXTURES / "air-attacks-2024-format.csv").read_text(encoding="utf-8"), "x")
    report = next(r for r in reports.values() if "dddd0004" in r["source"]["title"])
    text = (tmp_path / report["source"]["text_path"]).read_text(encoding="utf-8")
    assert text == header + "\n" + records[0].raw + "\n" + records[1].raw + "\n"
    assert "\n    'Sumy oblast'" in records[0].raw  # a record spanning two physical lines stays whole
    for event in report["events"]:
        for claim in event["claims"]:
            assert text[claim["quote_start"] : claim["quote_end"]] == claim["quote"]
    first = report["events"][0]["claims"][0]["quantities"]
    assert {(q["measure"], q.get("subject_detail"), q["value"]) for q in first if q["measure"] == "left_airspace"} == {
        ("left_airspace", "belarus", 3),
        ("left_airspace", "russia", 1),
    }
    assert (
        report["source"]["publisher"].startswith("Petro Ivaniuk (piterfm)")
        and "CC BY-NC-SA 4.0 (unconfirmed" in report["source"]["rights"]
    )


# ---------------------------------------------------------------- refusals


def test_refuses_to_overwrite_and_leaves_files_unchanged(tmp_path: Path, capsys) -> None:
    csv_path = FIXTURES / "air-attacks-2024-format.csv"
    run_import(csv_path, "2024-10-01", tmp_path)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert importing.main(["air-attacks", str(csv_path), str(tmp_path), "--published", "2024-10-01"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "in.csv"
    path.write_text(text, encoding="utf-8")
    return path


HEADER = "time_start,time_end,model,launch_place,target,launched,destroyed,destroyed_details,source\n"


@pytest.mark.parametrize(
    "row,message",
    [
        ("2025-01-01,2025-01-01,Mystery-9,,south,1.0,1.0,,kpszsu/posts/x\n", "weapon model 'Mystery-9' is not known"),
        ("2025-01-02,2025-01-01,Lancet,,south,1.0,1.0,,kpszsu/posts/x\n", "is before time_start"),
        ("2025-01-01,2025-01-01,Lancet,,south,1.5,1.0,,kpszsu/posts/x\n", "not a whole, non-negative count"),
        (
            "2025-01-01,2025-01-01,Lancet,,south,1.0,1.0,\"__import__('os').system('true')\",kpszsu/posts/x\n",
            "not a Python literal",
        ),
        ("2025-01-01,2025-01-01,Lancet,,south,1.0,1.0,\"['a']\",kpszsu/posts/x\n", "is not a dictionary"),
        ("2025-01-01,2025-01-01,Lancet,,south,1.0,1.0,,\n", "has no source"),
    ],
)
def test_refuses_rows_it_cannot_import_faithfully(tmp_path: Path, capsys, row: str, message: str) -> None:
    path = _csv(tmp_path, HEADER + row)
    assert importing.main(["air-attacks", str(path), str(tmp_path / "out"), "--published", "2025-02-01"]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_refuses_unknown_columns_rather_than_dropping_them(tmp_path: Path) -> None:
    path = _csv(
        tmp_path, HEADER.rstrip("\n") + ",new_column\n2025-01-01,2025-01-01,Lancet,,south,1.0,1.0,,kpszsu/posts/x,5\n"
    )
    with pytest.raises(InputError, match="unknown column\\(s\\): new_column"):
        import_air_attacks(path.read_text(), "in.csv", "2025-02-01")


def test_published_must_be_a_date_not_before_the_newest_row(tmp_path: Path, capsys) -> None:
    path = FIXTURES / "air-attacks-2024-format.csv"
    assert importing.main(["air-attacks", str(path), str(tmp_path / "a"), "--published", "1 Oct 2024"]) == 2
    assert importing.main(["air-attacks", str(path), str(tmp_path / "b"), "--published", "2024-09-01"]) == 1
    assert "before the newest row (2024-09-02)" in capsys.readouterr().err
    assert importing.main(["air-attacks", str(path), str(tmp_path / "c")]) == 2  # --published is required


def test_weapon_reference_table_gives_kinds_the_patterns_do_not_know(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        HEADER + "2025-01-01,2025-01-01,Fixture-Glider,,south,2.0,0.0,,kpszsu/posts/x\n"
        "2025-01-01,2025-01-01,Fixture-Spotter,,south,1.0,1.0,,kpszsu/posts/x\n",
    )
    with pytest.raises(InputError, match="Fixture-Glider"):
        import_air_attacks(path.read_text(), "in.csv", "2025-02-01")
    weapons = air_attacks.read_weapons(FIXTURES / "weapons-format.csv")
    files = import_air_attacks(path.read_text(), "in.csv", "2025-02-01", weapons)
    report = json.loads(next(v for k, v in files.items() if k.endswith(".json")))
    assert [(e.get("event_subtype"), e["claims"][0]["quantities"][0]["subject"]) for e in report["events"]] == [
        ("guided_bomb_strike", "guided_bomb"),
        (None, "drone"),
    ]


def test_reuses_place_definitions_of_the_package_it_joins(tmp_path: Path) -> None:
    path = _csv(tmp_path, HEADER + "2025-01-01,2025-01-01,Lancet,,Kharkiv oblast,1.0,1.0,,kpszsu/posts/x\n")
    known = {
        "places": {
            "ua-63": {
                "place_id": "ua-63",
                "name": "Kharkiv region",
                "place_type": "subdivision",
                "country": "UA",
                "subdivision": "UA-63",
                "parent_place_id": "ua",
            }
        },
        "actors": {},
    }
    files = import_air_attacks(path.read_text(), "in.csv", "2025-02-01", known=known)
    report = json.loads(next(v for k, v in files.items() if k.endswith(".json")))
    assert {p["place_id"]: p["name"] for p in report["places"]} == {"ua": "Ukraine", "ua-63": "Kharkiv region"}


def test_nan_inside_a_quoted_key_is_text_and_bare_nan_is_none() -> None:
    assert air_attacks.python_literal("{'NaN town': NaN, 'x': 2.0}", "t") == {"NaN town": None, "x": 2.0}


def test_subdivision_codes_exist_and_match_their_country() -> None:
    for name, code in air_attacks.SUBDIVISIONS.items():
        sub = pycountry.subdivisions.get(code=code)
        assert sub is not None, code
        assert sub.country_code == code[:2]
        # the English name's first three letters are in pycountry's transliterated name (Sumy: Sumska oblast),
        # except where the transliterations differ (Crimea: Krym, Oryol: Orlovskaya)
        assert name[:3].lower() in sub.name.lower() or code in ("UA-43", "RU-ORL"), (name, sub.name)


@pytest.mark.skipif(
    not (PEERS / "air-attacks-sample.csv").is_file(),
    reason="real peer sample ../shared/peers/air-attacks-sample.csv not present",
)
def test_real_night_of_29_30_october_2024(tmp_path: Path) -> None:
    """The night the seed article reports: the table's Shahed row becomes launched/destroyed/not_reached."""
    reports = run_import(PEERS / "air-attacks-sample.csv", "2026-04-08", tmp_path)
    rows = [
        r
        for r in records_of(PEERS / "air-attacks-sample.csv")
        if r.cells["time_start"] == "2024-10-29 20:00" and r.cells["model"] == "Shahed-136/131"
    ]
    assert len(rows) == 1
    event, claim = claims_quoting(reports, rows[0])[0]
    figures = {q["measure"]: q["value"] for q in claim["quantities"]}
    assert figures == {
        m: int(float(rows[0].cells[c]))
        for m, c in (("launched", "launched"), ("destroyed", "destroyed"), ("not_reached", "not_reach_goal"))
    }
    assert (event["date_start"], event["date_end"], event["time_of_day"], event["place_id"]) == (
        "2024-10-29",
        "2024-10-30",
        "overnight",
        "ua",
    )


def test_imports_build_into_a_valid_package_together(tmp_path: Path, capsys) -> None:
    """Both fixture formats (and, when present, both real snapshots) in one package: ids and definitions agree."""
    for name, date in FIXTURE_FILES.items():
        run_import(FIXTURES / name, date, tmp_path)
    for name, date in REAL_FILES.items():
        if (PEERS / name).is_file():
            run_import(PEERS / name, date, tmp_path)
    from war_report_events.tools import build as build_command

    assert build_command.main([str(tmp_path)]) == 0, capsys.readouterr()
    code, output = cli.run([str(tmp_path)])
    assert code == 0, output


# ---------------------------------------------------------------- accounts and malformed rows

ACCOUNTS_FIXTURE = FIXTURES / "air-attacks-accounts.csv"
EXPECTED_CLAIMANTS = {  # source cell (start) -> claimant actor id
    "kpszsu/posts/": "ua-air-force",
    "PvKPivden/posts/": "ua-air-command-south",
    "PvkZahid/posts/": "ua-air-command-west",
    "pvkshid/posts/": "ua-air-command-east",
    "PvkCenter/posts/": "ua-air-command-centre",
    "GeneralStaff.ua/posts/": "ua-general-staff",
    "CinCAFU/posts/": "ua-commander-in-chief",
    "https://t.me/kpszsu/": "ua-air-force",
    "https://t.me/ChiefUkrDIU/": "ua-defence-intelligence-chief",
    "https://www.facebook.com/PvKPivden/": "ua-air-command-south",
    "kharkivoda.gov.ua/news/": "ua-kharkiv-regional-administration",
    "https://t.me/fixture_monitor/": "account-fixture-monitor",
    "watch/?v=": "account-unnamed",
}


def test_every_kind_of_source_cell_imports_and_bad_rows_are_listed_by_line(tmp_path: Path, capsys) -> None:
    code = importing.main(["air-attacks", str(ACCOUNTS_FIXTURE), str(tmp_path), "--published", "2025-04-01"])
    err = capsys.readouterr().err
    assert code == 1  # rows were left out: a script notices
    assert f"{ACCOUNTS_FIXTURE}:15 launched: 'many' is not a number" in err
    assert f"{ACCOUNTS_FIXTURE}:16: 7 cells, but the header has 9 columns" in err
    assert "Traceback" not in err
    reports = [json.loads(p.read_text(encoding="utf-8")) for p in (tmp_path / "data" / "reports").glob("*.json")]
    claimants = {}
    for r in reports:
        cell = r["source"]["title"].split("rows citing ", 1)[1]
        claimants[cell] = {c["claimant_actor_id"] for e in r["events"] for c in e["claims"]}
        assert {a["actor_id"] for a in r["actors"]} >= claimants[cell]
    for start, actor in EXPECTED_CLAIMANTS.items():
        assert [ids for cell, ids in claimants.items() if cell.startswith(start)][0] == {actor}, start
    good = [r for r in records_of_lenient(ACCOUNTS_FIXTURE) if r.line not in (15, 16)]
    quoted = {c["quote"] for r in reports for e in r["events"] for c in e["claims"]}
    assert {r.raw for r in good} <= quoted and len(good) == 15  # every good row imported (17 rows, 2 bad)
    (no_target,) = [e for r in reports for e in r["events"] if "a target the dataset does not name" in e["summary"]]
    assert no_target["place_precision"] == "unknown" and "place_id" not in no_target  # never a guessed place
    # one-digit hours read as 03:30 and 06:00: before the codelist's morning, so no time_of_day; words verbatim
    assert no_target["time_wording"] == "2025-03-03 3:30,2025-03-03 6:00" and "time_of_day" not in no_target
    unknown = [a for r in reports for a in r["actors"] if a["actor_id"].startswith("account-")]
    assert unknown and all("not identified" in a["name"] for a in unknown)
    from war_report_events.tools import build as build_command

    assert build_command.main([str(tmp_path)]) == 0
    assert cli.run([str(tmp_path)])[0] == 0


def records_of_lenient(path: Path) -> list[Record]:
    return air_attacks.read_table(path.read_text(encoding="utf-8"), path.name)[1]


def test_all_or_nothing_writes_nothing_and_lists_every_bad_row(tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    args = ["air-attacks", str(ACCOUNTS_FIXTURE), str(out), "--published", "2025-04-01", "--all-or-nothing"]
    assert importing.main(args) == 1
    err = capsys.readouterr().err
    assert "nothing written: 2 row(s)" in err and ":15 " in err and ":16:" in err
    assert not out.exists()
    assert importing.main([*args, "--unknown-accounts", "refuse"]) == 1
    err = capsys.readouterr().err
    assert "nothing written: 4 row(s)" in err
    assert ":13: source 'https://t.me/fixture_monitor/12345' names the account 'fixture_monitor'" in err
    assert ":14: source 'watch/?v=99999999999' names no account" in err
    assert not out.exists()
    with pytest.raises(InputError, match=r"2 row\(s\) cannot be imported"):
        import_air_attacks(ACCOUNTS_FIXTURE.read_text(encoding="utf-8"), "in.csv", "2025-04-01")


@pytest.mark.parametrize(
    "cell,account",
    [
        ("kpszsu/posts/pfbid0x", "kpszsu"),
        ("PvKPivden/posts/pfbid0x", "pvkpivden"),
        ("https://t.me/kpszsu/22252", "kpszsu"),
        ("https://t.me/s/kpszsu/22252", "kpszsu"),
        ("https://www.facebook.com/PvkZahid/posts/pfbid0x?locale=uk_UA", "pvkzahid"),
        ("https://m.facebook.com/pvkshid/posts/1", "pvkshid"),
        ("kharkivoda.gov.ua/news/123125", "kharkivoda.gov.ua"),
        ("https://www.kharkivoda.gov.ua/news/1", "kharkivoda.gov.ua"),
        ("watch/?v=1216014506516442", None),
        ("https://www.facebook.com/watch/?v=1", None),
        ("  GeneralStaff.ua/posts/pfbid0x ", "generalstaff.ua"),
    ],
)
def test_account_of_each_url_form(cell: str, account: str | None) -> None:
    assert air_attacks.account_of(cell) == account


def test_account_file_is_well_formed_data() -> None:
    """Every account maps to an actor whose type is in the codelist and whose parents are defined, with evidence."""
    from war_report_events.peers.air_attacks.mapping import account_table
    from war_report_events.standard.schema import load_codelists

    accounts, actors = account_table()
    types = {row["code"] for row in load_codelists("0.2.0")["actor_type"]}
    assert set(accounts) >= {"kpszsu", "pvkpivden", "pvkzahid", "pvkshid", "pvkcenter"}
    for actor in actors.values():
        assert actor.actor_type in types and actor.evidence, actor
        assert not actor.parent_actor_id or actor.parent_actor_id in actors, actor
    assert all(a == a.lower().strip() for a in accounts)


@pytest.mark.parametrize("name", REAL_FILES)
def test_every_account_of_the_real_samples_is_identified(name: str) -> None:
    if not (PEERS / name).is_file():
        pytest.skip(f"real peer sample {PEERS / name} not present (it lives outside the repository)")
    from war_report_events.peers.air_attacks.mapping import account_table

    accounts = {air_attacks.account_of(r.cells["source"]) for r in records_of(PEERS / name)}
    assert accounts <= set(account_table()[0]), accounts - set(account_table()[0])


# ---------------------------------------------------------------- UCDP GED

GED_FIXTURE = FIXTURES / "ucdp-ged-format.csv"
GED_CASES = [pytest.param(GED_FIXTURE, "2023-06-01", id="fixture:ucdp-ged-format.csv")] + [
    pytest.param(
        PEERS / name,
        "2023-06-23",  # the newer file's commit date (peers README); both files' rows are older
        id=f"real:{name}",
        marks=pytest.mark.skipif(
            not (PEERS / name).is_file(),
            reason=f"real peer sample {PEERS / name} not present (it lives outside the repository)",
        ),
    )
    for name in ("ucdp-ged-sample.csv", "ucdp-ged-russia-ukraine-2022-from-rda.csv")
]
GED_BAD_LINES = {9: "not low <= best <= high", 10: "is not a Gleditsch–Ward number", 11: "is before date_start"}


def ged_import(path: Path, published: str, out: Path, capsys) -> tuple[dict[str, dict], list]:
    code = importing.main(["ucdp-ged", str(path), str(out), "--published", published])
    err = capsys.readouterr().err
    assert code == (1 if path == GED_FIXTURE else 0), err
    reports = {
        p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted((out / "data" / "reports").glob("*.json"))
    }
    from war_report_events.peers.ucdp_ged import read_ged

    return reports, read_ged(path.read_text(encoding="utf-8"), path.name)[1]


@pytest.mark.parametrize("csv_path,published", GED_CASES)
def test_ged_every_non_empty_cell_is_kept_or_mapped(csv_path: Path, published: str, tmp_path: Path, capsys) -> None:
    from war_report_events.peers.ucdp_ged import COLUMNS

    reports, records = ged_import(csv_path, published, tmp_path, capsys)
    good = [r for r in records if r.line not in GED_BAD_LINES or csv_path != GED_FIXTURE]
    assert len(reports) == len(good)  # one report per GED event
    for rec in good:
        gid = str(int(float(rec.cells["id"])))
        (report,) = [r for r in reports.values() if r["source"]["title"].startswith(f"UCDP GED event {gid}")]
        (event,) = report["events"]
        (claim,) = event["claims"]
        shipped = (tmp_path / report["source"]["text_path"]).read_text(encoding="utf-8")
        assert claim["quote"] == rec.raw and rec.raw in shipped and claim["claimant_actor_id"] == "ucdp"
        for column, cell in rec.cells.items():
            cell = cell.strip()
            if not cell:
                continue
            found = ged_cell_kept(COLUMNS[column], column, cell, report, shipped, gid)
            assert found, (csv_path.name, rec.line, column, cell, COLUMNS[column])
        total = claim["quantities"][0]
        best, low, high = (int(float(rec.cells[k])) for k in ("best", "low", "high"))
        if low == best == high:
            assert (total["qualifier"], total["value"]) == ("exact", best)
        else:
            assert (total["qualifier"], total["value"], total["lower"], total["upper"]) == (
                "estimate",
                best,
                low,
                high,
            )
    code, output = cli.run([str(p) for p in sorted((tmp_path / "data" / "reports").glob("*.json"))])
    assert code == 0, output


def ged_cell_kept(goes: str, column: str, cell: str, report: dict, shipped: str, gid: str) -> bool:
    """Whether a GED cell is where ucdp_ged.COLUMNS says it goes in the imported report."""
    from war_report_events.peers.countries import iso2_of_gw
    from war_report_events.peers.ucdp_ged import VIOLENCE, WHERE_PREC, day

    (event,) = report["events"]
    (claim,) = event["claims"]
    places = {p["place_id"]: p for p in report["places"]}
    actors = {a["actor_id"]: a for a in report["actors"]}
    numbers = {v for q in claim["quantities"] for k in ("value", "lower", "upper") if (v := q.get(k)) is not None}
    details = " ".join(q.get("subject_detail", "") for q in claim["quantities"])
    at_sea = event["place_precision"] == "water"  # in no country: GED's country and adm_1 stay in the record
    if goes == "record":
        return cell in shipped
    if goes == "source title, event id":
        return gid in report["source"]["title"] and gid in event["event_id"]
    if goes == "source title":
        return cell in report["source"]["title"]
    if goes == "event type":
        return cell in VIOLENCE and (event["event_type"] == "violence_against_civilians") == (cell == "3")
    if goes == "summary":
        return cell in event["summary"]
    if goes == "actor id":
        return f"ucdp-actor-{int(float(cell))}" in actors or "Civilians" in details
    if goes == "actor name":
        return cell in {a["name"] for a in actors.values()} or cell in details
    if goes == "statement":
        return cell in claim["statement"] or "listed in the record" in claim["statement"]
    if goes == "place precision":
        allowed = {"point": ("settlement", "site"), "subdivision": ("subdivision", "area")}
        return event["place_precision"] in allowed.get(WHERE_PREC[cell], (WHERE_PREC[cell],))
    if goes == "place name":
        return cell in {p["name"] for p in places.values()} or at_sea and cell in shipped
    if goes == "place country":
        return iso2_of_gw(cell) == places[event["place_id"]].get("country") or at_sea and cell in shipped
    if goes == "date":
        return day(cell, column) in (event["date_start"], event["date_end"])
    if goes == "quantity":
        return int(float(cell)) in numbers
    if goes == "actor country":
        return iso2_of_gw(cell) in {a.get("country") for a in actors.values()}
    raise AssertionError(f"no check for {goes!r}")


def test_ged_bad_rows_are_listed_by_line_and_all_or_nothing_writes_nothing(tmp_path: Path, capsys) -> None:
    ged_import(GED_FIXTURE, "2023-06-01", tmp_path / "a", capsys)
    args = ["ucdp-ged", str(GED_FIXTURE), str(tmp_path / "b"), "--published", "2023-06-01", "--all-or-nothing"]
    assert importing.main(args) == 1
    err = capsys.readouterr().err
    for line, message in GED_BAD_LINES.items():
        assert f"{GED_FIXTURE}:{line}: " in err and message in err
    assert "nothing written: 3 row(s)" in err and not (tmp_path / "b").exists()


def test_ged_one_sided_violence_two_states_water_and_an_uncoded_adm1(tmp_path: Path, capsys) -> None:
    reports, _ = ged_import(GED_FIXTURE, "2023-06-01", tmp_path, capsys)
    by_id = {r["source"]["title"].split()[3]: r for r in reports.values()}
    one_sided = by_id["900003"]
    assert one_sided["events"][0]["event_type"] == "violence_against_civilians"
    assert "Civilians" not in {a["name"] for a in one_sided["actors"]}  # not an actor: the counted subject
    assert {q["subject"] for q in one_sided["events"][0]["claims"][0]["quantities"]} == {"person", "civilian"}
    states = {a["name"]: a.get("country") for a in by_id["900004"]["actors"]}
    assert states["Government of Russia (Soviet Union)"] == "RU" and states["Government of Ukraine"] == "UA"
    assert by_id["900004"]["events"][0]["place_precision"] == "water"
    uncoded = {p["name"]: p for p in by_id["900005"]["places"]}["Invented oblast"]
    assert uncoded["place_type"] == "area" and "subdivision" not in uncoded  # no guessed ISO code
    estimate = by_id["900002"]["events"][0]
    assert (estimate["date_start"], estimate["date_end"], estimate["date_precision"]) == (
        "2023-05-03",
        "2023-05-05",
        "days",
    )


def test_ged_refuses_unknown_columns(tmp_path: Path) -> None:
    from war_report_events.peers.ucdp_ged import import_ged

    text = GED_FIXTURE.read_text(encoding="utf-8").replace("gwnob\n", "gwnob,new_column\n", 1)
    with pytest.raises(InputError, match=r"unknown column\(s\): new_column"):
        import_ged(text, "in.csv", "2023-06-01")


@pytest.mark.parametrize("name", ["ucdp-ged-sample.csv", "ucdp-ged-russia-ukraine-2022-from-rda.csv"])
def test_gleditsch_ward_lookup_agrees_with_the_ged_samples(name: str) -> None:
    """country_id, gwnoa and gwnob of real GED rows map to the ISO code of the country GED names."""
    if not (PEERS / name).is_file():
        pytest.skip(f"real peer sample {PEERS / name} not present (it lives outside the repository)")
    import csv

    from war_report_events.peers.countries import gw_of_iso2, iso2_of_gw

    rows = list(csv.DictReader((PEERS / name).open(encoding="utf-8", newline="")))
    for row in rows:
        iso = pycountry.countries.lookup(row["country"]).alpha_2
        assert iso2_of_gw(row["country_id"]) == iso and gw_of_iso2(iso) == int(float(row["country_id"]))
        for side in ("a", "b"):
            if row[f"gwno{side}"]:
                state = re.sub(r"^Government of | \(.*\)$", "", row[f"side_{side}"])
                assert iso2_of_gw(row[f"gwno{side}"]) == pycountry.countries.search_fuzzy(state)[0].alpha_2


def test_gleditsch_ward_numbers_come_from_the_pinned_package() -> None:
    from war_report_events.peers.countries import gleditsch_ward

    table = gleditsch_ward()
    assert (table[369], table[365], table[260], table[2]) == ("UA", "RU", "DE", "US")
    assert len(table) == len(set(table.values())) > 190


def test_imported_files_get_the_umask_mode(tmp_path: Path) -> None:
    import os
    import stat

    old = os.umask(0o022)
    try:
        run_import(FIXTURES / "air-attacks-2024-format.csv", "2024-10-01", tmp_path)
    finally:
        os.umask(old)
    written = list((tmp_path / "data").rglob("*.*"))
    assert written and {stat.S_IMODE(p.stat().st_mode) for p in written} == {0o644}


def crosswalk_sql() -> str:
    from markdown_it import MarkdownIt

    fences = MarkdownIt().parse((ROOT / "docs" / "crosswalks.md").read_text(encoding="utf-8"))
    (sql,) = [t.content for t in fences if t.type == "fence" and t.info.strip() == "sql"]
    return sql


@pytest.mark.parametrize("package", ["shipped", "tests/fixtures/base", "tests/fixtures/base-0.2.0"])
def test_crosswalk_deaths_split_runs_on_every_version(package: str, monkeypatch) -> None:
    import duckdb

    monkeypatch.chdir(ROOT if package == "shipped" else ROOT / package)
    rows = duckdb.sql(crosswalk_sql()).fetchall()
    if package == "shipped":  # the seed's "at least four": no best, low 4; one row per claim, never summed across
        seed = [r for r in rows if r[1] == "2024-10-30-drone-strikes-north-korea.c07"]
        assert [(r[3], r[5], r[6], r[8]) for r in seed] == [("person", None, 4, 1)]


@pytest.mark.parametrize("csv_path,published", GED_CASES)
def test_crosswalk_deaths_split_gives_back_ged_deaths(
    csv_path: Path, published: str, tmp_path: Path, capsys, monkeypatch
):
    import duckdb

    from war_report_events.tools import build as build_command

    reports, records = ged_import(csv_path, published, tmp_path, capsys)
    assert build_command.main([str(tmp_path)]) == 0
    monkeypatch.chdir(tmp_path)
    split = {}
    for event_id, _claim, _claimant, subject, side, best, _low, _n, _nv in duckdb.sql(crosswalk_sql()).fetchall():
        split[(event_id.rsplit("-", 1)[1], subject, side and side.split("-")[-1])] = best
    for rec in records:
        c = rec.cells
        if csv_path == GED_FIXTURE and rec.line in GED_BAD_LINES:
            continue
        gid = str(int(float(c["id"])))
        civilians = split.get((gid, "civilian", None))
        assert civilians == int(c["deaths_civilians"]), gid
        if c["side_a_new_id"]:
            assert split.get((gid, "person", c["side_a_new_id"])) == int(c["deaths_a"]), gid


# ---------------------------------------------------------------- hostile inputs


def test_symlinks_out_of_out_dir_are_refused_for_writing_and_reading(tmp_path: Path, capsys) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "package"
    out.mkdir()
    (out / "data").symlink_to(outside, target_is_directory=True)
    args = ["air-attacks", str(FIXTURES / "air-attacks-2024-format.csv"), str(out), "--published", "2024-10-01"]
    assert importing.main(args) == 1
    assert "symlink whose target is outside the package" in capsys.readouterr().err
    assert list(outside.iterdir()) == []
    (out / "data").unlink()
    (out / "data" / "reports").mkdir(parents=True)
    (out / "data" / "reports" / "x.json").symlink_to(tmp_path / "secret.json")
    (tmp_path / "secret.json").write_text('{"places": [{"place_id": "ua", "name": "leaked"}]}', encoding="utf-8")
    assert importing.main(args) == 1
    assert "reads nothing outside OUT_DIR" in capsys.readouterr().err


def test_rows_that_would_make_invalid_reports_are_bad_rows_not_written(tmp_path: Path, capsys) -> None:
    lines = GED_FIXTURE.read_text(encoding="utf-8").splitlines()
    good = lines[1]
    rows = [
        good.replace("Testville village", "T" * 400).replace("900001", "900101", 1),  # place name too long
        good.replace(",Testville village,", ",,").replace("900001", "900102", 1),  # no place name
    ]
    path = tmp_path / "ged.csv"
    path.write_text("\ufeff" + "\n".join([lines[0], *rows, good]) + "\n", encoding="utf-8")  # with a BOM
    assert importing.main(["ucdp-ged", str(path), str(tmp_path / "out"), "--published", "2023-06-01"]) == 1
    err = capsys.readouterr().err
    assert ":2: the row would give an invalid report at $.places[2].name" in err
    assert ":3: where_coordinates: empty" in err
    assert len(list((tmp_path / "out" / "data" / "reports").glob("*.json"))) == 1
    (written,) = (tmp_path / "out" / "data" / "reports").glob("*.json")
    assert cli.run([str(written)])[0] == 0


def test_messages_survive_a_terminal_that_cannot_encode_them(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    out = tmp_path / "пакет"
    env = dict(os.environ, PYTHONIOENCODING="cp1252")
    run = subprocess.run(
        [sys.executable, "-m", "war_report_events", "import", "air-attacks", str(ACCOUNTS_FIXTURE), str(out)]
        + ["--published", "2025-04-01"],
        capture_output=True,
        env=env,
        cwd=ROOT,
    )
    assert run.returncode == 1 and b"Traceback" not in run.stderr, run.stderr
    assert b"\\u043f\\u0430" in run.stdout  # the Cyrillic folder name escaped, not a UnicodeEncodeError


def test_a_repeated_row_is_a_bad_row_naming_the_first(tmp_path: Path, capsys) -> None:
    row = "2025-01-01,2025-01-01,Lancet,,south,1.0,1.0,,kpszsu/posts/x\n"
    path = _csv(tmp_path, HEADER + row + row.replace("1.0,1.0", "2.0,2.0"))
    assert importing.main(["air-attacks", str(path), str(tmp_path / "out"), "--published", "2025-02-01"]) == 1
    assert "in.csv:3: the same post, window, model, target and launch place as line 2" in capsys.readouterr().err
    (report,) = (tmp_path / "out" / "data" / "reports").glob("*.json")
    assert cli.run([str(report)])[0] == 0
