"""Reading shipped texts and writing package files safely, shared by the coding tools.

Quote offsets are code points into the text *as shipped*, so texts are decoded
from their bytes without newline translation: ``open(path).read()`` would turn
``\\r\\n`` into ``\\n`` and shift every offset after it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from war_report_events.failure import UserError

URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def read_text(path: Path) -> str:
    """The text of a shipped source file, decoded as UTF-8 exactly as stored."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read it ({exc.strerror})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(
            f"{path}: not UTF-8 (byte {exc.start} cannot be decoded); save the text as UTF-8 before coding it"
        ) from None


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_json(path: Path) -> Any:
    try:
        return json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise UserError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None


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


# ---------------------------------------------------------------- paths inside a package


def _resolved(path: str, dirs: dict[str, str]) -> str:
    """``os.path.realpath(path)``, resolving each folder once: a package keeps thousands of
    source texts in one folder, and resolving every component of every path dominated."""
    head, tail = os.path.split(path)
    if tail in ("", ".", ".."):
        return os.path.realpath(path)
    if head not in dirs:
        dirs[head] = os.path.realpath(head)
    full = os.path.join(dirs[head], tail)
    return os.path.realpath(full) if os.path.islink(full) else full


def unsafe_reason(root: Path, rel: str, allow_outside: bool = False, dirs: dict[str, str] | None = None) -> str | None:
    """Why ``rel`` may not be read as a path inside ``root``, or None when it may.

    ``dirs`` caches resolved folders for one validation; without it nothing is cached."""
    if URL.match(rel) and not re.match(r"^[A-Za-z]:[\\/]", rel):
        return "is a URL; the validator never fetches anything"
    if allow_outside:
        return None
    if rel.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", rel):
        return "is an absolute path"
    if ".." in re.split(r"[\\/]", rel):
        return "leaves the package with '..'"
    dirs = {} if dirs is None else dirs
    real_root = _resolved(str(root), dirs)
    real = _resolved(str(root / rel), dirs)
    if real != real_root and not real.startswith(real_root + os.sep):
        return "is a symlink whose target is outside the package"
    return None
