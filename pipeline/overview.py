"""The overview tab (ภาพรวม): what a provincial officer reads first. Pure.

From the units' statuses, the calendar and the scores table it builds, as
tables drawn one under another on one tab:

- the last sync: when, how it went, how much it read;
- completeness per district over every cut-off due up to today (chart);
- the assessment's levels per district for each round with results, counts and
  shares (chart of the latest round);
- tambons whose level moved between the two latest rounds, by name;
- every cut-off due up to today and the next one, per district: expected,
  submitted, on time, late, with errors, missing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from pipeline import thai
from pipeline.calendar import Calendar, Cutoff
from pipeline.expected import ExpectedUnit, expected_units
from pipeline.models import ChartHint, Column, Row, Table, UnitStatus
from pipeline.orgunits import OrgUnits
from pipeline.presentation import LEVEL_COLOURS
from pipeline.publish import STATUS_TH
from pipeline.settings import Settings

TITLE = "ภาพรวม"
STATUS_COLOURS = {"on_time": "C6EFCE", "late": "FFE699", "rejected": "F8CBAD", "missing": "D9D9D9"}
LEVEL_NAMES = {3: "เข้มแข็ง", 2: "ปานกลาง", 1: "อ่อนแอ"}

SYNC_COLUMNS = [
    Column("synced_at", "ซิงก์เมื่อ", kind="datetime"),
    Column("status", "สถานะ"),
    Column("rows_read", "แถวที่อ่าน", kind="int"),
    Column("accepted", "นับผล", kind="int"),
    Column("errors", "ข้อผิดพลาด", kind="int"),
    Column("warnings", "คำเตือน", kind="int"),
    Column("failed_sources", "แบบรายงานที่อ่านไม่ได้"),
]
_COUNTS = [
    Column("expected", "ต้องส่ง", kind="int"),
    Column("submitted", "ส่งแล้ว", kind="int"),
    Column("on_time", "ตรงเวลา", kind="int"),
    Column("late", "ล่าช้า", kind="int"),
    Column("rejected", "มีข้อผิดพลาด", kind="int"),
    Column("missing", "ยังไม่ส่ง", kind="int"),
]
COMPLETENESS_COLUMNS = [
    Column("district", "อำเภอ"),
    *_COUNTS,
    Column("submitted_pct", "ส่งแล้ว (ร้อยละ)", kind="float"),
]
LEVEL_COLUMNS = [
    Column("district", "อำเภอ"),
    Column("assessed", "ประเมินแล้ว (ตำบล)", kind="int"),
    *[
        col
        for level in (3, 2, 1)
        for col in (
            Column(f"level{level}", LEVEL_NAMES[level], kind="int"),
            Column(f"level{level}_pct", f"{LEVEL_NAMES[level]} (ร้อยละ)", kind="float"),
        )
    ],
]
CHANGE_COLUMNS = [
    Column("district", "อำเภอ"),
    Column("tambon", "ตำบล"),
    Column("before", "ระดับครั้งก่อน"),
    Column("after", "ระดับครั้งนี้"),
    Column("change", "การเปลี่ยนแปลง"),
]


def overview_tables(
    settings: Settings,
    org: OrgUnits,
    calendar: Calendar,
    now: datetime,
    statuses: Sequence[UnitStatus],
    tables: Sequence[Table],
    summary: Mapping[str, Any],
) -> list[Table]:
    today = now.date()
    cutoffs = _cutoffs(settings, calendar, today)
    expected = {c.id: expected_units(c, org, settings) for c in cutoffs}
    by_unit = {(s.form, s.period, s.unit_code): s.status for s in statuses}
    out = [_sync_table(now, summary), _completeness(cutoffs, expected, by_unit, today)]
    scores = next((t for t in tables if t.name == "scores"), None)
    if scores is not None:
        out += _levels(scores, org)
    out += _cutoff_tables(cutoffs, expected, by_unit, today)
    return out


def _cutoffs(settings: Settings, calendar: Calendar, today: date) -> list[Cutoff]:
    """Every cut-off due up to today and the next one, of the forms this sync reads."""
    mine = sorted((c for c in calendar.cutoffs if c.form in settings.sources), key=lambda c: (c.due, c.id))
    past = [c for c in mine if c.due <= today]
    upcoming = [c for c in mine if c.due > today]
    return past + upcoming[:1]


def _counts(
    units: Sequence[ExpectedUnit], cutoff: Cutoff, by_unit: Mapping[tuple[str, str, str], str], due: bool
) -> Counter[str]:
    n: Counter[str] = Counter(expected=len(units))
    for u in units:
        status = by_unit.get((cutoff.form, cutoff.period, u.code))
        if status == "valid":
            n["on_time"] += 1
        elif status in ("late", "rejected"):
            n[status] += 1
        elif due:
            n["missing"] += 1
    n["submitted"] = n["on_time"] + n["late"] + n["rejected"]
    return n


def _district_of(u: ExpectedUnit) -> str:
    return u.district_name or "จังหวัด"


def _sync_table(now: datetime, s: Mapping[str, Any]) -> Table:
    row: Row = [
        now.replace(tzinfo=None),
        STATUS_TH.get(str(s.get("status", "")), str(s.get("status", ""))),
        s.get("rows_read", 0),
        s.get("accepted", 0),
        s.get("errors", 0),
        s.get("warnings", 0),
        ", ".join(s.get("failed_sources_th", s.get("failed_sources", []))) or "-",
    ]
    return Table("overview_sync", TITLE, list(SYNC_COLUMNS), [row], caption="การซิงก์ล่าสุด")


def _completeness(
    cutoffs: Sequence[Cutoff],
    expected: Mapping[str, list[ExpectedUnit]],
    by_unit: Mapping[tuple[str, str, str], str],
    today: date,
) -> Table:
    per: dict[str, Counter[str]] = defaultdict(Counter)
    for c in cutoffs:
        if c.due > today:
            continue
        groups: dict[str, list[ExpectedUnit]] = defaultdict(list)
        for u in expected[c.id]:
            groups[_district_of(u)].append(u)
        for name, units in groups.items():
            per[name] += _counts(units, c, by_unit, due=True)
    rows: list[Row] = []
    for name, n in per.items():
        rows.append([name, *[n[c.key] for c in _COUNTS], _pct(n["submitted"], n["expected"])])
    chart = ChartHint(
        "ความครบถ้วนรายอำเภอ (ทุกกำหนดส่งถึงวันนี้)",
        "district",
        tuple((k, STATUS_COLOURS[k]) for k in ("on_time", "late", "rejected", "missing")),
        y_title="จำนวนรายงาน",
    )
    caption = f"ความครบถ้วนรายอำเภอ — รวมทุกกำหนดส่งถึงวันที่ {thai.format_thai_date(today, weekday=False, thai_digits=False)}"
    return Table(
        "overview_completeness", TITLE, list(COMPLETENESS_COLUMNS), rows, caption=caption, chart=chart
    )


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _levels(scores: Table, org: OrgUnits) -> list[Table]:
    by_round: dict[int, dict[str, tuple[str, int, str]]] = defaultdict(dict)
    for r in scores.records():
        rnd, level, code = r.get("round"), r.get("level"), r.get("tambon_code")
        if isinstance(rnd, int) and isinstance(level, int) and isinstance(code, str):
            by_round[rnd][code] = (str(r.get("district", "")), level, str(r.get("tambon", "")))
    out: list[Table] = []
    rounds = sorted(by_round, reverse=True)
    for i, rnd in enumerate(rounds):
        got = by_round[rnd]
        rows: list[Row] = []
        for d in org.districts():
            levels = Counter(lv for t, (_, lv, _) in got.items() if t[:4] == d.code)
            n = sum(levels.values())
            row: Row = [d.name, n]
            for level in (3, 2, 1):
                row += [levels[level], _pct(levels[level], n)]
            rows.append(row)
        chart = (
            ChartHint(
                f"ระดับการพัฒนา ศอช.ต. รายอำเภอ ครั้งที่ {rnd}",
                "district",
                tuple((f"level{lv}", LEVEL_COLOURS[lv]) for lv in (3, 2, 1)),
                y_title="จำนวนตำบล",
            )
            if i == 0
            else None
        )
        caption = f"ผลการประเมินระดับการพัฒนา ศอช.ต. ครั้งที่ {rnd} — จำนวนตำบลและร้อยละ"
        out.append(
            Table(f"overview_levels_{rnd}", TITLE, list(LEVEL_COLUMNS), rows, caption=caption, chart=chart)
        )
    if len(rounds) >= 2:
        out.insert(1, _changes(by_round[rounds[1]], by_round[rounds[0]], rounds[1], rounds[0]))
    return out


def _changes(
    before: Mapping[str, tuple[str, int, str]], after: Mapping[str, tuple[str, int, str]], r0: int, r1: int
) -> Table:
    moved: list[tuple[bool, str, Row]] = []
    for code in sorted(set(before) & set(after)):  # tambon codes: districts in the province's order
        district, was, tambon = before[code]
        now = after[code][1]
        if was != now:
            change = "▲ สูงขึ้น" if now > was else "▼ ลดลง"
            row: Row = [
                district,
                tambon,
                LEVEL_NAMES.get(was, str(was)),
                LEVEL_NAMES.get(now, str(now)),
                change,
            ]
            moved.append((now < was, code, row))
    rows = [row for _, _, row in sorted(moved, key=lambda m: (m[0], m[1]))]  # ups first
    caption = f"ตำบลที่ระดับเปลี่ยนจากครั้งที่ {r0} เป็นครั้งที่ {r1} ({len(rows)} ตำบล)"
    return Table("overview_changes", TITLE, list(CHANGE_COLUMNS), rows, caption=caption)


def _cutoff_tables(
    cutoffs: Sequence[Cutoff],
    expected: Mapping[str, list[ExpectedUnit]],
    by_unit: Mapping[tuple[str, str, str], str],
    today: date,
) -> list[Table]:
    out = []
    for c in cutoffs:
        due = c.due <= today
        groups: dict[str, list[ExpectedUnit]] = defaultdict(list)
        for u in expected[c.id]:
            groups[_district_of(u)].append(u)
        rows: list[Row] = []
        for name, units in groups.items():
            n = _counts(units, c, by_unit, due=due)
            rows.append([name, *[n[k.key] if due or k.key != "missing" else None for k in _COUNTS]])
        period = _period(c)
        when = "ครบกำหนดแล้ว" if due else "กำหนดส่งครั้งถัดไป"
        caption = (
            f"{c.title}{' ' + period if period else ''} — กำหนดส่ง "
            f"{thai.format_thai_date(c.due, weekday=False, thai_digits=False)} ({when})"
        )
        out.append(
            Table(
                f"overview_cutoff_{c.id}",
                TITLE,
                [Column("district", "อำเภอ"), *_COUNTS],
                rows,
                caption=caption,
            )
        )
    return out


def _period(c: Cutoff) -> str:
    if c.round is not None:
        return f"ครั้งที่ {c.round}"
    if "-" in c.period:
        year, month = c.period.split("-")
        return thai.format_thai_date(
            date(int(year) - 543, int(month), 1), short=True, thai_digits=False
        ).split(" ", 1)[1]
    return ""
