"""Demo responses to the KPI 3.2 monthly report: the model LAOs of the settings, May and June.

The LAOs move through the eight items over the months: committee and plan
first, then the village forums, the tambon forum, and finally projects into
the local development plan and the draft budget. The mistakes: the circular's
own worked example (item 8 typed as 25% although 5 × 100 / 36 = 13.9), a
report from an LAO that is not a model LAO, a late report, a resubmission.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from pythainlp.util.date import thai_full_months

from pipeline import thai
from pipeline.models import Cell, Grid
from pipeline.orgunits import OrgUnits
from pipeline.settings import ModelLao, Settings

HEADER: list[Cell] = [
    "ประทับเวลา",
    "ที่อยู่อีเมล",
    "อำเภอ",
    "ชื่อเทศบาล/อบต. ต้นแบบ",
    "รายงานประจำเดือน",
    "๑. จำนวนหมู่บ้าน/ชุมชนทั้งหมด",
    "๒. มีคณะทำงานสนับสนุนกระบวนการแผนชุมชนระดับท้องถิ่น",
    "๓. คณะทำงานตามข้อ ๒ มีแผนการดำเนินงานร่วมกัน",
    "๔. มีการจัดทำเวทีประชาคมทบทวนแผนชุมชนครบทุกหมู่บ้าน/ชุมชน",
    "๔.๑ จำนวนหมู่บ้าน/ชุมชนที่ยังไม่ได้ดำเนินการ",
    "๕. มีการจัดเวทีประชาคมระดับเทศบาล/อบต. บูรณาการแผนชุมชน",
    "๕.๑ วันที่จัดเวที",
    "๖. แผนชุมชนที่บูรณาการครอบคลุม ๓ ด้าน",
    "๖.๑ จำนวนโครงการ/กิจกรรมในแผนชุมชนที่บูรณาการ",
    "๗. จำนวนโครงการ/กิจกรรมที่บรรจุในแผนพัฒนาท้องถิ่นปีถัดไป",
    "๗.๑ คิดเป็นร้อยละ",
    "๘. จำนวนโครงการ/กิจกรรมที่บรรจุในร่างข้อบัญญัติงบประมาณ",
    "๘.๑ คิดเป็นร้อยละ",
    "ผู้รายงาน",
    "ตำแหน่ง",
]
# The demo calendar's cut-offs: the 25th of May to September 2567 (CE 2024).
MONTHS = [(5, datetime(2024, 5, 10, 9)), (6, datetime(2024, 6, 10, 9))]
POSITIONS = ["ปลัด อบต.", "ปลัดเทศบาล", "นักวิเคราะห์นโยบายและแผน", "หัวหน้าสำนักปลัด"]


def _pct(part: int, whole: int, rng: random.Random) -> Cell:
    if whole == 0:
        return None
    value = part * 100 / whole
    options: list[Cell] = [round(value), f"{value:.1f}", f"ร้อยละ {round(value)}", f"{round(value, 2)}%"]
    return rng.choice(options)


def _one(rng: random.Random, options: list[Cell]) -> Cell:
    return rng.choice(options)


def _report(
    lao: ModelLao, district: str, month: int, at: datetime, stage: int, rng: random.Random
) -> list[Cell]:
    """One report; `stage` 0-5 says how far the LAO has come (5: every criterion met)."""
    villages = rng.randint(8, 18)
    projects = rng.randint(60, 140) if stage >= 3 else 0
    local = round(projects * rng.uniform(0.31, 0.45)) if stage >= 4 else 0
    budget = round(local * rng.uniform(0.21, 0.4)) if stage >= 5 else 0
    remaining = 0 if stage >= 2 else rng.randint(1, villages - 1)
    forum_on = at - timedelta(days=rng.randint(3, 20))
    be = 2567
    month_cell: Cell = rng.choice(
        [
            f"{thai_full_months[month - 1]} {be}",
            f"{thai_full_months[month - 1]} {thai.to_thai_digits(str(be))}",
            None,
        ]
    )
    return [
        at,
        f"lao.{lao.district_code}@example.org",
        district,
        rng.choice([lao.name, lao.name.replace("องค์การบริหารส่วนตำบล", "อบต.").replace("เทศบาลตำบล", "ทต.")]),
        month_cell,
        _one(rng, [villages, thai.to_thai_digits(str(villages)), f"{villages} หมู่บ้าน"]),
        "มีคณะทำงาน" if stage >= 1 else "ยังไม่มีคณะทำงาน",
        "มีแผนดำเนินงานแล้ว" if stage >= 1 else "ยังไม่มีแผนดำเนินงาน",
        "ดำเนินการครบทุกหมู่บ้าน/ชุมชนแล้ว" if stage >= 2 else "ยังดำเนินการไม่ครบทุกหมู่บ้าน/ชุมชน",
        remaining or None,
        "ดำเนินการแล้ว" if stage >= 3 else "ยังไม่ดำเนินการ",
        thai.format_thai_date(forum_on.date(), weekday=False, short=True) if stage >= 3 else None,
        "ครอบคลุม" if stage >= 3 else "ไม่ครอบคลุม",
        projects or None,
        local if stage >= 4 else "ยังไม่ดำเนินการ",
        _pct(local, projects, rng) if stage >= 4 else None,
        budget if stage >= 5 else "ยังไม่ดำเนินการ",
        _pct(budget, local, rng) if stage >= 5 else None,
        rng.choice(["นางสาวพิมพ์ชนก ศรีวงศ์", "นายธนากร แก้วมูล", "นางวรรณา คำปัน"]),
        rng.choice(POSITIONS),
    ]


def generate(settings: Settings, rng: random.Random) -> Grid:
    org = OrgUnits.for_province(settings.province_code)
    rows: list[list[Cell]] = []
    start = {lao.code: rng.randint(3, 4) for lao in settings.model_laos}
    for month, first_day in MONTHS:
        for lao in settings.model_laos:
            at = first_day + timedelta(days=rng.randint(0, 14), minutes=rng.randint(0, 600))
            stage = min(5, start[lao.code] + (month - 5) * rng.randint(1, 2))
            rows.append(_report(lao, org.district(lao.district_code).name, month, at, stage, rng))
    if rows:
        # The circular's worked example: 12 communities, 120 projects, 36 into the local
        # plan (30%), 5 into the draft budget typed as 25% although 5 × 100 / 36 = 13.9.
        example = rows[0]
        example[4] = "พฤษภาคม 2567"
        example[5:18] = [
            "๑๒", "มีคณะทำงาน", "มีแผนดำเนินงานแล้ว", "ดำเนินการครบทุกหมู่บ้าน/ชุมชนแล้ว", None,
            "ดำเนินการแล้ว", "๒๐ พฤษภาคม ๒๕๖๗", "ครอบคลุม", "๑๒๐", "๓๖", "๓๐", "๕", "๒๕",
        ]  # fmt: skip
        # A late June report.
        late = rows[-1]
        late[0] = datetime(2024, 6, 28, 14, 5)
        late[4] = "มิถุนายน 2567"
        # The same LAO sends its June report again with a correction.
        again = list(rows[-2])
        if isinstance(again[0], datetime):
            again[0] = again[0] + timedelta(hours=2)
        rows.append(again)
    # A report from an LAO that is not a model LAO of its district.
    d = org.districts()[0]
    intruder = _report(
        ModelLao(code="", name="องค์การบริหารส่วนตำบลจำป่าหวาย", district_code=d.code),
        d.name, 6, datetime(2024, 6, 20, 10, 30), 3, rng,
    )  # fmt: skip
    intruder[3] = "อบต.จำป่าหวาย"
    rows.append(intruder)
    rows.sort(key=lambda r: r[0] if isinstance(r[0], datetime) else datetime.max)
    return [list(HEADER), *rows]
