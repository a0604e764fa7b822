"""Demo responses to the committee registry: every level of a Phayao-like province, one row per member.

District offices type their tambon committees and then their district committee,
one form response per member; the province office adds the ศอช.จ. The data
carries the mistakes a provincial officer really finds: a committee of eight,
two chairs, the same person twice, a bad phone number, a district committee
without a tambon's representative, an impossible announcement date, tambons
never registered, a resubmission and a late district.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from pipeline import thai
from pipeline.models import Cell, Grid
from pipeline.orgunits import OrgUnits, Unit
from pipeline.settings import Settings

# Phayao FY2567: the registry is due on Friday 24 November 2566 (2023-11-24).
START = datetime(2023, 11, 1, 8, 30)
HEADER: list[Cell] = [
    "ประทับเวลา",
    "ที่อยู่อีเมล",
    "ระดับ",
    "อำเภอ",
    "ตำบล",
    "ชื่อ-สกุล",
    "ตำแหน่ง",
    "ผู้แทนองค์กร/เครือข่าย",
    "เบอร์โทรศัพท์",
    "วันที่ประกาศรับรอง",
]


def _words(text: str) -> list[str]:
    """A list from words separated by spaces; "_" stands for a space inside one (ณ_พะเยา)."""
    return [w.replace("_", " ") for w in text.split()]


FIRST_MALE = _words(
    "สมชาย สมศักดิ์ บุญมา ประเสริฐ สุริยา อินทร จันทร์ทา คำปัน ศรีวรรณ ทองดี อุดม วิชัย ประสิทธิ์ สมบูรณ์ "
    "บุญเรือง เกษม ณรงค์ สุทธิพงษ์ จำรัส มานพ เสาร์แก้ว แสงเมือง ปัญญา วิรัตน์ ธนากร อนุชา"
)
FIRST_FEMALE = _words(
    "สมศรี บัวผัน จันทร์เพ็ญ อำไพ บุษบา คำแปง ศรีนวล พรทิพย์ สุนันทา วันเพ็ญ นงลักษณ์ ดวงใจ อรุณี "
    "แสงเดือน มาลัย ประไพ ทองสุข บุญศรี กาญจนา รัตนา สุภาพร อัมพร จินดา"
)
SURNAMES = _words(
    "ใจดี อินต๊ะ คำมา ปัญญาวงค์ ศรีวิชัย จันทร์แก้ว ทาเกิด สุวรรณ บุญยืน แก้วมูล ธรรมวงค์ ชัยมงคล ยาวิชัย "
    "อุ่นเรือน ปินตา กันทะวงศ์ ไชยลังกา คำปลิว ดวงแก้ว มูลเมือง สิทธิกัน ศรีสุข วงค์ษา เตชะ ขัติยะ "
    "ปวงคำ ณ_พะเยา อินทจักร์ ใจมา นันทะ เรือนคำ จอมคำ"
)
SURNAME_SUFFIXES = _words(
    "วงศ์ ศักดิ์ สกุล ธรรม ชัย กุล วัฒน์ พันธ์ เจริญ สมบัติ ทอง ศรี รักษ์ ประเสริฐ สุข ดี ยิ่ง งาม เดช "
    "พงษ์ สิทธิ์ ภักดี กิจ ไพศาล มงคล นิยม พาณิชย์ ถาวร ทวี อนันต์ ปัญญา เกษม วิเศษ บุญ"
)
_PLAIN_TRIES = 64
VILLAGES = _words(
    "ต๋อม ร่อง ดอนไชย แม่ต๋ำ สันป่าม่วง ทุ่งกล้วย ห้วยแก้ว ปางงุ้น ดงอินตา ใหม่ ศรีเมือง หนองหล่ม ร้อง "
    "ป่าสัก สันหลวง ทุ่งผาสุข แม่ใส ไร่ ถ้ำ เหล่า"
)
GROUPS = [
    "กลุ่มออมทรัพย์เพื่อการผลิตบ้าน{v}",
    "กองทุนหมู่บ้านบ้าน{v}",
    "กลุ่มสตรีแม่บ้านบ้าน{v}",
    "กลุ่มทอผ้าบ้าน{v}",
    "อสม. บ้าน{v}",
    "ชมรมผู้สูงอายุบ้าน{v}",
    "วิสาหกิจชุมชนบ้าน{v}",
    "กลุ่มเยาวชนบ้าน{v}",
    "ผู้ใหญ่บ้าน หมู่ {n}",
    "ผู้ทรงคุณวุฒิ",
]
NETWORKS = [
    "เครือข่ายกองทุนหมู่บ้านอำเภอ{d}",
    "เครือข่ายกลุ่มออมทรัพย์เพื่อการผลิตอำเภอ{d}",
    "เครือข่ายสตรีอำเภอ{d}",
    "เครือข่าย OTOP อำเภอ{d}",
    "ผู้ทรงคุณวุฒิ",
]


@dataclass(frozen=True)
class Person:
    name: str  # with title, as a respondent types it
    phone: Cell


@dataclass
class Seat:
    person: Person
    position: str
    represents: str


@dataclass
class DemoCommittee:
    level: str  # "tambon" | "district" | "province"
    district: Unit | None
    tambon: Unit | None
    announced: date
    seats: list[Seat] = field(default_factory=list)
    announced_text: str | None = None  # as typed, when it is not a real date


def _person(rng: random.Random, used: set[str]) -> Person:
    """Someone not yet on any committee of the province."""
    male = rng.random() < 0.55
    titles = ["นาย"] * 8 + ["ด.ต.", "จ.ส.ต."] if male else ["นาง", "นาง", "นางสาว", "น.ส."]
    title = rng.choice(titles)
    firsts = FIRST_MALE if male else FIRST_FEMALE
    # A big province outgrows the 1,568 plain names: after many collisions (never in a
    # Phayao-sized one, whose data stays as it was) surnames take a suffix, as Thai
    # surnames often do, so each person costs a few draws whatever the province's size.
    for tries in itertools.count():
        first, last = rng.choice(firsts), rng.choice(SURNAMES)
        if tries >= _PLAIN_TRIES:
            last += rng.choice(SURNAME_SUFFIXES)
        if f"{first} {last}" not in used:
            used.add(f"{first} {last}")
            break
    name = f"{title}{rng.choice(['', '', ' '])}{first} {last}"
    digits = f"0{rng.choice('689')}{rng.randint(10_000_000, 99_999_999)}"
    r = rng.random()
    phone: Cell
    if r < 0.1:
        phone = None
    elif r < 0.5:
        phone = f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    elif r < 0.7:
        phone = digits
    elif r < 0.85:
        phone = thai.to_thai_digits(f"{digits[:3]}-{digits[3:6]}-{digits[6:]}")
    else:
        phone = int(digits)  # a numeric cell: the leading 0 is lost
    return Person(name, phone)


def _positions(size: int, rng: random.Random) -> list[str]:
    vice = rng.choice([1, 2])
    out = ["ประธานกรรมการ" if rng.random() < 0.3 else "ประธาน"]
    out += ["รองประธาน"] if vice == 1 else ["รองประธาน คนที่ 1", "รองประธาน คนที่ ๒"]
    out += ["กรรมการและเลขานุการ" if rng.random() < 0.3 else "เลขานุการ", "ผู้ช่วยเลขานุการ", "เหรัญญิก"]
    if rng.random() < 0.5:
        out.append("ประชาสัมพันธ์")
    out += ["กรรมการ"] * (size - len(out))
    return out


def build(settings: Settings, rng: random.Random) -> list[DemoCommittee]:
    """Every committee of the province, correct, before the mistakes are put in."""
    org = OrgUnits.for_province(settings.province_code)
    out: list[DemoCommittee] = []
    used: set[str] = set()
    for d in org.districts():
        tambon_committees = []
        for t in org.tambons(d.code):
            announced = date(2023, 10, 2) + timedelta(days=rng.randint(0, 25))
            c = DemoCommittee("tambon", d, t, announced)
            size = rng.randint(11, 21)
            for pos in _positions(size, rng):
                village = rng.choice(VILLAGES)
                rep = rng.choice(GROUPS).format(v=village, n=rng.randint(1, 12))
                c.seats.append(Seat(_person(rng, used), pos, rep))
            tambon_committees.append(c)
        out += tambon_committees
        # The district committee: one member of every tambon committee, networks and experts.
        dc = DemoCommittee("district", d, None, date(2023, 10, 27) + timedelta(days=rng.randint(0, 4)))
        reps = [(c, rng.choice(c.seats[:6])) for c in tambon_committees]
        extra = max(0, min(25, len(reps) + rng.randint(4, 8)) - len(reps))
        size = len(reps) + extra
        positions = _positions(max(size, 9), rng)
        for i, pos in enumerate(positions):
            if i < len(reps):
                tc, seat = reps[i]
                assert tc.tambon is not None
                dc.seats.append(Seat(seat.person, pos, f"ศอช.ต.{tc.tambon.name}"))
            else:
                dc.seats.append(Seat(_person(rng, used), pos, rng.choice(NETWORKS).format(d=d.name)))
        out.append(dc)
    # The province committee: one member of every district committee, networks and experts.
    pc = DemoCommittee("province", None, None, date(2023, 11, 15))
    districts = [c for c in out if c.level == "district"]
    positions = _positions(len(districts) + 6, rng)
    for i, pos in enumerate(positions):
        if i < len(districts):
            dc = districts[i]
            assert dc.district is not None
            pc.seats.append(Seat(rng.choice(dc.seats).person, pos, f"ศอช.อ.{dc.district.name}"))
        else:
            network = rng.choice(["เครือข่ายองค์การชุมชนจังหวัดพะเยา", "สภาองค์กรชุมชนจังหวัด", "ผู้ทรงคุณวุฒิ"])
            pc.seats.append(Seat(_person(rng, used), pos, network))
    out.append(pc)
    return out


def _level_cell(level: str, rng: random.Random) -> str:
    words = {
        "tambon": ["ศอช.ต.", "ต.", "ตำบล", "ระดับตำบล", "คอช.ต."],
        "district": ["ศอช.อ.", "อ.", "อำเภอ", "ระดับอำเภอ"],
        "province": ["ศอช.จ.", "จังหวัด"],
    }[level]
    return rng.choice(words)


def _date_cell(d: date, rng: random.Random) -> Cell:
    r = rng.random()
    if r < 0.4:
        return thai.format_thai_date(d, weekday=False)
    if r < 0.6:
        return thai.format_thai_date(d, short=True, thai_digits=False)
    if r < 0.85:
        return f"{d.day}/{d.month}/{thai.be_year(d)}"
    return datetime.combine(d, datetime.min.time())  # a date cell


def _rows(c: DemoCommittee, at: datetime, rng: random.Random) -> list[list[Cell]]:
    """One committee's rows, one form response per member, a minute or two apart."""
    out: list[list[Cell]] = []
    district = c.district.name if c.district else ""
    email = f"cdd.{c.district.code}@example.org" if c.district else "cdd.phayao@example.org"
    announced = c.announced_text or _date_cell(c.announced, rng)
    level = _level_cell(c.level, rng)
    for seat in c.seats:
        at += timedelta(seconds=rng.randint(40, 150))
        place = rng.choice([district, f"อ.{district}", f"อำเภอ{district}"]) if district else ""
        tambon = c.tambon.name if c.tambon else None
        if tambon and rng.random() < 0.3:
            tambon = f"ต.{tambon}"
        out.append(
            [
                at,
                email,
                level,
                place,
                tambon,
                seat.person.name,
                seat.position,
                seat.represents,
                seat.person.phone,
                announced,
            ]
        )
    return out


def committees_as_sent(settings: Settings, rng: random.Random) -> list[DemoCommittee]:
    """The committees as the districts send them: with their mistakes, without the tambons never sent.

    The progress demo calls this with the registry's own seed to report figures that agree with it.
    """
    committees = build(settings, rng)
    _mistakes(committees, rng)
    return [c for c in committees if not (c.tambon and c.tambon.code in _NEVER_SENT)]


def generate(settings: Settings, rng: random.Random) -> Grid:
    by_district: dict[str, list[DemoCommittee]] = {}
    for c in committees_as_sent(settings, rng):
        by_district.setdefault(c.district.code if c.district else "", []).append(c)
    rows: list[list[Cell]] = []
    for code, mine in sorted(by_district.items()):
        # Tambon committees are typed in as their papers reach the district office, in the three
        # weeks before the cut-off; the district's own committee comes the day after the last.
        first_day, days = (26, 1) if code == "5605" else (21, 0) if code == "" else (0, 16)  # ดอกคำใต้ is late
        for c in mine:
            day = first_day + (rng.randint(0, days) if c.level == "tambon" else days + 1)
            rows += _rows(c, START + timedelta(days=day, minutes=rng.randint(0, 390)), rng)
    _resubmission(rows)
    rows.sort(key=lambda r: r[0] if isinstance(r[0], datetime) else datetime.max)
    return [list(HEADER), *rows]


# Tambons whose committee is never registered: แม่ปืม (เมืองพะเยา) and เจดีย์คำ (เชียงคำ).
_NEVER_SENT = {"560108", "560309"}


def _mistakes(committees: list[DemoCommittee], rng: random.Random) -> None:
    """The demo province's planted mistakes; another province's registry is generated clean."""
    tambons = {c.tambon.code: c for c in committees if c.tambon}
    districts = {c.district.code: c for c in committees if c.level == "district" and c.district}
    if not {"560202", "560402", "560603", "560701", "560902", "560702", "560104", "560301"} <= set(tambons):
        return
    if "5606" not in districts:
        return
    tambons["560202"].seats[8:] = []  # ต.จุน: a committee of eight
    tambons["560402"].seats[1].position = "ประธาน"  # ต.บ้านมาง: a vice-chair typed as chair
    c = tambons["560603"]  # ต.ออย: the same person twice, under another title
    twice = c.seats[6].person
    renamed = twice.name.replace("นางสาว", "น.ส.") if "นางสาว" in twice.name else f"  {twice.name}"
    c.seats.append(Seat(Person(renamed, twice.phone), "กรรมการ", "กลุ่มออมทรัพย์เพื่อการผลิตบ้านร่อง"))
    for code, seat, phone in (("560701", 2, "08-1234-567"), ("560902", 5, "๐๕๔-๔๔๕")):  # bad phones
        s = tambons[code].seats[seat]
        s.person = Person(s.person.name, phone)
    dc = districts["5606"]  # ศอช.อ.ปง forgets the representative of ต.ควร
    dc.seats = [s for s in dc.seats if s.represents != "ศอช.ต.ควร"]
    tambons["560702"].announced_text = "๗๐ ตุลาคม ๒๕๖๖"  # the typo of the Phayao circular's own date
    tambons["560104"].seats.append(Seat(Person("", None), "กรรมการ", "กลุ่มเยาวชนบ้านใหม่"))  # no name
    rng.shuffle(tambons["560301"].seats)  # typed in no particular order


def _resubmission(rows: list[list[Cell]]) -> None:
    """ต.แม่ต๋ำ's committee is sent again a day later with a corrected phone number."""
    again = [list(r) for r in rows if r[4] in ("แม่ต๋ำ", "ต.แม่ต๋ำ")]
    for r in again:
        assert isinstance(r[0], datetime)
        r[0] = r[0] + timedelta(days=1)
    if again:
        again[0][8] = "081-555-0199"
    rows += again
