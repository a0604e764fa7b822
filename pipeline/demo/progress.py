"""Demo responses to the progress assessment: one report per district, June 2567.

The figures agree with the demo's committee registry and tambon assessments,
except for the mistakes put in on purpose: a count above the district's
tambons, item (5) disagreeing with the assessments received, a people count
that cannot fit the committees, an answer in words ("ครบทุกตำบล") corrected by
a second submission, a late district and a district that never reports.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import datetime, timedelta

from pipeline import thai
from pipeline.demo import SEED, generator
from pipeline.demo.registry import committees_as_sent
from pipeline.forms.committees import person_key
from pipeline.forms.progress_rules import Rules
from pipeline.models import Cell, Grid
from pipeline.orgunits import OrgUnits
from pipeline.schema import load_schema
from pipeline.settings import Settings

SOURCE = "progress_assessment"
START = datetime(2024, 6, 3, 9, 0)  # the Phayao FY2567 cut-off is Friday 21 June 2567
NEVER_REPORTS = "5608"  # ภูซาง
PROBLEMS = [
    "งบประมาณสนับสนุนการประชุมคณะกรรมการ ศอช.ต. ไม่เพียงพอ ทำให้บางตำบลจัดประชุมได้เพียงครั้งเดียว",
    "กรรมการ ศอช.ต. หลายคนเป็นผู้สูงอายุและติดภารกิจประกอบอาชีพ การเข้าร่วมประชุมจึงไม่สม่ำเสมอ",
    "การเปลี่ยนแปลงผู้นำท้องถิ่นทำให้ต้องทบทวนคำสั่งแต่งตั้ง ก.บ.ต. หลายครั้ง",
    "เจ้าหน้าที่พัฒนาชุมชนรับผิดชอบหลายตำบล การติดตามการประเมินระดับการพัฒนา ศอช.ต. จึงล่าช้า",
    "-",
]
SUGGESTIONS = [
    "ควรจัดสรรงบประมาณสำหรับการประชุมคณะกรรมการ ศอช. อย่างน้อยปีละ ๒ ครั้ง",
    "ควรจัดอบรมเสริมศักยภาพกรรมการ ศอช.ต. ด้านการจัดทำแผนพัฒนาตำบลและการใช้ข้อมูล",
    "ควรเชื่อมโยงแผนงานของ ศอช.ต. เข้ากับแผนพัฒนาท้องถิ่นของ อปท. ตั้งแต่ต้นปีงบประมาณ",
    "",
]
REPORTERS = ["นางสาวอรุณี ปัญญาวงค์", "นายสุริยา อินต๊ะ", "นางกาญจนา ศรีวิชัย", "นายวิชัย ไชยลังกา"]
POSITIONS = ["พัฒนาการอำเภอ{d}", "นักวิชาการพัฒนาชุมชนชำนาญการ", "นักวิชาการพัฒนาชุมชนปฏิบัติการ"]


def _registered(settings: Settings) -> dict[str, dict[str, int]]:
    """Per district, what the demo registry holds: tambon committees and people, district members."""
    out: dict[str, dict[str, int]] = {}
    if "committee_registry" not in settings.sources:
        return out
    for c in committees_as_sent(settings, random.Random(f"{SEED}:committee_registry")):
        if c.district is None:
            continue
        people = len({person_key(s.person.name) for s in c.seats if s.person.name})
        d = out.setdefault(c.district.code, {"tambons": 0, "tambon_people": 0, "district_people": 0})
        if c.level == "tambon":
            d["tambons"] += 1
            d["tambon_people"] += people
        else:
            d["district_people"] = people
    return out


def _assessed(settings: Settings, org: OrgUnits) -> Counter[str] | None:
    """Per district, the tambons whose round-2 assessment the demo province received."""
    out: Counter[str] = Counter()
    if "tambon_assessment" not in settings.sources:
        return None
    grid = generator("tambon_assessment")(settings, random.Random(f"{SEED}:tambon_assessment"))
    seen: set[str] = set()
    for row in grid[1:]:
        at, d_raw, t_raw, rnd = row[0], row[2], row[3], row[4]
        digits = re.findall(r"\d", thai.to_arabic_digits(str(rnd))) if not thai.is_blank(rnd) else []
        round_ = int(digits[0]) if digits else (2 if isinstance(at, datetime) and at.year == 2024 else 1)
        district = org.resolve_district(d_raw).unit
        tambon = org.resolve_tambon(t_raw, district.code).unit if district else None
        if round_ == 2 and tambon is not None and tambon.code not in seen:
            seen.add(tambon.code)
            out[tambon.parent_code] += 1
    return out


def _cell(n: int | None, word: str, rng: random.Random) -> Cell:
    """A figure as district staff type it: a number, Thai digits, with its unit word; blank or "-" for none."""
    if n is None:
        return rng.choice([None, "-"])
    r = rng.random()
    if r < 0.45:
        return n
    if r < 0.7:
        return thai.to_thai_digits(str(n))
    if r < 0.85:
        return f"{thai.to_thai_digits(str(n))} {word}"
    return str(n)


def _figures(tambons: int, reg: dict[str, int], assessed: int, rng: random.Random) -> dict[str, int | None]:
    registered = reg.get("tambons", tambons)
    people = reg.get("tambon_people", registered * 15)
    reviewed = max(0, registered - rng.choice([0, 0, 1]))
    met = max(1, tambons - rng.randint(0, max(1, tambons // 3)))
    promoted = rng.randint(1, 2)
    province = rng.random() < 0.5  # half the districts fill in the province line, the others leave it blank
    return {
        **_committees("p1", registered, people, reg.get("district_people", 17), province),
        **_committees(
            "p2",
            reviewed,
            round(people * reviewed / registered) if registered else 0,
            reg.get("district_people", 17),
            province,
        ),
        "p3_tambon": met,
        "p3_district": 1,
        "p3_province": 1 if province else None,
        "p4_tambons": tambons,
        "p5_tambons": assessed,
        "p6_tambons": promoted,
        "p6_activities": promoted * rng.randint(2, 4),
    }


def _committees(
    part: str, tambons: int, people: int, district_people: int, province: bool
) -> dict[str, int | None]:
    """A part's committees and members by level: the tambons', the district's own, the province's if filled in."""
    return {
        f"{part}_tambon_units": tambons,
        f"{part}_tambon_committees": tambons,
        f"{part}_tambon_people": people,
        f"{part}_district_units": 1,
        f"{part}_district_committees": 1,
        f"{part}_district_people": district_people,
        f"{part}_province_units": 1 if province else None,
        f"{part}_province_committees": 1 if province else None,
        f"{part}_province_people": 15 if province else None,
    }


def generate(settings: Settings, rng: random.Random) -> Grid:
    schema = load_schema(settings.sources[SOURCE].schema)
    words = {c.key: c.word for c in Rules.from_schema(schema).counts}
    org = OrgUnits.for_province(settings.province_code)
    keys = [f.key for f in schema.fields]
    header: list[Cell] = [f.titles[0] for f in schema.fields]
    registered, assessed = _registered(settings), _assessed(settings, org)
    by_district: dict[str, list[Cell]] = {}
    for i, d in enumerate(org.districts()):
        if d.code == NEVER_REPORTS:
            continue
        tambons = len(org.tambons(d.code))
        received = tambons if assessed is None else assessed[d.code]
        figures = _figures(tambons, registered.get(d.code, {}), received, rng)
        values: dict[str, Cell] = {k: _cell(n, words[k], rng) for k, n in figures.items()}
        values |= {
            "timestamp": START
            + timedelta(days=rng.randint(0, 17), hours=rng.randint(0, 7), minutes=rng.randint(0, 59)),
            "email": f"cdd.{d.code}@example.org",
            "district": rng.choice([d.name, f"อ.{d.name}", f"อำเภอ{d.name}"]),
            "problems": PROBLEMS[i % len(PROBLEMS)],
            "suggestions": SUGGESTIONS[i % len(SUGGESTIONS)],
            "reporter": rng.choice(REPORTERS),
            "reporter_position": rng.choice(POSITIONS).format(d=d.name),
        }
        by_district[d.code] = [values[k] for k in keys]
    rows = list(by_district.values())
    rows += _mistakes(by_district, {k: i for i, k in enumerate(keys)})
    rows.sort(key=lambda r: r[0] if isinstance(r[0], datetime) else datetime.max)
    return [header, *rows]


def _mistakes(rows: dict[str, list[Cell]], col: dict[str, int]) -> list[list[Cell]]:
    """Put the demo province's mistakes in; returns the rows sent a second time (another province: none)."""
    if not {"5602", "5603", "5606", "5607", "5609"} <= set(rows):
        return []
    rows["5609"][col["p4_tambons"]] = "๕"  # ภูกามยาว: 5 ก.บ.ต. orders in a district of 3 tambons
    chiang_kham = rows["5603"]  # เชียงคำ: item (5) two more than the assessments received
    chiang_kham[col["p5_tambons"]] = int(thai.parse_count(chiang_kham[col["p5_tambons"]]) or 0) + 2
    rows["5606"][col["p2_tambon_people"]] = 40  # ปง: 7 committees cannot have 40 people
    rows["5607"][col["timestamp"]] = datetime(2024, 6, 25, 10, 20)  # แม่ใจ: four days after the cut-off
    # จุน answers in words, then sends again the next morning with the number.
    first = rows["5602"]
    first[col["timestamp"]] = datetime(2024, 6, 12, 15, 5)
    again = list(first)
    first[col["p4_tambons"]] = "ครบทุกตำบล"
    again[col["timestamp"]] = datetime(2024, 6, 13, 9, 40)
    return [again]
