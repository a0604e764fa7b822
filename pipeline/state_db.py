"""Opening the state database: its tables, their upgrades, and what its failures mean to the office.

The tables are created in one transaction, and only when the file is new or
older than this code (its user_version says which): a run of many provinces
opens a database per province, and each schema statement committed alone
costs a flush to the disk.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from pipeline.errors import LockError, PipelineError, StateError
from pipeline.files import storage_error

# What moving a damaged state database aside costs, said wherever that is advised.
MOVE_ASIDE_COST = (
    "move the file aside (e.g. rename it to pipeline.sqlite.broken) and run 'pipeline sync' before the next "
    "'pipeline remind'. What that costs: the run history and the record of reminders sent are lost; the "
    "next sync republishes every tab; reminders of a step already sent are sent again, carrying the same "
    "Message-ID, so mail programs show them once"
)
MOVE_ASIDE_COST_TH = (
    "ย้ายไฟล์ฐานข้อมูลสถานะไปไว้ที่อื่น (เช่น เปลี่ยนชื่อเป็น pipeline.sqlite.broken) แล้วรัน pipeline sync "
    "ก่อน pipeline remind ครั้งถัดไป — สิ่งที่เสียไป: ประวัติการทำงานและบันทึกการส่งอีเมลเตือนหายไป "
    "การ sync ครั้งถัดไปจะเขียนทุกแท็บใหม่ และอีเมลเตือนขั้นที่ส่งไปแล้วจะถูกส่งซ้ำ "
    "(ใช้ Message-ID เดิม โปรแกรมอีเมลจึงแสดงเป็นฉบับเดียว)"
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    command TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,            -- running | ok | unchanged | partial | failed | interrupted
    summary TEXT NOT NULL DEFAULT '{}',
    message TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS sources (
    key TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS published (
    name TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    columns TEXT NOT NULL,
    rows TEXT NOT NULL,
    published_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS report_status (
    form TEXT NOT NULL,
    period TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    unit_name TEXT NOT NULL,
    district_code TEXT NOT NULL,
    status TEXT NOT NULL,            -- valid | late | rejected
    submitted_at TEXT,
    errors TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (form, period, unit_code)
);
CREATE TABLE IF NOT EXISTS reminders (
    cutoff_id TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    step TEXT NOT NULL,              -- e.g. before-7, due, after-1, digest
    recipient TEXT NOT NULL,
    status TEXT NOT NULL,            -- sending (intent recorded, outcome not yet) | sent | failed
    at TEXT NOT NULL,
    error TEXT NOT NULL DEFAULT '',
    message_id TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (cutoff_id, unit_code, step, recipient)
);
CREATE TABLE IF NOT EXISTS outputs (
    path TEXT PRIMARY KEY,           -- a workbook, a report file, or a Google spreadsheet id
    marker TEXT NOT NULL             -- what it looked like right after this pipeline wrote it
);
"""

# Columns added after a database was first created: (table, column, definition).
_ADDED = (("reminders", "message_id", "TEXT NOT NULL DEFAULT ''"),)


def state_error(exc: sqlite3.Error | OSError, path: Path) -> PipelineError:
    """What to tell the office about a state database that failed."""
    if isinstance(exc, OSError):
        return storage_error(exc, path)
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return LockError(
            "another program holds the state database",
            where=str(path),
            fix="close any program that has the file open (a database browser, a backup tool) and run "
            "again; this run changed nothing",
            thai="มีโปรแกรมอื่นเปิดฐานข้อมูลสถานะค้างไว้ — ปิดโปรแกรมนั้น (เช่น โปรแกรมเปิดฐานข้อมูลหรือสำรองข้อมูล) "
            "แล้วรันใหม่ การรันครั้งนี้ยังไม่ได้เปลี่ยนแปลงอะไร",
        )
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return storage_error(OSError(30, "read-only file system or no permission", str(path)), path)
    if "full" in text or ("i/o error" in text and _disk_full(path)):
        return storage_error(OSError(28, "No space left on device", str(path)), path)
    if "i/o error" in text:
        return storage_error(OSError(5, "input/output error", str(path)), path)
    return StateError(
        f"the state database is damaged: {exc}",
        where=str(path),
        fix=MOVE_ASIDE_COST,
        thai=f"ฐานข้อมูลสถานะเสียหาย — {MOVE_ASIDE_COST_TH}",
    )


def _disk_full(path: Path) -> bool:
    # SQLite reports a failed write of its journal as an I/O error, not as SQLITE_FULL.
    try:
        return shutil.disk_usage(path.parent).free < 1 << 20
    except OSError:
        return False


# Raised when _SCHEMA or _ADDED change: a database at this version needs no work on opening.
SCHEMA_VERSION = 1


def connect(path: Path, *, busy_timeout: float, durable: bool) -> sqlite3.Connection:
    """The database at `path`, created or upgraded as needed, in WAL mode.

    ``durable=False`` lets a commit return before it reaches the disk (SQLite's
    synchronous=NORMAL in WAL mode): a power cut may then lose the commits made
    since the last checkpoint, never the file's consistency.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout)
        db.execute("PRAGMA journal_mode=WAL").fetchall()
        if not durable:
            db.execute("PRAGMA synchronous=NORMAL")
        if db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            _create(db)
        return db
    except (sqlite3.Error, OSError) as exc:
        error = state_error(exc, path)
        if isinstance(error, StateError):
            error = StateError(
                f"cannot open the state database: {exc}",
                where=str(path),
                fix=f"check the 'state_db' setting; if the file is damaged, {MOVE_ASIDE_COST}",
                thai=error.thai,
            )
        raise error from exc


def _create(db: sqlite3.Connection) -> None:
    db.execute("BEGIN IMMEDIATE")
    try:
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                db.execute(statement)
        for table, column, definition in _ADDED:
            have = {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
            if column not in have:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
