"""What a run does first, holding the lock: tidy up after a run that was killed.

A run killed by power loss or `kill -9` leaves its row "running" in the state and
perhaps a temp file of an interrupted write. Holding the run lock proves that no
other run is alive, so the next run marks such rows "interrupted" (shown in the
run-log tab and the daily digest) and removes the temp files.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from pipeline.files import remove_leftovers
from pipeline.settings import Settings
from pipeline.state import State

log = logging.getLogger(__name__)


def recover(settings: Settings, state: State, now: datetime) -> dict[str, list[str]]:
    """Mark runs left running as interrupted and sweep temp files; call only under the run lock."""
    interrupted = state.mark_interrupted(now)
    folders = [settings.data_dir, settings.reports_dir or settings.data_dir / "reports", settings.mail.outbox]
    removed = remove_leftovers(dict.fromkeys(Path(f) for f in folders))
    for run_id in interrupted:
        log.warning("run %s was interrupted before it finished; marked as such", run_id)
    for path in removed:
        log.warning("removed %s, left by an interrupted write", path)
    return {"interrupted": [str(i) for i in interrupted], "removed": [str(p) for p in removed]}
