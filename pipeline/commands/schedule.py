"""pipeline schedule: run the nightly sync and the morning reminders on a schedule."""

from __future__ import annotations

import argparse
from datetime import datetime
from zoneinfo import ZoneInfo

from pipeline.cli import add_config_argument
from pipeline.scheduler import build_scheduler, next_runs
from pipeline.settings_loader import load_settings

HELP = "run the nightly sync and the morning reminders until stopped"


def arguments(p: argparse.ArgumentParser) -> None:
    add_config_argument(p)
    p.add_argument(
        "--print",
        dest="print_jobs",
        action="store_true",
        help="show the jobs and their next run times, then exit",
    )


def main(args: argparse.Namespace) -> int:
    """Run the built-in scheduler in the foreground: the sync every night at schedule.sync_at and the
    reminders every morning at schedule.remind_at (timezone from the settings). Jobs are kept in
    schedule.jobstore; a run missed while stopped is made up once on restart. For cron or systemd instead,
    see docs/scheduling.md.

    Example: pipeline schedule --print
    """
    settings = load_settings(args.config)
    config_path = args.config.resolve()
    tz = ZoneInfo(settings.timezone)
    if args.print_jobs:
        scheduler = build_scheduler(settings, config_path)
        for job_id, name, fire in next_runs(scheduler, datetime.now(tz)):
            when = f"{fire:%Y-%m-%d %H:%M} ({settings.timezone})" if fire else "never"
            print(f"{job_id:<15} {name:<18} next run {when}")
        return 0
    scheduler = build_scheduler(settings, config_path, blocking=True)
    print(
        f"scheduler running ({settings.timezone}): sync at {settings.schedule.sync_at:%H:%M}, "
        f"reminders at {settings.schedule.remind_at:%H:%M}; Ctrl+C to stop",
        flush=True,
    )
    try:
        scheduler.start()
    except KeyboardInterrupt:
        scheduler.shutdown(wait=False)
    return 0
