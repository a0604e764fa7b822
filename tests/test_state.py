from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from pipeline.errors import LockError, StateError
from pipeline.models import Column, Table
from pipeline.state import State, UnitStatus, run_lock

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
    with pytest.raises(StateError, match="moved aside"):
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
