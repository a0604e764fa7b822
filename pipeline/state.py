"""The state database (SQLite) and the run lock.

Keeps what must survive between runs: run history, a fingerprint of each
source, the last published tables (for `pipeline export` and change detection),
every unit's reporting status per cut-off (for reminders), and each reminder
sent. Only this module and the backends touch the disk.
"""

from __future__ import annotations

import fcntl
import functools
import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TextIO, TypeVar

from pipeline.errors import LockError
from pipeline.models import Cell, Column, Table, UnitStatus
from pipeline.state_db import connect, state_error

P = ParamSpec("P")
R = TypeVar("R")


def _guarded(method: Callable[Concatenate[State, P], R]) -> Callable[Concatenate[State, P], R]:
    """SQLite and disk errors leave a State method as the project's own errors."""

    @functools.wraps(method)
    def wrapper(self: State, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(self, *args, **kwargs)
        except (sqlite3.Error, OSError) as exc:
            raise state_error(exc, self.path) from exc

    return wrapper


INTERRUPTED_MESSAGE = (
    "ถูกหยุดกลางคันก่อนทำงานเสร็จ (เครื่องดับหรือถูกสั่งหยุด) ผลที่เผยแพร่ยังเป็นของครั้งก่อน "
    "การรันครั้งถัดไปทำงานต่อให้เอง — the run was stopped before it finished; "
    "the outputs stayed as they were and the next run carried on"
)


@dataclass(frozen=True)
class RunRecord:
    id: int
    command: str
    started_at: str
    finished_at: str | None
    status: str
    summary: dict[str, Any]
    message: str


def _json_default(value: object) -> str:
    if isinstance(value, datetime | date | time):  # a time: a negative serial read as a timestamp
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__}")


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=_json_default, sort_keys=True)


class State:
    def __init__(self, path: Path, *, busy_timeout: float = 10.0, durable: bool = True) -> None:
        """``busy_timeout``: how long to wait for another program's lock on the file.

        ``durable=False`` (a sync): a commit does not wait for the disk; closing the database
        checkpoints it, so only a power cut during the run can take back that run's own commits,
        as if it had been interrupted, and the next sync redoes them.
        """
        self.path = path
        self._db = connect(path, busy_timeout=busy_timeout, durable=durable)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> State:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            if self._db.in_transaction:  # SQLite already rolled back after "disk full"
                self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # runs -----------------------------------------------------------------
    @_guarded
    def start_run(self, command: str, now: datetime) -> int:
        cur = self._db.execute(
            "INSERT INTO runs (command, started_at, status) VALUES (?, ?, 'running')",
            (command, now.isoformat()),
        )
        return int(cur.lastrowid or 0)

    @_guarded
    def finish_run(
        self, run_id: int, now: datetime, status: str, summary: dict[str, Any], message: str = ""
    ) -> None:
        self._db.execute(
            "UPDATE runs SET finished_at = ?, status = ?, summary = ?, message = ? WHERE id = ?",
            (now.isoformat(), status, dumps(summary), message, run_id),
        )

    @_guarded
    def mark_interrupted(self, now: datetime) -> list[int]:
        """Runs left "running" by a process that died (killed, power cut): marked "interrupted".

        Call only while holding the run lock: then no run of this state is alive.
        """
        ids = [r[0] for r in self._db.execute("SELECT id FROM runs WHERE status = 'running'").fetchall()]
        if ids:
            self._db.execute(
                "UPDATE runs SET status = 'interrupted', finished_at = ?, message = ? WHERE status = 'running'",
                (now.isoformat(), INTERRUPTED_MESSAGE),
            )
        return ids

    @_guarded
    def runs(self, limit: int = 50, command: str | None = None) -> list[RunRecord]:
        sql = "SELECT id, command, started_at, finished_at, status, summary, message FROM runs"
        args: tuple[Any, ...] = ()
        if command:
            sql += " WHERE command = ?"
            args = (command,)
        sql += " ORDER BY id DESC LIMIT ?"
        rows = self._db.execute(sql, (*args, limit)).fetchall()
        return [RunRecord(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), r[6]) for r in rows]

    # sources ----------------------------------------------------------------
    @_guarded
    def fingerprints(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT key, fingerprint FROM sources").fetchall())

    def remember_fingerprints(self, now: datetime, fingerprints: dict[str, str]) -> None:
        """Record fingerprints alone: the sources' files changed, what was published did not."""
        with self._tx() as db:
            db.executemany(
                "INSERT OR REPLACE INTO sources (key, fingerprint, updated_at) VALUES (?, ?, ?)",
                [(k, v, now.isoformat()) for k, v in sorted(fingerprints.items())],
            )

    # published tables, statuses: committed together once the backend write succeeded
    @_guarded
    def commit_sync(
        self,
        now: datetime,
        fingerprints: dict[str, str],
        tables: Sequence[Table],
        statuses: Sequence[UnitStatus],
    ) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM sources")
            db.executemany(
                "INSERT INTO sources (key, fingerprint, updated_at) VALUES (?, ?, ?)",
                [(k, v, now.isoformat()) for k, v in sorted(fingerprints.items())],
            )
            db.execute("DELETE FROM published")
            db.executemany(
                "INSERT INTO published (name, title, columns, rows, published_at) VALUES (?, ?, ?, ?, ?)",
                [
                    (t.name, t.title, dumps([c.__dict__ for c in t.columns]), dumps(t.rows), now.isoformat())
                    for t in tables
                ],
            )
            db.execute("DELETE FROM report_status")
            db.executemany(
                "INSERT INTO report_status VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        s.form,
                        s.period,
                        s.unit_code,
                        s.unit_name,
                        s.district_code,
                        s.status,
                        s.submitted_at.isoformat() if s.submitted_at else None,
                        dumps(list(s.errors)) if s.errors else "[]",  # most units: no errors
                    )
                    for s in statuses
                ],
            )

    @_guarded
    def published(self, name: str) -> Table | None:
        row = self._db.execute(
            "SELECT name, title, columns, rows FROM published WHERE name = ?", (name,)
        ).fetchone()
        if row is None:
            return None
        columns = [Column(**c) for c in json.loads(row[2])]
        rows: list[list[Cell]] = json.loads(row[3])
        return Table(name=row[0], title=row[1], columns=columns, rows=rows)

    @_guarded
    def published_names(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT name FROM published ORDER BY name").fetchall()]

    @_guarded
    def statuses(self, form: str | None = None, period: str | None = None) -> list[UnitStatus]:
        sql = "SELECT form, period, unit_code, unit_name, district_code, status, submitted_at, errors FROM report_status"
        cond, args = [], []
        if form is not None:
            cond.append("form = ?")
            args.append(form)
        if period is not None:
            cond.append("period = ?")
            args.append(period)
        if cond:
            sql += " WHERE " + " AND ".join(cond)
        out = []
        for r in self._db.execute(sql + " ORDER BY form, period, unit_code", args).fetchall():
            out.append(
                UnitStatus(
                    r[0],
                    r[1],
                    r[2],
                    r[3],
                    r[4],
                    r[5],
                    datetime.fromisoformat(r[6]) if r[6] else None,
                    tuple(json.loads(r[7])),
                )
            )
        return out

    # reminders ----------------------------------------------------------------
    def _delivery(self, cutoff_id: str, unit_code: str, step: str, recipient: str) -> tuple[str, str] | None:
        """(status, Message-ID) of the delivery recorded for this recipient, if any."""
        row = self._db.execute(
            "SELECT status, message_id FROM reminders WHERE cutoff_id = ? AND unit_code = ? AND step = ? "
            "AND recipient = ?",
            (cutoff_id, unit_code, step, recipient),
        ).fetchone()
        return (str(row[0]), str(row[1])) if row else None

    @_guarded
    def reminder_sent(self, cutoff_id: str, unit_code: str, step: str, recipient: str) -> bool:
        delivery = self._delivery(cutoff_id, unit_code, step, recipient)
        return delivery is not None and delivery[0] == "sent"

    @_guarded
    def reminder_message_id(self, cutoff_id: str, unit_code: str, step: str, recipient: str) -> str:
        """The Message-ID a delivery to this recipient was given before (sending or failed), else ""."""
        delivery = self._delivery(cutoff_id, unit_code, step, recipient)
        return delivery[1] if delivery else ""

    @_guarded
    def intend_reminders(
        self,
        cutoff_id: str,
        unit_code: str,
        step: str,
        recipients: Sequence[str],
        message_id: str,
        now: datetime,
    ) -> None:
        """Record, before sending, that these recipients are being sent this message.

        A run killed before the outcome is recorded leaves them "sending": the next
        run sends again (at least once), with the same Message-ID.
        """
        with self._tx() as db:
            db.executemany(
                "INSERT OR REPLACE INTO reminders "
                "(cutoff_id, unit_code, step, recipient, status, at, error, message_id) "
                "VALUES (?, ?, ?, ?, 'sending', ?, '', ?)",
                [(cutoff_id, unit_code, step, r, now.isoformat(), message_id) for r in recipients],
            )

    @_guarded
    def record_reminder(
        self,
        cutoff_id: str,
        unit_code: str,
        step: str,
        recipient: str,
        now: datetime,
        ok: bool,
        error: str = "",
        message_id: str = "",
    ) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO reminders "
            "(cutoff_id, unit_code, step, recipient, status, at, error, message_id) VALUES (?, ?, ?, ?, ?, ?, ?, "
            "COALESCE(NULLIF(?, ''), (SELECT message_id FROM reminders WHERE cutoff_id = ? AND unit_code = ? "
            "AND step = ? AND recipient = ?), ''))",
            (
                cutoff_id,
                unit_code,
                step,
                recipient,
                "sent" if ok else "failed",
                now.isoformat(),
                error,
                message_id,
                cutoff_id,
                unit_code,
                step,
                recipient,
            ),
        )

    @_guarded
    def reminders(self) -> list[tuple[str, str, str, str, str, str, str]]:
        """(cutoff_id, unit_code, step, recipient, status, at, error) of every delivery recorded."""
        return list(
            self._db.execute(
                "SELECT cutoff_id, unit_code, step, recipient, status, at, error FROM reminders "
                "ORDER BY at, cutoff_id, unit_code, step"
            ).fetchall()
        )

    # outputs --------------------------------------------------------------------
    @_guarded
    def output_markers(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT path, marker FROM outputs").fetchall())

    @_guarded
    def set_output_markers(self, markers: dict[str, str]) -> None:
        """What each output looked like right after this pipeline wrote it (replaces the previous set)."""
        with self._tx() as db:
            db.execute("DELETE FROM outputs")
            db.executemany("INSERT INTO outputs (path, marker) VALUES (?, ?)", sorted(markers.items()))


@contextmanager
def run_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock for a run; a second run fails at once, never waits.

    flock is released by the kernel when the process dies, so a crashed run
    never leaves a stale lock behind.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fh: TextIO = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the whole run
    try:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            raise LockError(
                f"another run is still going ({holder})",
                where=str(path),
                fix="wait for it to finish; this run did nothing. Runs from cron and the scheduler never overlap.",
            ) from exc
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}")
        fh.flush()
        yield
    finally:
        fh.close()
