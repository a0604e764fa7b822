"""The Thai wording of reminders: numbers, dates, days left, days off before a cut-off."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pipeline.errors import ConfigError
from pipeline.settings import Settings
from pipeline.thai import format_thai_date, to_thai_digits


class Wording:
    """How the reminders write numbers, dates and days left: Thai digits or not, and the holidays."""

    def __init__(self, settings: Settings) -> None:
        self.thai_digits = settings.mail.thai_digits
        self.holidays = _holidays(settings)

    def num(self, n: int | str) -> str:
        return to_thai_digits(str(n)) if self.thai_digits else str(n)

    def day(self, d: date, *, weekday: bool = True) -> str:
        return format_thai_date(d, weekday=weekday, thai_digits=self.thai_digits)

    def days(self, days_left: int) -> str:
        return days_text(days_left, thai_digits=self.thai_digits)

    def off(self, d: date) -> bool:
        return d.weekday() >= 5 or d in self.holidays

    def holiday_note(self, d: date) -> str:
        if d in self.holidays:
            return "ซึ่งตรงกับวันหยุดราชการ"
        if d.weekday() >= 5:
            return "ซึ่งตรงกับวันหยุดสุดสัปดาห์"
        return ""

    def last_workday(self, due: date, today: date) -> str:
        """The last working day before a cut-off that falls on a day off, if still ahead."""
        if not self.off(due):
            return ""
        d = due - timedelta(days=1)
        while self.off(d):
            d -= timedelta(days=1)
        return self.day(d) if d >= today else ""

    def run_time(self, iso: str) -> str:
        try:
            t = datetime.fromisoformat(iso)
        except ValueError:
            return iso
        return f"{self.day(t.date(), weekday=False)} เวลา {self.num(f'{t:%H.%M}')} น."


def days_text(days_left: int, *, thai_digits: bool = True) -> str:
    """Days left in words: "อีก ๓ วัน", "วันนี้เป็นวันสุดท้าย", "เลยกำหนดมาแล้ว ๑ วัน"."""
    n = str(abs(days_left))
    n = to_thai_digits(n) if thai_digits else n
    if days_left > 0:
        return f"อีก {n} วัน"
    if days_left == 0:
        return "วันนี้เป็นวันสุดท้าย"
    return f"เลยกำหนดมาแล้ว {n} วัน"


def _holidays(settings: Settings) -> frozenset[date]:
    out = set()
    for text in settings.holidays:
        try:
            out.add(date.fromisoformat(text))
        except ValueError:
            raise ConfigError(
                f"holiday '{text}' is not an ISO date",
                where=f"{settings.path}: holidays",
                fix="e.g. 2023-12-05",
            ) from None
    return frozenset(out)
