from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from pipeline.errors import LockError, StateError, StorageError
from pipeline.models import Column, Table, UnitStatus
from pipeline.state import State, run_lock

NOW = datetime(2023, 11, 25, 1, 0)


def test_sync_state_round_trip(tmp_path: Path) -> None:
    with State(tmp_path / "s.sqlite") as st:
        t = Table("scores", "คะแนน", [Column("a", "ก")], [[datetime(2023, 11, 24, 9)], ["=x"]])
        s = UnitStatus("f", "1", "560101", "เวียง", "5601", "rejected", NOW, ("ผิด",))
        st.commit_sync(NOW, {"f": "abc"}, [t], [s])
        assert st.fingerprints() == {"f": "abc"}
        assert st.published("scores") is not None
        assert st.published("scores").rows == [["2023-11-24T09:00:00"], ["=x"]]  # type: ignore[union-attr]
        assert st.statuses("f", "1") == [s]
        run = st.start_run("sync", NOW)
        st.finish_run(run, NOW, "ok", {"rows_read": 3})
        assert st.runs()[0].summary == {"rows_read": 3}


def test_reminders_are_recorded_once(tmp_path: Path) -> None:
    with State(tmp_path / "s.sqlite") as st:
        assert not st.reminder_sent("c", "5601", "before-7", "a@x")
        st.record_reminder("c", "5601", "before-7", "a@x", NOW, ok=False, error="refused")
        assert not st.reminder_sent("c", "5601", "before-7", "a@x")
        st.record_reminder("c", "5601", "before-7", "a@x", NOW, ok=True)
        assert st.reminder_sent("c", "5601", "before-7", "a@x")


def test_unusable_database_says_what_to_do(tmp_path: Path) -> None:
    bad = tmp_path / "s.sqlite"
    bad.write_bytes(b"garbage" * 100)
    with pytest.raises(StateError, match="move the file aside"):
        State(bad)


def test_a_second_run_is_refused_while_the_first_holds_the_lock(tmp_path: Path) -> None:
    lock = tmp_path / "s.lock"
    with run_lock(lock):
        # Another process, as cron would start it.
        code = f"from pipeline.state import run_lock\nfrom pathlib import Path\nwith run_lock(Path({str(lock)!r})): pass"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert out.returncode != 0
        assert "another run is still going" in out.stderr
        with pytest.raises(LockError), run_lock(lock):
            pass
    with run_lock(lock):  # released: the next run goes ahead
        pass


def _big_state(path: Path) -> None:
    rows: list[list[object]] = [[f"ตำบล {i}", i] for i in range(3000)]
    with State(path) as st:
        st.commit_sync(
            NOW, {"f": "abc"}, [Table("scores", "คะแนน", [Column("a", "ก"), Column("b", "ข")], rows)], []
        )


def test_a_page_corrupted_database_says_what_to_do_and_what_it_costs(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    _big_state(path)
    data = bytearray(path.read_bytes())
    assert len(data) > 8 * 4096
    data[4096 * 2 : 4096 * 6] = bytes(range(256)) * 64  # pages of the tables, not the file header
    path.write_bytes(bytes(data))
    with pytest.raises(StateError) as caught, State(path) as st:
        st.published("scores")
        st.fingerprints()
        st.start_run("sync", NOW)
    error = caught.value
    assert error.exit_code == 5 and "damaged" in error.message
    assert (
        "republishes every tab" in error.fix and "same Message-ID" in error.fix
    )  # what moving it aside costs
    assert "pipeline sync" in error.fix and "ย้ายไฟล์" in error.thai


def test_a_database_locked_by_another_program_is_a_lock_error(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    State(path).close()
    other = sqlite3.connect(path, isolation_level=None)  # e.g. a database browser with a pending write
    other.execute("BEGIN EXCLUSIVE")
    try:
        with State(path, busy_timeout=0) as st, pytest.raises(LockError) as caught:
            st.start_run("sync", NOW)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert caught.value.exit_code == 75 and "another program" in caught.value.message
    assert caught.value.fix and caught.value.thai


def test_a_read_only_state_is_a_storage_error(tmp_path: Path) -> None:
    with State(tmp_path / "s.sqlite") as st:
        st._db.execute("PRAGMA query_only = 1")  # SQLite refuses writes as on a read-only folder
        with pytest.raises(StorageError) as caught:
            st.start_run("sync", NOW)
    assert caught.value.exit_code == 7 and "writable" in caught.value.fix and caught.value.thai


def test_a_full_disk_under_the_state_is_a_storage_error_and_keeps_the_last_sync(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with State(path) as st:
        st.commit_sync(NOW, {"f": "old"}, [], [])
        pages = st._db.execute("PRAGMA page_count").fetchone()[0]
        st._db.execute(f"PRAGMA max_page_count = {pages + 1}")  # SQLite's own "disk full"
        rows: list[list[object]] = [["x" * 500, i] for i in range(2000)]
        with pytest.raises(StorageError) as caught:
            st.commit_sync(
                NOW, {"f": "new"}, [Table("t", "t", [Column("a", "ก"), Column("b", "ข")], rows)], []
            )
        assert st.fingerprints() == {"f": "old"}  # all or nothing
    assert caught.value.exit_code == 7 and "full" in caught.value.message


def test_runs_left_running_are_marked_interrupted(tmp_path: Path) -> None:
    with State(tmp_path / "s.sqlite") as st:
        killed = st.start_run("sync", NOW)
        done = st.start_run("sync", NOW)
        st.finish_run(done, NOW, "ok", {})
        assert st.mark_interrupted(NOW) == [killed]
        assert st.mark_interrupted(NOW) == []
        runs = {r.id: r for r in st.runs()}
        assert runs[killed].status == "interrupted" and "ถูกหยุดกลางคัน" in runs[killed].message
        assert runs[done].status == "ok"


def test_a_reminder_intent_keeps_its_message_id(tmp_path: Path) -> None:
    with State(tmp_path / "s.sqlite") as st:
        st.intend_reminders("c", "5601", "before-7", ["a@x", "b@x"], "<m1@x>", NOW)
        assert not st.reminder_sent("c", "5601", "before-7", "a@x")  # sending is not sent: it goes again
        assert st.reminder_message_id("c", "5601", "before-7", "a@x") == "<m1@x>"
        st.record_reminder("c", "5601", "before-7", "a@x", NOW, ok=False, error="refused")
        assert st.reminder_message_id("c", "5601", "before-7", "a@x") == "<m1@x>"
        st.record_reminder("c", "5601", "before-7", "b@x", NOW, ok=True, message_id="<m1@x>")
        assert st.reminder_sent("c", "5601", "before-7", "b@x")


def test_an_older_database_gains_the_new_columns(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE reminders (cutoff_id TEXT NOT NULL, unit_code TEXT NOT NULL, step TEXT NOT NULL, "
        "recipient TEXT NOT NULL, status TEXT NOT NULL, at TEXT NOT NULL, error TEXT NOT NULL DEFAULT '', "
        "PRIMARY KEY (cutoff_id, unit_code, step, recipient))"
    )
    db.execute("INSERT INTO reminders VALUES ('c', '5601', 'due', 'a@x', 'sent', '2023-11-24', '')")
    db.commit()
    db.close()
    with State(path) as st:
        assert st.reminder_sent("c", "5601", "due", "a@x")
        assert st.reminder_message_id("c", "5601", "due", "a@x") == ""


def test_a_new_database_is_created_in_one_transaction_and_opened_again_without_schema_work(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.sqlite"
    statements: list[str] = []
    real = sqlite3.connect

    def traced(*args: object, **kwargs: object) -> sqlite3.Connection:
        db = real(*args, **kwargs)  # type: ignore[arg-type]
        db.set_trace_callback(statements.append)
        return db

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sqlite3, "connect", traced)
        with State(path, durable=False) as st:
            st.remember_fingerprints(NOW, {"a": "1"})
        first = statements.index("BEGIN IMMEDIATE")
        schema = statements[first : statements.index("COMMIT", first)]
        # Every table is made inside the first transaction: one flush to the disk, not one per table.
        assert sum(s.lstrip().upper().startswith("CREATE TABLE") for s in schema) == 6
        assert not any(
            s.lstrip().upper().startswith("CREATE")
            for s in statements[:first] + statements[first + len(schema) :]
        )
        statements.clear()
        with State(path) as st:
            assert st.fingerprints() == {"a": "1"}
        assert not [s for s in statements if s.lstrip().upper().startswith(("CREATE", "ALTER"))]
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] >= 1


def test_a_time_of_day_cell_is_stored() -> None:
    from datetime import time

    from pipeline.state import dumps

    assert dumps([time(23, 59)]) == '["23:59:00"]'
