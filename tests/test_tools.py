"""Tests of the coding tools: new, locate, fill-offsets, suggest.

The English and German texts under tests/fixtures/tools/ are test fixtures,
invented for these tests, not news (see the README there). The seed article
and its report are the package's own data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from war_report_events import SCHEMA_VERSION
from war_report_events import files as textfiles
from war_report_events.tools import locate as locating
from war_report_events.tools import new as scaffolding
from war_report_events.tools import suggest as suggesting
from war_report_events.tools.locate import fill_offsets, locate

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "tools"
SEED_ID = "2024-10-30-drone-strikes-north-korea"
SEED_TEXT = ROOT / "tests" / "fixtures" / "base" / "data" / "sources" / f"{SEED_ID}.txt"
SEED_REPORT = ROOT / "tests" / "fixtures" / "base" / "data" / "reports" / f"{SEED_ID}.json"
WEDNESDAY = dt.date(2024, 10, 30)


def seed_text() -> str:
    return SEED_TEXT.read_bytes().decode("utf-8")


def run(capsys: pytest.CaptureFixture[str], entry, argv: list[str]) -> tuple[int, str, str]:
    code = entry(argv)
    out, err = capsys.readouterr()
    return code, out, err


# --- locate -----------------------------------------------------------------------


def test_locate_unique_phrase_prints_offsets(capsys):
    code, out, err = run(capsys, locating.main, [str(SEED_TEXT), "Russia and Ukraine exchanged scores"])
    assert (code, out, err) == (0, "334 369\n", "")
    assert seed_text()[334:369] == "Russia and Ukraine exchanged scores"


def test_locate_counts_code_points_not_bytes(capsys):
    # The curly quotes are 3 bytes each in UTF-8; offsets count them as one.
    code, out, _ = run(capsys, locating.main, [str(SEED_TEXT), "“relatively small number”"])
    assert (code, out) == (0, "1915 1940\n")
    assert seed_text()[1915:1940] == "“relatively small number”"


def test_locate_repeated_phrase_lists_every_occurrence(capsys):
    code, out, err = run(capsys, locating.main, [str(SEED_TEXT), "25"])
    assert (code, out) == (1, "")
    assert err == (
        f"«25» occurs 2 times in {SEED_TEXT}; quote more words so that it occurs once:\n"
        "  line 7, column 128 (offsets 673 675): …hem were intercepted and [25] were jammed. The drones…\n"
        "  line 15, column 44 (offsets 1378 1380): …that air defenses downed [25] Ukrainian drones over se…\n"
    )


def test_locate_near_miss_says_which_quotes_differ(capsys):
    code, out, err = run(capsys, locating.main, [str(SEED_TEXT), '"relatively small number"'])
    assert (code, out) == (1, "")
    assert err == (
        f'«"relatively small number"» does not occur in {SEED_TEXT}.\n'
        "Closest match, 92% alike: line 21, column 72 (offsets 1915 1940): "
        "…ary, said Tuesday that a [“relatively small number”] of North Korean troops a…\n"
        "What differs:\n"
        '  - quotes: the text has «“» where the phrase has «"» (column 72)\n'
        '  - quotes: the text has «”» where the phrase has «"» (column 96)\n'
        "Copy the words from the text as they are: quotes, dashes, spaces and case all count.\n"
    )


def test_locate_near_miss_case_dash_and_whitespace():
    text = seed_text()
    found = locate(text, "russian drones did not change their constant tactics - they approached", "seed")
    assert found.span is None
    assert "Closest match, 97% alike: line 9, column 150 (offsets 839 909)" in found.message
    assert "  - case: the text has «Russian» where the phrase has «russian» (column 150)" in found.message
    assert "  - dashes: the text has «—» where the phrase has «-» (column 203)" in found.message
    spaced = locate(text, "Russia  and Ukraine   exchanged", "seed")
    apostrophe = locate(text, "Ukraines air force said", "seed")
    assert "  - other: the text has «Ukraine's» where the phrase has «Ukraines» (column 1)" in apostrophe.message
    assert spaced.message.splitlines()[2:5] == [
        "What differs:",
        "  - whitespace: the text has a space where the phrase has 2 spaces (column 7)",
        "  - whitespace: the text has a space where the phrase has 3 spaces (column 19)",
    ]


def test_locate_absent_phrase_with_nothing_close(capsys):
    code, _, err = run(capsys, locating.main, [str(SEED_TEXT), "no such words anywhere"])
    assert code == 1
    assert (
        err
        == f"«no such words anywhere» does not occur in {SEED_TEXT}. Nothing in it is close; check the file and the phrase.\n"
    )


def test_locate_missing_file_and_empty_phrase(capsys, tmp_path):
    code, _, err = run(capsys, locating.main, [str(tmp_path / "nope.txt"), "x"])
    assert code == 1 and "no such file" in err
    with pytest.raises(SystemExit) as exit_:
        locating.main([str(SEED_TEXT), ""])
    assert exit_.value.code == 2


def test_locate_keeps_carriage_returns_in_offsets(tmp_path, capsys):
    # A CRLF text must not be read with newline translation, or offsets shift.
    path = tmp_path / "crlf.txt"
    path.write_bytes("one\r\ntwo “three”\r\n".encode())
    code, out, _ = run(capsys, locating.main, [str(path), "“three”"])
    assert (code, out) == (0, "9 16\n")


# --- fill-offsets ---------------------------------------------------------------------


def make_package(tmp_path: Path) -> Path:
    """A package root holding the English fixture text and its fixture report."""
    (tmp_path / "data" / "sources").mkdir(parents=True)
    (tmp_path / "data" / "reports").mkdir(parents=True)
    shutil.copyfile(FIXTURES / "article-en.txt", tmp_path / "data" / "sources" / "2024-10-30-test-fixture-en.txt")
    shutil.copyfile(FIXTURES / "report-en.json", tmp_path / "data" / "reports" / "2024-10-30-test-fixture-en.json")
    return tmp_path / "data" / "reports" / "2024-10-30-test-fixture-en.json"


def test_fill_offsets_writes_what_locate_prints(tmp_path, capsys):
    report_path = make_package(tmp_path)
    code, out, err = run(capsys, locating.main_fill_offsets, ["--root", str(tmp_path)])
    assert (code, err) == (0, "")
    assert out == f"{report_path}: filled the offsets of 2 quote(s)\n"
    raw = report_path.read_text(encoding="utf-8")
    report = json.loads(raw)
    assert raw == json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    text_file = tmp_path / report["source"]["text_path"]
    for claim in report["events"][0]["claims"]:
        code, printed, _ = run(capsys, locating.main, [str(text_file), claim["quote"]])
        assert code == 0
        assert printed == f"{claim['quote_start']} {claim['quote_end']}\n"
        keys = list(claim)
        assert keys[keys.index("quote") + 1 : keys.index("quote") + 3] == ["quote_start", "quote_end"]
    # A second run has nothing to do and leaves the file byte for byte.
    code, out, _ = run(capsys, locating.main_fill_offsets, [str(report_path), "--root", str(tmp_path)])
    assert (code, out) == (0, f"{report_path}: every quote has its offsets\n")
    assert report_path.read_text(encoding="utf-8") == raw


def test_fill_offsets_reproduces_the_seed_reports_offsets():
    shipped = json.loads(SEED_REPORT.read_text(encoding="utf-8"))
    stripped = json.loads(SEED_REPORT.read_text(encoding="utf-8"))
    for event in stripped["events"]:
        for claim in event["claims"]:
            del claim["quote_start"], claim["quote_end"]
    filled, problems = fill_offsets(stripped, seed_text())
    assert problems == []
    assert json.dumps(filled) == json.dumps(shipped)  # same values and same key order
    assert "quote_start" not in stripped["events"][0]["claims"][0]  # the input is not modified


def test_fill_offsets_stops_on_a_repeated_or_absent_quote(tmp_path, capsys):
    report_path = make_package(tmp_path)
    report = json.loads(report_path.read_text(encoding="utf-8"))
    report["events"][0]["claims"][0]["quote"] = "people"  # occurs several times
    report["events"][0]["claims"][2]["quote"] = "A relatively small number of troops stayed in the city"
    report_path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    before = report_path.read_bytes()
    code, out, err = run(capsys, locating.main_fill_offsets, [str(report_path), "--root", str(tmp_path)])
    assert (code, out) == (1, "")
    assert err.startswith(f"{report_path}: $.events[0].claims[0].quote: «people» occurs 4 times in data/sources/")
    assert (
        f"{report_path}: $.events[0].claims[2].quote: «A relatively small number of troops stayed in the city» does not occur"
        in err
    )
    assert "the text has «town» where the phrase has «city»" in err
    assert err.endswith(f"Nothing was written to {report_path}; fix the quotes above and run again.\n")
    assert report_path.read_bytes() == before


def test_fill_offsets_keeps_or_questions_a_present_offset():
    text = "On Wednesday, once."
    filled, problems = fill_offsets({"events": [{"claims": [{"quote": "Wednesday", "quote_start": 3}]}]}, text)
    assert problems == [] and filled["events"][0]["claims"][0] == {
        "quote": "Wednesday",
        "quote_start": 3,
        "quote_end": 12,
    }
    _, problems = fill_offsets({"events": [{"claims": [{"quote": "Wednesday", "quote_start": 4}]}]}, text)
    assert problems == [
        "$.events[0].claims[0].quote: the quote occurs once, at offsets 3 12, but the report says "
        "quote_start 4, quote_end None; correct or remove the wrong one"
    ]


def test_fill_offsets_write_is_atomic(tmp_path, capsys, monkeypatch):
    report_path = make_package(tmp_path)
    before = report_path.read_bytes()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(textfiles.os, "replace", broken_replace)
    assert locating.main_fill_offsets([str(report_path), "--root", str(tmp_path)]) == 1
    assert "the disk is full" in capsys.readouterr().err  # a message, not a traceback
    assert report_path.read_bytes() == before
    assert sorted(p.name for p in report_path.parent.iterdir()) == [report_path.name]  # no temp file left


def test_atomic_write_replaces_whole_file(tmp_path):
    target = tmp_path / "x.json"
    target.write_text("old\n", encoding="utf-8")
    textfiles.atomic_write(target, "new “text”\n")
    assert target.read_bytes() == "new “text”\n".encode()
    assert os.listdir(tmp_path) == ["x.json"]


# --- new ----------------------------------------------------------------------------------


def test_new_copies_text_unchanged_and_writes_skeleton(tmp_path, capsys):
    code, out, err = run(
        capsys,
        scaffolding.main,
        [str(SEED_TEXT), "--published", "2024-10-30", "--language", "en", "--root", str(tmp_path)],
    )
    assert (code, err) == (0, "")
    source_id = "2024-10-30-date-your-support-helps-us"  # from the first line: the banner
    text_out = tmp_path / "data" / "sources" / f"{source_id}.txt"
    report_out = tmp_path / "data" / "reports" / f"{source_id}.json"
    assert text_out.read_bytes() == SEED_TEXT.read_bytes()
    report = json.loads(report_out.read_text(encoding="utf-8"))
    assert report == {
        "schema_version": SCHEMA_VERSION,
        "source": {
            "source_id": source_id,
            "published": "2024-10-30",
            "language": "en",
            "text_path": f"data/sources/{source_id}.txt",
            "text_sha256": hashlib.sha256(SEED_TEXT.read_bytes()).hexdigest(),
            "rights": scaffolding.RIGHTS_TODO,
            "text_redistribution": "allowed",
        },
        "actors": [],
        "places": [],
        "events": [],
    }
    assert report["source"]["text_sha256"] == "074376908b27128a4394da4b45339c63cc1b3237f333ee49863c294786475f0a"
    assert "Next steps:" in out and "TODO" in out and f"fill-offsets data/reports/{source_id}.json" in out


def test_new_writes_an_undated_skeleton_without_inventing_a_date(tmp_path, capsys):
    argv = [str(FIXTURES / "article-de.txt"), "--published", "unknown", "--retrieved", "2024-11-02"]
    code, out, err = run(capsys, scaffolding.main, [*argv, "--language", "de", "--root", str(tmp_path)])
    assert (code, err) == (0, "")
    (path,) = (tmp_path / "data" / "reports").glob("*.json")
    report = json.loads(path.read_text(encoding="utf-8"))
    source_id = "undated-testdaten-fur-tests-test-tools"
    assert list(report) == ["schema_version", "source", "actors", "places", "events"]
    assert report["schema_version"] == "0.2.0"
    assert report["source"] == {
        "source_id": source_id,
        "published_precision": "unknown",
        "retrieved": "2024-11-02",
        "language": "de",
        "text_path": f"data/sources/{source_id}.txt",
        "text_sha256": hashlib.sha256((FIXTURES / "article-de.txt").read_bytes()).hexdigest(),
        "rights": scaffolding.RIGHTS_TODO,
        "text_redistribution": "allowed",
    }
    assert "2024-11-02" not in path.name and "--published unknown --language de" in out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--published", "unknown"], "--published unknown: give the day you retrieved the text with --retrieved"),
        (["--published", "2024-10-30", "--retrieved", "2024-11-02"], "--retrieved is only for a text without"),
        (["--published", "unknown", "--retrieved", "2.11.2024"], "--retrieved '2.11.2024': write the date as"),
    ],
)
def test_new_needs_a_retrieval_date_exactly_when_the_publication_date_is_unknown(tmp_path, capsys, extra, message):
    code, _, err = run(capsys, scaffolding.main, [str(SEED_TEXT), *extra, "--language", "en", "--root", str(tmp_path)])
    assert code == 2 and err.startswith(message)
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize(
    ("published", "source_id", "message"),
    [
        ("unknown", "2024-11-02-kyiv", "begins 'undated-'"),
        ("unknown", "undated-2024-11-02-kyiv", "not even the day you retrieved it"),
        ("2024-10-30", "undated-kyiv", "'undated-' is for sources without a publication date"),
    ],
)
def test_new_keeps_dates_out_of_undated_ids(tmp_path, capsys, published, source_id, message):
    argv = [str(SEED_TEXT), "--published", published, "--retrieved", "2024-11-02", "--language", "en"]
    argv = [a for a in argv if published == "unknown" or a not in ("--retrieved", "2024-11-02")]
    code, _, err = run(capsys, scaffolding.main, [*argv, "--source-id", source_id, "--root", str(tmp_path)])
    assert code == 1 and message in err
    assert not (tmp_path / "data").exists()


def test_new_refuses_to_overwrite(tmp_path, capsys):
    args = [
        str(SEED_TEXT),
        "--published",
        "2024-10-30",
        "--language",
        "en",
        "--source-id",
        SEED_ID,
        "--root",
        str(tmp_path),
    ]
    assert scaffolding.main(args) == 0
    report_out = tmp_path / "data" / "reports" / f"{SEED_ID}.json"
    report_out.write_text('{"edited": true}\n', encoding="utf-8")
    capsys.readouterr()
    code, out, err = run(capsys, scaffolding.main, args)
    assert code == 1 and out == ""
    assert err.startswith(f"{tmp_path / 'data' / 'sources' / (SEED_ID + '.txt')} already exists; nothing was written.")
    assert report_out.read_text(encoding="utf-8") == '{"edited": true}\n'
    # Only the report left: still refused, and the text is not written either.
    (tmp_path / "data" / "sources" / f"{SEED_ID}.txt").unlink()
    code, _, err = run(capsys, scaffolding.main, args)
    assert code == 1 and f"{SEED_ID}.json already exists" in err
    assert not (tmp_path / "data" / "sources" / f"{SEED_ID}.txt").exists()


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--published", "2024-02-30", "--published '2024-02-30': no such day in the calendar"),
        ("--published", "30.10.2024", "--published '30.10.2024': write the date as YYYY-MM-DD"),
        ("--language", "english", "--language 'english': not a valid BCP 47 language tag"),
    ],
)
def test_new_rejects_bad_date_and_language(tmp_path, capsys, flag, value, message):
    args = {"--published": "2024-10-30", "--language": "en", flag: value}
    code, _, err = run(
        capsys, scaffolding.main, [str(SEED_TEXT), *[x for kv in args.items() for x in kv], "--root", str(tmp_path)]
    )
    assert code == 2 and err.startswith(message)
    assert not (tmp_path / "data").exists()


def test_new_standardises_language_and_checks_id(tmp_path, capsys):
    code, out, _ = run(
        capsys,
        scaffolding.main,
        [
            str(FIXTURES / "article-de.txt"),
            "--published",
            "2024-10-30",
            "--language",
            "de-de",
            "--root",
            str(tmp_path),
        ],
    )
    assert code == 0 and "standard form 'de-DE'" in out
    report = json.loads(next((tmp_path / "data" / "reports").glob("*.json")).read_text(encoding="utf-8"))
    assert report["source"]["source_id"] == "2024-10-30-testdaten-fur-tests-test-tools"
    assert report["source"]["language"] == "de-DE"
    code, _, err = run(
        capsys,
        scaffolding.main,
        [
            str(SEED_TEXT),
            "--published",
            "2024-10-30",
            "--language",
            "en",
            "--source-id",
            "Bad_ID!",
            "--root",
            str(tmp_path),
        ],
    )
    assert code == 1 and "source id 'Bad_ID!' is not allowed" in err


# --- suggest --------------------------------------------------------------------------------


def summary(candidates) -> list[tuple]:
    """(text, number, qualifier) per candidate; number is value, lower, upper or (lower, upper)."""
    out = []
    for c in candidates:
        number = (
            (c.lower, c.upper)
            if c.qualifier == "range"
            else next((v for v in (c.value, c.lower, c.upper) if v is not None), None)
        )
        out.append((c.text, number, c.qualifier))
    return out


def test_suggest_seed_article_finds_every_figure_and_all_are_coded():
    report = json.loads(SEED_REPORT.read_text(encoding="utf-8"))
    text = seed_text()
    candidates = suggesting.suggest(text, "en", WEDNESDAY)
    assert summary(candidates) == [
        ("scores", None, "vague"),
        ("thousands", None, "vague"),
        ("62", 62, "exact"),
        ("one", 1, "exact"),
        ("33", 33, "exact"),
        ("25", 25, "exact"),
        ("a residential building", 1, "exact"),
        ("a kindergarten", 1, "exact"),
        ("nine", 9, "exact"),
        ("a child", 1, "exact"),
        ("at least four", 4, "at_least"),
        ("about 30", 30, "about"),
        ("25", 25, "exact"),
        ("about 10,000", 10000, "about"),
        ("relatively small number", None, "vague"),
    ]
    assert all(text[c.start : c.end] == c.text for c in candidates)
    coded, problems = suggesting.coded_spans(report, text)
    assert problems == []
    uncovered = suggesting.mark_coded(candidates, coded)
    assert [c.coded for c in candidates] == [True] * 15  # nothing over-reported
    assert uncovered == []  # nothing missed
    assert sorted(q for c in candidates for q in c.quantity_ids) == sorted(c.quantity_id for c in coded)
    assert len(coded) == 15
    assert [c.kind for c in candidates].count("article") == 3
    # Without articles, the three "a ..." figures are the coded ones no candidate covers.
    plain = suggesting.suggest(text, "en", WEDNESDAY, articles=False)
    assert len(plain) == 12
    assert [u.wording for u in suggesting.mark_coded(plain, coded)] == [
        "a residential building",
        "a kindergarten",
        "a child",
    ]
    # The banner's date is a time expression, not a figure; "24 hours" likewise.
    assert all(c.start > 330 for c in candidates)


def test_suggest_seed_dates_and_cues():
    by_text = {}
    for c in suggesting.suggest(seed_text(), "en", WEDNESDAY):
        by_text.setdefault(c.text, c)
    small = by_text["relatively small number"]
    assert (small.date.text, small.date.date_start, small.date.precision) == ("Tuesday", "2024-10-29", "day")
    assert (small.cue.text, small.cue.attribution) == ("said", "said")
    scores = by_text["scores"].date
    assert (scores.text, scores.date_start, scores.date_end) == ("Wednesday", "2024-10-30", "2024-10-30")
    drones = by_text["62"].date
    assert (drones.text, drones.date_start, drones.date_end, drones.precision, drones.time_of_day) == (
        "overnight",
        "2024-10-29",
        "2024-10-30",
        "days",
        "overnight",
    )
    four = by_text["at least four"]
    assert (four.date.text, four.date.date_start, four.date.date_end) == (
        "over the past 24 hours",
        "2024-10-29",
        "2024-10-30",
    )
    assert by_text["nine"].cue.attribution == "according_to"


def test_suggest_english_fixture():
    text = (FIXTURES / "article-en.txt").read_text(encoding="utf-8")
    found = suggesting.suggest(text, "en", WEDNESDAY)
    rows = [
        (*row, c.cue.attribution if c.cue else None, (c.date.date_start, c.date.date_end) if c.date else None)
        for row, c in zip(summary(found), found)
    ]
    assert rows == [
        ("Twenty-six", 26, "exact", "said", ("2024-10-29", "2024-10-29")),
        ("More than 40", 40, "more_than", "according_to", ("2024-10-29", "2024-10-30")),
        ("Up to 300", 300, "at_most", None, None),
        ("nearly 50", 50, "less_than", None, None),
        ("Between 5 and 10", (5, 10), "range", "announced", ("2024-10-28", "2024-10-28")),
        ("All 14", 14, "exact", "reportedly", None),
        ("Dozens", None, "vague", None, ("2024-10-28", "2024-10-30")),
        ("hundreds", None, "vague", None, ("2024-10-28", "2024-10-30")),
        ("1,200", 1200, "exact", "said", ("2024-10-27", "2024-10-27")),
        ("about 7,000", 7000, "about", "said", ("2024-10-30", "2024-10-30")),
        ("at least three", 3, "at_least", "said", ("2024-10-30", "2024-10-30")),
        ("relatively small number", None, "vague", "said", None),
    ]
    assert [c.lower for c in found if c.qualifier in ("more_than", "at_least")] == [40, 3]
    assert [c.upper for c in found if c.qualifier in ("at_most", "less_than")] == [300, 50]


def test_suggest_german_fixture():
    text = (FIXTURES / "article-de.txt").read_text(encoding="utf-8")
    found = suggesting.suggest(text, "de", WEDNESDAY)
    rows = [
        (*row, c.cue.text if c.cue else None, (c.date.date_start, c.date.date_end) if c.date else None)
        for row, c in zip(summary(found), found)
    ]
    assert rows == [
        ("vier", 4, "exact", "teilte die Luftwaffe mit", ("2024-10-29", "2024-10-30")),
        ("mehr als 20", 20, "more_than", "teilte die Luftwaffe mit", ("2024-10-29", "2024-10-30")),
        ("zwei", 2, "exact", "Nach Angaben", None),
        ("etwa 15", 15, "about", "Nach Angaben", None),
        ("Bis zu 3.000", 3000, "at_most", "berichtete", ("2024-10-29", "2024-10-29")),
        ("Fast 100", 100, "less_than", None, None),
        ("zwischen 5 und 8", (5, 8), "range", None, None),
        ("Tausende", None, "vague", "sagte", ("2024-10-29", "2024-10-29")),
        ("Mindestens einundzwanzig", 21, "at_least", None, None),
    ]
    assert found[0].date.time_of_day == "overnight" and found[0].date.text == "In der Nacht zum Mittwoch"
    assert [c.cue.attribution for c in found if c.cue] == [
        "said",
        "said",
        "according_to",
        "according_to",
        "said",
        "said",
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("It happened Wednesday.", "2024-10-30"),  # the publication day itself
        ("It happened Tuesday.", "2024-10-29"),
        ("It happened Thursday.", "2024-10-24"),  # the Thursday before
        ("It happened last Wednesday.", "2024-10-23"),
        ("It happened yesterday.", "2024-10-29"),
        ("It happened on Oct. 28.", "2024-10-28"),
        ("Es geschah am Montag.", "2024-10-28"),
        ("Es geschah vorgestern.", "2024-10-28"),
        ("Es geschah am 27. Oktober.", "2024-10-27"),
    ],
)
def test_relative_dates_resolve_against_publication(sentence, expected):
    lang = "de" if sentence.startswith("Es") else "en"
    (found,) = suggesting.time_expressions(sentence, lang, WEDNESDAY)
    assert (found.date_start, found.date_end, found.precision) == (expected, expected, "day")


def test_times_and_durations_are_not_figures():
    text = "At 10:30 a.m. on Oct. 29, 2024, after a 24-hour lull, three drones and 1.5 million rounds arrived in 2023 terms."
    assert summary(suggesting.suggest(text, "en", WEDNESDAY)) == [
        ("three", 3, "exact"),
        ("1.5 million", 1500000, "exact"),
    ]


def test_suggest_json_output_without_report(capsys):
    code, out, _ = run(
        capsys,
        suggesting.main,
        [str(FIXTURES / "article-en.txt"), "--published", "2024-10-30", "--language", "en", "--format", "json"],
    )
    assert code == 0
    items = json.loads(out)
    assert len(items) == 12
    assert items[4] == {
        "start": 301,
        "end": 317,
        "text": "Between 5 and 10",
        "kind": "number",
        "qualifier": "range",
        "lower": 5,
        "upper": 10,
        "after": "people were injured",
        "cue": {"start": 368, "end": 377, "text": "announced", "attribution": "announced"},
        "date": {
            "start": 338,
            "end": 344,
            "text": "Monday",
            "date_start": "2024-10-28",
            "date_end": "2024-10-28",
            "precision": "day",
            "time_of_day": None,
        },
        "coded": None,
    }


def test_suggest_checklist_on_a_report(tmp_path, capsys):
    report_path = make_package(tmp_path)
    locating.main_fill_offsets([str(report_path), "--root", str(tmp_path)])
    capsys.readouterr()
    code, out, _ = run(capsys, suggesting.main, [str(report_path), "--format", "json"])
    assert code == 0
    items = json.loads(out)
    assert [(i["text"], i["coded"]) for i in items if i["coded"]] == [("Twenty-six", True), ("about 7,000", True)]
    assert sum(1 for i in items if i["coded"] is False) == 10
    code, out, _ = run(capsys, suggesting.main, [str(SEED_REPORT)])
    assert code == 0
    assert out.splitlines()[0] == f"{SEED_REPORT}: 15 candidate figures, 15 coded, 0 not coded"
    assert (
        "[x]   791-798   «a child» , according to                   1 exact     cue: according to (according_to) date: -"
        in out
    )
    assert "not a candidate" not in out
    code, out, _ = run(capsys, suggesting.main, [str(SEED_REPORT), "--no-articles"])
    assert out.splitlines()[0] == f"{SEED_REPORT}: 12 candidate figures, 12 coded, 0 not coded"
    assert "      791-798   a child  (2024-10-30-drone-strikes-north-korea.c05.q4)" in out


def test_suggest_usage_errors(capsys):
    code, _, err = run(capsys, suggesting.main, [str(SEED_TEXT), "--published", "2024-10-30", "--language", "uk"])
    assert code == 2 and "suggest knows the qualifier and attribution words of en, de only, not 'uk'" in err
    code, _, err = run(capsys, suggesting.main, [str(SEED_TEXT), "--published", "2024-10-30"])
    assert code == 2 and "--language" in err
    code, _, err = run(capsys, suggesting.main, [str(SEED_REPORT), "--published", "2024-10-31"])
    assert code == 2 and "the report says published '2024-10-30'" in err


def test_only_suggest_loads_text2num_and_dateparser():
    # The validator's import path must stay light: these load only with suggest.
    import subprocess
    import sys

    code = (
        "import sys, war_report_events.tools.locate, war_report_events.tools.new, war_report_events.files; "
        "print(sorted(m for m in ('text_to_num', 'dateparser') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_articles_count_only_nouns_of_the_subject_codelist():
    text = "A Russian drone hit a house and a fight broke out; an Iranian missile killed a child and a soldier."
    found = suggesting.suggest(text, "en", WEDNESDAY)
    assert [(c.text, c.value, c.kind) for c in found] == [
        ("A Russian drone", 1, "article"),
        ("an Iranian missile", 1, "article"),
        ("a child", 1, "article"),
        ("a soldier", 1, "article"),
    ]
    assert suggesting.suggest("Eine Rakete traf ein Haus.", "de", WEDNESDAY) == []


def test_hyphen_ranges_and_weapon_designations():
    text = "Between 5-10 people were hurt as S-300 missiles and Shahed-136 drones flew 3–4 hours; 20–30 fled."
    assert summary(suggesting.suggest(text, "en", WEDNESDAY)) == [
        ("5-10", (5, 10), "range"),
        ("3–4 hours", (3, 4), "range"),
        ("20–30", (20, 30), "range"),
    ]


def test_durations_are_candidates_but_points_in_time_are_not():
    text = "The attack lasted up to 3 hours and 2 to 5 days later up to 40 people had fled."
    found = suggesting.suggest(text, "en", WEDNESDAY)
    assert summary(found) == [("up to 3 hours", 3, "at_most"), ("up to 40", 40, "at_most")]
    assert [(c.kind, c.measure, c.unit) for c in found] == [("duration", "duration", "hours"), ("number", None, None)]


@pytest.mark.parametrize(
    "sentence,lang,cue,code",
    [
        ("The air force says 40 drones were launched.", "en", "says", "said"),
        ("The air force said 40 drones were launched.", "en", "said", "said"),
        ("40 drones were launched, according to the air force.", "en", "according to", "according_to"),
        ("The mayor told reporters 40 drones were launched.", "en", "told", "said"),
        ("Die Luftwaffe sagt, 40 Drohnen seien gestartet.", "de", "sagt", "said"),
        ("Die Luftwaffe sagte, 40 Drohnen seien gestartet.", "de", "sagte", "said"),
        ("Die Luftwaffe teilt mit, 40 Drohnen seien gestartet.", "de", "teilt mit", "said"),
        ("Die Luftwaffe teilte am Morgen mit, 40 Drohnen seien gestartet.", "de", "teilte am Morgen mit", "said"),
        ("40 Drohnen seien gestartet, wie die Luftwaffe mitteilte.", "de", "mitteilte", "said"),
        ("Laut der Luftwaffe wurden 40 Drohnen gestartet.", "de", "Laut", "according_to"),
        ("Nach Angaben der Luftwaffe wurden 40 Drohnen gestartet.", "de", "Nach Angaben", "according_to"),
        ("40 Drohnen seien gestartet, hieß es.", "de", "hieß es", "said"),
    ],
)
def test_attribution_cues_in_present_past_and_reported_speech(sentence, lang, cue, code):
    (found,) = suggesting.suggest(sentence, lang, WEDNESDAY)
    assert (found.cue.text, found.cue.attribution) == (cue, code)


@pytest.mark.parametrize(
    "sentence,lang,expected",
    [
        ("All the drones heading for the capital were shot down.", "en", [("All", "all")]),
        ("None of the missiles reached its target.", "en", [("None", "none")]),
        ("Alle Drohnen wurden abgeschossen.", "de", [("Alle", "all")]),
        ("Keine der Raketen erreichte ihr Ziel, es gab keine Toten.", "de", [("Keine", "none"), ("keine", "none")]),
        ("Das Ministerium machte keine Angaben; keine Nachricht.", "de", []),
        ("All 33 drones were shot down.", "en", [("All 33", "exact")]),
    ],
)
def test_all_and_none_of_a_whole_are_candidates(sentence, lang, expected):
    found = suggesting.suggest(sentence, lang, WEDNESDAY)
    assert [(c.text, c.qualifier) for c in found] == expected
    assert all(c.kind == "whole" and c.value is None for c in found if c.qualifier in ("all", "none"))


@pytest.mark.parametrize(
    "sentence,lang,expected",
    [
        (
            "Der Luftalarm dauerte mehr als fünf Stunden.",
            "de",
            ("mehr als fünf Stunden", "more_than", 5, "duration", "hours"),
        ),
        (
            "The alert lasted more than five hours.",
            "en",
            ("more than five hours", "more_than", 5, "duration", "hours"),
        ),
        ("In Kyjiw gab es drei Mal Luftalarm.", "de", ("drei", "exact", 3, "alerts", None)),
        ("There were three air raid alerts in Kyiv.", "en", ("three", "exact", 3, "alerts", None)),
        ("Sirens sounded three times in Kyiv.", "en", ("three", "exact", 3, "alerts", None)),
        ("It was the 19th attack on the city this month.", "en", ("19th attack", "exact", 19, "attacks", None)),
        ("Es war der 19. Angriff auf die Stadt.", "de", ("19. Angriff", "exact", 19, "attacks", None)),
        ("Russia carried out 4 drone attacks.", "en", ("4", "exact", 4, "attacks", None)),
    ],
)
def test_durations_and_counts_of_alerts_and_attacks_carry_their_measure(sentence, lang, expected):
    (found,) = suggesting.suggest(sentence, lang, WEDNESDAY)
    number = next(v for v in (found.value, found.lower, found.upper) if v is not None)
    assert (found.text, found.qualifier, number, found.measure, found.unit) == expected


def test_time_spans_and_points_in_time_are_not_durations():
    text = "Over the past 24 hours and in 2023, five days ago, and vor zwei Tagen, a 24-hour lull."
    assert [c for c in suggesting.suggest(text, "en", WEDNESDAY) if c.measure == "duration"] == []
    assert [c for c in suggesting.suggest("Vor zwei Tagen gab es Alarm.", "de", WEDNESDAY) if c.measure] == []


def test_measure_is_shown_in_text_and_json(tmp_path, capsys):
    path = tmp_path / "t.txt"
    path.write_text("Der Luftalarm dauerte mehr als fünf Stunden, teilte die Stadt mit.\n", encoding="utf-8")
    code, out, _ = run(capsys, suggesting.main, [str(path), "--published", "2024-10-30", "--language", "de"])
    assert code == 0 and "measure: duration (hours)" in out
    code, out, _ = run(capsys, suggesting.main, [str(path), "--language", "de", "--format", "json"])
    (item,) = json.loads(out)
    assert (item["measure"], item["unit"], item["lower"]) == ("duration", "hours", 5)


def test_relative_dates_are_not_resolved_when_the_publication_date_is_unknown_or_a_guess(tmp_path, capsys):
    path = tmp_path / "t.txt"
    path.write_text("In der Nacht zum Mittwoch wurden 40 Drohnen gestartet, teilte die Luftwaffe mit.\n", "utf-8")
    argv = [str(path), "--language", "de"]
    code, out, _ = run(capsys, suggesting.main, [*argv, "--published", "2024-10-30"])
    assert code == 0 and "2024-10-29..2024-10-30" in out and "note:" not in out
    code, out, _ = run(capsys, suggesting.main, [*argv, "--published", "unknown"])
    assert out.startswith("note: the publication date is unknown, so relative dates") and "2024-" not in out
    code, out, err = run(capsys, suggesting.main, [*argv, "--published", "2024-10-30", "--published-is-a-guess"])
    assert "is a guess" in out and "2024-10-29" not in out
    code, out, err = run(capsys, suggesting.main, [*argv, "--published", "unknown", "--format", "json"])
    assert json.loads(out)[0]["date"] is None and "unknown" in err


def test_a_report_with_an_unknown_publication_date_resolves_nothing(tmp_path, capsys):
    text = "In der Nacht zum Mittwoch wurden 40 Drohnen gestartet, teilte die Luftwaffe mit.\n"
    (tmp_path / "data" / "sources").mkdir(parents=True)
    (tmp_path / "data" / "reports").mkdir(parents=True)
    (tmp_path / "data" / "sources" / "undated-x.txt").write_text(text, encoding="utf-8")
    report = {
        "schema_version": "0.2.0",
        "source": {
            "source_id": "undated-x",
            "published_precision": "unknown",
            "retrieved": "2024-11-02",
            "language": "de",
            "text_path": "data/sources/undated-x.txt",
        },
    }
    path = tmp_path / "data" / "reports" / "undated-x.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    code, out, _ = run(capsys, suggesting.main, [str(path)])
    assert code == 0 and "publication date is unknown (published_precision unknown)" in out
    assert "2024-11" not in out.split("\n", 1)[1]


def test_suggest_and_new_survive_a_console_that_cannot_show_the_text(tmp_path):
    import subprocess
    import sys

    text = tmp_path / "Київ.txt"
    text.write_text("Київ: the governor says all the drones fell and 40 drones were launched.\n", encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    argv = [sys.executable, "-m", "war_report_events"]
    done = subprocess.run(
        [*argv, "suggest", str(text), "--published", "unknown", "--language", "en"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0 and b"\\u041a" in done.stdout and b"Traceback" not in done.stderr
    done = subprocess.run(
        [
            *argv,
            "new",
            str(text),
            "--published",
            "2024-10-30",
            "--language",
            "en",
            "--source-id",
            "2024-10-30-k",
            "--root",
            str(tmp_path),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0 and b"\\u041a" in done.stdout
