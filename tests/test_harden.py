"""The field attack on the door (issue 14): every command reads reports, writes files and prints text that is not
ours through one function each, so a symlinked report or output folder, a control or bidi character, a planted
module or a Ctrl-C while starting never gets through."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from war_report_events.__main__ import main as cli
from war_report_events.failure import printable
from war_report_events.publish.docs import data_dictionary_markdown
from war_report_events.standard.schema import load_codelists, load_schema
from war_report_events.validator import rules

REPORT = "data/reports/2024-10-30-drone-strikes-north-korea.json"
SECRET = "TOPSECRET-json"
#: What must never reach a terminal raw: ESC, BEL, CR, C1 NEXT LINE and every bidi control.
RAW = ["\x1b", "\x07", "\r", "\x85", "\u061c", "\u200e", "\u200f", *map(chr, range(0x202A, 0x202F))]
RAW += [*map(chr, range(0x2066, 0x206A))]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = cli(list(argv))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out + captured.err


def _clean(out: str) -> bool:
    return not any(c in out for c in RAW)


# ---------------------------------------------------------------- 1. reports read through the door


def test_export_never_publishes_a_report_symlinked_out(
    package: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "secret.json").write_text(json.dumps({"secret": SECRET}))
    (package / "data" / "reports" / "zz.json").symlink_to(tmp_path / "secret.json")
    code, out = _run(capsys, "export", str(package), "--out", str(tmp_path / "dist"))
    assert code == 1 and "outside the package" in out and SECRET not in out
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize("command", ["export", "import", "fill-offsets"])
def test_tools_refuse_a_report_nested_100000_deep(
    package: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    (package / "data" / "reports" / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    argv = {
        "export": [str(package), "--out", str(tmp_path / "dist")],
        "import": [
            "air-attacks",
            str(ROOT / "tests" / "fixtures" / "peers" / "air-attacks-2024-format.csv"),
            str(package),
            "--published",
            "2026-01-01",
        ],
        "fill-offsets": ["--root", str(package), str(package / "data" / "reports" / "deep.json")],
    }[command]
    code, out = _run(capsys, command, *argv)
    assert code == 1 and "deep" in out


def test_import_and_export_refuse_an_invalid_package(
    package: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = package / REPORT
    path.write_text(path.read_text().replace('"summary": "Russia', '"summary": "=Russia', 1))
    code, out = _run(capsys, "export", str(package), "--out", str(tmp_path / "dist"))
    assert code == 1 and "formula-injection" in out and "not valid" in out and not (tmp_path / "dist").exists()
    before = sorted(p.name for p in (package / "data" / "reports").iterdir())
    csv = ROOT / "tests" / "fixtures" / "peers" / "air-attacks-2024-format.csv"
    code, out = _run(capsys, "import", "air-attacks", str(csv), str(package), "--published", "2026-01-01")
    assert code == 1 and "not valid" in out
    assert sorted(p.name for p in (package / "data" / "reports").iterdir()) == before


def test_fill_offsets_lists_reports_through_the_door(
    package: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "outside.json"
    outside.write_bytes((package / REPORT).read_bytes())
    (package / "data" / "reports" / "zz.json").symlink_to(outside)
    code, out = _run(capsys, "fill-offsets", "--root", str(package))
    assert code == 1 and "outside the package" in out


# ---------------------------------------------------------------- 2. writes never leave their root


@pytest.mark.parametrize("command", ["export", "flat"])
def test_a_dist_folder_symlinked_out_is_never_written_through(
    package: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    outside = tmp_path / "outdist"
    outside.mkdir()
    (package / "dist").symlink_to(outside, target_is_directory=True)
    monkeypatch.chdir(package)
    code, out = _run(capsys, command)
    assert code == 1 and "leads outside" in out and list(outside.iterdir()) == []
    # A folder the person names on the command line is theirs, wherever it is.
    assert _run(capsys, command, "--out", str(outside / ("x.csv" if command == "flat" else "")))[0] == 0
    assert list(outside.iterdir())


def test_docs_never_write_through_a_docs_folder_symlinked_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "repo"
    (root / "schema").mkdir(parents=True)
    for version in ("0.1.0", "0.2.0"):
        src = ROOT / "schema" / version
        subprocess.run(["cp", "-r", str(src), str(root / "schema" / version)], check=True)
    outside = tmp_path / "outdocs"
    outside.mkdir()
    (root / "docs").symlink_to(outside, target_is_directory=True)
    code, out = _run(capsys, "docs", "--root", str(root))
    assert code == 1 and "leads outside" in out and list(outside.iterdir()) == []


def test_write_files_refuses_a_target_out_of_its_root(tmp_path: Path) -> None:
    from war_report_events.failure import UserError
    from war_report_events.files import write_files

    (tmp_path / "pkg").mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "pkg" / "dist").symlink_to(tmp_path / "out", target_is_directory=True)
    with pytest.raises(UserError, match="leads outside"):
        write_files({tmp_path / "pkg" / "dist" / "a" / "b.txt": "x"}, root=tmp_path / "pkg")
    assert list((tmp_path / "out").iterdir()) == []  # not even the folder a/
    write_files({tmp_path / "pkg" / "c.txt": "x"}, root=tmp_path / "pkg")


# ---------------------------------------------------------------- 3. one escaping function for every output


def test_printable_escapes_controls_and_bidi_overrides() -> None:
    assert printable("a\u202eb\x1b[2J\x07\u2066\u200f\x85") == "a\\u202eb\\x1b[2J\\x07\\u2066\\u200f\\u0085"
    assert printable("line\nnext", keep="\n") == "line\nnext" and printable("Київ") == "Київ"


def _hostile_text(package: Path) -> None:
    """The shipped text with terminal controls and a bidi override appended, its hash fixed: a valid package."""
    import hashlib

    report = json.loads((package / REPORT).read_text())
    text = package / report["source"]["text_path"]
    text.write_bytes(text.read_bytes() + "\n\x1b[2J\x1b]0;pwned\x07 7 tanks \u202e were hit.\n".encode())
    report["source"]["text_sha256"] = hashlib.sha256(text.read_bytes()).hexdigest()
    (package / REPORT).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")


def test_suggest_never_prints_raw_controls_from_a_text(
    package: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _hostile_text(package)
    for argv in ([str(package / REPORT)], [str(package / REPORT), "--format", "json"]):
        code, out = _run(capsys, "suggest", *argv)
        assert code == 0 and _clean(out) and "tanks" in out
    json.loads(_run(capsys, "suggest", str(package / REPORT), "--format", "json")[1])  # still JSON
    text = tmp_path / "esc.txt"
    text.write_text("\x1b[2J\u202e 7 tanks \x07 were hit.\n")
    code, out = _run(capsys, "suggest", str(text), "--published", "2024-10-30", "--language", "en")
    assert code == 0 and _clean(out)


def test_a_bidi_override_in_a_file_name_is_escaped_by_validator_and_tools(
    package: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    evil = package / "data" / "reports" / "b\u202eevil.json"
    evil.write_bytes((package / REPORT).read_bytes())
    for fmt in ("text", "json", "github"):
        code, out = _run(capsys, "validate", str(package), "--format", fmt)
        assert code == 1 and "\\u202e" in out and _clean(out), fmt
    for argv in (["build", str(package)], ["fill-offsets", "--root", str(package), str(evil)]):
        code, out = _run(capsys, *argv)
        assert _clean(out) and "evil" in out, argv


@pytest.mark.parametrize("command", ["fill-offsets", "build", "export", "flat", "docs", "suggest", "locate", "new"])
def test_an_argument_path_with_controls_and_line_breaks_is_printed_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.chdir(tmp_path)
    bad = "x\x1b[31m\n::error::forged\u202e"
    argv = {
        "fill-offsets": [bad],
        "build": [bad],
        "export": [bad],
        "flat": [bad],
        "docs": ["--root", bad],
        "suggest": [bad, "--language", "en"],
        "locate": [bad, "phrase"],
        "new": [bad, "--published", "2024-10-30", "--language", "en"],
    }[command]
    code, out = _run(capsys, command, *argv)
    assert code != 0 and _clean(out)
    assert not any(line.startswith("::error") for line in out.splitlines()), out


# ---------------------------------------------------------------- 4. python -P where the folder is not ours


def test_makefile_and_docs_run_the_tools_with_python_P() -> None:
    makefile = (ROOT / "Makefile").read_text()
    runs = [line.strip() for line in makefile.splitlines() if line.startswith("\t") and "python" in line]
    tools = [r for r in runs if "validate.py" in r or "war_report_events" in r or r.startswith("$(RUN)")]
    assert tools and all(r.startswith("$(RUN)") or " -P " in r for r in tools), tools
    assert re.search(r"^RUN\s*:=.*python -P -m war_report_events", makefile, re.M)
    for doc in ("README.md", "docs/contributing.md"):
        assert "python -P" in (ROOT / doc).read_text(), doc
    assert "python -P -m war_report_events" in (ROOT / ".pre-commit-hooks.yaml").read_text()


def test_make_validate_never_imports_from_the_working_directory(tmp_path: Path) -> None:
    """What `make validate` runs, in a folder holding a planted module: it never runs."""
    (tmp_path / "jsonschema.py").write_text(f"open({str(tmp_path / 'PWNED')!r}, 'w')\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for argv in ([sys.executable, "-P", str(ROOT / "validate.py"), str(ROOT)],
                 [sys.executable, "-P", "-m", "war_report_events", "validate", str(ROOT)]):  # fmt: skip
        done = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    assert not (tmp_path / "PWNED").exists()


# ---------------------------------------------------------------- 5. Ctrl-C while starting


INTERRUPT_ON_IMPORT = """
import builtins, os, runpy, signal, sys
target, entry = sys.argv[1], sys.argv[2]
real = builtins.__import__
def hooked(name, *args, **kwargs):
    if name == target:
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C exactly while this module is being imported
    return real(name, *args, **kwargs)
builtins.__import__ = hooked
if entry == "-m":
    sys.argv = ["war_report_events", "validate", sys.argv[3]]
    runpy.run_module("war_report_events", run_name="__main__", alter_sys=True)
else:
    sys.argv = [entry, sys.argv[3]]
    runpy.run_path(entry, run_name="__main__")
"""


@pytest.mark.parametrize(
    ("target", "entry"),
    [
        ("war_report_events.validator.cli", str(ROOT / "validate.py")),
        ("war_report_events.failure", "-m"),
        ("importlib", "-m"),
    ],
)
def test_ctrl_c_while_starting_ends_with_one_line_and_130(tmp_path: Path, target: str, entry: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-P", "-c", INTERRUPT_ON_IMPORT, target, entry, str(ROOT)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 130 and len(done.stderr.strip().splitlines()) == 1, done.stderr


# ---------------------------------------------------------------- 6. temp files a killed build leaves


def test_temp_files_of_a_killed_build_are_ignored_documented_and_removed_by_the_next(
    package: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    leftover = package / "data" / ".claims.csv.wre-0123456789ab.tmp"
    leftover.write_text("half a table")
    assert _run(capsys, "validate", str(package))[0] == 0
    assert _run(capsys, "build", str(package))[0] == 0
    assert not leftover.exists()
    note = " ".join((ROOT / "docs" / "contributing.md").read_text().split())
    assert "`data/.<table>.csv.wre-*.tmp` files" in note and "the next `make build` removes them" in note


# ---------------------------------------------------------------- 7. generated pages never carry live markup


def test_codelist_text_cannot_put_a_link_or_attributes_into_generated_pages() -> None:
    codelists = {k: [dict(r) for r in v] for k, v in load_codelists().items()}
    name = next(iter(codelists))
    codelists[name][0]["title"] = "[x](javascript:alert(3)) ![i](javascript:x) <a href=javascript:y>z</a>"
    codelists[name][0]["description"] = "*b*{: onclick=alert(1)} <javascript:alert(2)> `[kept](in-code)`"
    page = data_dictionary_markdown(load_schema(), codelists)
    unescaped = re.compile(r"(?<!\\)\]\(javascript:|(?<!\\)\{: onclick|<javascript:|<a href")
    assert not unescaped.search(page) and "`[kept](in-code)`" in page


# ---------------------------------------------------------------- 8. formulas behind spaces and look-alikes


@pytest.mark.parametrize(
    ("value", "start"),
    [
        ("=1", "="),
        (" =1", "="),
        ("\u00a0+1", "+"),
        ("\uff1dSUM(A1)", "\uff1d"),
        ("\u200b=1", "="),
        ("\u200b \ufeff@x", "@"),
        ("\ufe63 5", "\ufe63"),
        ("\t", "\t"),
        ("Київ", None),
        ("a = b", None),
        (" ", None),
        ("\u2212x", None),
    ],
)
def test_formula_start_sees_through_spaces_format_characters_and_full_width(value: str, start: str | None) -> None:
    assert rules.formula_start(value) == start
    import pyarrow as pa
    import pyarrow.compute as pc

    screened = pc.match_substring_regex(pa.array([value]), rules.formula_screen()).to_pylist()[0]
    assert screened or start is None  # the fast screen never misses what the rule flags


def test_a_code_with_backticks_cannot_close_its_code_span() -> None:
    codelists = {k: [dict(r) for r in v] for k, v in load_codelists().items()}
    name = next(iter(codelists))
    codelists[name][0]["code"] = "`` [x](javascript:alert(3)) ``"
    page = data_dictionary_markdown(load_schema(), codelists)
    assert "| ``` `` [x](javascript:alert(3)) `` ``` |" in page


@pytest.mark.parametrize(
    "text",
    ["`[x](javascript:alert(1))", "``a` [x](javascript:1)", "`ok` then ` [x](javascript:1)", "`a`` [x](javascript:1)"],
)
def test_an_unclosed_backtick_cannot_shield_a_link(text: str) -> None:
    from war_report_events.publish.docs import _inline

    cell = _inline(text)
    assert "\\[x\\](javascript:" in cell, cell  # the link escaped, wherever the backticks are


def test_freezing_a_folder_that_is_no_schema_writes_nothing(tmp_path: Path) -> None:
    """No schema file, or a symlink inside (to an outside secret): a refusal, no traceback, no manifest."""
    from war_report_events.publish import release

    root = tmp_path / "pkg"
    (root / "schema" / "9.9.9").mkdir(parents=True)
    secret = tmp_path / "SECRET-freeze"
    secret.write_text("secret\n", encoding="utf-8")
    (root / "schema" / "9.9.9" / "secret.txt").symlink_to(secret)
    assert release.main(["--root", str(root), "--freeze-schema", "9.9.9"]) == 1
    (root / "schema" / "9.9.9" / "secret.txt").unlink()
    assert release.main(["--root", str(root), "--freeze-schema", "9.9.9"]) == 1
    assert not (root / "schema" / "released").exists()


def test_release_never_writes_through_a_dist_linked_out_of_the_package(tmp_path: Path) -> None:
    from war_report_events.publish import release

    root = tmp_path / "pkg"
    root.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "dist").symlink_to(outside)
    assert release.main(["--root", str(root)]) == 1
    assert list(outside.iterdir()) == []


def test_files_under_data_that_are_no_part_of_a_package_never_ship() -> None:
    """A key, notes or a private folder committed under data/: refused by a cut, left out of any zip."""
    from war_report_events.publish import release

    tracked = [
        "data/claims.csv",
        "data/withdrawn.csv",
        "data/reports/a.json",
        "data/sources/a.txt",
        "data/private/id_rsa",
        "data/reports/notes.txt",
        "data/sources/sub/b.txt",
        "README.md",
    ]
    assert release.stray_data(tracked) == ["data/private/id_rsa", "data/reports/notes.txt", "data/sources/sub/b.txt"]
    assert release.release_members(tracked) == [
        "README.md",
        "data/claims.csv",
        "data/reports/a.json",
        "data/sources/a.txt",
        "data/withdrawn.csv",
    ]
