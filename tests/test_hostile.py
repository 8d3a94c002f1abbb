"""Hostile input: a clear, located error and nothing else — no traceback, hang, network, foreign import or write."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from war_report_events.validator.cli import run

REPORT = "data/reports/2024-10-30-drone-strikes-north-korea.json"


def _json(args: list[str]) -> tuple[int, dict]:
    code, out = run(args + ["--format", "json"])
    return code, json.loads(out)


def _codes(result: dict) -> list[str]:
    return [e["code"] for e in result["errors"]]


def test_report_of_100_mb_is_refused_without_reading_it(package: Path) -> None:
    path = package / REPORT
    with open(path, "r+b") as f:
        f.truncate(100 * 1024 * 1024)  # sparse: the test stays fast
    code, result = _json([str(package)])
    assert code == 1
    assert [(e["file"], e["code"]) for e in result["errors"]] == [(REPORT, "file-too-large")]


def test_single_cell_of_10_mb_gives_a_short_message(package: Path) -> None:
    claims = package / "data" / "claims.csv"
    lines = claims.read_text().split("\n")
    lines[1] = lines[1].replace("Russia and Ukraine exchanged", "x" * 10_000_000, 1)
    claims.write_text("\n".join(lines))
    code, result = _json([str(package)])
    assert code == 1
    cell = [e for e in result["errors"] if e["code"] == "cell-too-large"]
    assert [(e["file"], e["line"]) for e in cell] == [("data/claims.csv", 2)]
    assert all(len(e["message"]) < 400 for e in result["errors"])
    assert "dangling-reference" not in _codes(result), "a table read only in part is not used to judge references"


def test_long_value_is_cut_in_messages(package: Path) -> None:
    path = package / REPORT
    path.write_text(
        path.read_text().replace(
            '"measure": "launched",\n              "subject": "drone",\n              "value": 62',
            '"measure": "' + "z" * 5000 + '",\n              "subject": "drone",\n              "value": 62',
        )
    )
    code, result = _json([str(package)])
    assert code == 1 and _codes(result) == ["not-in-codelist"]
    assert len(result["errors"][0]["message"]) < 400 and "…" in result["errors"][0]["message"]


def test_unreadable_path_exits_2(monkeypatch: pytest.MonkeyPatch, package: Path) -> None:
    def refuse(self: Path):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "iterdir", refuse)  # root can read anything, so simulate it
    code, result = _json([str(package)])
    assert code == 2 and _codes(result) == ["path-unreadable"] and result["valid"] is False


@pytest.mark.parametrize(
    "name", ["jsonschema.py", "frictionless_evil.py", "json_source_map.py", "pycountry.py", "war_report_events.py"]
)
def test_code_in_the_package_or_working_directory_is_never_imported(tmp_path: Path, package: Path, name: str) -> None:
    marker = tmp_path / "imported"
    payload = f"open({str(marker)!r}, 'w').write('x')\nraise SystemExit('imported {name}')\n"
    (package / name).write_text(payload)
    (package / "data" / name).write_text(payload)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "validate.py"), "."], cwd=package, capture_output=True, text=True, env=env
    )
    assert not marker.exists(), done.stderr
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith("valid: .")


def test_validation_writes_nothing(package: Path, tmp_path: Path) -> None:
    def snapshot(root: Path) -> dict:
        return {p: (p.stat().st_mtime_ns, p.read_bytes() if p.is_file() else None) for p in root.rglob("*")}

    before_pkg, before_code = snapshot(package), snapshot(ROOT / "war_report_events")
    done = subprocess.run(
        [sys.executable, str(ROOT / "validate.py"), str(package), "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and json.loads(done.stdout)["valid"] is True
    assert snapshot(package) == before_pkg
    assert snapshot(ROOT / "war_report_events") == before_code
    assert list(tmp_path.iterdir()) == [package.parent / "pkg"] or list(tmp_path.iterdir()) == [package]


def test_no_traceback_on_garbage_everywhere(package: Path) -> None:
    for rel in ["datapackage.json", REPORT, "data/claims.csv", "data/sources.csv"]:
        (package / rel).write_bytes(bytes(range(256)) * 3)
    done = subprocess.run([sys.executable, str(ROOT / "validate.py"), str(package)], capture_output=True, text=True)
    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr
    assert done.stdout.splitlines()[-1].startswith("invalid: ")


def test_empty_table_with_header_only_is_valid_unless_referenced(package: Path) -> None:
    quantities = package / "data" / "quantities.csv"
    quantities.write_text(quantities.read_text().split("\n")[0] + "\n")
    code, result = _json([str(package)])
    # The table itself is fine; it is only out of date with the reports, which still code quantities.
    assert _codes(result) == ["table-out-of-date"] and result["errors"][0]["line"] == 2


def test_a_bug_in_the_validator_is_a_message_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, package: Path, capsys
) -> None:
    from war_report_events.validator import cli
    from war_report_events.validator import package as validation

    def broken(*args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr(validation, "validate_package", broken)
    code = cli.main([str(package), "--format", "json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 2 and [e["code"] for e in result["errors"]] == ["internal-error"]
    assert "KeyError" in result["errors"][0]["message"]


def test_non_list_arrays_in_a_report_are_schema_errors(package: Path) -> None:
    path = package / REPORT
    data = json.loads(path.read_text())
    data["events"][0]["claims"] = 5
    data["actors"] = "none"
    path.write_text(json.dumps(data, indent=2))
    code, result = _json([str(package)])
    assert code == 1
    assert {(e["path"], e["code"]) for e in result["errors"]} >= {
        ("$.events[0].claims", "wrong-type"),
        ("$.actors", "wrong-type"),
    }


def test_paths_resolve_as_realpath_does_with_folders_resolved_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """unsafe_reason resolves each folder once per validation; the verdicts must be realpath's."""
    from war_report_events.files import unsafe_reason

    root, outside = tmp_path / "pkg", tmp_path / "outside"
    (root / "data" / "sources").mkdir(parents=True)
    outside.mkdir()
    (root / "data" / "sources" / "a.txt").write_text("a")
    (outside / "b.txt").write_text("b")
    (root / "data" / "sources" / "in.txt").symlink_to(root / "data" / "sources" / "a.txt")
    (root / "data" / "sources" / "out.txt").symlink_to(outside / "b.txt")
    (root / "data" / "linked").symlink_to(outside, target_is_directory=True)
    (root / "data" / "inner").symlink_to(root / "data" / "sources", target_is_directory=True)
    cases = {
        "data/sources/a.txt": None,
        "data/sources/in.txt": None,
        "data/inner/a.txt": None,
        "data/sources/missing.txt": None,
        "data/sources/out.txt": "is a symlink whose target is outside the package",
        "data/linked/b.txt": "is a symlink whose target is outside the package",
    }
    dirs: dict[str, str] = {}
    for given_root in (root, Path(os.path.relpath(root))):
        for rel, why in cases.items():
            assert unsafe_reason(given_root, rel, dirs=dirs) == why, rel
            assert unsafe_reason(given_root, rel) == why, rel
    monkeypatch.chdir(root)
    for rel, why in cases.items():
        assert unsafe_reason(Path("."), rel, dirs={}) == why, rel


# ---------------------------------------------------------------- issue 14: reads outside the package

SECRET = "SECRET-TOKEN-abc123"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.csv"
    path.write_text(f"table,id\nclaims,{SECRET}\n")
    return path


def _all_formats(args: list[str]) -> str:
    return "".join(run(args + ["--format", fmt])[1] for fmt in ("text", "json", "github"))


@pytest.mark.parametrize("rel", ["schema/released/9.9.9.ids.csv", "data/withdrawn.csv"])
def test_manifests_symlinked_out_are_refused_and_never_quoted(package: Path, secret: Path, rel: str) -> None:
    (package / "schema" / "released").mkdir(parents=True)
    (package / rel).symlink_to(secret)
    code, result = _json([str(package)])
    assert code == 1 and [(e["file"], e["code"]) for e in result["errors"]] == [(rel, "unsafe-path")]
    assert SECRET not in _all_formats([str(package)])


@pytest.mark.parametrize("kind", ["dev-zero", "folder", "latin-1", "fifo"])
def test_an_unreadable_manifest_is_a_finding(package: Path, kind: str) -> None:
    rel = "schema/released/9.9.9.ids.csv"
    (package / "schema" / "released").mkdir(parents=True)
    target = package / rel
    if kind == "dev-zero":
        target.symlink_to("/dev/zero")  # read, it would fill memory
    elif kind == "folder":
        target.mkdir()
    elif kind == "fifo":
        os.mkfifo(target)  # read, it would block forever
    else:
        target.write_bytes("table,id\nclaims,caf\xe9\n".encode("latin-1"))
    code, result = _json([str(package)])
    want = {"dev-zero": "unsafe-path", "latin-1": "encoding-error"}.get(kind, "file-missing")
    assert code == 1 and [(e["file"], e["code"]) for e in result["errors"]] == [(rel, want)]


def test_a_table_missing_from_the_descriptor_is_not_read_through_a_symlink_out(package: Path, tmp_path: Path):
    descriptor = json.loads((package / "datapackage.json").read_text())
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "quantities"]
    (package / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    (package / "data" / "quantities.csv").unlink()
    (tmp_path / "outside.csv").write_text(f"{SECRET},x\n")
    (package / "data" / "quantities.csv").symlink_to(tmp_path / "outside.csv")
    assert SECRET not in _all_formats([str(package)])


def test_reports_folder_symlinked_out_is_refused_and_not_listed(package: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / f"{SECRET}.json").write_text("{}")
    os.rename(package / "data" / "reports", tmp_path / "kept")
    (package / "data" / "reports").symlink_to(outside, target_is_directory=True)
    code, result = _json([str(package)])
    assert code == 1 and ("data/reports", "unsafe-path") in [(e["file"], e["code"]) for e in result["errors"]]
    assert SECRET not in _all_formats([str(package)])


def test_resource_names_that_are_not_strings_and_paths_too_long(package: Path) -> None:
    descriptor = json.loads((package / "datapackage.json").read_text())
    descriptor["resources"][0]["name"] = ["a", "list"]
    descriptor["resources"][1]["name"] = {"an": "object"}
    descriptor["resources"][2]["path"] = "data/" + "x" * 300 + ".csv"
    (package / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    code, result = _json([str(package)])
    assert code == 1 and "internal-error" not in _codes(result)


def test_a_text_path_too_long_is_located(package: Path) -> None:
    path = package / REPORT
    path.write_text(path.read_text().replace('"text_path": "data/sources/', '"text_path": "data/sources/' + "y" * 300))
    code, result = _json([str(package)])
    assert code == 1 and "internal-error" not in _codes(result)
    assert all(e["file"] for e in result["errors"])


# ---------------------------------------------------------------- FIFOs never hang


def _validate(args: list[str], cwd: Path | None = None, env: dict | None = None, timeout: float = 60):
    base = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONIOENCODING")}
    return subprocess.run(
        [sys.executable, str(ROOT / "validate.py"), *args],
        cwd=cwd,
        capture_output=True,
        env={**base, "LC_ALL": "C.UTF-8", **(env or {})},
        timeout=timeout,
    )


@pytest.mark.parametrize("where", ["report", "datapackage.json", "PATH", "text", "table"])
def test_fifos_never_hang(package: Path, tmp_path: Path, where: str) -> None:
    rel = {
        "report": "data/reports/x.json",
        "datapackage.json": "datapackage.json",
        "PATH": "data/reports/x.json",
        "text": "data/sources/2024-10-30-drone-strikes-north-korea.txt",
        "table": "data/claims.csv",
    }[where]
    (package / rel).unlink(missing_ok=True)
    os.mkfifo(package / rel)
    done = _validate([str(package / rel if where == "PATH" else package)], timeout=30)
    assert done.returncode in (1, 2) and b"Traceback" not in done.stdout + done.stderr
    assert b"FIFO" in done.stdout + done.stderr


def test_dev_zero_as_path_is_refused(tmp_path: Path) -> None:
    done = _validate(["/dev/zero"], timeout=30)
    assert done.returncode == 2 and b"a device" in done.stderr and done.stdout == b""


# ---------------------------------------------------------------- output cannot be forged or lost


def _locales(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    envs = [{"LC_ALL": "C.UTF-8"}, {"LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "cp1252"}, {"LC_ALL": "C"}]
    folder = tmp_path_factory.mktemp("locale")
    try:
        made = subprocess.run(
            ["localedef", "-i", "en_US", "-f", "UTF-8", str(folder / "en_US.UTF-8")], capture_output=True
        )
        if made.returncode == 0:
            envs.append({"LC_ALL": "en_US.UTF-8", "LOCPATH": str(folder)})
    except FileNotFoundError:
        pass
    return envs


@pytest.fixture(scope="module")
def locales(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    return _locales(tmp_path_factory)


def _hostile_package(package: Path) -> None:
    reports = package / "data" / "reports"
    forged = "x\n::error file=README.md,line=1::forged\nvalid: .\x1b[2J\x1b]0;pwned\x07\u0085\u2028.json"
    (reports / forged).write_text("{}")
    os.rename(reports / forged, reports / forged)
    (package / "data" / "reports").joinpath(os.fsdecode(b"caf\xe9-\xff.json")).write_text("{}")
    path = package / REPORT
    text = path.read_text().replace('"measure": "launched"', '"measure": "\u0416\\ud800\\u001b[31m"', 1)
    path.write_text(text.replace("{\n", '{\n  "\\udfff": "\\ud800",\n', 1))


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_output_is_one_line_per_finding_valid_and_escaped_in_every_locale(
    package: Path, locales: list[dict], fmt: str
) -> None:
    _hostile_package(package)
    for env in locales:
        done = _validate([str(package), "--format", fmt], env=env)
        out = done.stdout
        assert done.returncode == 1, (env, done.stderr)
        assert b"Traceback" not in out + done.stderr, env
        assert not any(b in out for b in (b"\x1b", b"\x07", b"\r", "\u0085".encode(), "\u2028".encode())), env
        text = out.decode("cp1252" if env.get("PYTHONIOENCODING") == "cp1252" else "utf-8")
        lines = text.splitlines()
        if fmt == "json":
            result = json.loads(text)
            assert len(lines) == 1 and result["valid"] is False
            continue
        findings = [line for line in lines if line.startswith("::error " if fmt == "github" else "data/")]
        assert not any(line.startswith(("::error file=README.md", "valid")) for line in lines), env
        assert lines[-1].startswith("invalid: ")
        assert len(findings) == int(lines[-1].split(": ")[1].split()[0]), lines


def test_a_path_argument_that_is_not_utf8(tmp_path: Path, locales: list[dict]) -> None:
    for env in locales:
        done = _validate([os.fsdecode(b"/nonexistent/\xff\x1b[31m")], env=env)
        assert done.returncode == 2 and b"Traceback" not in done.stderr and b"\x1b" not in done.stderr
        assert b"path-not-found" in done.stderr and done.stdout == b""


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_could_not_start_goes_to_stderr_in_text_only(tmp_path: Path, fmt: str) -> None:
    done = _validate([str(tmp_path / "nope"), "--format", fmt])
    assert done.returncode == 2
    if fmt == "text":
        assert done.stdout == b"" and b"could not start" in done.stderr
    else:
        assert b"path-not-found" in done.stdout


@pytest.mark.parametrize(
    ("flags", "names"),
    [
        ([], ["jsonschema.py", "json_source_map.py", "referencing.py", "pycountry.py"]),
        # The pre-commit hook's entry: -P also keeps out what Python imports before any code of ours runs.
        (["-P"], ["importlib.py", "runpy.py", "war_report_events/__init__.py", "war_report_events/__main__.py"]),
    ],
    ids=["module", "hook"],
)
def test_module_entry_never_imports_code_from_the_working_directory(
    package: Path, tmp_path: Path, flags: list[str], names: list[str]
) -> None:
    marker = tmp_path / "imported"
    payload = f"open({str(marker)!r}, 'w').write('x')\n"
    for name in names:
        (package / name).parent.mkdir(exist_ok=True)
        (package / name).write_text(payload)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(ROOT)  # the installed package, as pre-commit has it
    done = subprocess.run(
        [sys.executable, *flags, "-m", "war_report_events", "validate", "."], cwd=package, capture_output=True, env=env
    )
    assert not marker.exists() and done.returncode == 0, done.stdout + done.stderr


def test_a_source_text_over_the_cap_is_refused_without_reading_it(package: Path) -> None:
    from war_report_events.validator.loading import MAX_TEXT_BYTES

    text = package / "data" / "sources" / "2024-10-30-drone-strikes-north-korea.txt"
    with open(text, "r+b") as f:
        f.truncate(MAX_TEXT_BYTES + 1)  # sparse: the test stays fast
    code, result = _json([str(package)])
    assert code == 1 and "internal-error" not in _codes(result)
    assert any(e["field"] == "text_path" and "at most" in e["message"] for e in result["errors"])


def test_a_descriptor_symlinked_out_is_not_even_parsed(package: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.json").write_text('{"version": "' + SECRET + '", "broken": ')
    (package / "datapackage.json").unlink()
    (package / "datapackage.json").symlink_to(tmp_path / "secret.json")
    code, result = _json([str(package)])
    assert code == 1 and [(e["file"], e["code"]) for e in result["errors"]] == [("datapackage.json", "unsafe-path")]
    assert SECRET not in _all_formats([str(package)])


def test_a_closed_pipe_ends_quietly_with_the_exit_code(package: Path) -> None:
    report = package / REPORT
    report.write_text(report.read_text().replace('"value": 62', '"value": -62'))
    for fmt in ("text", "json"):
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "validate.py"), str(package), "--format", fmt],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        proc.stdout.close()  # as `validate.py | head -0` does
        assert proc.wait(timeout=60) == 1 and proc.stderr.read() == b""


# ---------------------------------------------------------------- the streamed report pass (validator/streamed.py)


def _both_report_paths(root: Path) -> list[tuple]:
    """The streamed pass's findings, asserted equal to the exact path's (``fast=False``), with messages."""
    from war_report_events.validator.package import validate_package

    fast, exact = (validate_package(root, fast=f) for f in (True, False))
    assert (fast.problems, fast.truncated) == (exact.problems, exact.truncated)
    return [(p.file, p.line, p.code) for p in fast.problems]


def _old_build(root: Path) -> dict[str, str]:
    """What `build` wrote before the streamed pass: every report loaded, then ``expected_files``."""
    from war_report_events.standard.tables import expected_files
    from war_report_events.validator.reports import load_reports

    reports, problems = load_reports(root)
    assert problems == []
    return expected_files([r for _, r in reports], reports[0][1]["schema_version"])


# Values a report may hold that the CSV writer quotes, splits or escapes, or that pyarrow reads back otherwise.
HOSTILE_TEXT = [
    "a\rb",
    "a\r\nb",
    "a\nb\n",
    '"q", "r"',
    "a\x00b",
    "a\u2028b\u2029",
    "a\x85b",
    "\ufeffa",
    "\\N",
    "e\u0301",
]


@pytest.mark.parametrize("value", HOSTILE_TEXT, ids=[repr(v) for v in HOSTILE_TEXT])
@pytest.mark.parametrize("field", ["statement", "quote_translation"])
def test_hostile_text_is_judged_alike_by_the_streamed_and_the_exact_path(package: Path, value: str, field: str):
    """Tables stale, then rebuilt as the old build would: the streamed pass (which leaves the report's objects to
    the table path on the tables as built) finds exactly what the exact path finds, in both states."""
    from war_report_events.validator import tables as validation

    path = package / REPORT
    report = json.loads(path.read_text(encoding="utf-8"))
    report["events"][0]["claims"][0][field] = value
    path.write_text(json.dumps(report, indent=2), encoding="utf-8")
    stale = _both_report_paths(package)
    assert stale and "internal-error" not in {c for _, _, c in stale}
    if {c for _, _, c in stale} == {"table-out-of-date"}:  # a value the reports may hold: rebuilt, then valid
        for rel, text in _old_build(package).items():
            (package / rel).write_text(text, encoding="utf-8", newline="")
        for fast_min in (validation.FAST_MIN_BYTES, 0):  # tables streamed, then screened with pyarrow
            validation.FAST_MIN_BYTES, saved = fast_min, validation.FAST_MIN_BYTES
            try:
                assert _both_report_paths(package) == []
            finally:
                validation.FAST_MIN_BYTES = saved


def test_build_writes_reports_in_source_id_order_whatever_their_file_names_sort_as(package: Path) -> None:
    """ "a.b.json" sorts before "a.json" and "a-b.json" before "a.json", but source id "a" comes first: the
    streamed build adds reports in listing order, which must be the source ids' order that build_tables uses."""
    from war_report_events.tools.build import main as build

    reports = package / "data" / "reports"
    original = reports / "2024-10-30-drone-strikes-north-korea.json"
    text = original.read_text(encoding="utf-8")
    old_id = "2024-10-30-drone-strikes-north-korea"
    shipped = (package / "data" / "sources" / f"{old_id}.txt").read_bytes()
    for sid in ("a", "a-b", "a.b", "a_b", "a0", "a.b.c", "a.b-c"):
        (reports / f"{sid}.json").write_text(text.replace(old_id, sid), encoding="utf-8")
        (package / "data" / "sources" / f"{sid}.txt").write_bytes(shipped)
    assert build([str(package)]) == 0
    for rel, want in _old_build(package).items():
        assert (package / rel).read_bytes() == want.encode("utf-8"), rel
    assert _both_report_paths(package) == []


def test_a_report_saved_while_build_reads_it_never_gets_tables_from_another_version(package: Path, monkeypatch):
    from war_report_events.tools.build import main as build
    from war_report_events.validator import streamed

    path = package / REPORT
    clean = path.read_text(encoding="utf-8")
    path.write_text(clean.replace('"statement": "', '"statement": "TODO ', 1), encoding="utf-8")
    read, reads = streamed.read_json, []

    def saved_meanwhile(file: Path, rel: str, **kwargs):
        doc = read(file, rel, **kwargs)
        reads.append(rel)
        if rel == REPORT and reads.count(rel) == 1:
            path.write_text(clean, encoding="utf-8")  # the contributor saves the fix while build runs
        return doc

    monkeypatch.setattr(streamed, "read_json", saved_meanwhile)
    code = build([str(package)])
    assert code != 0 or "TODO" not in (package / "data" / "claims.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize("version", [["0.2.0"], {"version": "0.2.0"}])
def test_a_schema_version_that_is_a_list_or_an_object_is_a_finding_in_build_too(package: Path, version, capsys):
    """The streamed pass keeps the versions the reports declare in a set: a list there was an internal error
    in validate.py and a traceback in build."""
    from war_report_events.tools.build import main as build

    path = package / REPORT
    report = json.loads(path.read_text(encoding="utf-8"))
    report["schema_version"] = version
    path.write_text(json.dumps(report, indent=2), encoding="utf-8")
    before = {p.name: p.read_bytes() for p in (package / "data").glob("*.csv")}
    assert build([str(package)]) == 1
    out = capsys.readouterr()
    assert "[wrong-schema-version]" in out.out and "Nothing was written" in out.err
    assert {p.name: p.read_bytes() for p in (package / "data").glob("*.csv")} == before
    assert [c for _, _, c in _both_report_paths(package)] == ["wrong-schema-version"]
