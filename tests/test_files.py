"""Output files: written beside the target and renamed, OS faults told plainly, leftovers swept."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from pipeline import files
from pipeline.errors import StorageError


def refuse(code: int) -> object:
    def replace(src: str | Path, dst: str | Path) -> None:
        raise OSError(code, "injected", str(dst))

    return replace


@pytest.mark.parametrize(
    ("code", "says", "thai"),
    [
        (errno.ENOSPC, "is full", "ดิสก์"),
        (errno.EDQUOT, "is full", "ดิสก์"),
        (errno.EROFS, "cannot write to", "อ่านอย่างเดียว"),
        (errno.EACCES, "cannot write to", "อ่านอย่างเดียว"),
    ],
)
def test_a_write_that_fails_leaves_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, says: str, thai: str
) -> None:
    target = tmp_path / "reports" / "รายงาน.pdf"
    files.write_bytes(target, b"old")
    monkeypatch.setattr(files, "_replace", refuse(code))
    with pytest.raises(StorageError) as caught:
        files.write_bytes(target, b"new")
    assert caught.value.exit_code == 7
    assert says in caught.value.message and str(tmp_path / "reports") in caught.value.message
    assert caught.value.fix and thai in caught.value.thai
    assert target.read_bytes() == b"old"
    assert [p.name for p in target.parent.iterdir()] == ["รายงาน.pdf"]


def test_leftovers_of_interrupted_writes_are_removed_and_nothing_else(tmp_path: Path) -> None:
    (tmp_path / "summary.xlsx").write_bytes(b"kept")
    (tmp_path / ".summary.xlsx.k2j4.tmp").write_bytes(b"half")
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / ".รายงาน.pdf.x1.tmp").write_bytes(b"half")
    (tmp_path / "notes.tmp").write_bytes(b"a user's file, not hidden: kept")
    removed = files.remove_leftovers([tmp_path, tmp_path / "reports", tmp_path / "absent"])
    assert sorted(p.name for p in removed) == [".summary.xlsx.k2j4.tmp", ".รายงาน.pdf.x1.tmp"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.tmp", "reports", "summary.xlsx"]


def test_a_file_marker_changes_when_the_file_does(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    assert files.file_marker(path) == ""
    path.write_bytes(b"one")
    first = files.file_marker(path)
    path.write_bytes(b"three")
    assert files.file_marker(path) not in ("", first)
