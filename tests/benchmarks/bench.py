#!/usr/bin/env python3
"""Time validate.py against stock frictionless on a generated package, and compare what they find.

    python tests/benchmarks/bench.py --rows N [N ...] [--repeat R] [--shipped] [--errors K] [--seed S] [--keep DIR]

Generates a package of N quantity rows with K seeded errors (generate.py): its
tables, and the reports in data/reports/ they are built from, with errors seeded
in both. Then runs, one after the other, ``python validate.py PKG --format json``
(the whole package: reports and tables) and ``frictionless validate
PKG/datapackage.json --json`` (its tables), each with an error limit no run
reaches. Then, on the same package made valid (the seeded reports' clean forms
copied back and ``build`` run once), it times ``python -m war_report_events
build`` (nothing to write), ``validate.py`` on the valid package, the table path
alone (``validate.py`` with data/reports/ set aside) and a plain typed pyarrow
CSV read of the same tables; and, in this process, the report schema step
(jsonschema-rs screen, ``jsonschema`` explaining what it rejects) against the
``jsonschema`` library alone on every report, findings compared. For each it measures wall time and peak RSS of the process tree
(VmRSS of the process and all its descendants, summed, polled every 20 ms from
/proc; where /proc cannot be read, wait4's ru_maxrss of the process, which
counts the largest single process only).

Findings are compared as (file, line, field, code): validate.py must report
every seeded error and every error frictionless reports (frictionless's types
mapped to our codes, its record numbers mapped to physical lines), and nothing
that was not seeded. ``--shipped`` also times both on this repository's package.
The end is a table of every size and the issue's targets (10x frictionless's
rows/s from 300,000 rows, report schema checking 50x the jsonschema library,
build at the largest size no slower than validate.py, the table path within 2x
of a plain pyarrow read there, peak RSS at every size no more than
frictionless's and growing no faster than rows, the shipped package no slower,
zero differences in findings), each marked met or NOT MET.
Exit 0 when every target is met, 1 when one is not or a tool fails to run, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from war_report_events.standard import schema  # noqa: E402

HERE = Path(__file__).resolve().parent
BIG = 1_000_000_000  # an error limit no run reaches: both tools must report everything
POLL_SECONDS = 0.02
Finding = tuple[str, int | None, str | None, str]  # file, line, field, code


# ---------------------------------------------------------------- running and measuring


@dataclass
class Run:
    tool: str
    command: list[str]
    seconds: float
    peak_rss: int  # bytes
    rss_source: str
    exit_code: int
    cpu_seconds: float


def _children(pid: int) -> list[int]:
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    out: list[int] = []
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out += [int(x) for x in f.read().split()]
        except OSError:
            continue
    return out


def _rss(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return 0  # a zombie has no VmRSS line


def tree_rss(pid: int) -> int | None:
    """Summed VmRSS of a process and all its descendants, or None when /proc cannot tell."""
    own = _rss(pid)
    if own is None:
        return None
    total, stack = own, _children(pid)
    while stack:
        child = stack.pop()
        total += _rss(child) or 0
        stack += _children(child)
    return total


def measure(tool: str, command: list[str], stdout: Path, cwd: Path | None = None) -> Run:
    """Run ``command`` to completion, its output to ``stdout``, timing it and polling its memory."""
    with open(stdout, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, cwd=cwd)
        peak, polled = 0, False
        while True:
            # wait4 and not Popen.poll: it returns this child's own resource usage when it ends
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            rss = tree_rss(proc.pid)
            if rss is not None:
                peak, polled = max(peak, rss), True
            time.sleep(POLL_SECONDS)
        seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    maxrss = usage.ru_maxrss * 1024  # KiB on Linux
    if polled and peak >= maxrss:
        source = "/proc tree poll"
    else:  # the poll missed the peak (a short spike) or could not read /proc
        peak, source = max(peak, maxrss), "wait4 ru_maxrss"
    return Run(tool, command, seconds, peak, source, proc.returncode, usage.ru_utime + usage.ru_stime)


# ---------------------------------------------------------------- findings


def ours(path: Path) -> tuple[set[Finding], bool]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {(e["file"], e["line"], e["field"], e["code"]) for e in data["errors"]}, bool(data.get("truncated"))


def seeded(path: Path) -> set[Finding]:
    with open(path, newline="", encoding="utf-8") as f:
        return {(r["file"], int(r["line"]), r["field"] or None, r["code"]) for r in csv.DictReader(f)}


CONSTRAINT_CODES = {
    "required": "required",
    "enum": "not-in-codelist",
    "pattern": "pattern-mismatch",
    "minimum": "out-of-range",
    "maximum": "out-of-range",
    "minLength": "too-long",
    "maxLength": "too-long",
    "unique": "duplicate-id",
}
LABEL_ERRORS = {"blank-label", "duplicate-label", "extra-label", "missing-label", "incorrect-label", "blank-header"}


def frictionless_code(error: dict, table: schema.Table | None) -> tuple[str, str | None]:
    """Our (code, field) for a frictionless error; unmapped types come back as 'frictionless:<type>'."""
    kind = error.get("type", "")
    name = error.get("fieldName")
    if kind == "type-error":
        is_date = table is not None and name in table.names and table.field(name).type == "date"
        return ("invalid-date" if is_date else "wrong-type"), name
    if kind == "constraint-error":
        note = error.get("note", "")
        constraint = note.split('"')[1] if note.count('"') >= 2 else ""
        return CONSTRAINT_CODES.get(constraint, f"frictionless:constraint-{constraint}"), name
    if kind in ("unique-error", "primary-key"):
        return "duplicate-id", name or (table.primary_key if table else None)
    if kind == "foreign-key":
        names = error.get("fieldNames") or [None]
        return "dangling-reference", names[0]
    if kind in ("missing-cell", "extra-cell", "blank-row"):
        return "row-width", None
    if kind in LABEL_ERRORS:
        return "header-mismatch", None
    if kind == "encoding-error":
        return "encoding-error", None
    return f"frictionless:{kind}", name


def record_lines(path: Path, wanted: set[int]) -> dict[int, int]:
    """Record number (header = 1, as frictionless counts) -> physical line where it starts."""
    out: dict[int, int] = {}
    if not wanted:
        return out
    last = max(wanted)
    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.reader(f)
        start = 1
        for number, _ in enumerate(reader, start=1):
            if number in wanted:
                out[number] = start
            if number >= last:
                break
            start = reader.line_num + 1
    return out


def theirs(data: dict, package: Path) -> tuple[set[Finding], list[dict]]:
    """frictionless's findings (its JSON report) in our terms, and its errors that are not about a table's rows."""
    tables = {f"data/{t.name}.csv": t for t in schema.tables()}
    found: set[Finding] = set()
    other: list[dict] = list(data.get("errors", []))
    for task in data.get("tasks", []):
        place = task.get("place", "")
        rel = Path(place).resolve().relative_to(package.resolve()).as_posix() if Path(place).is_absolute() else place
        errors = task.get("errors", [])
        lines = record_lines(package / rel, {e["rowNumber"] for e in errors if "rowNumber" in e})
        for error in errors:
            code, name = frictionless_code(error, tables.get(rel))
            if "rowNumber" in error:
                line = lines.get(error["rowNumber"])
            elif error.get("type") in LABEL_ERRORS:
                line = 1
            else:
                other.append({"place": rel, **error})
                continue
            found.add((rel, line, name if code != "row-width" and code != "header-mismatch" else None, code))
    return found, other


# ---------------------------------------------------------------- report


@dataclass
class Extra:
    """What is timed on the package once made valid, and the report schema step in process."""

    build: Run  # nothing to write
    valid: Run  # validate.py on the valid package
    tables_only: Run  # validate.py with data/reports/ set aside: the table path
    arrow: Run  # a plain typed pyarrow read of the same tables
    floor: Run  # reading and parsing every report with json.loads, nothing checked: no validator of reports is faster
    schema_ours: float  # seconds for every report: screen, then jsonschema on what it rejects
    schema_library: float  # seconds for every report with the jsonschema library alone
    schema_reports: int
    schema_same: bool  # the same findings, messages, paths and lines


@dataclass
class Result:
    """One package timed with both tools. ``rows`` is None for the repository's own package."""

    rows: int | None
    ours: Run
    theirs: Run
    findings_agree: bool
    extra: Extra | None = None


def mib(n: int) -> str:
    return f"{n / (1 << 20):,.0f}"


def table(results: list[Result], shipped_rows: int = 0) -> str:
    lines = ["| rows | tool | seconds | rows/s | peak RSS MiB | ratio |", "| ---: | --- | ---: | ---: | ---: | ---: |"]
    for result in results:
        rows = result.rows if result.rows is not None else shipped_rows
        label = f"{rows:,}" if result.rows is not None else f"{rows:,} (shipped package)"
        extra = result.extra
        runs = [result.ours, result.theirs]
        if extra is not None:
            runs += [extra.valid, extra.build, extra.tables_only, extra.arrow, extra.floor]
        for run in runs:
            ratio = result.theirs.seconds / run.seconds
            lines.append(
                f"| {label} | {run.tool} | {run.seconds:,.2f} | {rows / run.seconds:,.0f} | {mib(run.peak_rss)} | {ratio:,.1f}× |"
            )
    return "\n".join(lines)


SPEED_TARGET = 10.0  # times frictionless's rows/s
SPEED_FROM_ROWS = 300_000  # the sizes: 300,000 and 1,000,000
SCHEMA_TARGET = 50.0  # times the jsonschema library, per report
ARROW_TARGET = 2.0  # the table path's time, at most this many times a plain pyarrow read's
SCHEMA_SAMPLE = 300  # reports timed with the jsonschema library alone (26 s per 555 reports on a busy machine)


def targets(results: list[Result]) -> list[tuple[str, bool, str]]:
    """The issue's targets, each (what, met, the figures), from what was measured."""
    out: list[tuple[str, bool, str]] = []
    sized = sorted((r for r in results if r.rows is not None), key=lambda r: r.rows)
    for r in sized:
        if r.rows >= SPEED_FROM_ROWS:
            ratio = r.theirs.seconds / r.ours.seconds
            out.append(
                (
                    f"{r.rows:,} rows: validate.py >= {SPEED_TARGET:g}x frictionless's rows/s",
                    ratio >= SPEED_TARGET,
                    f"{ratio:.1f}x",
                )
            )
    for r in sized:
        if r.extra is not None:
            ratio = r.extra.schema_library / r.extra.schema_ours
            out.append(
                (
                    f"{r.rows:,} rows: report schema checking >= {SCHEMA_TARGET:g}x the jsonschema library, same findings",
                    ratio >= SCHEMA_TARGET and r.extra.schema_same,
                    f"{ratio:.0f}x on {r.extra.schema_reports:,} reports"
                    + ("" if r.extra.schema_same else ", FINDINGS DIFFER"),
                )
            )
    if sized and sized[-1].extra is not None:
        big, extra = sized[-1], sized[-1].extra
        out.append(
            (
                f"{big.rows:,} rows: build no slower than validate.py on the same (valid) package",
                extra.build.seconds <= extra.valid.seconds,
                f"{extra.build.seconds:.2f} vs {extra.valid.seconds:.2f} s",
            )
        )
        out.append(
            (
                f"{big.rows:,} rows: table path within {ARROW_TARGET:g}x of a plain typed pyarrow read",
                extra.tables_only.seconds <= ARROW_TARGET * extra.arrow.seconds,
                f"{extra.tables_only.seconds:.2f} vs {extra.arrow.seconds:.2f} s",
            )
        )
    for r in sized:
        out.append(
            (
                f"{r.rows:,} rows: peak RSS of validate.py <= frictionless's",
                r.ours.peak_rss <= r.theirs.peak_rss,
                f"{mib(r.ours.peak_rss)} vs {mib(r.theirs.peak_rss)} MiB",
            )
        )
    if len(sized) > 1:
        small, big = sized[0], sized[-1]
        growth, rows = big.ours.peak_rss / small.ours.peak_rss, big.rows / small.rows
        out.append(
            (
                f"peak RSS of validate.py grows no faster than rows ({small.rows:,} -> {big.rows:,})",
                growth <= rows,
                f"x{growth:.1f} for x{rows:g} rows",
            )
        )
    for r in results:
        if r.rows is None:
            out.append(
                (
                    "shipped package: validate.py wall time <= frictionless's",
                    r.ours.seconds <= r.theirs.seconds,
                    f"{r.ours.seconds:.2f} vs {r.theirs.seconds:.2f} s",
                )
            )
    out.append(
        (
            "zero differences in findings",
            all(r.findings_agree for r in results),
            "every seeded and every frictionless finding reported"
            if all(r.findings_agree for r in results)
            else "see MISSED above",
        )
    )
    return out


def floor_lines(results: list[Result]) -> list[str]:
    """For each size: what the speed target asks of validate.py, beside what merely reading costs (the
    reports parsed with json.loads and nothing checked, plus the table path alone)."""
    out = []
    for r in sorted((r for r in results if r.rows is not None and r.extra is not None), key=lambda r: r.rows):
        extra = r.extra
        need = r.theirs.seconds / SPEED_TARGET
        floor = extra.floor.seconds + extra.tables_only.seconds
        out.append(
            f"  {r.rows:,} rows: {SPEED_TARGET:g}x frictionless needs <= {need:.2f} s; parsing the reports alone takes "
            f"{extra.floor.seconds:.2f} s and the table path alone {extra.tables_only.seconds:.2f} s "
            f"({floor:.2f} s together, {r.theirs.seconds / floor:.1f}x frictionless at best); validate.py took "
            f"{r.ours.seconds:.2f} s ({r.theirs.seconds / r.ours.seconds:.1f}x)"
        )
    return out


def show(items: set[Finding], limit: int = 40) -> str:
    ordered = sorted(items, key=lambda f: (f[0] or "", f[1] or 0, f[2] or "", f[3]))
    text = "\n".join(f"    {f[0]}:{f[1]} {f[2] or '-'} {f[3]}" for f in ordered[:limit])
    return text + (f"\n    ... and {len(ordered) - limit} more" if len(ordered) > limit else "")


def timed(tool: str, command: list[str], out: Path, repeat: int, cwd: Path | None = None) -> Run:
    """The median run by time of ``repeat``, with the largest peak RSS of them all."""
    print("$ " + shlex.join(command) + f" > {out}", flush=True)
    tries = []
    for _ in range(max(1, repeat)):
        run = measure(tool, command, out, cwd)
        print(
            f"  exit {run.exit_code}, {run.seconds:.2f} s wall, {run.cpu_seconds:.2f} s CPU, peak RSS {mib(run.peak_rss)} MiB ({run.rss_source})",
            flush=True,
        )
        tries.append(run)
    by_time = sorted(tries, key=lambda r: r.seconds)
    return dataclasses.replace(by_time[len(by_time) // 2], peak_rss=max(r.peak_rss for r in tries))


def compare(work: Path, package: Path, ours_run: Run, their_run: Run, planted: set[Finding] | None) -> bool:
    """Print how the findings compare; True when validate.py reports every seeded and every frictionless finding."""
    try:
        mine, truncated = ours(work / "validate.json")
    except (ValueError, KeyError) as exc:
        print(f"validate.py did not print its JSON report ({exc}); exit code {ours_run.exit_code}.")
        return False
    try:
        found, other = theirs(json.loads((work / "frictionless.json").read_text(encoding="utf-8")), package)
    except (ValueError, KeyError) as exc:
        print(f"frictionless did not print its JSON report ({exc}); exit code {their_run.exit_code}.")
        return False
    planted = set() if planted is None else planted
    agree = True
    print(f"\nfindings: validate.py {len(mine)}, frictionless {len(found)} (mapped), seeded {len(planted)}")
    if truncated:
        print("validate.py says its report was truncated.")
        agree = False
    if ours_run.exit_code != (1 if planted else 0):
        print(f"validate.py exited {ours_run.exit_code}; expected {1 if planted else 0}.")
        agree = False
    for missed, what in ((planted - mine, "seeded error(s)"), (found - mine, "frictionless finding(s)")):
        if missed:
            print(f"MISSED: {len(missed)} {what} validate.py does not report:\n{show(missed)}")
            agree = False
    if mine - planted:
        print(
            f"validate.py reports {len(mine - planted)} finding(s) that were not seeded (a false alarm, or a seeded error that cascades):\n{show(mine - planted)}"
        )
        agree = False
    if planted - found:
        kinds = sorted({f[3] for f in planted - found})
        print(
            f"frictionless does not report {len(planted - found)} seeded error(s) (codes: {', '.join(kinds)}): rules beyond Table Schema."
        )
    if other:
        print(
            f"frictionless errors not tied to a row ({len(other)}): "
            + "; ".join(f"{e.get('type')}: {e.get('message', '')[:120]}" for e in other[:10])
        )
    return agree


ARROW_READ = """
import sys
from pathlib import Path
import pyarrow as pa
from pyarrow import csv
sys.path.insert(0, sys.argv[1])
from war_report_events.standard import schema
TYPES = {"integer": pa.int64(), "number": pa.float64(), "date": pa.date32(), "boolean": pa.bool_()}
for tb in schema.tables():
    types = {f.name: TYPES.get(f.type, pa.string()) for f in tb.fields}
    table = csv.read_csv(
        Path(sys.argv[2]) / "data" / f"{tb.name}.csv",
        convert_options=csv.ConvertOptions(column_types=types, strings_can_be_null=False),
        parse_options=csv.ParseOptions(newlines_in_values=True),
    )
    print(tb.name, table.num_rows)
"""


FLOOR_READ = """
import json, sys
from pathlib import Path
for path in sorted((Path(sys.argv[1]) / "data" / "reports").glob("*.json")):
    json.loads(path.read_bytes())
"""


def schema_step(package: Path) -> tuple[float, float, int, bool]:
    """(our seconds, the jsonschema library's seconds, reports, same findings) over every report of the package.

    Ours is the validator's schema step as it runs (the compiled screen, then ``jsonschema`` on the reports
    it rejects); the library's is ``jsonschema`` on every report, through the same step with the screen off."""
    from war_report_events.validator import loading
    from war_report_events.validator import reports as report_path

    paths = sorted((package / "data" / "reports").glob("*.json"))
    if len(paths) > SCHEMA_SAMPLE:  # a sample, the reports with seeded errors always in it
        planted = {f[0] for f in seeded(package / "seeded.csv")} if (package / "seeded.csv").exists() else set()
        paths = [p for i, p in enumerate(paths) if i < SCHEMA_SAMPLE or p.relative_to(package).as_posix() in planted]
    docs = []
    for path in paths:
        doc = loading.read_json(path, path.relative_to(package).as_posix())
        if isinstance(doc.data, dict) and isinstance(doc.data.get("schema_version"), str):
            docs.append(doc)
    for doc in docs[:1]:  # both validators compiled before either is timed
        report_path.schema_findings(doc, doc.data["schema_version"], screen=False)
        report_path.screen_accepts(doc.data, doc.data["schema_version"])
    started = time.perf_counter()
    ours = [report_path.schema_findings(doc, doc.data["schema_version"]) for doc in docs]
    ours_seconds = time.perf_counter() - started
    for doc in docs:
        doc._locator = None  # the library's run locates its lines afresh, as it would alone
    started = time.perf_counter()
    theirs = [report_path.schema_findings(doc, doc.data["schema_version"], screen=False) for doc in docs]
    their_seconds = time.perf_counter() - started
    return ours_seconds, their_seconds, len(docs), ours == theirs


def made_valid(package: Path, work: Path, args: argparse.Namespace) -> Extra:
    """Copy the seeded reports' clean forms back, build once, then time build, validate.py, the table path and pyarrow."""
    # In a process of its own: the reports it loads would otherwise swell this process, and every child
    # forked from it afterwards starts with that memory (wait4's ru_maxrss then counts it).
    step = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--schema-step", str(package)],
        capture_output=True,
        text=True,
        check=True,
    )
    schema_ours, schema_library, schema_reports, schema_same = json.loads(step.stdout)
    print(
        f"report schema step: {schema_ours:.2f} s (screen + jsonschema on rejects) vs {schema_library:.2f} s "
        f"(jsonschema alone) on {schema_reports:,} reports; findings {'identical' if schema_same else 'DIFFER'}",
        flush=True,
    )
    aside = package / "bench-clean-reports"
    for path in sorted(aside.glob("*.json")) if aside.is_dir() else []:
        shutil.copy(path, package / "data" / "reports" / path.name)
    build_cmd = [sys.executable, "-m", "war_report_events", "build", str(package)]
    timed("build (writes the tables)", build_cmd, work / "build.txt", 1, cwd=ROOT)
    build = timed("build", build_cmd, work / "build.txt", args.extra_repeat, cwd=ROOT)
    valid_cmd = [sys.executable, str(args.validator), str(package), "--format", "json", "--max-errors", str(BIG)]
    valid = timed("validate.py (valid)", valid_cmd, work / "valid.json", args.extra_repeat)
    if ours(work / "valid.json")[0] or valid.exit_code != 0:
        print(f"validate.py does not find the built package valid (exit {valid.exit_code}).")
    reports, set_aside = package / "data" / "reports", package / "bench-reports-aside"
    reports.rename(set_aside)
    try:
        tables_only = timed("table path", valid_cmd, work / "tables.json", args.extra_repeat)
    finally:
        set_aside.rename(reports)
    arrow_cmd = [sys.executable, "-c", ARROW_READ, str(ROOT), str(package)]
    arrow = timed("pyarrow read", arrow_cmd, work / "arrow.txt", args.extra_repeat)
    floor_cmd = [sys.executable, "-c", FLOOR_READ, str(package)]
    floor = timed("reports parsed, nothing checked", floor_cmd, work / "floor.txt", args.extra_repeat)
    return Extra(build, valid, tables_only, arrow, floor, schema_ours, schema_library, schema_reports, schema_same)


def bench_package(rows: int | None, package: Path, work: Path, args: argparse.Namespace, frictionless: Path) -> Result:
    ours_cmd = [sys.executable, str(args.validator), str(package), "--format", "json", "--max-errors", str(BIG)]
    their_cmd = [
        str(frictionless),
        "validate",
        str(package / "datapackage.json"),
        "--json",
        "--limit-errors",
        str(BIG),
    ]
    ours_run = timed("validate.py", ours_cmd, work / "validate.json", args.repeat)
    their_run = timed("frictionless 5", their_cmd, work / "frictionless.json", args.repeat)
    planted = seeded(package / "seeded.csv") if rows is not None else None
    agree = compare(work, package, ours_run, their_run, planted)
    if args.keep and rows is not None:
        for name in ("validate.json", "frictionless.json"):
            shutil.copy(work / name, package / f"bench-{name}")
    extra = made_valid(package, work, args) if rows is not None and (package / "data" / "reports").is_dir() else None
    return Result(rows, ours_run, their_run, agree, extra)


def quantity_rows(package: Path) -> int:
    with open(package / "data" / "quantities.csv", encoding="utf-8", newline="") as f:
        return sum(1 for _ in csv.reader(f)) - 1


def main(argv: list[str]) -> int:
    if argv[:1] == ["--schema-step"] and len(argv) == 2:  # run by made_valid in a child process
        print(json.dumps(schema_step(Path(argv[1]))))
        return 0
    parser = argparse.ArgumentParser(prog="bench.py", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows",
        type=int,
        nargs="+",
        required=True,
        metavar="N",
        help="quantity rows to generate; several sizes run one after the other",
    )
    parser.add_argument("--errors", type=int, default=100, metavar="K", help="errors to seed (default: 100)")
    parser.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default: 1)")
    parser.add_argument(
        "--validator",
        type=Path,
        default=ROOT / "validate.py",
        metavar="PATH",
        help="the validate.py to time (default: this checkout's); e.g. an older release's, to compare versions",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="R",
        help="time each tool R times and report the median time and the largest peak RSS (default: 1)",
    )
    parser.add_argument(
        "--extra-repeat",
        type=int,
        default=1,
        metavar="R",
        help="runs of build, the valid package, the table path and the pyarrow read (default: 1)",
    )
    parser.add_argument("--shipped", action="store_true", help="also time both tools on this repository's own package")
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="generate into DIR (new or empty; DIR/N for each size when there are several) and keep it; default: a temporary folder, removed",
    )
    args = parser.parse_args(argv)
    frictionless = Path(sys.executable).parent / "frictionless"
    if not frictionless.exists():
        print(
            f"bench.py: no frictionless next to {sys.executable}; run it with the project's .venv/bin/python (make bench).",
            file=sys.stderr,
        )
        return 2
    work = Path(tempfile.mkdtemp(prefix="wre-bench-"))
    results: list[Result] = []
    try:
        for rows in args.rows:
            if args.keep:
                package = args.keep if len(args.rows) == 1 else args.keep / str(rows)
            else:
                package = work / f"pkg-{rows}"
            gen = [
                sys.executable,
                str(HERE / "generate.py"),
                "--rows",
                str(rows),
                "--errors",
                str(args.errors),
                "--seed",
                str(args.seed),
                str(package),
            ]
            print("$ " + shlex.join(gen), flush=True)
            started = time.perf_counter()
            if subprocess.run(gen).returncode != 0:
                return 2
            print(f"  generated in {time.perf_counter() - started:.1f} s", flush=True)
            os.sync()  # the generated files are written out before either tool is timed, not during
            results.append(bench_package(rows, package, work, args, frictionless))
            if not args.keep:
                shutil.rmtree(package, ignore_errors=True)  # one size on disk at a time
            print()
        if args.shipped:
            print(f"shipped package: {ROOT}", flush=True)
            results.append(bench_package(None, ROOT, work, args, frictionless))
            print()
        print(table(results, quantity_rows(ROOT)))
        print(
            "\nratio = frictionless seconds / tool seconds; seconds are the median of "
            f"{max(1, args.repeat)} run(s), peak RSS the largest (VmRSS of the process tree, polled every {POLL_SECONDS * 1000:.0f} ms, or wait4's ru_maxrss)"
        )
        print("\ntargets:")
        checked = targets(results)
        for what, met, figures in checked:
            print(f"  {'met    ' if met else 'NOT MET'}  {what}: {figures}")
        floors = floor_lines(results)
        if floors:
            print("\nfloors (no validator of this package can be faster than reading it):")
            print("\n".join(floors))
        return 0 if all(met for _, met, _ in checked) else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
