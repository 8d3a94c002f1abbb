"""Reading shipped texts and writing package files safely, shared by the coding tools.

Quote offsets are code points into the text *as shipped*, so texts are decoded
from their bytes without newline translation: ``open(path).read()`` would turn
``\\r\\n`` into ``\\n`` and shift every offset after it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any


class ToolError(Exception):
    """A problem a person can fix; the message says what is wrong and how to fix it."""


def read_text(path: Path) -> str:
    """The text of a shipped source file, decoded as UTF-8 exactly as stored."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ToolError(f"{path}: no such file") from None
    except OSError as exc:
        raise ToolError(f"{path}: cannot read it ({exc.strerror})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ToolError(
            f"{path}: not UTF-8 (byte {exc.start} cannot be decoded); "
            "save the text as UTF-8 before coding it"
        ) from None


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_json(path: Path) -> Any:
    try:
        return json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise ToolError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None


def dump_report(report: Any) -> str:
    """The one serialisation of a report file: key order kept, 2-space indent, UTF-8, final newline."""
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def atomic_write(path: Path, data: bytes | str, mode: int | None = None) -> None:
    """Write ``path`` all at once: readers see the old file or the new one, never a half-written one.

    The bytes go to a temporary file in the same directory (so ``os.replace`` is
    a rename on one file system), are flushed to disk, then replace the target.
    On any failure the temporary file is removed and the target is untouched.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def package_root_of(report_path: Path, default: Path) -> Path:
    """The package root of a report at ``<root>/data/reports/<id>.json``; ``default`` elsewhere."""
    resolved = report_path.resolve()
    if resolved.parent.name == "reports" and resolved.parent.parent.name == "data":
        return resolved.parent.parent.parent
    return default
