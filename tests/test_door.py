"""The one door to a package's files (war_report_events/files.py): what it refuses to read, how it writes,
and that nothing else in the package opens files."""

from __future__ import annotations

import ast
import errno
import os
import stat
from pathlib import Path

import pytest

from conftest import ROOT
from war_report_events import files
from war_report_events.failure import UserError
from war_report_events.files import Refused

# ---------------------------------------------------------------- reading


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(Refused, match="FIFO"):
        files.read_bytes(fifo)  # no writer: a blocking open would hang here forever


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_is_refused(device: str) -> None:
    with pytest.raises(Refused, match="a device"):
        files.read_bytes(Path(device))


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(Refused, match="a folder"):
        files.read_bytes(tmp_path)


def test_size_is_capped_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate(files.MAX_READ_BYTES + 1)  # sparse: nothing is really allocated
    with pytest.raises(Refused) as caught:
        files.read_bytes(big)
    assert caught.value.code == "file-too-large"


def test_a_name_too_long_is_a_refusal_not_an_oserror(tmp_path: Path) -> None:
    with pytest.raises(Refused, match="File name too long"):
        files.read_bytes(tmp_path / ("x" * 300))
    with pytest.raises(Refused):
        files.regular_size(tmp_path / ("x" * 300))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(Refused, match="does not exist"):
        files.read_bytes(tmp_path / "nope")


@pytest.mark.parametrize("rel", ["../secret.txt", "/etc/hostname", "link/secret.txt", "out.txt", "file:///etc/x"])
def test_paths_out_of_the_package_are_refused(tmp_path: Path, rel: str) -> None:
    root = tmp_path / "pkg"
    root.mkdir()
    (tmp_path / "secret.txt").write_text("SECRET")
    (root / "link").symlink_to(tmp_path)
    (root / "out.txt").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(Refused) as caught:
        files.read_inside(root, rel)
    assert caught.value.code == "unsafe-path" and "SECRET" not in str(caught.value)


def test_tool_reads_name_the_file(tmp_path: Path) -> None:
    (tmp_path / "latin1.txt").write_bytes("café".encode("latin-1"))
    with pytest.raises(UserError, match="not UTF-8"):
        files.read_text(tmp_path / "latin1.txt")
    with pytest.raises(UserError, match="no such file"):
        files.read_text(tmp_path / "none.txt")
    with pytest.raises(UserError, match="outside the package"):
        (tmp_path / "out.txt").symlink_to("/etc/hostname")
        files.read_text(tmp_path / "out.txt", tmp_path, "out.txt")


def test_a_5000_digit_number_is_a_message(tmp_path: Path) -> None:
    (tmp_path / "r.json").write_text('{"a": ' + "9" * 5000 + "}")
    with pytest.raises(UserError, match="not readable as JSON"):
        files.load_json(tmp_path / "r.json")


# ---------------------------------------------------------------- writing


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_new_files_get_the_mode_of_the_umask(tmp_path: Path, umask: int, mode: int) -> None:
    old = os.umask(umask)
    try:
        files.atomic_write(tmp_path / "a.csv", "x\n")
        files.write_files({tmp_path / "b.csv": "y\n", tmp_path / "sub" / "c.csv": b"z\n"})
    finally:
        os.umask(old)
    for name in ("a.csv", "b.csv", "sub/c.csv"):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == mode, name


@pytest.mark.parametrize("dangling", [True, False])
def test_a_symlink_at_the_target_is_neither_followed_nor_replaced(tmp_path: Path, dangling: bool) -> None:
    outside = tmp_path / "outside.txt"
    if not dangling:
        outside.write_text("keep")
    link = tmp_path / "t.csv"
    link.symlink_to(outside)
    with pytest.raises(UserError, match="symlink"):
        files.atomic_write(link, "new")
    assert link.is_symlink() and (dangling or outside.read_text() == "keep")
    assert not outside.exists() if dangling else True


def test_a_folder_at_the_target_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("old")
    (tmp_path / "b.csv").mkdir()
    with pytest.raises(UserError, match="not a regular file"):
        files.write_files({tmp_path / "a.csv": "new", tmp_path / "b.csv": "new"})
    assert (tmp_path / "a.csv").read_text() == "old"
    assert sorted(os.listdir(tmp_path)) == ["a.csv", "b.csv"]


def _fail_on_rename(monkeypatch: pytest.MonkeyPatch, number: int, exc: BaseException) -> None:
    real = os.replace
    calls = {"n": 0}

    def replace(src, dst):
        if str(src).endswith(".tmp"):
            calls["n"] += 1
            if calls["n"] == number:
                raise exc
        return real(src, dst)

    monkeypatch.setattr(files.os, "replace", replace)


@pytest.mark.parametrize(
    "exc", [OSError(errno.EISDIR, "Is a directory"), KeyboardInterrupt()], ids=["error", "ctrl-c"]
)
def test_a_set_of_files_is_written_whole_or_not_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exc: BaseException
) -> None:
    (tmp_path / "a.csv").write_text("old a")
    (tmp_path / "b.csv").write_text("old b")
    _fail_on_rename(monkeypatch, 3, exc)  # a and b replaced, then c (new) fails
    with pytest.raises(UserError if isinstance(exc, OSError) else KeyboardInterrupt):
        files.write_files({tmp_path / n: f"new {n}" for n in ("a.csv", "b.csv", "c.csv")})
    assert (tmp_path / "a.csv").read_text() == "old a" and (tmp_path / "b.csv").read_text() == "old b"
    assert sorted(os.listdir(tmp_path)) == ["a.csv", "b.csv"]  # no new file, no temp or backup left


@pytest.mark.parametrize(
    ("number", "message"),
    [(errno.ENOSPC, "the disk is full"), (errno.EROFS, "read-only"), (errno.EACCES, "permission denied")],
)
def test_write_failures_are_messages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, number: int, message: str):
    (tmp_path / "a.csv").write_text("old")

    def refuse(*args, **kwargs):
        raise OSError(number, os.strerror(number))

    monkeypatch.setattr(files.os, "fsync", refuse)  # fails while staging, as a full disk does
    with pytest.raises(UserError, match=message):
        files.write_files({tmp_path / "a.csv": "new", tmp_path / "b.csv": "new"})
    assert sorted(os.listdir(tmp_path)) == ["a.csv"] and (tmp_path / "a.csv").read_text() == "old"


def test_leftovers_of_a_killed_write_are_removed_by_the_next(tmp_path: Path) -> None:
    (tmp_path / ".a.csv.wre-0123456789ab.tmp").write_text("half")
    (tmp_path / ".a.csv.wre-0123456789ab.bak").write_text("old")
    (tmp_path / ".keep.tmp").write_text("not ours")
    files.atomic_write(tmp_path / "a.csv", "new")
    assert sorted(os.listdir(tmp_path)) == [".keep.tmp", "a.csv"]


def test_a_lone_surrogate_is_a_message(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="lone surrogate"):
        files.atomic_write(tmp_path / "r.json", files.dump_report({"statement": "\ud800"}))
    assert os.listdir(tmp_path) == []


def test_same_bytes(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"abc")
    (tmp_path / "l").symlink_to(tmp_path / "a")
    assert files.same_bytes(tmp_path / "a", b"abc") and not files.same_bytes(tmp_path / "a", b"abd")
    assert not files.same_bytes(tmp_path / "l", b"abc")  # a symlink is never what a build writes
    assert not files.same_bytes(tmp_path / "none", b"")


# ---------------------------------------------------------------- nobody else opens files

#: Modules that may open files themselves, and why.
ALLOWED_READERS = {
    "war_report_events/files.py": "the door itself",
    "war_report_events/standard/schema.py": "reads the bundled schema and codelists, the tool's own files",
    "war_report_events/validator/fastcheck.py": "re-reads a table check_table has just checked through the door "
    "(regular, inside the root); pyarrow opens it by name anyway",
}
OPENERS = {"open", "read_bytes", "read_text", "write_bytes", "write_text", "mkstemp", "replace", "rename", "unlink"}


def _openers(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""
        first = node.args[0] if node.args else None
        if isinstance(first, ast.Attribute) and first.attr == "devnull":
            continue  # os.open(os.devnull): silencing a closed pipe, no file of a package
        if isinstance(func, ast.Name) and name != "open":
            continue  # the door's own functions, imported by name (files.read_bytes, files.read_text)
        if name == "replace" and owner not in ("os", "shutil"):
            continue  # str.replace; Path.replace is caught by the tests of writes
        if name in OPENERS and not (name == "open" and owner in ("pq", "pacsv")):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {owner + '.' if owner else ''}{name}()")
    return found


def test_nothing_but_the_door_opens_package_files() -> None:
    found = []
    for path in sorted((ROOT / "war_report_events").rglob("*.py")):
        if path.relative_to(ROOT).as_posix() not in ALLOWED_READERS:
            found += _openers(path)
    assert found == [], "read and write package files through war_report_events/files.py:\n" + "\n".join(found)


def test_the_opener_check_would_see_an_open(tmp_path: Path) -> None:
    probe = ROOT / "war_report_events" / "tools" / "_probe_opener.py"
    probe.write_text("from pathlib import Path\nopen('x')\nPath('y').read_bytes()\nimport os\nos.replace('a', 'b')\n")
    try:
        assert [f.split(": ")[1] for f in _openers(probe)] == ["open()", "read_bytes()", "os.replace()"]
    finally:
        probe.unlink()
