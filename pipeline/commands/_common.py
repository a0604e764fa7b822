"""Helpers the command modules share."""

from __future__ import annotations

import argparse
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.cli import DEFAULT_CONFIG, add_config_argument
from pipeline.errors import ConfigError


def parse_today(value: str | None, tz: str) -> datetime:
    """`--today YYYY-MM-DD` as the moment a run sees (noon, so the date is unambiguous); default now."""
    zone = ZoneInfo(tz)
    if not value:
        return datetime.now(zone)
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise ConfigError(
            f"--today {value!r} is not a date", fix="write it as YYYY-MM-DD (Christian Era), e.g. 2023-11-24"
        ) from exc
    if day.year > 2400:
        raise ConfigError(
            f"--today {value} looks like a BE year",
            fix=f"use the Christian Era year: {day.year - 543}-{day.month:02d}-{day.day:02d}",
        )
    return datetime.combine(day, time(12, 0), tzinfo=zone)


def add_run_options(
    p: argparse.ArgumentParser,
    *,
    config: Path = DEFAULT_CONFIG,
    dry_run: str = "",
    today: str = "",
    today_default: str | None = None,
    json: str = "",
) -> None:
    """--config, then those of --dry-run, --today and --json a command takes, always in this order;
    each help says what the option means for that command."""
    add_config_argument(p, default=config)
    if dry_run:
        p.add_argument("--dry-run", action="store_true", help=dry_run)
    if today:
        p.add_argument("--today", default=today_default, help=today)
    if json:
        p.add_argument("--json", action="store_true", help=json)
