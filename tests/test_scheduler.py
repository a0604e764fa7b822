from __future__ import annotations

import logging
import sqlite3
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pipeline.errors import ConfigError
from pipeline.scheduler import JobHooks, build_scheduler, morning_remind, next_runs, nightly_sync
from pipeline.settings import MailSettings, ScheduleSettings, Settings, SourceSettings
from pipeline.state import State, run_lock

TZ = ZoneInfo("Asia/Bangkok")
CONTACTS = Path(__file__).resolve().parents[1] / "config" / "contacts.yaml"


def make_settings(tmp_path: Path, **schedule: object) -> Settings:
    calendar = tmp_path / "calendar.yaml"
    calendar.write_text(
        "province: พะเยา\nfiscal_year: 2567\ncutoffs:\n"
        "  - {id: registry, form: committee_registry, title: ทะเบียนข้อมูลคณะกรรมการ ศอช., units: districts, "
        "due: 2566-11-24}\n",
        encoding="utf-8",
    )
    return Settings(
        path=tmp_path / "pipeline.yaml",
        province_code="56",
        province_name="พะเยา",
        fiscal_year=2567,
        timezone="Asia/Bangkok",
        backend="local",
        data_dir=tmp_path / "data",
        state_db=tmp_path / "state" / "pipeline.sqlite",
        calendar=calendar,
        sources={
            "committee_registry": SourceSettings("committee_registry", "committee_registry", "registry")
        },
        output_spreadsheet="summary",
        contacts=CONTACTS,
        mail=MailSettings(sender="cdd.phayao@example.org", outbox=tmp_path / "outbox"),
        schedule=ScheduleSettings(jobstore=tmp_path / "state" / "scheduler.sqlite", **schedule),  # type: ignore[arg-type]
    )


def bkk(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


FIRE_TIMES = [
    (bkk(2023, 11, 24, 0, 30), bkk(2023, 11, 24, 1, 0), bkk(2023, 11, 24, 8, 0)),
    (bkk(2023, 11, 24, 1, 0), bkk(2023, 11, 24, 1, 0), bkk(2023, 11, 24, 8, 0)),
    (bkk(2023, 11, 24, 9, 0), bkk(2023, 11, 25, 1, 0), bkk(2023, 11, 25, 8, 0)),
    # the same moments given in UTC
    (bkk(2023, 11, 24, 9, 0).astimezone(ZoneInfo("UTC")), bkk(2023, 11, 25, 1, 0), bkk(2023, 11, 25, 8, 0)),
    (bkk(2024, 2, 28, 23, 0), bkk(2024, 2, 29, 1, 0), bkk(2024, 2, 29, 8, 0)),
    (bkk(2024, 9, 30, 12, 0), bkk(2024, 10, 1, 1, 0), bkk(2024, 10, 1, 8, 0)),
]


@pytest.mark.parametrize(("now", "sync", "remind"), FIRE_TIMES)
def test_next_fire_times_in_bangkok(tmp_path: Path, now: datetime, sync: datetime, remind: datetime) -> None:
    scheduler = build_scheduler(make_settings(tmp_path), tmp_path / "pipeline.yaml")
    jobs = {j.id: j for j in scheduler.get_jobs()}
    got_sync = jobs["nightly_sync"].trigger.get_next_fire_time(None, now)
    got_remind = jobs["morning_remind"].trigger.get_next_fire_time(None, now)
    assert (got_sync, got_remind) == (sync, remind)
    assert got_sync.utcoffset() == timedelta(hours=7) and str(got_sync.tzinfo) == "Asia/Bangkok"
    assert next_runs(scheduler, now) == [
        ("nightly_sync", "nightly sync", sync),
        ("morning_remind", "morning reminders", remind),
    ]


def test_times_come_from_the_settings(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, sync_at=time(2, 30), remind_at=time(7, 15))
    runs = next_runs(build_scheduler(settings, tmp_path / "p.yaml"), bkk(2023, 11, 24, 3, 0))
    assert [fire for _, _, fire in runs] == [bkk(2023, 11, 25, 2, 30), bkk(2023, 11, 24, 7, 15)]


def test_jobs_are_persistent_importable_and_replaced(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, misfire_grace_seconds=1800)
    config = tmp_path / "pipeline.yaml"
    for _ in range(2):  # the second start replaces the stored jobs instead of failing
        scheduler = build_scheduler(settings, config)
        scheduler.start(paused=True)
        try:
            jobs = {j.id: j for j in scheduler.get_jobs()}
            assert set(jobs) == {"nightly_sync", "morning_remind"}
            for job_id, job in jobs.items():
                assert job.func_ref == f"pipeline.scheduler:{job_id}"
                assert list(job.args) == [str(config)]
                assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 1800)
                assert str(job.trigger.timezone) == "Asia/Bangkok"
        finally:
            scheduler.shutdown(wait=True)
    with sqlite3.connect(settings.schedule.jobstore) as db:
        stored = sorted(r[0] for r in db.execute("SELECT id FROM apscheduler_jobs"))
    assert stored == ["morning_remind", "nightly_sync"]


def test_the_blocking_scheduler_for_the_command(tmp_path: Path) -> None:
    scheduler = build_scheduler(make_settings(tmp_path), tmp_path / "p.yaml", blocking=True)
    assert type(scheduler).__name__ == "BlockingScheduler"
    assert str(scheduler.timezone) == "Asia/Bangkok"


# ---------------------------------------------------------------------------
# The job functions, called directly with their time injected


def test_nightly_sync_calls_the_sync_with_bangkok_time(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    calls: list[tuple[Path, datetime]] = []
    nightly_sync(
        str(tmp_path / "pipeline.yaml"),
        JobHooks(
            sync=lambda path, now: calls.append((path, now)),
            load=lambda path: settings,
            clock=lambda tz: bkk(2023, 11, 24, 1, 0).astimezone(tz),
        ),
    )
    assert calls == [(tmp_path / "pipeline.yaml", bkk(2023, 11, 24, 1, 0))]
    assert str(calls[0][1].tzinfo) == "Asia/Bangkok"


def test_a_failing_sync_is_logged_not_raised(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = make_settings(tmp_path)

    def boom(path: Path, now: datetime) -> None:
        raise ConfigError("calendar file not found")

    nightly_sync("x.yaml", JobHooks(sync=boom, load=lambda path: settings))

    def bad_settings(path: Path) -> None:
        raise ConfigError("not valid YAML")

    nightly_sync("x.yaml", JobHooks(load=bad_settings))  # type: ignore[arg-type]
    failures = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert failures == ["nightly sync failed (x.yaml)", "nightly sync failed (x.yaml)"]


def test_a_failing_remind_job_is_recorded_for_the_digest(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)

    def boom(s: object, now: datetime) -> None:
        raise RuntimeError("template folder vanished")

    morning_remind(
        "x.yaml", JobHooks(remind=boom, load=lambda path: settings, clock=lambda tz: bkk(2023, 11, 17, 8, 0))
    )
    with State(settings.state_db) as state:
        (run,) = state.runs(command="remind")
    assert (run.status, run.message, run.started_at) == (
        "failed",
        "template folder vanished",
        "2023-11-17T08:00:00+07:00",
    )


def test_the_remind_job_sends_with_the_real_run(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    morning_remind("x.yaml", JobHooks(load=lambda path: settings, clock=lambda tz: bkk(2023, 11, 17, 8, 0)))
    assert len(list((tmp_path / "outbox").iterdir())) == 10
    with State(settings.state_db) as state:
        assert [r.status for r in state.runs(command="remind")] == ["ok"]


def test_a_remind_job_blocked_by_the_lock_is_recorded_once(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    with run_lock(settings.state_db.with_suffix(".lock")):
        morning_remind(
            "x.yaml", JobHooks(load=lambda path: settings, clock=lambda tz: bkk(2023, 11, 17, 8, 0))
        )
    assert not (tmp_path / "outbox").exists()
    with State(settings.state_db) as state:
        (run,) = state.runs(command="remind")
    assert run.status == "failed" and "another run" in run.message


def test_a_run_that_recorded_its_own_failure_is_not_recorded_twice(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)

    def fails_and_records(s: object, now: datetime) -> None:
        with State(settings.state_db) as state:
            state.finish_run(state.start_run("remind", now), now, "failed", {}, "own record")
        raise RuntimeError("after recording")

    morning_remind(
        "x.yaml",
        JobHooks(remind=fails_and_records, load=lambda p: settings, clock=lambda tz: bkk(2023, 11, 17, 8)),
    )
    with State(settings.state_db) as state:
        assert [r.message for r in state.runs(command="remind")] == ["own record"]
