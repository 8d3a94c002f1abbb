"""Reading the package's files safely: nothing outside the root, no network, bounded size and depth.

Every reader returns data and a list of located problems; none raises on bad input.
"""

from __future__ import annotations

import codecs
import csv
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..files import MAX_READ_BYTES, Refused, read_bytes, read_inside, reading, regular_size
from .errors import Problem, show_value
from .rules import MAX_DIGITS, whole_number

MAX_JSON_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
MAX_CELL = 1024 * 1024
#: A news report's text is a few kilobytes; a longer one is refused rather than read whole.
MAX_TEXT_BYTES = MAX_READ_BYTES


# ---------------------------------------------------------------- JSON


class _Duplicate(Exception):
    pass


@dataclass
class JsonDocument:
    """A parsed JSON file, and its text for locating values lazily."""

    rel: str
    text: str
    data: object = None
    problems: list[Problem] = field(default_factory=list)
    _map: dict | None = None

    def line_of(self, pointer_parts: tuple) -> int | None:
        """1-based line where the value at the JSON pointer starts (nearest existing ancestor)."""
        if self._map is None:
            import json_source_map  # only when an error needs a line

            try:
                self._map = json_source_map.calculate(_short_numbers(self.text))
            except Exception:  # the map is a convenience; the error still has its JSON path
                self._map = {}
        parts = list(pointer_parts)
        while True:
            key = "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)
            entry = self._map.get(key)
            if entry is not None:
                return entry.value_start.line + 1
            if not parts:
                return None
            parts.pop()


_LONG_NUMBER = re.compile(rf"(?<![0-9])[0-9]{{{MAX_DIGITS + 1},}}")  # each run tried once: linear


def _short_numbers(text: str) -> str:
    """The text with every run of more than MAX_DIGITS digits written 0 and padded, so that the source
    map (which converts numbers, and Python refuses such long ones) sees the same lines and columns."""
    return _LONG_NUMBER.sub(lambda m: "0" + " " * (len(m.group()) - 1), text)


def json_path(parts: tuple) -> str:
    out = "$"
    for p in parts:
        out += (
            f"[{p}]"
            if isinstance(p, int)
            else (f".{p}" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", p) else f"[{json.dumps(p)}]")
        )
    return out


def _line_at(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _depth(value: object) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, d = stack.pop()
        deepest = max(deepest, d)
        if isinstance(item, dict):
            stack.extend((v, d + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, d + 1) for v in item)
    return deepest


def duplicate_keys(text: str) -> list[tuple[str, int]]:
    """(key, position of the later occurrence) for every key repeated within one object.

    Only called once the parser has seen a duplicate, so its slowness never costs a valid file.
    """
    found: list[tuple[str, int]] = []
    stack: list[set[str] | None] = []  # a set per open object, None per open array
    string = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            m = string.match(text, i)
            if m is None:
                break
            j = m.end()
            while j < n and text[j] in " \t\r\n":
                j += 1
            if j < n and text[j] == ":" and stack and stack[-1] is not None:
                key = json.loads(m.group())
                if key in stack[-1]:
                    found.append((key, i))
                stack[-1].add(key)
            i = m.end()
            continue
        if c == "{":
            stack.append(set())
        elif c == "[":
            stack.append(None)
        elif c in "}]" and stack:
            stack.pop()
        i += 1
    return found


def read_json(path: Path, rel: str) -> JsonDocument:
    """Parse a JSON file strictly: UTF-8 without BOM, no duplicate keys, finite numbers, bounded depth."""
    doc = JsonDocument(rel, "")

    def problem(code: str, message: str, line: int | None = None) -> JsonDocument:
        doc.problems.append(Problem(rel, line, "$" if line is None else None, None, code, message))
        return doc

    try:
        size = regular_size(path)
        if size > MAX_JSON_BYTES:
            return problem(
                "file-too-large", f"{size} bytes; the validator reads JSON files of at most {MAX_JSON_BYTES} bytes."
            )
        raw = read_bytes(path, MAX_JSON_BYTES)
    except Refused as exc:
        return problem(
            exc.code, f"{exc.reason}." if exc.code == "file-too-large" else f"cannot be read: {exc.reason}."
        )
    if raw.startswith(codecs.BOM_UTF8):
        doc.problems.append(
            Problem(rel, 1, None, None, "bom", "starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM.")
        )
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        doc.text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return problem(
            "encoding-error",
            f"byte {exc.start} ({raw[exc.start : exc.start + 1]!r}) is not valid UTF-8; save the file as UTF-8.",
            line,
        )

    duplicates: list[str] = []

    def pairs(items: list[tuple[str, object]]) -> dict:
        seen: dict[str, object] = {}
        for key, value in items:
            if key in seen:
                duplicates.append(key)
            seen[key] = value
        return seen

    def constant(name: str) -> float:
        raise ValueError(f"{name} is not a JSON number")

    def number(text: str) -> float:
        value = float(text)
        if not math.isfinite(value):
            raise ValueError(f"{text[:40]} is too large to be a finite number")
        return value

    try:
        doc.data = json.loads(
            doc.text, object_pairs_hook=pairs, parse_constant=constant, parse_float=number, parse_int=whole_number
        )
    except RecursionError:
        return problem(
            "json-too-deep", f"nested deeper than the parser allows; a war report is at most {MAX_DEPTH} levels deep."
        )
    except json.JSONDecodeError as exc:
        return problem("json-syntax", f"{exc.msg} (column {exc.colno}).", exc.lineno)
    except ValueError as exc:
        pos = re.search(r"NaN|-?Infinity|\d[\d.]*[eE]\+?\d{3,}", doc.text)
        line = _line_at(doc.text, pos.start()) if pos else None
        code = "json-not-finite"
        return problem(code, f"{exc}; write a finite number or omit the value.", line)
    if _depth(doc.data) > MAX_DEPTH:
        doc.data = None
        return problem("json-too-deep", f"nested more than {MAX_DEPTH} levels deep; no war report needs that.")
    if duplicates:
        for key, pos in duplicate_keys(doc.text):
            doc.problems.append(
                Problem(
                    rel,
                    _line_at(doc.text, pos),
                    None,
                    key,
                    "json-duplicate-key",
                    f"key {show_value(key)} appears more than once in one object; JSON readers keep only the last. Delete one.",
                )
            )
    return doc


# ---------------------------------------------------------------- CSV

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class CsvFile:
    """Streams a CSV file's records with the physical line each starts on, collecting byte-level problems."""

    path: Path
    rel: str
    problems: list[Problem] = field(default_factory=list)
    stopped: bool = False  # the rest of the file could not be read

    def _lines(self, handle) -> Iterator[str]:
        first, crlf = True, False
        for number, raw in enumerate(handle, start=1):
            if first:
                first = False
                if raw.startswith(codecs.BOM_UTF8):
                    self.problems.append(
                        Problem(
                            self.rel,
                            1,
                            None,
                            None,
                            "bom",
                            "starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM.",
                        )
                    )
                    raw = raw[3:]
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                self.problems.append(
                    Problem(
                        self.rel,
                        number,
                        None,
                        None,
                        "encoding-error",
                        f"byte {exc.start + 1} of the line ({raw[exc.start : exc.start + 1]!r}) is not valid UTF-8; save the file as UTF-8.",
                    )
                )
                line = raw.decode("utf-8", errors="replace")
            if line.endswith("\r\n"):
                if not crlf:  # once per file: a file saved with CR LF has it on every line
                    self.problems.append(
                        Problem(
                            self.rel,
                            number,
                            None,
                            None,
                            "crlf-line-ends",
                            "ends with CR LF (later lines are not reported again); save the file with LF line ends.",
                        )
                    )
                crlf = True
                line = line[:-2] + "\n"
            yield line

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """(start line, cells) for every record, the header first."""
        csv.field_size_limit(MAX_CELL)  # set here: other libraries (frictionless) raise it process-wide
        with reading(self.path) as handle:
            reader = csv.reader(self._lines(handle), strict=True)
            start = 1
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    code = "cell-too-large" if "field larger" in str(exc) else "csv-syntax"
                    message = (
                        f"a cell is larger than {MAX_CELL} bytes; the rest of the file was not read."
                        if code == "cell-too-large"
                        else f"the CSV cannot be parsed here ({exc}); the rest of the file was not read. Check the quotes."
                    )
                    self.problems.append(Problem(self.rel, start, None, None, code, message))
                    self.stopped = True
                    return
                yield start, cells
                start = reader.line_num + 1


# ---------------------------------------------------------------- source texts


def source_text(
    root: Path, rel_text: object, allow_outside: bool, dirs: dict[str, str] | None = None
) -> tuple[bytes | None, str | None, str]:
    """(bytes, None, "") of a source text, or (None, why it cannot be read, the error code for that)."""
    if not isinstance(rel_text, str):
        return None, None, ""
    try:
        return read_inside(root, rel_text, allow_outside, dirs, MAX_TEXT_BYTES), None, ""
    except Refused as exc:
        return None, exc.reason.removeprefix(f"{rel_text} "), exc.code


SAFE_ID = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$")


def local_text(texts: Path, source_id: object) -> tuple[bytes | None, str | None]:
    """(bytes, None) of the local copy ``<texts>/<source_id>.txt`` of a text that is not shipped, or (None, why).

    The folder is the person's own (``--texts DIR``); it is read as a package folder is: nothing outside
    it (symlinks included), regular files only, capped in size."""
    if not isinstance(source_id, str) or not SAFE_ID.match(source_id):
        return None, None
    name = f"{source_id}.txt"
    try:
        return read_inside(texts, name, False, None, MAX_TEXT_BYTES), None
    except Refused as exc:
        where = show_value(str(texts))
        if exc.reason.endswith("does not exist"):
            return None, f"has no local copy {name} in {where}"
        return None, f"has a local copy in {where} that cannot be read ({exc.reason}, relative to that folder)"
