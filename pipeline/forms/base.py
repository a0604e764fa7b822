"""What every form module shares: its context, its result, and the row helpers."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from pipeline import thai
from pipeline.calendar import Calendar, fiscal_year_span
from pipeline.columns import ColumnMap, detect, merge_repeated, refuse_conflicting_repeats
from pipeline.models import Cell, Document, Grid, Issue, Severity, Table, UnitStatus
from pipeline.orgunits import OrgUnits, Resolution, Unit
from pipeline.presentation import be_date, be_datetime
from pipeline.schema import FormSchema
from pipeline.settings import Settings, SourceSettings


@dataclass
class FormResult:
    form: str
    tables: list[Table] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    statuses: list[UnitStatus] = field(default_factory=list)
    rows_read: int = 0
    accepted: int = 0  # rows that count (scored / aggregated)
    rejected: int = 0  # rows kept out by errors
    superseded: int = 0
    # Rows read that are in none of the above, by named category (pipeline.intake.CATEGORIES).
    ignored: dict[str, int] = field(default_factory=dict)
    facts: list[Any] = field(default_factory=list)  # pipeline.forms.facts, for the forms after it
    documents: list[Document] = field(default_factory=list)


@dataclass
class FormContext:
    settings: Settings
    source: SourceSettings
    schema: FormSchema
    org: OrgUnits
    calendar: Calendar
    now: datetime  # aware, in the settings' timezone
    results: dict[str, FormResult] = field(default_factory=dict)  # forms processed before this one
    # Uploaded files checked on Drive, link -> (exists, is PDF); None where the store cannot check.
    drive: Mapping[str, tuple[bool, bool]] | None = None
    # The source spreadsheet's own time zone, which its serial timestamps are in; "" = the settings'.
    source_zone: str = ""

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    @property
    def source_tz(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.source_zone) if self.source_zone else self.tz
        except (ValueError, KeyError):  # a zone name this computer does not know: the province's
            return self.tz

    @property
    def today(self) -> date:
        """The run's day, where the province is."""
        return local_date(self, self.now)

    @property
    def tab(self) -> str:
        return self.source.tab or "(แท็บแรก)"

    def where(self) -> str:
        return f"source '{self.source.key}' (spreadsheet {self.source.spreadsheet or self.source.form_id}, tab {self.tab})"


@dataclass(frozen=True)
class SheetRow:
    number: int  # 1-based row on the sheet; the header is row 1
    cells: Sequence[Cell]


def rows(ctx: FormContext, grid: Grid) -> tuple[ColumnMap, list[SheetRow]]:
    """The column map and the non-empty data rows of a response grid."""
    if not grid:
        return detect([], ctx.schema, ctx.source.columns, where=ctx.where(), source=ctx.source.key), []
    merged = merge_repeated(grid)
    cmap = detect(merged[0], ctx.schema, ctx.source.columns, where=ctx.where(), source=ctx.source.key)
    refuse_conflicting_repeats(grid, cmap, where=ctx.where())
    out = [SheetRow(n, r) for n, r in enumerate(merged[1:], start=2) if any(not thai.is_blank(c) for c in r)]
    return cmap, out


class IssueLog:
    """Collects issues for one form, filling in the columns every issue repeats."""

    def __init__(self, ctx: FormContext, cmap: ColumnMap) -> None:
        self.ctx = ctx
        self.cmap = cmap
        self.items: list[Issue] = []
        self._by_row: dict[int, list[Issue]] | None = None
        self._indexed = -1

    def add(
        self,
        row: int,
        severity: Severity,
        code: str,
        message: str,
        *,
        key: str = "",
        value: Cell = None,
        district: Unit | None = None,
        tambon: Unit | None = None,
    ) -> None:
        self.items.append(
            Issue(
                source=self.ctx.source.key,
                tab=self.ctx.tab,
                row=row,
                severity=severity,
                code=code,
                message=message,
                field=self.cmap.header(key) if key else "",
                value=shown_value(value),
                district_code=district.code if district else "",
                district=district.name if district else "",
                tambon_code=tambon.code if tambon else "",
                tambon=tambon.name if tambon else "",
            )
        )

    def keep_only(self, row: int, code: str) -> None:
        """Drop the row's issues but those of `code`: a superseded row's mistakes no longer matter."""
        self.items = [i for i in self.items if i.row != row or i.code == code]

    def errors_for(self, row: int) -> list[Issue]:
        if self._by_row is None or self._indexed != len(self.items):
            self._by_row = {}
            for i in self.items:
                if i.severity == "error":
                    self._by_row.setdefault(i.row, []).append(i)
            self._indexed = len(self.items)
        return self._by_row.get(row, [])

    def __iter__(self) -> Iterator[Issue]:
        return iter(self.items)


def shown_value(value: Cell) -> str:
    """A value as the issues tab shows it: dates in Buddhist Era, as officers write them."""
    if isinstance(value, datetime):
        return be_datetime(value.replace(tzinfo=None)) if value.time() != time() else be_date(value.date())
    if isinstance(value, date):
        return be_date(value)
    return "" if value is None else str(value)


def submitted_at(ctx: FormContext, value: Cell) -> datetime | None:
    """A response's timestamp as an aware datetime in the settings' timezone.

    A timestamp without a zone is read in the source spreadsheet's zone (Google writes
    a response sheet's timestamps in it), then converted to the settings' zone.
    """
    parsed = thai.parse_datetime(value)
    if parsed is None:
        return None
    return (parsed.replace(tzinfo=ctx.source_tz) if parsed.tzinfo is None else parsed).astimezone(ctx.tz)


BAD_TIMESTAMP = 'อ่านวันเวลาที่ส่ง "{raw}" ไม่ได้ — คอลัมน์นี้ Google Forms เติมให้เอง อย่าแก้ไขในชีต'
FUTURE_TIMESTAMP = (
    'วันเวลาที่ส่ง "{raw}" อยู่หลังวันนี้ ({today}) ซึ่งเป็นไปไม่ได้ — คอลัมน์นี้ Google Forms เติมให้เอง อย่าแก้ไขในชีต'
)
ANCIENT_TIMESTAMP = (
    'วันเวลาที่ส่ง "{raw}" เก่ากว่าปีงบประมาณ {fy} เกิน {years} ปี จึงไม่ใช่เวลาที่ส่งจริง — '
    "คอลัมน์นี้ Google Forms เติมให้เอง อย่าแก้ไขในชีต"
)

# A timestamp further back than this before the fiscal year is no earlier year's answer but a bad cell.
PLAUSIBLE_YEARS = 10


def fiscal_year_start(ctx: FormContext) -> datetime:
    """Midnight of 1 October that begins the settings' fiscal year, in their timezone."""
    start, _ = fiscal_year_span(ctx.settings.fiscal_year)
    return datetime(start.year, start.month, start.day, tzinfo=ctx.tz)


def earliest_plausible(ctx: FormContext) -> datetime:
    start = fiscal_year_start(ctx)
    return start.replace(year=start.year - PLAUSIBLE_YEARS)


def checked_timestamp(ctx: FormContext, raw: Cell) -> tuple[datetime | None, str]:
    """A response's submission time, or None and why (Thai): unreadable, after today, or absurdly old."""
    at, shown = submitted_at(ctx, raw), shown_value(raw)
    if at is None:
        return None, BAD_TIMESTAMP.format(raw=shown)
    if local_date(ctx, at) > ctx.today:
        return None, FUTURE_TIMESTAMP.format(raw=shown, today=day(ctx.today))
    if at < earliest_plausible(ctx):
        return None, ANCIENT_TIMESTAMP.format(
            raw=shown, fy=th_num(ctx.settings.fiscal_year), years=th_num(PLAUSIBLE_YEARS)
        )
    return at, ""


def local_date(ctx: FormContext, at: datetime) -> date:
    return at.astimezone(ctx.tz).date()


def resolve_place(
    ctx: FormContext, log: IssueLog, row: SheetRow, *, with_tambon: bool
) -> tuple[Unit | None, Unit | None, bool]:
    """Resolve the district (and tambon) of a row, logging problems. Returns (district, tambon, ok)."""
    ok, cmap = True, log.cmap
    d_raw = cmap.get(row.cells, "district")
    dres = ctx.org.resolve_district(d_raw)
    district = dres.unit
    ok &= _log_resolution(log, row, dres, "district", d_raw, district, None)
    tambon: Unit | None = None
    if with_tambon and (district is not None or dres.status == "blank"):
        # A district answer that is not one of the province's is the row's error: guessing the
        # tambon from its name alone would let another province's row stand for a tambon here.
        t_raw = cmap.get(row.cells, "tambon")
        tres = ctx.org.resolve_tambon(t_raw, district.code if district else None)
        tambon = tres.unit
        if district is None and tambon is not None:
            # Name the tambon on the issue rows, but do not score a row whose district is wrong.
            district = ctx.org.district(tambon.parent_code)
        ok &= _log_resolution(log, row, tres, "tambon", t_raw, district, tambon)
    return district, tambon, ok


def _log_resolution(
    log: IssueLog,
    row: SheetRow,
    res: Resolution,
    key: str,
    raw: Cell,
    district: Unit | None,
    tambon: Unit | None,
) -> bool:
    """Whether the place counts; a near spelling is warned of, any other miss is the row's error."""
    if res.status == "exact":
        return True
    where: dict[str, Any] = {"key": key, "value": raw, "district": district, "tambon": tambon}
    if res.status == "near":
        log.add(row.number, "warning", "near_match", res.message, **where)
        return True
    what = "อำเภอ" if key == "district" else "ตำบล"
    message = res.message or f"ไม่ได้ระบุ{what} — โปรดเลือก{what}ในแบบฟอร์มแล้วส่งใหม่"
    code = {
        "blank": f"missing_{key}",
        "other_province": "outside_province",
        "other_district": "outside_district",
    }.get(res.status, f"unknown_{key}")
    log.add(row.number, "error", code, message, **where)
    return False


def th_num(n: float | int) -> str:
    return thai.to_thai_digits(f"{n:g}" if isinstance(n, float) else str(n))


def day(d: date | None) -> str:
    """A date as messages and reports say it, ๑๕ ม.ค. ๒๕๖๗; "-" for none."""
    return thai.format_thai_date(d, weekday=False) if d else "-"
