"""Rendering findings for people (text), scripts (JSON) and pull requests (GitHub annotations)."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import replace

from ..failure import UNPRINTABLE, printable
from .errors import ERROR_CODES, Problem

__all__ = ["UNPRINTABLE", "printable", "render_text", "render_json", "render_github", "RENDERERS"]


def _printable(p: Problem, keep: str = "") -> Problem:
    fields = {
        k: printable(v, keep) for k in ("file", "path", "field", "message") if isinstance(v := getattr(p, k), str)
    }
    return replace(p, **fields) if fields else p


def _where(p: Problem) -> str:
    head = p.file or "(command line)"
    if p.line is not None:
        head += f":{p.line}"
    tail = p.path or p.field
    if p.path and p.field and not p.path.endswith(p.field):
        tail = f"{p.path} ({p.field})"
    return f"{head}: {tail}" if tail else head


def render_text(problems: list[Problem], truncated: bool, checked: str = "") -> str:
    lines = [f"{_where(q)}: {q.message} [{q.code}]" for q in map(_printable, problems)]
    if truncated:
        lines.append(f"stopped after {len(problems)} errors (raise --max-errors to see more)")
    if problems:
        counts = Counter(p.code for p in problems)
        verdict = "could not start" if ERROR_CODES[problems[0].code].group.startswith("could not start") else "invalid"
        lines.append(
            f"{verdict}: {len(problems)} error{'s' if len(problems) != 1 else ''} ("
            + ", ".join(f"{c}: {n}" for c, n in sorted(counts.items()))
            + ")"
        )
    else:
        lines.append(f"valid{': ' + printable(checked) if checked else ''}")
    return "\n".join(lines) + "\n"


def as_dict(p: Problem) -> dict:
    return {"code": p.code, "message": p.message, "file": p.file, "line": p.line, "field": p.field, "path": p.path}


def _json_escape(match: re.Match) -> str:
    return f"\\u{ord(match.group()):04x}"


def render_json(problems: list[Problem], truncated: bool, ascii_only: bool = False) -> str:
    """One JSON object. Characters JSON allows raw but a terminal or a UTF-8 encoder does not (C1 controls,
    line separators, lone surrogates) are written as escapes, which every JSON reader decodes back."""
    text = json.dumps(
        {"valid": not problems, "errors": [as_dict(p) for p in problems], "truncated": truncated},
        ensure_ascii=ascii_only,
    )
    return UNPRINTABLE.sub(_json_escape, text) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(problems: list[Problem], truncated: bool) -> str:
    lines = []
    for p in (_printable(p, keep="\r\n") for p in problems):  # GitHub's own %0A/%0D escapes carry line breaks
        props = [f"file={_escape_property(p.file)}"] if p.file else []
        if p.line is not None:
            props.append(f"line={p.line}")
        props.append(f"title={_escape_property(p.code)}")
        where = p.path or p.field
        lines.append(f"::error {','.join(props)}::{_escape_data((where + ': ' if where else '') + p.message)}")
    if truncated:
        lines.append(
            f"::warning title=truncated::stopped after {len(problems)} errors (raise --max-errors to see more)"
        )
    lines.append(render_text(problems, truncated).splitlines()[-1] if not truncated or problems else "")
    return "\n".join(line for line in lines if line) + "\n"


RENDERERS = {"text": render_text, "json": render_json, "github": render_github}
