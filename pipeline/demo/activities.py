"""Demo rows of the province's shared activity sheet: one tab for activity 2, one for activity 3.

Typed by district staff straight into a Google Sheet: no form timestamp, dates
as date cells or text in every Thai style, yes/no answers as words or ticks.
Each row carries the date the district typed it in (วันที่รายงาน).
The mistakes: a workshop with 15 participants, BPM recorded 10 days late, a
BPM date before the workshop, a plan not yet handed to the local authority,
activity 3 reported for a tambon that is not a strong tambon, and a project
that buys things to hand out.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from pipeline import thai
from pipeline.models import Cell, Grid
from pipeline.orgunits import OrgUnits
from pipeline.settings import Settings

HEADER2: list[Cell] = [
    "ลำดับ",
    "อำเภอ",
    "ตำบล",
    "วันที่จัดประชุม",
    "จำนวนผู้เข้าร่วม (คน)",
    "ส่งมอบแผนพัฒนาตำบลให้ ก.บ.ต.",
    "ส่งมอบแผนพัฒนาตำบลให้ อปท.",
    "วันที่บันทึกผลในระบบ BPM",
    "ผู้รายงาน",
    "หมายเหตุ",
    "วันที่รายงาน",
]
HEADER3: list[Cell] = [
    "ลำดับ",
    "อำเภอ",
    "ตำบลเข้มแข็ง",
    "ชื่อโครงการ/กิจกรรม",
    "วันที่ดำเนินโครงการ",
    "งบประมาณ (บาท)",
    "รายละเอียดกิจกรรม",
    "วันที่บันทึกในระบบ BPM",
    "ผู้รายงาน",
    "วันที่รายงาน",
]
# Quarter 2 of FY2567 for the workshops; June 2567 for the strong-tambon projects.
WORKSHOPS = (date(2024, 1, 8), date(2024, 3, 22))
PROJECTS = (date(2024, 5, 20), date(2024, 6, 28))
YES: list[Cell] = ["ส่งแล้ว", "ส่งแล้ว", "✓", "มี", True, "ส่งมอบแล้ว"]
REPORTERS = ["นางสาวกนกพร ใจดี", "นายสมชาย วงศ์คำ", "นางศรีพรรณ ปัญญา", "นายประเสริฐ อินต๊ะ"]
PROJECT_IDEAS = [
    ("โครงการส่งเสริมการปลูกผักปลอดสารพิษตามหลักปรัชญาของเศรษฐกิจพอเพียง", "อบรมการทำปุ๋ยหมักและแปลงผักรวม"),
    ("โครงการเรียนรู้การทำบัญชีครัวเรือน", "ประชุมครัวเรือนเป้าหมาย ฝึกจดบัญชีรายรับรายจ่าย"),
    ("โครงการพัฒนาศักยภาพกลุ่มอาชีพทอผ้า", "เวทีแลกเปลี่ยนเรียนรู้และศึกษาดูงานกลุ่มทอผ้าในตำบล"),
    ("โครงการธนาคารขยะชุมชน", "ประชุมจัดตั้งคณะกรรมการธนาคารขยะและวางระเบียบกลุ่ม"),
    ("โครงการสืบสานภูมิปัญญาการแปรรูปอาหารท้องถิ่น", "สาธิตและฝึกปฏิบัติการแปรรูปกล้วยตาก"),
]


def _when(d: date, rng: random.Random) -> Cell:
    be = d.year + 543
    style = rng.random()
    if style < 0.4:
        return datetime(d.year, d.month, d.day)  # a date cell
    if style < 0.6:
        return f"{d.day}/{d.month:02d}/{be}"
    if style < 0.8:
        return thai.format_thai_date(d, weekday=False, short=True)
    return thai.format_thai_date(d, weekday=False, thai_digits=False)


def _one(rng: random.Random, options: list[Cell]) -> Cell:
    return rng.choice(options)


def _day(span: tuple[date, date], rng: random.Random) -> date:
    return span[0] + timedelta(days=rng.randint(0, (span[1] - span[0]).days))


def _place(name: str, prefix: str, rng: random.Random) -> str:
    return rng.choice([name, name, f"{prefix}.{name}", f"{'ตำบล' if prefix == 'ต' else 'อำเภอ'}{name}"])


def generate_activity2(settings: Settings, rng: random.Random) -> Grid:
    org = OrgUnits.for_province(settings.province_code)
    rows: list[list[Cell]] = []
    for d in org.districts():
        reporter = rng.choice(REPORTERS)
        for t in org.tambons(d.code):
            if rng.random() < 0.06:
                continue  # not reported yet
            held = _day(WORKSHOPS, rng)
            bpm = held + timedelta(days=rng.choice([0, 1, 2, 3, 5, 7]))
            rows.append(
                [
                    None,
                    _place(d.name, "อ", rng),
                    _place(t.name, "ต", rng),
                    _when(held, rng),
                    _one(
                        rng,
                        [
                            rng.randint(20, 45),
                            f"{rng.randint(20, 45)} คน",
                            thai.to_thai_digits(str(rng.randint(20, 40))),
                        ],
                    ),
                    rng.choice(YES),
                    rng.choice(YES),
                    _when(bpm, rng),
                    reporter,
                    None,
                    _when(min(bpm + timedelta(days=rng.randint(0, 6)), date(2024, 3, 31)), rng),
                ]
            )
    picks = rng.sample(range(len(rows)), 6)
    rows[picks[0]][4] = 15  # too few participants
    held = _day(WORKSHOPS, rng)
    rows[picks[1]][3] = _when(held, rng)
    rows[picks[1]][7] = _when(held + timedelta(days=10), rng)  # BPM 10 days after the workshop
    rows[picks[2]][6] = "ยังไม่ส่ง"  # plan not yet handed to the local authority
    rows[picks[2]][9] = "รอ อปท. นัดประชุมสภา"
    held = _day(WORKSHOPS, rng)
    rows[picks[3]][3] = _when(held, rng)
    rows[picks[3]][7] = _when(held - timedelta(days=2), rng)  # BPM before the workshop
    rows[picks[4]][7] = None  # BPM not recorded
    # A tambon's row typed again lower down, with the count corrected.
    again = list(rows[picks[5]])
    again[4] = f"{rng.randint(25, 40)} คน"
    again[9] = "แก้ไขจำนวนผู้เข้าร่วม"
    again[10] = _when(date(2024, 4, 3), rng)  # the correction typed after the cut-off: late
    rows.append(again)
    for n, row in enumerate(rows, start=1):
        row[0] = n
    return [list(HEADER2), *rows]


def generate_activity3(settings: Settings, rng: random.Random) -> Grid:
    org = OrgUnits.for_province(settings.province_code)
    rows: list[list[Cell]] = []
    strong = [org.tambon(code) for code in settings.strong_tambons]
    for t in strong[:-1]:  # the last one has not reported yet: its cut-off is 31 Jul
        name, details = rng.choice(PROJECT_IDEAS)
        held = _day(PROJECTS, rng)
        budget = _one(rng, [10000, "10,000", "๑๐,๐๐๐ บาท", "9,850.- บาท", 9500])
        rows.append(
            [
                None,
                _place(org.district(t.parent_code).name, "อ", rng),
                _place(t.name, "ต", rng),
                name,
                _when(held, rng),
                budget,
                details,
                _when(held + timedelta(days=rng.randint(1, 5)), rng),
                rng.choice(REPORTERS),
                _when(held + timedelta(days=rng.randint(6, 10)), rng),
            ]
        )
    if rows:
        # A project that buys things to hand out.
        rows[0][3] = "โครงการส่งเสริมการปลูกผักสวนครัว"
        rows[0][6] = "จัดซื้อเมล็ดพันธุ์ผักและจอบ แจกจ่ายครัวเรือนเป้าหมาย"
    # A district reports activity 3 for a tambon that is not this year's strong tambon.
    chosen = set(settings.strong_tambons)
    other = next((t for t in org.tambons() if t.code not in chosen), None)
    if other is not None:
        held = _day(PROJECTS, rng)
        rows.append(
            [
                None,
                org.district(other.parent_code).name,
                other.name,
                "โครงการเสริมสร้างความเข้มแข็งกลุ่มออมทรัพย์",
                _when(held, rng),
                "8,000",
                "ประชุมทบทวนระเบียบกลุ่มออมทรัพย์",
                _when(held + timedelta(days=2), rng),
                rng.choice(REPORTERS),
                _when(held + timedelta(days=5), rng),
            ]
        )
    for n, row in enumerate(rows, start=1):
        row[0] = n
    return [list(HEADER3), *rows]
