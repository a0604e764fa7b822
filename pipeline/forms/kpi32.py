"""KPI 3.2 monthly report of the model municipalities/TAOs (seed 003; rubric.md part B).

Each model LAO (one per district, settings `units.model_laos`) reports every
month on the circular's 8 items. Per LAO and month this module checks the
answers, computes the two percentages from the counts (a typed percentage
that disagrees by more than the schema's tolerance is a warning naming both
figures; the computed one is used), and decides whether the LAO meets all
five criteria. Per month it computes the province's result, LAOs meeting ×
100 / all model LAOs, and its 1–5 score.

The LAO is matched by name within its district, whatever prefix it is typed
with (เทศบาลตำบล / ทต. / องค์การบริหารส่วนตำบล / อบต.). The month comes from
the form's month column (Thai month names, BE year) or, without one, from the
submission date against the calendar. The latest response per LAO and month
counts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pythainlp.util.date import thai_abbr_months, thai_full_months

from pipeline import thai
from pipeline.calendar import Cutoff
from pipeline.columns import ColumnMap
from pipeline.errors import ConfigError
from pipeline.forms.activities import parse_yes_no
from pipeline.forms.base import (
    FormContext,
    FormResult,
    IssueLog,
    SheetRow,
    form_cutoffs,
    local_date,
    read_timestamp,
    resolve_place,
    rows,
    th_num,
    unit_status,
)
from pipeline.models import Cell, Column, Grid, Row, Table
from pipeline.orgunits import Unit
from pipeline.settings import ModelLao
from pipeline.state import UnitStatus

# Longest first: "เทศบาลตำบล" before "เทศบาล".
_LAO_PREFIXES = (
    ("องค์การบริหารส่วนตำบล", "อบต."),
    ("องค์กรบริหารส่วนตำบล", "อบต."),
    ("องค์การบริหารส่วนต.", "อบต."),
    ("เทศบาลตำบล", "เทศบาล"),
    ("เทศบาลต.", "เทศบาล"),
    ("เทศบาลเมือง", "เทศบาล"),
    ("เทศบาลนคร", "เทศบาล"),
    ("เทศบาล", "เทศบาล"),
    ("อบต.", "อบต."),
    ("อ.บ.ต.", "อบต."),
    ("อบต", "อบต."),
    ("ทต.", "เทศบาล"),
    ("ท.ต.", "เทศบาล"),
    ("ทม.", "เทศบาล"),
    ("ทน.", "เทศบาล"),
)
_NOT_IN_KEY = re.compile(r"[\s.'’()-]")
_MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")


def _month_names() -> dict[str, int]:
    names: dict[str, int] = {}
    for number, (full, abbr) in enumerate(zip(thai_full_months, thai_abbr_months, strict=True), 1):
        names[full] = number
        names[abbr.replace(".", "")] = number
    return names


_MONTHS = _month_names()
_MONTH_TEXT = re.compile(
    r"^(?:รายงาน)?(?:ประจำ)?(?:เดือน)?\s*(?P<mon>[ก-ฮะ-์.]+?)\s*(?:พ\.?ศ\.?)?\s*(?P<y>\d{4}|\d{2})?$"
)
_MONTH_NUMERIC = re.compile(r"^(?P<m>\d{1,2})\s*[/-]\s*(?P<y>\d{4}|\d{2})$|^(?P<y2>\d{4})-(?P<m2>\d{1,2})$")


# ---------------------------------------------------------------------------
# Pure parts


def lao_name_key(name: str) -> tuple[str, str]:
    """(kind, key) of an LAO's name: the kind its prefix says ("เทศบาล", "อบต." or ""),
    and the name without prefix, spaces or dots, for comparing.

    >>> lao_name_key("เทศบาลตำบลช่อแฮ") == ("เทศบาล", "ช่อแฮ") == lao_name_key("ทต. ช่อแฮ")
    True
    """
    kind, text = _lao_parts(name)
    return kind, _NOT_IN_KEY.sub("", text).lower()


def _lao_parts(name: str) -> tuple[str, str]:
    """(kind, the name after its prefix)."""
    text = thai.clean_text(name)
    for prefix, k in _LAO_PREFIXES:
        if text.startswith(prefix):
            return k, text[len(prefix) :].strip()
    return "", text


def lao_slips(name: str) -> tuple[str, tuple[str, ...]]:
    """The typed name with its Thai typing slips corrected, and what they were (Thai)."""
    fixed, slips = thai.fix_typing(name)
    if thai.has_inner_space(_lao_parts(fixed)[1]):
        slips = (*slips, "มีช่องว่างกลางชื่อ")
    return fixed, slips


def be_year_of(text: str) -> int:
    """The BE year a written year means: 4 digits above 2400 are BE, 2 digits ≥ 40 are BE 25xx."""
    year = int(text)
    if len(text) == 2:
        return 2500 + year if year >= 40 else 2000 + year + 543
    return year if year > 2400 else year + 543


def parse_month(value: Cell, periods: Sequence[str]) -> str | None:
    """The report month "YYYY-MM" (BE) of a month answer, or None.

    "พฤษภาคม 2555", "พ.ค. 55", "เดือนพฤษภาคม ๒๕๖๗", "5/2567", "2567-05" and a date
    cell all work. A month written without its year is the calendar's only
    period in that month (`periods`); None if there is no such period.
    """
    if isinstance(value, datetime | date):
        return f"{value.year + 543}-{value.month:02d}"
    if thai.is_blank(value) or isinstance(value, bool):
        return None
    text = thai.to_arabic_digits(thai.clean_text(str(value)))
    month: int | None = None
    year: int | None = None
    if m := _MONTH_NUMERIC.match(text):
        month = int(m["m"] or m["m2"])
        year = be_year_of(m["y"] or m["y2"])
    elif m := _MONTH_TEXT.match(text):
        month = _MONTHS.get(m["mon"].replace(".", "").strip())
        year = be_year_of(m["y"]) if m["y"] else None
    if month is None or not 1 <= month <= 12:
        return None
    if year is not None:
        return f"{year}-{month:02d}"
    same = [p for p in periods if p.endswith(f"-{month:02d}")]
    return same[0] if len(same) == 1 else None


def month_label(period: str) -> str:
    """ "2567-05" -> "พฤษภาคม ๒๕๖๗"."""
    year, month = period.split("-")
    return f"{thai_full_months[int(month) - 1]} {thai.to_thai_digits(year)}"


def percent_of(part: float, whole: float | None) -> float | None:
    """part × 100 / whole, or None when whole is missing or 0."""
    if not whole:
        return None
    return part * 100 / whole


def percent_disagrees(typed: float, computed: float, tolerance: float = 0.5) -> bool:
    """True when a typed percentage is further than `tolerance` points from the computed one."""
    return abs(typed - computed) > tolerance + 1e-9


def kpi_score(result: float, levels: Sequence[float] = (60, 65, 70, 75, 80)) -> float:
    """The 1–5 score of a province result: linear between levels, 1 below the first, 5 from the last."""
    if result < levels[0]:
        return 1.0
    if result >= levels[-1]:
        return float(len(levels))
    for i in range(len(levels) - 1):
        lo, hi = levels[i], levels[i + 1]
        if lo <= result < hi:
            return round(i + 1 + (result - lo) / (hi - lo), 4)
    raise ValueError(f"score levels must rise: {levels}")


def score_ruling(result: float, levels: Sequence[float] = (60, 65, 70, 75, 80)) -> str | None:
    """ "below" or "between" when the score of this result is the project's ruling, not the
    circular's (which gives scores only at the levels themselves); None on a level or above the last."""
    if result < levels[0]:
        return "below"
    if result >= levels[-1] or any(abs(result - lv) < 1e-9 for lv in levels):
        return None
    return "between"


@dataclass(frozen=True)
class Items:
    """What one report says, once read."""

    villages: int
    committee: bool
    work_plan: bool
    village_forums: bool
    tambon_forum: bool
    covers: bool
    projects: int | None  # item 6
    local_plan_projects: int  # item 7
    budget_projects: int  # item 8

    @property
    def local_plan_pct(self) -> float | None:
        return percent_of(self.local_plan_projects, self.projects)

    @property
    def budget_pct(self) -> float | None:
        return percent_of(self.budget_projects, self.local_plan_projects)

    def criteria(
        self, local_plan_min: float = 30, budget_min: float = 20
    ) -> tuple[bool, bool, bool, bool, bool]:
        """The definition's criteria (1)–(5)."""
        lp, bp = self.local_plan_pct, self.budget_pct
        return (
            self.committee and self.work_plan,
            self.village_forums,
            self.tambon_forum and self.covers,
            lp is not None and lp >= local_plan_min,
            bp is not None and bp >= budget_min,
        )


# ---------------------------------------------------------------------------
# Reading the responses


@dataclass(frozen=True)
class Criteria:
    local_plan_min: float = 30
    budget_min: float = 20
    percent_tolerance: float = 0.5
    score_levels: tuple[float, ...] = (60, 65, 70, 75, 80)
    # The project's ruling where the circular gives no score: between levels, below the first.
    ruling_between: str = ""
    ruling_below: str = ""

    @classmethod
    def of(cls, extra: Mapping[str, Any] | None, where: str) -> Criteria:
        raw = extra or {}
        crit = raw.get("criteria") or {}
        rulings = raw.get("score_rulings") or {}
        if not isinstance(rulings, Mapping) or not rulings.get("between") or not rulings.get("below"):
            raise ConfigError(
                "the schema does not say how scores between the levels and below the first are given",
                where=f"{where}: score_rulings",
                fix="add score_rulings: with 'between' and 'below', each the ruling and its reason in Thai",
            )
        try:
            levels = tuple(float(x) for x in raw.get("score_levels", cls.score_levels))
            if len(levels) < 2 or list(levels) != sorted(set(levels)):
                raise ValueError("score_levels must list at least two rising percentages")
            return cls(
                local_plan_min=float(crit.get("local_plan_min", 30)),
                budget_min=float(crit.get("budget_min", 20)),
                percent_tolerance=float(crit.get("percent_tolerance", 0.5)),
                score_levels=levels,
                ruling_between=str(rulings["between"]),
                ruling_below=str(rulings["below"]),
            )
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"the criteria of the schema cannot be read: {exc}", where=where) from exc


@dataclass
class Report:
    row: SheetRow
    at: datetime | None
    district: Unit | None
    lao: ModelLao | None
    cutoff: Cutoff | None
    ok: bool = True
    items: Items | None = None
    superseded_by: int = 0
    inferred: bool = False  # the period comes from the submission date, not from the form

    @property
    def key(self) -> tuple[str, str] | None:
        if self.lao is None or self.cutoff is None:
            return None
        return (self.lao.code, self.cutoff.period)

    def meets(self, crit: Criteria) -> bool:
        return (
            self.ok
            and self.items is not None
            and all(self.items.criteria(crit.local_plan_min, crit.budget_min))
        )


def process(ctx: FormContext, grid: Grid) -> FormResult:
    where = f"sheets_schema/{ctx.source.schema}.yaml"
    crit = Criteria.of(ctx.schema.extra, where)
    cutoffs = form_cutoffs(ctx, "a recurring cut-off with units: model_laos")
    if not ctx.settings.model_laos:
        raise ConfigError(
            "KPI 3.2 is reported by the model LAOs, and the settings list none",
            where=f"{ctx.settings.path}: units.model_laos",
            fix="list them under units: model_laos: as {name: เทศบาลตำบล…, district: …}",
        )
    cmap, data = rows(ctx, grid)
    log = IssueLog(ctx, cmap)
    if data and "month" not in cmap.index and "report_no" not in cmap.index:
        log.add(
            1,
            "warning",
            "period_from_date",
            "แบบรายงานนี้ไม่ได้ถามเดือนที่รายงานหรือรายงานครั้งที่ — ระบบนับรายงานเข้าเดือนตามวันที่ส่ง "
            "(รายงานที่ส่งหลังกำหนดโดยที่เดือนนั้นรายงานแล้ว ถือเป็นรายงานของเดือนถัดไป) "
            'โปรดเพิ่มคำถาม "รายงานครั้งที่" หรือ "รายงานประจำเดือน" ในแบบฟอร์ม',
        )
    reports = [_read(ctx, log, cmap, r, cutoffs, crit) for r in data]
    _early_for_next(ctx, reports, cutoffs)
    for r in reports:
        _warn_late(ctx, log, r)
    _supersede(log, reports)
    counted = [r for r in reports if r.key is not None and not r.superseded_by]
    result = FormResult(form=ctx.source.key, rows_read=len(data))
    result.accepted = sum(1 for r in counted if r.ok)
    result.rejected = sum(1 for r in reports if not r.ok and not r.superseded_by)
    result.superseded = sum(1 for r in reports if r.superseded_by)
    result.issues = list(log)
    result.statuses = [_status(ctx, log, r) for r in counted]
    province = _province_rows(ctx, counted, cutoffs, crit)
    result.tables = [_lao_table(ctx, counted, crit), _province_table(province)]
    result.data["kpi32"] = {r.key: r.meets(crit) for r in counted if r.key}
    result.data["province"] = {row[0]: row[8] for row in province}
    return result


def _read(
    ctx: FormContext, log: IssueLog, cmap: ColumnMap, row: SheetRow, cutoffs: list[Cutoff], crit: Criteria
) -> Report:
    district, _, ok = resolve_place(ctx, log, row, cmap, with_tambon=False)
    at = read_timestamp(ctx, log, cmap, row, district=district)
    ok = ok and at is not None
    lao = _match_lao(ctx, log, cmap, row, district) if district is not None else None
    cutoff, inferred = _month(ctx, log, cmap, row, at, cutoffs, district)
    r = Report(
        row=row,
        at=at,
        district=district,
        lao=lao,
        cutoff=cutoff,
        ok=ok and lao is not None and cutoff is not None,
        inferred=inferred,
    )
    r.items = _items(log, cmap, r, crit)
    if r.items is None:
        r.ok = False
    return r


def _early_for_next(ctx: FormContext, reports: list[Report], cutoffs: list[Cutoff]) -> None:
    """A report dated after a month's cut-off, when that month is already reported, is the
    next month's report sent early: it never replaces the month before."""
    taken = {r.key for r in reports if r.ok and not r.inferred and r.key}
    dated = sorted((r for r in reports if r.inferred and r.at), key=lambda r: (r.at, r.row.number))
    for r in dated:
        if r.cutoff is None or r.lao is None or r.at is None:
            continue
        i = cutoffs.index(r.cutoff)
        if r.key in taken and local_date(ctx, r.at) > r.cutoff.due and i + 1 < len(cutoffs):
            r.cutoff = cutoffs[i + 1]
        if r.ok and r.key:
            taken.add(r.key)


def _warn_late(ctx: FormContext, log: IssueLog, r: Report) -> None:
    if not (r.ok and r.at is not None and r.cutoff is not None and local_date(ctx, r.at) > r.cutoff.due):
        return
    days = (local_date(ctx, r.at) - r.cutoff.due).days
    log.add(
        r.row.number,
        "warning",
        "late",
        f"ส่งหลังกำหนด {th_num(days)} วัน (กำหนดส่งรายงานเดือน{month_label(r.cutoff.period)} "
        f"{thai.format_thai_date(r.cutoff.due)}) — นับผลตามปกติ แต่ถูกบันทึกว่าส่งล่าช้า",
        key="timestamp",
        value=r.at.replace(tzinfo=None).isoformat(sep=" "),
        district=r.district,
    )


_REPORT_NO = re.compile(r"^(?:รายงาน)?\s*(?:ครั้งที่|ครั้ง|ฉบับที่|ที่)?\s*(\d{1,2})(?:\s*$|\s*[(/\s-])")


def parse_report_no(value: Cell) -> int | None:
    """The number of "รายงานครั้งที่ …": 2, "๒", "ครั้งที่ 2", "ครั้งที่ ๒ (มิถุนายน)" -> 2; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value) if float(value).is_integer() and value >= 1 else None
    if not isinstance(value, str):
        return None
    m = _REPORT_NO.match(thai.to_arabic_digits(thai.clean_text(value)))
    return int(m[1]) if m and int(m[1]) >= 1 else None


def _match_lao(
    ctx: FormContext, log: IssueLog, cmap: ColumnMap, row: SheetRow, district: Unit
) -> ModelLao | None:
    raw = cmap.get(row.cells, "lao")
    if thai.is_blank(raw):
        log.add(
            row.number,
            "error",
            "missing_lao",
            "ไม่ได้ระบุชื่อ อปท. ต้นแบบ — โปรดกรอกชื่อเทศบาล/อบต. แล้วส่งใหม่",
            key="lao",
            value=raw,
            district=district,
        )
        return None
    fixed, slips = lao_slips(str(raw))
    kind, key = lao_name_key(fixed)
    mine = [lao for lao in ctx.settings.model_laos if lao.district_code == district.code]
    found = next((lao for lao in mine if lao_name_key(lao.name)[1] == key), None)
    if found is not None and slips:
        log.add(
            row.number,
            "warning",
            "near_match",
            f'ชื่อ "{raw}" พิมพ์ไม่ตรงกับชื่อทางการ ({"; ".join(slips)}) — ถือเป็น {found.name} '
            f'โปรดแก้ไขการสะกดเป็น "{found.name}"',
            key="lao",
            value=raw,
            district=district,
        )
    if found is None:
        near = [lao for lao in mine if _MARKS.sub("", lao_name_key(lao.name)[1]) == _MARKS.sub("", key)]
        if len(near) == 1:
            found = near[0]
            log.add(
                row.number,
                "warning",
                "near_match",
                f'ชื่อ "{raw}" สะกดต่างจากบัญชี อปท. ต้นแบบ — ถือเป็น {found.name} โปรดตรวจสอบการสะกด',
                key="lao",
                value=raw,
                district=district,
            )
    if found is None:
        elsewhere = [lao for lao in ctx.settings.model_laos if lao_name_key(lao.name)[1] == key]
        if elsewhere:
            other = ctx.org.district(elsewhere[0].district_code)
            message = (
                f"{elsewhere[0].name} เป็น อปท. ต้นแบบของอำเภอ{other.name} ไม่ใช่อำเภอ{district.name} "
                "— โปรดแก้อำเภอในแบบรายงานให้ถูกต้อง"
            )
            code = "lao_other_district"
        else:
            listed = ", ".join(lao.name for lao in mine) or "ไม่มี"
            message = (
                f'"{raw}" ไม่ใช่ อปท. ต้นแบบตัวชี้วัดที่ ๓.๒ ตามบัญชีของจังหวัด — อปท. ต้นแบบของอำเภอ{district.name}: '
                f"{listed} (ทั้งจังหวัด: {', '.join(lao.name for lao in ctx.settings.model_laos)}) "
                "โปรดแก้ชื่อ อปท. หรือแจ้งจังหวัดหากมีการเปลี่ยนพื้นที่เป้าหมาย"
            )
            code = "not_model_lao"
        log.add(row.number, "error", code, message, key="lao", value=raw, district=district)
        return None
    want = lao_name_key(found.name)[0]
    if kind and want and kind != want:
        log.add(
            row.number,
            "warning",
            "lao_kind_mismatch",
            f"กรอกเป็น {kind} แต่ อปท. ต้นแบบของอำเภอ{district.name} คือ {found.name} — "
            "ระบบนับเป็นรายงานของ อปท. ต้นแบบ โปรดตรวจสอบว่าส่งในนามหน่วยงานที่ถูกต้อง",
            key="lao",
            value=raw,
            district=district,
        )
    return found


def _month(
    ctx: FormContext,
    log: IssueLog,
    cmap: ColumnMap,
    row: SheetRow,
    at: datetime | None,
    cutoffs: list[Cutoff],
    district: Unit | None,
) -> tuple[Cutoff | None, bool]:
    """The report's cut-off, and whether it was inferred from the submission date."""
    raw = cmap.get(row.cells, "month")
    raw_no = cmap.get(row.cells, "report_no")
    if thai.is_blank(raw) and not thai.is_blank(raw_no):
        n = parse_report_no(raw_no)
        if n is not None and n <= len(cutoffs):
            return cutoffs[n - 1], False
        listed = ", ".join(
            f"ครั้งที่ {th_num(i)} = เดือน{month_label(c.period)}" for i, c in enumerate(cutoffs, start=1)
        )
        log.add(
            row.number,
            "error",
            "bad_report_no",
            f'รายงานครั้งที่ "{raw_no}" ไม่มีในปฏิทินการรายงาน ({listed}) — โปรดแก้ครั้งที่ของรายงานแล้วส่งใหม่',
            key="report_no",
            value=raw_no,
            district=district,
        )
        return None, False
    if not thai.is_blank(raw):
        period = parse_month(raw, [c.period for c in cutoffs])
        found = next((c for c in cutoffs if c.period == period), None)
        if found is None:
            months = ", ".join(month_label(c.period) for c in cutoffs)
            log.add(
                row.number,
                "error",
                "bad_month",
                f'เดือนที่รายงาน "{raw}" ไม่ใช่เดือนที่ต้องรายงาน — ต้องรายงานเดือน {months} '
                "โปรดเลือกเดือนให้ถูกต้องแล้วส่งใหม่",
                key="month",
                value=raw,
                district=district,
            )
        n = None if thai.is_blank(raw_no) else parse_report_no(raw_no)
        if found is not None and n is not None and (n > len(cutoffs) or cutoffs[n - 1] is not found):
            log.add(
                row.number,
                "warning",
                "report_no_mismatch",
                f"รายงานครั้งที่ {th_num(n)} ไม่ตรงกับเดือนที่รายงาน ({month_label(found.period)}) — "
                f"ระบบนับเป็นรายงานเดือน{month_label(found.period)} ตามเดือนที่กรอก โปรดตรวจสอบครั้งที่ของรายงาน",
                key="report_no",
                value=raw_no,
                district=district,
            )
        return found, False
    if at is None:
        return None, True
    return ctx.calendar.period_for_date(ctx.source.key, local_date(ctx, at)), True


def _items(log: IssueLog, cmap: ColumnMap, r: Report, crit: Criteria) -> Items | None:
    """Read the 8 items; None when an answer the criteria need cannot be read (each logged as an error)."""
    ok = True

    def err(key: str, code: str, message: str) -> None:
        nonlocal ok
        ok = False
        log.add(
            r.row.number,
            "error",
            code,
            message,
            key=key,
            value=cmap.get(r.row.cells, key),
            district=r.district,
        )

    def warn(key: str, code: str, message: str) -> None:
        log.add(
            r.row.number,
            "warning",
            code,
            message,
            key=key,
            value=cmap.get(r.row.cells, key),
            district=r.district,
        )

    def count(key: str, item: str, *, blank: int | None) -> int | None:
        raw = cmap.get(r.row.cells, key)
        n = thai.parse_count(raw)
        # "ยังไม่ดำเนินการ" in a count box: nothing done yet, as a blank.
        if thai.is_blank(raw) or (n is None and parse_yes_no(raw) is False):
            if blank is None:
                err(key, "missing_answer", f"ข้อ {item} ไม่ได้กรอกจำนวน — โปรดกรอกเป็นตัวเลข")
            return blank
        if n is None or n < 0 or not n.is_integer():
            err(key, "bad_count", f'ข้อ {item} อ่านจำนวน "{raw}" ไม่ได้ — โปรดกรอกเป็นตัวเลขจำนวนเต็ม เช่น ๑๒')
            return None
        return int(n)

    def yes_no(key: str, item: str, choices: str) -> bool:
        raw = cmap.get(r.row.cells, key)
        answer = parse_yes_no(raw)
        if answer is None:
            what = "ไม่ได้ตอบ" if thai.is_blank(raw) else f'อ่านคำตอบ "{raw}" ไม่ได้'
            err(key, "bad_yes_no", f"ข้อ {item} {what} — โปรดเลือก {choices}")
            return False
        return answer

    villages = count("villages", "๑", blank=None)
    if villages == 0:
        err("villages", "bad_count", "ข้อ ๑ จำนวนหมู่บ้าน/ชุมชนต้องมากกว่า ๐")
    committee = yes_no("committee", "๒", '"มีคณะทำงาน" หรือ "ยังไม่มีคณะทำงาน"')
    work_plan = yes_no("work_plan", "๓", '"มีแผนดำเนินงานแล้ว" หรือ "ยังไม่มีแผนดำเนินงาน"')
    if work_plan and not committee:
        warn(
            "work_plan",
            "plan_without_committee",
            "ข้อ ๓ ตอบว่ามีแผนดำเนินงานแล้ว แต่ข้อ ๒ ยังไม่มีคณะทำงาน — โปรดตรวจสอบ",
        )
    forums = yes_no("village_forums", "๔", '"ดำเนินการครบทุกหมู่บ้าน/ชุมชนแล้ว" หรือ "ยังดำเนินการไม่ครบ"')
    remaining = count("villages_remaining", "๔ (จำนวนที่เหลือ)", blank=0)
    if villages and remaining and remaining > villages:
        err(
            "villages_remaining",
            "bad_count",
            f"ข้อ ๔ เหลือ {th_num(remaining)} หมู่บ้าน/ชุมชน มากกว่าจำนวนทั้งหมดในข้อ ๑ ({th_num(villages)}) — โปรดแก้ไข",
        )
    tambon_forum = yes_no("tambon_forum", "๕", '"ดำเนินการแล้ว" หรือ "ยังไม่ดำเนินการ"')
    held = cmap.get(r.row.cells, "tambon_forum_on")
    if tambon_forum and not thai.is_blank(held) and thai.parse_date(held) is None:
        warn("tambon_forum_on", "bad_date", f'ข้อ ๕ อ่านวันที่จัดเวที "{held}" ไม่ได้ — โปรดกรอกวันที่ เช่น ๒๐ พ.ค. ๒๕๕๕')
    covers = yes_no("covers", "๖", '"ครอบคลุม" หรือ "ไม่ครอบคลุม"')
    projects = count("projects", "๖", blank=0 if not covers else None)
    local_plan = count("local_plan_projects", "๗", blank=0)
    budget = count("budget_projects", "๘", blank=0)
    for done_key, count_key, item, n in (
        ("local_plan_done", "local_plan_projects", "๗", local_plan),
        ("budget_done", "budget_projects", "๘", budget),
    ):
        done = parse_yes_no(cmap.get(r.row.cells, done_key))
        if done and thai.is_blank(cmap.get(r.row.cells, count_key)):
            err(
                count_key,
                "missing_answer",
                f"ข้อ {item} ตอบว่าดำเนินการแล้ว แต่ไม่ได้กรอกจำนวนโครงการ/กิจกรรม — โปรดกรอกจำนวนแล้วส่งใหม่",
            )
        elif done is False and n:
            warn(
                done_key,
                "not_done_with_count",
                f"ข้อ {item} ตอบว่ายังไม่ดำเนินการ แต่กรอกจำนวน {th_num(n)} โครงการ/กิจกรรม — "
                "ระบบนับตามจำนวนที่กรอก โปรดตรวจสอบ",
            )
    if not ok or villages is None or local_plan is None or budget is None:
        return None
    if local_plan > 0 and not projects:
        err(
            "local_plan_projects",
            "no_base",
            "ข้อ ๗ มีโครงการที่บรรจุในแผนพัฒนาท้องถิ่น แต่ข้อ ๖ ไม่มีจำนวนโครงการ "
            "— คำนวณร้อยละไม่ได้ โปรดกรอกจำนวนโครงการในข้อ ๖",
        )
    if projects is not None and local_plan > projects > 0:
        err(
            "local_plan_projects",
            "more_than_base",
            f"ข้อ ๗ ({th_num(local_plan)} โครงการ) มากกว่าจำนวนโครงการทั้งหมดในข้อ ๖ ({th_num(projects)}) — โปรดแก้ไข",
        )
    if budget > local_plan:
        err(
            "budget_projects",
            "more_than_base",
            f"ข้อ ๘ ({th_num(budget)} โครงการ) มากกว่าจำนวนโครงการในข้อ ๗ ({th_num(local_plan)}) — โปรดแก้ไข",
        )
    if not ok:
        return None
    items = Items(villages, committee, work_plan, forums, tambon_forum, covers, projects, local_plan, budget)
    for key, item, part, whole, computed in (
        ("local_plan_percent", "๗", local_plan, projects, items.local_plan_pct),
        ("budget_percent", "๘", budget, local_plan, items.budget_pct),
    ):
        raw = cmap.get(r.row.cells, key)
        if thai.is_blank(raw) or computed is None or whole is None:
            continue
        typed = thai.parse_percent(raw)
        if typed is None:
            warn(
                key,
                "bad_percent",
                f'ข้อ {item} อ่านร้อยละ "{raw}" ไม่ได้ — ระบบใช้ร้อยละที่คำนวณจากจำนวน ({_pct(computed)})',
            )
        elif percent_disagrees(typed, computed, crit.percent_tolerance):
            warn(
                key,
                "percent_mismatch",
                f"ข้อ {item} กรอกร้อยละ {_pct(typed)} แต่คำนวณจากจำนวนได้ {th_num(part)} × ๑๐๐ ÷ {th_num(whole)} "
                f"= ร้อยละ {_pct(computed)} — ระบบใช้ร้อยละ {_pct(computed)} ที่คำนวณจากจำนวน โปรดแก้ไขให้ตรงกัน",
            )
    return items


def _pct(x: float) -> str:
    return thai.to_thai_digits(f"{x:.1f}".removesuffix(".0"))


def _supersede(log: IssueLog, reports: list[Report]) -> None:
    latest: dict[tuple[str, str], Report] = {}
    for r in reports:
        if r.key is None or r.at is None:
            continue
        best = latest.get(r.key)
        if best is None or (r.at, r.row.number) > (best.at or r.at, best.row.number):
            latest[r.key] = r
    for r in reports:
        if r.key is None or r.at is None or latest[r.key] is r:
            continue
        winner = latest[r.key]
        r.superseded_by = winner.row.number
        log.keep_only(r.row.number, "superseded")
        log.add(
            r.row.number,
            "warning",
            "superseded",
            f"มีรายงานเดือน{month_label(r.key[1])}ของ {r.lao.name if r.lao else ''} ซ้ำ — ใช้รายงานที่ส่งล่าสุด "
            f"(แถว {th_num(winner.row.number)}) แทนแถวนี้ ไม่ต้องแก้ไขหากตั้งใจส่งใหม่",
            district=r.district,
        )


def _status(ctx: FormContext, log: IssueLog, r: Report) -> UnitStatus:
    assert r.lao is not None and r.cutoff is not None
    return unit_status(
        ctx, log, row=r.row, ok=r.ok, at=r.at, cutoff=r.cutoff,
        unit_code=r.lao.code, unit_name=r.lao.name, district_code=r.lao.district_code,
    )  # fmt: skip


# ---------------------------------------------------------------------------
# Tables

_PASS = {True: "ผ่าน", False: "ไม่ผ่าน"}


def _lao_table(ctx: FormContext, counted: list[Report], crit: Criteria) -> Table:
    cols = [
        Column("period", "เดือน (รหัส)", 9),
        Column("month", "เดือนที่รายงาน", 16),
        Column("district_code", "รหัสอำเภอ", 10),
        Column("district", "อำเภอ", 14),
        Column("lao_code", "รหัส อปท.", 12),
        Column("lao", "อปท. ต้นแบบ", 28),
        Column("submitted_at", "วันเวลาที่ส่ง", 18, "datetime"),
        Column("on_time", "ส่งตามกำหนด", 12),
        Column("villages", "๑ หมู่บ้าน/ชุมชน", 10, "int"),
        Column("committee", "๒ คณะทำงาน", 10),
        Column("work_plan", "๓ แผนดำเนินงาน", 10),
        Column("village_forums", "๔ เวทีครบทุกหมู่บ้าน", 12),
        Column("tambon_forum", "๕ เวทีระดับตำบล", 10),
        Column("covers", "๖ ครอบคลุม ๓ ด้าน", 10),
        Column("projects", "๖ โครงการ", 9, "int"),
        Column("local_plan_projects", "๗ โครงการในแผนพัฒนาท้องถิ่น", 12, "int"),
        Column("local_plan_pct", "๗ ร้อยละ", 9, "float"),
        Column("budget_projects", "๘ โครงการในร่างข้อบัญญัติ", 12, "int"),
        Column("budget_pct", "๘ ร้อยละ", 9, "float"),
        Column("c1", "เกณฑ์ (๑)", 8),
        Column("c2", "เกณฑ์ (๒)", 8),
        Column("c3", "เกณฑ์ (๓)", 8),
        Column("c4", "เกณฑ์ (๔)", 8),
        Column("c5", "เกณฑ์ (๕)", 8),
        Column("meets", "ผ่านเกณฑ์ครบ", 10),
        Column("source_row", "แถวในชีตคำตอบ", 10, "int"),
    ]
    out: list[Row] = []
    for r in sorted(
        (r for r in counted if r.ok and r.items),
        key=lambda r: (r.cutoff.period if r.cutoff else "", r.lao.district_code if r.lao else ""),
    ):
        assert r.lao and r.cutoff and r.at and r.items
        it = r.items
        criteria = it.criteria(crit.local_plan_min, crit.budget_min)
        lp, bp = it.local_plan_pct, it.budget_pct
        out.append(
            [
                r.cutoff.period,
                month_label(r.cutoff.period),
                r.lao.district_code,
                ctx.org.district(r.lao.district_code).name,
                r.lao.code,
                r.lao.name,
                r.at.replace(tzinfo=None),
                "ตรงเวลา" if local_date(ctx, r.at) <= r.cutoff.due else "ล่าช้า",
                it.villages,
                "มี" if it.committee else "ยังไม่มี",
                "มี" if it.work_plan else "ยังไม่มี",
                "ครบ" if it.village_forums else "ยังไม่ครบ",
                "จัดแล้ว" if it.tambon_forum else "ยังไม่จัด",
                "ครอบคลุม" if it.covers else "ไม่ครอบคลุม",
                it.projects,
                it.local_plan_projects,
                round(lp, 2) if lp is not None else None,
                it.budget_projects,
                round(bp, 2) if bp is not None else None,
                *[_PASS[c] for c in criteria],
                _PASS[all(criteria)],
                r.row.number,
            ]
        )
    return Table(name="kpi32", title="ตัวชี้วัด ๓.๒ ราย อปท.", columns=cols, rows=out)


def _province_rows(
    ctx: FormContext, counted: list[Report], cutoffs: list[Cutoff], crit: Criteria
) -> list[Row]:
    total = len(ctx.settings.model_laos)
    today = local_date(ctx, ctx.now)
    out: list[Row] = []
    for c in cutoffs:
        mine = [r for r in counted if r.cutoff is c and r.ok and r.items]
        meeting = sum(1 for r in mine if r.meets(crit))
        sent = {r.lao.code for r in mine if r.lao}
        missing = [lao.name for lao in ctx.settings.model_laos if lao.code not in sent]
        due = c.due <= today or bool(mine)
        result = meeting * 100 / total if due else None
        ruling = score_ruling(result, crit.score_levels) if result is not None else None
        out.append(
            [
                c.period,
                month_label(c.period),
                c.due,
                total,
                len(mine),
                meeting,
                ", ".join(missing),
                round(result, 2) if result is not None else None,
                kpi_score(result, crit.score_levels) if result is not None else None,
                {"between": crit.ruling_between, "below": crit.ruling_below}.get(ruling or "", ""),
            ]
        )
    return out


def _province_table(province: list[Row]) -> Table:
    cols = [
        Column("period", "เดือน (รหัส)", 9),
        Column("month", "เดือนที่รายงาน", 16),
        Column("due", "กำหนดส่ง", 12, "date"),
        Column("model_laos", "อปท. ต้นแบบทั้งหมด", 10, "int"),
        Column("reported", "รายงานแล้ว", 10, "int"),
        Column("meeting", "ผ่านเกณฑ์ครบ", 10, "int"),
        Column("missing_laos", "อปท. ที่ยังไม่รายงาน", 40),
        Column("result_pct", "ผลงาน (ร้อยละ)", 10, "float"),
        Column("score", "คะแนน (๑-๕)", 9, "float"),
        Column("score_ruling", "คะแนนตามข้อวินิจฉัยของระบบ (หนังสือเวียนไม่ได้กำหนด)", 40),
    ]
    return Table(name="kpi32_province", title="ตัวชี้วัด ๓.๒ ระดับจังหวัด", columns=cols, rows=province)
