"""The one door to a package's files: every command reads and writes them here, and nowhere else.

Reading: a path named by the package (a resource, a ``text_path``, a report) must
stay inside the package root once symlinks are resolved (``unsafe_reason``),
and what is opened must be a regular file: a FIFO would block forever, a device
(``/dev/zero``) never ends, a folder is not data. Whole-file reads are capped in
size; streamed tables are opened the same way and read by their reader.
Failures are ``Refused`` (a ``UserError`` with an error code), which the
validator turns into located findings and the tools into clear refusals.

Writing: ``atomic_write`` for one file and ``write_files`` for a set (a build)
stage every file first, then rename, and on any failure (a full disk, a
read-only package, Ctrl-C) put every target back as it was. New files get the
mode the umask gives (``mkstemp``'s 0600 would lock out other users), and a
symlink at a target is refused rather than followed or replaced.

Quote offsets are code points into the text *as shipped*, so texts are decoded
from their bytes without newline translation: ``open(path).read()`` would turn
``\\r\\n`` into ``\\n`` and shift every offset after it.

Over 400 lines on purpose: it is the one door, so every check of a path, a file kind, a size and
every all-or-nothing write lives here, where one reading of the module shows the whole promise.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from war_report_events.failure import UserError, printable

URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")

#: Whole-file reads (reports, descriptors, source texts, manifests) stop here: no war report or
#: news text comes near it, and an endless or huge file must not take the machine's memory.
MAX_READ_BYTES = 64 * 1024 * 1024

#: Temporary and backup files of a write carry this mark, so a later write can remove what a
#: killed one left behind (and nothing else).
MARK = ".wre-"


class Refused(UserError):
    """A package file that may not or cannot be read; ``code`` is the validator's error code for it."""

    def __init__(self, message: str, code: str = "file-missing", exit_code: int = 1) -> None:
        super().__init__(message, exit_code)
        self.code = code
        self.reason = message


def _os_reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


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
    if "\x00" in rel:
        return "holds a NUL character"
    dirs = {} if dirs is None else dirs
    try:
        real_root = _resolved(str(root), dirs)
        real = _resolved(str(root / rel), dirs)
    except (OSError, ValueError) as exc:  # a name too long to resolve, a symlink loop
        return f"cannot be resolved ({_os_reason(exc) if isinstance(exc, OSError) else exc})"
    if real != real_root and not real.startswith(real_root + os.sep):
        return "is a symlink whose target is outside the package"
    return None


def check_inside(root: Path, rel: str, allow_outside: bool = False, dirs: dict[str, str] | None = None) -> Path:
    """``root / rel`` when it may be read; otherwise ``Refused`` (code ``unsafe-path``)."""
    why = unsafe_reason(root, rel, allow_outside, dirs)
    if why:
        raise Refused(f"{rel} {why}", "unsafe-path")
    return root / rel


def package_root_of(report_path: Path, default: Path) -> Path:
    """The package root of a report at ``<root>/data/reports/<id>.json``; ``default`` elsewhere."""
    resolved = report_path.resolve()
    if resolved.parent.name == "reports" and resolved.parent.parent.name == "data":
        return resolved.parent.parent.parent
    return default


# ---------------------------------------------------------------- reading


def regular_size(path: Path) -> int:
    """The size of ``path`` when it is a regular file (symlinks followed); ``Refused`` otherwise."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise Refused("does not exist") from None
    except (OSError, ValueError) as exc:
        raise Refused(f"cannot be read ({_os_reason(exc) if isinstance(exc, OSError) else exc})") from None
    if not stat.S_ISREG(info.st_mode):
        raise Refused(f"is {_kind(info.st_mode)}, not a regular file")
    return info.st_size


def open_regular(path: Path) -> IO[bytes]:
    """``path`` opened for reading in binary, after checking it is a regular file.

    Opened without blocking and checked on the open descriptor (not by name first), so a FIFO
    cannot hang the reader and a file swapped between check and open is still caught."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise Refused("does not exist") from None
    except (OSError, ValueError) as exc:
        raise Refused(f"cannot be read ({_os_reason(exc) if isinstance(exc, OSError) else exc})") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise Refused(f"is {_kind(mode)}, not a regular file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bytes(path: Path, limit: int = MAX_READ_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; ``Refused`` otherwise."""
    with open_regular(path) as handle:
        try:
            size = os.fstat(handle.fileno()).st_size
            if size > limit:
                raise Refused(f"is {size} bytes; at most {limit} bytes are read", "file-too-large")
            data = handle.read(limit + 1)
        except OSError as exc:
            raise Refused(f"cannot be read ({_os_reason(exc)})") from None
    if len(data) > limit:  # it grew while being read
        raise Refused(f"is more than {limit} bytes; at most {limit} bytes are read", "file-too-large")
    return data


def read_inside(
    root: Path, rel: str, allow_outside: bool = False, dirs: dict[str, str] | None = None, limit: int = MAX_READ_BYTES
) -> bytes:
    """The bytes of the package file ``rel``: inside the root, regular, capped."""
    return read_bytes(check_inside(root, rel, allow_outside, dirs), limit)


def read_text(path: Path, root: Path | None = None, rel: str | None = None) -> str:
    """The text of a shipped file, decoded as UTF-8 exactly as stored; a ``UserError`` naming it otherwise.

    With ``root`` and ``rel`` (a ``text_path`` from a report) the path must stay inside the package."""
    try:
        data = read_inside(root, rel) if root is not None and rel is not None else read_bytes(path)
    except Refused as exc:
        raise UserError(
            f"{printable(str(path))}: {'no such file' if exc.reason == 'does not exist' else exc.reason}"
        ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(
            f"{printable(str(path))}: not UTF-8 (byte {exc.start} cannot be decoded); save the text as UTF-8 before coding it"
        ) from None


def load_json(path: Path) -> Any:
    """A JSON file parsed; ``Refused`` (never a traceback) for one that is not JSON, nested too deep or holds a
    number too long, with the validator's code (``json-...``) and a message telling the person to run it."""
    try:
        return json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise Refused(
            f"{printable(str(path))}:{exc.lineno}: not valid JSON: {exc.msg}; run `python validate.py`", "json-syntax"
        ) from None
    except (ValueError, RecursionError, MemoryError) as exc:  # a 5,000-digit integer, a document nested too deep
        what = "nested too deep" if isinstance(exc, RecursionError) else printable(str(exc)[:120])
        code = "json-too-deep" if isinstance(exc, RecursionError) else "json-not-finite"
        raise Refused(
            f"{printable(str(path))}: not readable as JSON ({what}); run `python validate.py`", code
        ) from None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open_regular(path) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def same_bytes(path: Path, data: bytes) -> bool:
    """Whether ``path`` is a regular file (not a symlink) holding exactly ``data``; read in blocks."""
    if os.path.islink(path):
        return False
    try:
        with open_regular(path) as handle:
            if os.fstat(handle.fileno()).st_size != len(data):
                return False
            view, at = memoryview(data), 0
            for block in iter(lambda: handle.read(1 << 20), b""):
                if view[at : at + len(block)] != block:
                    return False
                at += len(block)
            return at == len(data)
    except (Refused, OSError):
        return False


def list_reports(root: Path, folder: str, allow_outside: bool = False) -> tuple[list[Path], str | None]:
    """The ``*.json`` files of a package folder, sorted by name without ``.json``; (``[]``, why) when the folder
    may not be listed.

    Only the folder is checked here: read each file through ``report_files`` (or check it with
    ``unsafe_reason``), since a report may itself be a symlink out of the package."""
    base = root / folder
    if not os.path.lexists(base):
        return [], None
    why = unsafe_reason(root, folder, allow_outside)
    if why:
        return [], why
    try:
        # By name without ".json": the order of source ids, in which build writes the reports' rows ("a.json"
        # before "a-b.json", though "-" sorts before ".").
        return sorted(
            (p for p in base.iterdir() if p.name.endswith(".json")), key=lambda p: (p.name[:-5], p.name)
        ), None
    except NotADirectoryError:
        return [], "is not a folder"
    except OSError as exc:
        return [], f"cannot be listed ({_os_reason(exc)})"


REPORTS_DIR = "data/reports"


def report_files(root: Path, allow_outside: bool = False) -> tuple[list[tuple[str, Path]], list[tuple[str, str]]]:
    """The one listing of a package's reports, for every command: (``[(rel, path)]`` of the files that may be
    read, ``[(rel, why)]`` of those refused), each file checked as the validator checks it (a report that is
    a symlink out of the package is refused, never opened)."""
    paths, why = list_reports(root, REPORTS_DIR, allow_outside)
    if why:
        return [], [(REPORTS_DIR, why)]
    allowed: list[tuple[str, Path]] = []
    refused: list[tuple[str, str]] = []
    dirs: dict[str, str] = {}
    for path in paths:
        rel = path.relative_to(root).as_posix()
        why = unsafe_reason(root, rel, allow_outside, dirs)
        if why:
            refused.append((rel, why))
        else:
            allowed.append((rel, path))
    return allowed, refused


def read_reports(root: Path) -> list[tuple[str, Any]]:
    """Every report of the package, parsed, for a tool that reads reports: (rel, data) in file-name order.

    A tool never reads around a bad package: the first report that may not be read (outside the package, not a
    regular file, too large, not UTF-8, not JSON, nested too deep) stops it with a ``UserError`` naming the file
    and saying to run the validator."""
    allowed, refused = report_files(root)
    if refused:
        rel, why = refused[0]
        raise UserError(f"{printable(str(root / rel))} {why}; reports must be files inside the package.")
    return [(rel, load_json(path)) for rel, path in allowed]


def dump_report(report: Any) -> str:
    """The one serialisation of a report file: key order kept, 2-space indent, UTF-8, final newline."""
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------- writing


def _write_reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC or exc.errno == getattr(errno, "EDQUOT", -1):
        return "the disk is full; free some space and run again"
    if exc.errno == errno.EROFS:
        return "the file system is read-only"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied; check that you may write to the package"
    return _os_reason(exc)


def _refuse_target(path: Path) -> None:
    """A target must be absent or a regular file: a symlink is never followed nor replaced."""
    if os.path.islink(path):
        raise UserError(
            f"{printable(str(path))} is a symlink; it is neither followed nor replaced. Remove it, then run again"
        )
    if os.path.lexists(path) and not os.path.isfile(path):
        raise UserError(f"{printable(str(path))} exists and is not a regular file; move it away, then run again")


def _stage(path: Path, payload: bytes, mode: int | None) -> Path:
    """A new temporary file beside ``path`` holding ``payload``, on disk; its mode from the umask."""
    tmp = path.parent / f".{path.name[:100]}{MARK}{secrets.token_hex(6)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp, flags, 0o666)  # the umask decides, as for any file a person saves
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
    except BaseException:
        _remove(tmp)
        raise
    return tmp


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError:
        pass  # best effort while already failing; the next write removes marked leftovers


def _sync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # not every file system syncs folders; the rename itself is still atomic
    finally:
        os.close(fd)


def _clear_leftovers(folder: Path) -> None:
    """Temporary and backup files a killed write left in ``folder`` (only ours, by their mark)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        ours = name.startswith(".") and MARK in name and name.endswith((".tmp", ".bak"))
        if ours and os.path.isfile(folder / name) and not os.path.islink(folder / name):
            _remove(folder / name)


def clear_leftovers(root: Path, folders: list[str]) -> None:
    """Remove what a killed write left in these package folders (only our marked temporary and backup files),
    even when nothing is to be written: `make build` after a SIGKILL leaves no ``.wre-`` file behind."""
    for folder in folders:
        if os.path.isdir(root / folder) and unsafe_reason(root, folder) is None:
            _clear_leftovers(root / folder)


def _mkdirs(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise UserError(f"{printable(str(folder))} exists and is not a folder; move it away, then run again") from None
    except OSError as exc:
        raise UserError(
            f"{printable(str(folder))}: cannot create the folder ({_write_reason(exc)}); nothing was written"
        ) from None


def _refuse_outside(path: Path, root: Path) -> None:
    """A target whose real path (symlinked folders resolved) leaves ``root`` is refused: a ``dist`` or ``docs``
    folder symlinked to /tmp or a home folder must not let a command write there."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    if real != real_root and not real.startswith(real_root.rstrip(os.sep) + os.sep):
        raise UserError(
            f"{printable(str(path))} leads outside {printable(str(root))} (to {printable(real)}) through a symlinked "
            "folder; nothing is written there. Remove the symlink (a command that takes --out may write to a folder named there)"
        )


def atomic_write(path: Path, data: bytes | str, mode: int | None = None, root: Path | None = None) -> None:
    """Write one file all at once: readers see the old file or the new one, never a half-written one."""
    write_files({path: data}, mode, root)


def write_files(files: dict[Path, bytes | str], mode: int | None = None, root: Path | None = None) -> None:
    """Write every file or change none: all are staged beside their targets, then renamed in turn;
    a failure (or Ctrl-C) while renaming puts back every target already replaced.

    ``root`` is the package root, or the output folder the person named on the command line: no target may
    lead out of it once symlinks are resolved (checked before any folder is made and again before each rename).
    Every command passes it.

    Raises ``UserError`` (saying nothing was changed) on a refusal or an ``OSError``;
    ``KeyboardInterrupt`` is re-raised once everything is back as it was."""
    items: list[tuple[Path, bytes]] = []
    for p, d in files.items():
        try:
            items.append((Path(p), d.encode("utf-8") if isinstance(d, str) else d))
        except UnicodeEncodeError as exc:  # a lone surrogate ("\ud800") read from a JSON escape
            raise UserError(
                f"{printable(str(p))}: character {exc.object[exc.start]!r} at {exc.start} cannot be written as UTF-8 "
                "(a lone surrogate); correct the report. Nothing was written"
            ) from None
    for path, _ in items:
        _refuse_target(path)
        if root is not None:
            _refuse_outside(path, root)
    for folder in sorted({path.parent for path, _ in items}):
        _mkdirs(folder)
        _clear_leftovers(folder)
    staged: list[tuple[Path, Path]] = []
    done: list[tuple[Path, Path | None]] = []  # (target, backup or None when it is new)
    current = items[0][0] if items else Path(".")
    try:
        for path, payload in items:
            current = path
            staged.append((path, _stage(path, payload, mode)))
        for path, tmp in staged:
            current = path
            _refuse_target(path)  # again: it may have changed while staging
            if root is not None:
                _refuse_outside(path, root)
            backup = None
            if os.path.lexists(path):
                backup = path.parent / f".{path.name[:100]}{MARK}{secrets.token_hex(6)}.bak"
                try:
                    os.link(path, backup)  # the old file stays in place until the rename
                except OSError:
                    shutil.copy2(path, backup)
            # Recorded before the rename: an interruption inside it (or just after) is rolled back too; putting
            # back a target that was not yet replaced restores the same file.
            done.append((path, backup))
            os.replace(tmp, path)
    except BaseException as exc:
        _roll_back(done)
        for _, tmp in staged:
            _remove(tmp)
        if isinstance(exc, OSError):
            raise UserError(
                f"{printable(str(current))}: cannot write ({_write_reason(exc)}); none of the files was changed"
            ) from None
        raise
    for _, backup in done:
        if backup is not None:
            _remove(backup)
    for folder in sorted({path.parent for path, _ in items}):
        _sync_dir(folder)


def _roll_back(done: list[tuple[Path, Path | None]]) -> None:
    for path, backup in reversed(done):
        try:
            if backup is not None:
                if os.path.lexists(path) and os.path.samefile(backup, path):
                    os.unlink(backup)  # not replaced yet (rename(2) onto the same file would do nothing)
                else:
                    os.replace(backup, path)
            elif os.path.lexists(path):
                os.unlink(path)
        except OSError:
            pass  # left for `make build` to repair; validate.py reports the table as out of date


@contextmanager
def reading(path: Path) -> Iterator[IO[bytes]]:
    """``open_regular`` as a context manager, for streamed readers."""
    with open_regular(path) as handle:
        yield handle


def write_folder(folder: Path, files: dict[str, bytes | str]) -> None:
    """Replace ``folder`` by a folder holding exactly ``files`` (names relative to it), all of them or none.

    They are written with ``write_files`` into a new sibling folder, which then takes the old one's place
    (two renames); on any failure (a full disk, Ctrl-C, SIGTERM) the old folder is put back as it was.
    A symlink at ``folder`` is neither followed nor replaced. Used for generated sites (the review pages)."""
    if os.path.islink(folder) or (os.path.lexists(folder) and not os.path.isdir(folder)):
        raise UserError(f"{folder} is not a folder; it is neither followed nor replaced. Move it away, then run again")
    _mkdirs(folder.parent)
    stage = folder.parent / f".{folder.name[:100]}{MARK}{secrets.token_hex(6)}.tmp"
    old = stage.with_suffix(".bak")
    try:
        os.mkdir(stage)  # its mode from the umask, as for any folder a person makes
        write_files({stage / name: data for name, data in files.items()}, root=stage)  # no name leaves it
        if os.path.isdir(folder):
            os.replace(folder, old)
        os.replace(stage, folder)
    except BaseException as exc:
        shutil.rmtree(stage, ignore_errors=True)
        if os.path.isdir(old) and not os.path.lexists(folder):
            os.replace(old, folder)
        if isinstance(exc, OSError):
            raise UserError(f"{folder}: cannot write ({_write_reason(exc)}); nothing was changed") from None
        raise
    shutil.rmtree(old, ignore_errors=True)
