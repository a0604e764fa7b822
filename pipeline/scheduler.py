"""The built-in scheduler (APScheduler 3): the nightly sync and the morning reminders.

Jobs live in a SQLite job store (settings.schedule.jobstore) as importable
references with the config path as their only argument, so a restart picks
them up again; a job missed while the scheduler was down runs once when it
comes back within misfire_grace_seconds (coalesce: never twice).

The job functions never raise: a failure is logged, and recorded in the state
database as a failed run (the sync records its own; the remind job makes sure
one is there) so the next digest reports it. The run lock keeps a job and a
run started from cron or by hand from overlapping: the second one fails at
once and is recorded as failed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from pipeline.settings import Settings
from pipeline.state import State

__all__ = ["JOBS", "JobHooks", "build_scheduler", "morning_remind", "next_runs", "nightly_sync"]

log = logging.getLogger(__name__)

JOBS = {
    "nightly_sync": "pipeline.scheduler:nightly_sync",
    "morning_remind": "pipeline.scheduler:morning_remind",
}

SettingsLoader = Callable[[Path], Settings]
SyncTarget = Callable[[Path, datetime], object]
RemindTarget = Callable[[Settings, datetime], object]
Clock = Callable[[ZoneInfo], datetime]


def build_scheduler(settings: Settings, config_path: Path, *, blocking: bool = False) -> BaseScheduler:
    """A BackgroundScheduler (or BlockingScheduler) with both jobs added, not started."""
    tz = ZoneInfo(settings.timezone)
    store = settings.schedule.jobstore
    store.parent.mkdir(parents=True, exist_ok=True)
    cls = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = cls(
        jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{store.resolve()}")},
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": settings.schedule.misfire_grace_seconds,
        },
        timezone=tz,
    )
    times = {"nightly_sync": settings.schedule.sync_at, "morning_remind": settings.schedule.remind_at}
    names = {"nightly_sync": "nightly sync", "morning_remind": "morning reminders"}
    for job_id, ref in JOBS.items():
        scheduler.add_job(
            ref,
            trigger=_daily(times[job_id], tz),
            args=[str(config_path)],
            id=job_id,
            name=names[job_id],
            replace_existing=True,
        )
    return scheduler


def _daily(at: time, tz: ZoneInfo) -> CronTrigger:
    return CronTrigger(hour=at.hour, minute=at.minute, second=at.second, timezone=tz)


def next_runs(scheduler: BaseScheduler, now: datetime) -> list[tuple[str, str, datetime | None]]:
    """(job id, name, next fire time after now) of every job, without starting the scheduler."""
    out = []
    for job in scheduler.get_jobs():
        fire: datetime | None = job.trigger.get_next_fire_time(None, now)
        out.append((str(job.id), str(job.name), fire))
    return out


# ---------------------------------------------------------------------------
# Job functions: called by the scheduler with the config path as a string.


def _load(path: Path) -> Settings:
    from pipeline.settings_loader import load_settings

    return load_settings(path)


def _now(tz: ZoneInfo) -> datetime:
    return datetime.now(tz)


def _sync(config_path: Path, now: datetime) -> object:
    from pipeline.run import sync_from_config

    return sync_from_config(config_path, now=now)


def _remind(settings: Settings, now: datetime) -> object:
    from pipeline.reminder_run import remind

    return remind(settings, now=now, dry_run=False)


@dataclass(frozen=True)
class JobHooks:
    """What a job calls, each replaceable in tests: the settings loader, the clock and the run."""

    load: SettingsLoader = _load
    clock: Clock = _now
    sync: SyncTarget = _sync
    remind: RemindTarget = _remind


HOOKS = JobHooks()


def nightly_sync(config_path: str, hooks: JobHooks = HOOKS) -> None:
    """Run the sync (which takes the run lock and records its own run, failed or not)."""
    path = Path(config_path)
    try:
        settings = hooks.load(path)
        result = hooks.sync(path, hooks.clock(ZoneInfo(settings.timezone)))
    except Exception:
        log.exception("nightly sync failed (%s)", config_path)
        return
    log.info("nightly sync done: %s", result)


def morning_remind(config_path: str, hooks: JobHooks = HOOKS) -> None:
    """Send the day's reminders; a failure is recorded as a failed "remind" run if not already."""
    try:
        settings = hooks.load(Path(config_path))
    except Exception:
        log.exception("reminders not sent: the settings cannot be loaded (%s)", config_path)
        return
    now = hooks.clock(ZoneInfo(settings.timezone))
    last: int | None = None
    try:
        last = _last_remind_run(settings)
        result = hooks.remind(settings, now)
    except Exception as exc:
        log.exception("morning reminders failed (%s)", config_path)
        _record_failure(settings, now, exc, after=last)
        return
    log.info("morning reminders done: %s", result)


def _last_remind_run(settings: Settings) -> int:
    with State(settings.state_db) as state:
        runs = state.runs(limit=1, command="remind")
    return runs[0].id if runs else 0


def _record_failure(settings: Settings, now: datetime, exc: Exception, *, after: int | None) -> None:
    """Record a failed "remind" run unless the run itself already recorded one after ``after``."""
    try:
        with State(settings.state_db) as state:
            if after is not None and any(
                r.id > after and r.status == "failed" for r in state.runs(limit=20, command="remind")
            ):
                return
            run_id = state.start_run("remind", now)
            state.finish_run(run_id, now, "failed", {"today": now.date().isoformat()}, str(exc))
    except Exception:
        log.exception("could not record the failed reminder run")
