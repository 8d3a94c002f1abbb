"""Reading the package's files safely: nothing outside the root, no network, bounded size and depth.

Every reader returns data and a list of located problems; none raises on bad input.

Over 400 lines on purpose: the JSON and CSV readers share the byte-level rules (encodings, BOM,
control characters, size caps) and the on-demand line locator; each reader is a unit of its own.
"""

from __future__ import annotations

import bisect
import codecs
import csv
import io
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..files import MAX_READ_BYTES, Refused, read_bytes, read_inside, reading, regular_size
from .errors import Problem, show_value
from .rules import whole_number

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
    _locator: _Locator | None = None

    def line_of(self, pointer_parts: tuple) -> int | None:
        """1-based line where the value at the JSON pointer starts (nearest existing ancestor)."""
        if self._locator is None:  # only when an error needs a line: a valid file is never mapped
            self._locator = _Locator(self.text)
        parts = list(pointer_parts)
        while True:
            pos = self._locator.start_of(tuple(parts))
            if pos is not None:
                return self._locator.line_at(pos)
            if not parts:
                return None
            parts.pop()


_SPACE = re.compile(r"[ \t\n\r]*")
_SKIPPER = json.JSONDecoder(  # skips a value at C speed; numbers are not converted (a 5,000-digit one stays cheap)
    parse_int=lambda _: 0, parse_float=lambda _: 0.0, parse_constant=lambda _: 0.0
)


class _Locator:
    """Where values start in a JSON text, found on demand.

    Only the containers on the paths asked for are scanned, each once: their members' start
    offsets are kept, and the values in between are skipped by the C decoder. So locating any
    number of values costs at most a few passes over the text, and memory stays proportional
    to the containers visited, not to the document (a full source map of an 8 MB report took
    gigabytes). Line numbers come from one index of line starts, built on first use.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.members: dict[tuple, dict[str, int] | list[int] | None] = {}
        self.newlines: list[int] | None = None

    def _skip_space(self, pos: int) -> int:
        return _SPACE.match(self.text, pos).end()  # type: ignore[union-attr]

    def _scan(self, start: int) -> dict[str, int] | list[int] | None:
        """Start offsets of the members of the container at ``start``; None for a scalar.

        For a key given twice, the later one counts, as for parsers that keep the last."""
        text, decode = self.text, _SKIPPER.raw_decode
        opening = text[start : start + 1]
        if opening not in ("{", "["):
            return None
        closing = "}" if opening == "{" else "]"
        keys: dict[str, int] = {}
        items: list[int] = []
        pos = self._skip_space(start + 1)
        if text.startswith(closing, pos):
            return keys if opening == "{" else items
        while True:
            if opening == "{":
                key, pos = json.decoder.scanstring(text, pos + 1)
                pos = self._skip_space(self._skip_space(pos) + 1)  # past the colon
                keys[key] = pos
            else:
                items.append(pos)
            _, end = decode(text, pos)
            pos = self._skip_space(end)
            if text.startswith(closing, pos):
                return keys if opening == "{" else items
            pos = self._skip_space(pos + 1)  # past the comma

    def start_of(self, parts: tuple) -> int | None:
        """Offset where the value at ``parts`` starts, or None when there is none."""
        try:
            pos = self._skip_space(0)
            for depth, part in enumerate(parts):
                prefix = parts[:depth]
                if prefix not in self.members:
                    self.members[prefix] = self._scan(pos)
                members = self.members[prefix]
                if isinstance(members, dict):
                    found = members.get(str(part))
                elif isinstance(members, list) and (isinstance(part, int) or str(part).isdecimal()):
                    index = int(part)
                    found = members[index] if 0 <= index < len(members) else None
                else:
                    found = None
                if found is None:
                    return None
                pos = found
            return pos
        except (ValueError, IndexError):  # not valid JSON after all: the error keeps its JSON path
            return None

    def line_at(self, pos: int) -> int:
        if self.newlines is None:
            self.newlines = [m.start() for m in re.finditer("\n", self.text)]
        return bisect.bisect_left(self.newlines, pos) + 1


def _line_at(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _shape(value: object) -> tuple[int, int]:
    """(levels of nesting, keys in all objects): a scalar is 1 level, a container with members one more
    than its deepest member. Containers only are visited: a large report's scalars are never touched."""
    if not isinstance(value, (dict, list)):
        return 1, 0
    deepest, keys, stack = 1, 0, [(value, 1)]
    while stack:
        item, d = stack.pop()
        if isinstance(item, dict):
            keys += len(item)
            members = item.values()
        else:
            members = item
        if members:
            deepest = max(deepest, d + 1)
            stack.extend((v, d + 1) for v in members if isinstance(v, (dict, list)))
    return deepest, keys


_SPACED_COLON = re.compile(r'"[ \t\n\r]+:')


def _has_duplicate_keys(text: str, keys_kept: int) -> bool:
    """Whether the text may write more keys than the parsed objects kept (a key repeated).

    Every key is a quote followed by a colon, so counting those (in C) gives at least the keys
    written; when that equals the keys kept, no key was repeated. A larger count (a string holding
    a quote and a colon, or a real duplicate) is settled by the exact scan. The parser then needs
    no Python hook per object."""
    written_at_most = text.count('":') + len(_SPACED_COLON.findall(text))
    return written_at_most != keys_kept and bool(duplicate_keys(text))


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]]', re.S)


def duplicate_keys(text: str) -> list[tuple[str, int]]:
    """(key, position of the later occurrence) for every key repeated within one object.

    One pass over strings and brackets (everything else is skipped by the regex), so many
    duplicates cost no more than a few: linear in the text."""
    found: list[tuple[str, int]] = []
    stack: list[set[str] | None] = []  # a set per open object, None per open array
    space = _SPACE
    for m in _TOKEN.finditer(text):
        token = m.group()
        if token == "{":
            stack.append(set())
        elif token == "[":
            stack.append(None)
        elif token in ("}", "]"):
            if stack:
                stack.pop()
        elif stack and stack[-1] is not None and text.startswith(":", space.match(text, m.end()).end()):  # type: ignore[union-attr]
            key = json.loads(token)
            if key in stack[-1]:
                found.append((key, m.start()))
            stack[-1].add(key)
    return found


def _lines_at(text: str, positions: list[int]) -> list[int]:
    """1-based lines of many positions in one pass (counting from the start for each is quadratic)."""
    order = sorted(range(len(positions)), key=positions.__getitem__)
    out = [0] * len(positions)
    line, last = 1, 0
    for i in order:
        line += text.count("\n", last, positions[i])
        last = positions[i]
        out[i] = line
    return out


def read_json(path: Path, rel: str, deferred: bool = False) -> JsonDocument:
    """Parse a JSON file strictly: UTF-8 without BOM, no duplicate keys, finite numbers, bounded depth.

    ``deferred``: depth and repeated keys are left for ``check_shape``, which the caller must run (the
    streamed pass knows the keys of a report that meets the schema without walking it again)."""
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

    def constant(name: str) -> float:
        raise ValueError(f"{name} is not a JSON number")

    def number(text: str) -> float:
        value = float(text)
        if not math.isfinite(value):
            raise ValueError(f"{text[:40]} is too large to be a finite number")
        return value

    try:
        doc.data = json.loads(doc.text, parse_constant=constant, parse_float=number, parse_int=whole_number)
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
    if not deferred:
        check_shape(doc)
    return doc


def check_shape(doc: JsonDocument, keys: int | None = None) -> None:
    """Depth and repeated keys of a parsed document (``read_json``). ``keys``: the number of keys its objects
    hold, when the caller knows it and knows the document is shallow (a report that meets the schema)."""
    if keys is None:
        depth, keys = _shape(doc.data)
        if depth > MAX_DEPTH:
            doc.data = None
            doc.problems.append(
                Problem(
                    doc.rel,
                    None,
                    "$",
                    None,
                    "json-too-deep",
                    f"nested more than {MAX_DEPTH} levels deep; no war report needs that.",
                )
            )
            return
    rel = doc.rel
    if _has_duplicate_keys(doc.text, keys):
        repeated = duplicate_keys(doc.text)
        lines = _lines_at(doc.text, [pos for _, pos in repeated])
        for (key, _), line in zip(repeated, lines):
            doc.problems.append(
                Problem(
                    rel,
                    line,
                    None,
                    key,
                    "json-duplicate-key",
                    f"key {show_value(key)} appears more than once in one object; JSON readers keep only the last. Delete one.",
                )
            )


# ---------------------------------------------------------------- CSV

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class CsvFile:
    """Streams a CSV file's records with the physical line each starts on, collecting byte-level problems."""

    path: Path
    rel: str
    problems: list[Problem] = field(default_factory=list)
    stopped: bool = False  # the rest of the file could not be read
    data: bytes | bytearray | None = None  # a table made in memory, read instead of the file

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
        with reading(self.path) if self.data is None else io.BytesIO(self.data) as handle:
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
