"""Helpers the command modules share."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

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
