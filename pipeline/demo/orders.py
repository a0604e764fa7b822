"""Demo responses to the appointment-orders form (ข้อ ๓.๑–๓.๕): Drive links from a Google Form.

Most districts upload all five PDFs in December 2566; some spread them over two
responses or send one again. The mistakes: a district that never uploads
document 3.4, a Google Docs link instead of a scanned PDF, a photo of an order,
an upload after the cut-off.
"""

from __future__ import annotations

import random
import string
from datetime import datetime, timedelta

from pipeline.models import Cell, Grid
from pipeline.orgunits import OrgUnits
from pipeline.settings import Settings

HEADER: list[Cell] = [
    "ประทับเวลา",
    "ที่อยู่อีเมล",
    "อำเภอ",
    "๓.๑ คำสั่งแต่งตั้งคณะกรรมการบริหารงานตำบลแบบบูรณาการ (ก.บ.ต.)",
    "๓.๒ คำสั่งแต่งตั้งคณะทำงานส่งเสริมศูนย์ประสานงานองค์การชุมชนระดับอำเภอ",
    "๓.๓ คำสั่งแต่งตั้งคณะทำงานส่งเสริมศูนย์ประสานงานองค์การชุมชนระดับตำบล",
    "๓.๔ ประกาศรับรองการคัดเลือกคณะกรรมการบริหาร ศอช.อ.",
    "๓.๕ ประกาศรับรองการคัดเลือกคณะกรรมการบริหาร ศอช.ต.",
    "ชื่อผู้รายงาน",
    "เบอร์โทรศัพท์",
]
DOCS = 5
FIRST_DOC = 3
# The demo calendar's cut-off is 25 Dec 2566 (the circular's 25 Dec 2567, one year back).
WINDOW = (datetime(2023, 12, 4, 8), datetime(2023, 12, 25, 16))
REPORTERS = ["นางสาวกนกพร ใจดี", "นายสมชาย วงศ์คำ", "นางศรีพรรณ ปัญญา", "นายประเสริฐ อินต๊ะ", "นางสาววิไลวรรณ ทาเขียว"]


def drive_link(rng: random.Random) -> str:
    """A link as Google Forms writes a file-upload answer."""
    alphabet = string.ascii_letters + string.digits + "-_"
    return "https://drive.google.com/open?id=1" + "".join(rng.choice(alphabet) for _ in range(32))


def _links(rng: random.Random, doc: int, tambons: int) -> str:
    # 3.5 certifies every tambon's committee: some districts scan one file per tambon.
    n = rng.randint(1, min(tambons, 4)) if doc == 4 and rng.random() < 0.4 else 1
    return ", ".join(drive_link(rng) for _ in range(n))


def _district(name: str, rng: random.Random) -> str:
    return rng.choice([name, f"อ.{name}", f"อำเภอ{name}", f" {name} "])


def generate(settings: Settings, rng: random.Random) -> Grid:
    org = OrgUnits.for_province(settings.province_code)
    start, due = WINDOW
    rows: list[list[Cell]] = []
    for d in org.districts():
        n_tambons = len(org.tambons(d.code))
        at = start + timedelta(minutes=rng.randint(0, int((due - start).total_seconds() // 60) - 60 * 24 * 3))
        reporter = rng.choice(REPORTERS)
        phone = f"08{rng.randint(0, 9)}-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"
        email = f"cdd.{d.code}@example.org"
        docs: list[Cell] = [_links(rng, i, n_tambons) for i in range(DOCS)]
        if rng.random() < 0.35:
            # Orders first, the announcements a few days later in a second response.
            first: list[Cell] = [*docs[:3], None, None]
            second: list[Cell] = [None, None, None, *docs[3:]]
            rows.append([at, email, _district(d.name, rng), *first, reporter, phone])
            later = at + timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 6))
            rows.append([later, email, _district(d.name, rng), *second, reporter, phone])
        else:
            rows.append([at, email, _district(d.name, rng), *docs, reporter, phone])
    _mistakes(rows, rng)
    rows.sort(key=lambda r: r[0] if isinstance(r[0], datetime) else datetime.max)
    return [list(HEADER), *rows]


def _mistakes(rows: list[list[Cell]], rng: random.Random) -> None:
    picks = rng.sample(range(len(rows)), 5)
    # A district that never uploads 3.4: its every response leaves the question empty.
    no_34 = rows[picks[0]][1]  # the district's e-mail: its name is typed differently each time
    for row in rows:
        if row[1] == no_34:
            row[FIRST_DOC + 3] = None
    # A Google Docs link shared instead of the scanned order.
    target = next(i for i in range(FIRST_DOC, FIRST_DOC + DOCS) if rows[picks[1]][i])
    rows[picks[1]][target] = (
        "https://docs.google.com/document/d/1x7Kd9QmPz4cWvB2nR8sT0uYhE5aLgJfM/edit?usp=sharing"
    )
    # A photo of the order instead of a PDF.
    target = next(i for i in range(FIRST_DOC, FIRST_DOC + DOCS) if rows[picks[2]][i])
    rows[picks[2]][target] = "https://drive.google.com/uc?id=1Qe4rTz/คำสั่ง%20กบต.jpg"
    # Sent after the cut-off, and a corrected 3.1 sent again an hour after a response.
    late = rows[picks[3]]
    if isinstance(late[0], datetime):
        late[0] = datetime(2023, 12, 27, 10, 42)
    again = list(rows[picks[4]])
    if isinstance(again[0], datetime):
        again[0] = again[0] + timedelta(hours=1)
    again[FIRST_DOC : FIRST_DOC + DOCS] = [drive_link(rng), None, None, None, None]
    rows.append(again)
