"""Files this computer keeps: written beside the target and renamed, leftovers swept.

Every output file (workbook, report, outbox message) is written to a hidden
``.<name>.<random>.tmp`` beside its target, flushed, then renamed over it, so a
reader sees the old file or the new one, never half of one. A run killed in the
middle leaves such a temp file; the next run removes it (``remove_leftovers``).
A folder that is read-only or a disk that is full becomes a ``StorageError``
naming the folder, never a traceback.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from pipeline.errors import StorageError

TMP_SUFFIX = ".tmp"

_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}

# The one rename every output goes through; tests replace it to simulate a full disk.
_replace: Callable[[str | Path, str | Path], None] = os.replace


def storage_error(exc: OSError, where: Path | str) -> StorageError:
    """The error to show for an OS error while writing under ``where``."""
    target = Path(exc.filename) if isinstance(exc.filename, str) and exc.filename else Path(where)
    folder = target if target.is_dir() else target.parent
    if exc.errno in _FULL:
        return StorageError(
            f"the disk holding {folder} is full ({exc.strerror or exc})",
            where=str(where),
            fix="free some space on that disk (or move the folder to a larger one in the settings) "
            "and run again; the previous outputs and state are intact",
            thai=f"ดิสก์ที่เก็บโฟลเดอร์ {folder} เต็ม — ลบไฟล์ที่ไม่ใช้หรือย้ายโฟลเดอร์ไปดิสก์ที่มีที่ว่าง "
            "แล้วรันใหม่ ผลเดิมและสถานะเดิมยังอยู่ครบ",
        )
    if exc.errno in _READ_ONLY:
        return StorageError(
            f"cannot write to {folder}: {exc.strerror or exc}",
            where=str(where),
            fix=f"make {folder} writable by the user that runs the pipeline (or point the settings at a "
            "writable folder) and run again; nothing was changed",
            thai=f"เขียนไฟล์ลงโฟลเดอร์ {folder} ไม่ได้ (อ่านอย่างเดียวหรือไม่มีสิทธิ์) — ให้สิทธิ์เขียนแก่ผู้ใช้ที่รันระบบ "
            "หรือเปลี่ยนโฟลเดอร์ในไฟล์ตั้งค่า แล้วรันใหม่",
        )
    return StorageError(
        f"cannot write to {folder}: {exc.strerror or exc}",
        where=str(where),
        fix="check that the folder exists, is writable and its disk is healthy, then run again",
        thai=f"เขียนไฟล์ลงโฟลเดอร์ {folder} ไม่ได้ — ตรวจสอบโฟลเดอร์และดิสก์ แล้วรันใหม่",
    )


def is_storage_fault(exc: OSError) -> bool:
    return exc.errno in _FULL | _READ_ONLY


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(temp)`` for a temp file beside ``path``, then rename it over ``path``."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TMP_SUFFIX, dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise storage_error(exc, path) from exc
    tmp = Path(name)
    try:
        write(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        _replace(tmp, path)
    except OSError as exc:
        raise storage_error(exc, path) from exc
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(path: Path, content: bytes) -> None:
    def write(tmp: Path) -> None:
        tmp.write_bytes(content)

    atomic_write(path, write)


def file_marker(path: Path) -> str:
    """Size and modification time: changes when anyone else rewrites, truncates or deletes the file."""
    try:
        st = path.stat()
    except OSError:
        return ""
    return f"{st.st_size}:{st.st_mtime_ns}"


def remove_leftovers(folders: Iterable[Path]) -> list[Path]:
    """Remove the temp files interrupted writes left (``.<name>.<random>.tmp``); returns them."""
    removed = []
    for folder in folders:
        try:
            leftovers = [p for p in folder.glob(f".*{TMP_SUFFIX}") if p.is_file()]
        except OSError:
            continue
        for p in leftovers:
            try:
                p.unlink()
            except OSError:
                continue
            removed.append(p)
    return removed
