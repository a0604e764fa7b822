"""The committee registry: one row per member, every level, checked against the regulation and each other."""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from openpyxl import Workbook, load_workbook

from pipeline import forms
from pipeline.backends.local import LocalBackend
from pipeline.calendar import load_calendar
from pipeline.cli import main
from pipeline.columns import detect
from pipeline.errors import ConfigError
from pipeline.forms.base import FormContext, FormResult
from pipeline.forms.committees import (
    Rules,
    group_submissions,
    parse_level,
    parse_position,
    person_key,
    represented_place,
)
from pipeline.forms.declared import rules_of
from pipeline.forms.facts import CommitteeInfo
from pipeline.forms.registry import process
from pipeline.models import Cell, Grid
from pipeline.orgunits import OrgUnits
from pipeline.run import sync
from pipeline.schema import load_schema
from pipeline.settings_loader import load_settings
from pipeline.state import State

ROOT = Path(__file__).resolve().parent.parent
TZ = ZoneInfo("Asia/Bangkok")
SCHEMA = load_schema("committee_registry")
RULES = rules_of(Rules, SCHEMA)
NOW = datetime(2023, 12, 1, 9, tzinfo=TZ)  # after the demo calendar's cut-off, Friday 24 Nov 2566
ON_TIME = datetime(2023, 11, 10, 9, 0)
LATE = datetime(2023, 11, 28, 9, 0)

# The province's Google Form, as its response sheet names the questions.
HEADER_A: list[Cell] = [
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
# Another province's form: its own wording and order.
HEADER_B: list[Cell] = [
    "Timestamp",
    "ชื่อ - นามสกุล",
    "ตำแหน่งในคณะกรรมการ",
    "ระดับคณะกรรมการ",
    "ชื่ออำเภอ",
    "ชื่อตำบล",
    "หมายเหตุ",
    "หมายเลขโทรศัพท์",
    "เป็นผู้แทน (องค์กร/เครือข่าย)",
    "ลงวันที่ประกาศรับรอง",
]
NAMES = (
    "สมชาย สมศักดิ์ บุญมา ประเสริฐ สุริยา อินทร คำปัน ศรีวรรณ ทองดี อุดม วิชัย มานพ ปัญญา ธนากร",
    "ใจดี อินต๊ะ คำมา ปัญญาวงค์ ศรีวิชัย จันทร์แก้ว ทาเกิด สุวรรณ บุญยืน แก้วมูล ธรรมวงค์ ชัยมงคล",
)
FIRST, LAST = (n.split() for n in NAMES)
POSITIONS = ["ประธาน", "รองประธาน", "เลขานุการ", "เหรัญญิก"]


def write_config(folder: Path) -> Path:
    shutil.copy(ROOT / "config" / "calendar" / "demo-phayao-2567.yaml", folder / "calendar.yaml")
    raw = {
        "province": "พะเยา",
        "fiscal_year": 2567,
        "backend": "local",
        "data_dir": "data",
        "state_db": "state/pipeline.sqlite",
        "calendar": "calendar.yaml",
        "sources": {
            "committee_registry": {"schema": "committee_registry", "spreadsheet": "registry", "tab": "คำตอบ"}
        },
        "output": {"spreadsheet": "summary"},
    }
    path = folder / "settings.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_config(tmp_path_factory.mktemp("registry"))


def run(config: Path, grid: Grid, *, now: datetime = NOW) -> FormResult:
    s = load_settings(config)
    src = s.sources["committee_registry"]
    return process(
        FormContext(s, src, SCHEMA, OrgUnits.for_province("56"), load_calendar(s.calendar), now), grid
    )


def person(i: int, title: str = "นาย") -> str:
    return f"{title}{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST) + i) % len(LAST)]}"


def committee(
    level: str | None,
    district: str | None,
    tambon: str | None,
    n: int = 9,
    *,
    at: datetime = ON_TIME,
    start: int = 0,
    positions: list[str] | None = None,
    represents: list[str] | None = None,
    phone: Cell = "081-234-5678",
    announced: Cell = "15 ตุลาคม 2566",
) -> list[list[Cell]]:
    """n members typed one a minute, people numbered from `start` (so committees can share people)."""
    pos = positions or [*POSITIONS, *["กรรมการ"] * n][:n]
    reps = represents or ["กลุ่มออมทรัพย์เพื่อการผลิต"] * n
    return [
        [
            at + timedelta(minutes=i),
            "cdd@example.org",
            level,
            district,
            tambon,
            person(start + i),
            pos[i],
            reps[i],
            *tail,
        ]
        for i in range(n)
        for tail in [(phone, announced)]
    ]


def grid(*blocks: list[list[Cell]]) -> Grid:
    return [list(HEADER_A), *[r for b in blocks for r in b]]


def codes(res: FormResult, severity: str | None = None) -> list[str]:
    return [i.code for i in res.issues if severity is None or i.severity == severity]


def table(res: FormResult, name: str) -> list[dict[str, Cell]]:
    return next(t for t in res.tables if t.name == name).records()


def row_of(res: FormResult, unit_code: str) -> dict[str, Cell]:
    return next(r for r in table(res, "committees") if r["unit_code"] == unit_code)


# ---------------------------------------------------------------------------
# Pure parts

PERSON_KEYS = [
    ("นางสาว สมศรี  ใจดี", "สมศรีใจดี"),
    ("น.ส.สมศรี ใจดี", "สมศรีใจดี"),
    ("นางสาวสมศรี ใจดี", "สมศรีใจดี"),
    ("\u200bนาง สมศรี\xa0ใจดี ", "สมศรีใจดี"),
    ("นายสมชาย ใจดี", "สมชายใจดี"),
    ("ด.ต. สมชาย ใจดี", "สมชายใจดี"),
    ("จ.ส.ต.สมชาย ใจดี", "สมชายใจดี"),
    ("ว่าที่ ร.ต. สมชาย ใจดี", "สมชายใจดี"),
    ("ดร.สมชาย ใจดี", "สมชายใจดี"),
    ("สมชาย ใจดี", "สมชายใจดี"),
    ("นาย", "นาย"),  # a title alone is kept: there is nothing else to compare
]


@pytest.mark.parametrize(("name", "key"), PERSON_KEYS)
def test_person_key(name: str, key: str) -> None:
    assert person_key(name) == key


LEVELS = [
    ("ต.", "tambon"),
    ("ตำบล", "tambon"),
    ("ศอช.ต.", "tambon"),
    ("คอช.ต", "tambon"),
    ("ศอชต", "tambon"),
    ("ระดับตำบล", "tambon"),
    ("คณะกรรมการ ศอช.ต.", "tambon"),
    ("อ.", "district"),
    ("อำเภอ", "district"),
    ("ศอช.อ.", "district"),
    ("ระดับอำเภอ", "district"),
    ("จ.", "province"),
    ("จังหวัด", "province"),
    ("ศอช.จ.", "province"),
    ("หมู่บ้าน", None),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize(("raw", "level"), LEVELS)
def test_parse_level(raw: Cell, level: str | None) -> None:
    assert parse_level(raw, RULES) == level


POSITION_CASES = [
    ("ประธาน", "ประธาน", "chair"),
    ("ประธานกรรมการ", "ประธาน", "chair"),
    ("ประธานคณะกรรมการ ศอช.ต.", "ประธาน", "chair"),
    ("รองประธาน คนที่ 1", "รองประธาน", "member"),
    ("รองประธานคนที่ ๒", "รองประธาน", "member"),
    ("เลขานุการ", "เลขานุการ", "secretary"),
    ("กรรมการและเลขานุการ", "เลขานุการ", "secretary"),
    ("เลขา", "เลขานุการ", "secretary"),
    ("ผู้ช่วยเลขานุการ", "ผู้ช่วยเลขานุการ", "member"),
    ("กรรมการและผู้ช่วยเลขานุการ", "ผู้ช่วยเลขานุการ", "member"),
    ("เหรัญญิก", "เหรัญญิก", "member"),
    ("กรรมการ", "กรรมการ", "member"),
    ("กรรมการฝ่ายสวัสดิการ", "กรรมการ", "member"),
    ("ที่ปรึกษา", "ที่ปรึกษา", "advisor"),
    ("ประธานที่ปรึกษา", "ที่ปรึกษา", "advisor"),
]


@pytest.mark.parametrize(("raw", "label", "role"), POSITION_CASES)
def test_parse_position(raw: str, label: str, role: str) -> None:
    pos = parse_position(raw, RULES)
    assert pos is not None and (pos.label, pos.role) == (label, role)
    assert pos.counted == (role != "advisor")


@pytest.mark.parametrize("raw", ["นักร้อง", "", None, "-"])
def test_parse_position_unknown(raw: Cell) -> None:
    assert parse_position(raw, RULES) is None


REPRESENTS = [
    ("ศอช.ต.บ้านต๋อม", ("tambon", "บ้านต๋อม")),
    ("ผู้แทน ศอช.ต. แม่กา (ประธาน)", ("tambon", "แม่กา")),
    ("คอช.ต.เวียง", ("tambon", "เวียง")),
    ("ศอช.ตำบลบ้านต๋อม", ("tambon", "บ้านต๋อม")),
    ("ตำบลบ้านต๋อม", ("tambon", "บ้านต๋อม")),
    ("ผู้ใหญ่บ้าน ต.บ้านต๋อม", ("tambon", "บ้านต๋อม")),
    ("ศอช.อ.จุน", ("district", "จุน")),
    ("ผู้แทนอำเภอจุน", ("district", "จุน")),
    ("กลุ่มออมทรัพย์เพื่อการผลิตบ้านร่อง", None),
    ("อสม. บ้านร่อง", None),
    ("ผู้ทรงคุณวุฒิ", None),
    ("ศอช.ต.", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "place"), REPRESENTS)
def test_represented_place(text: str, place: tuple[str, str] | None) -> None:
    assert represented_place(text) == place


T0 = datetime(2023, 11, 10, 9, 0)
GROUPS = [
    ([0, 1, 2], [[0, 1, 2]]),  # minutes apart: one submission
    ([0, 1, 200], [[0, 1], [200]]),  # more than two hours later: sent again
    ([200, 0, 1], [[0, 1], [200]]),  # sheet order does not matter
    ([0, 100, 200, 300], [[0, 100, 200, 300]]),  # a slow sitting: each gap is under two hours
    ([0, 120, 241], [[0, 120], [241]]),  # exactly the gap is the same sitting
]


@pytest.mark.parametrize(("minutes", "expected"), GROUPS)
def test_group_submissions(minutes: list[int], expected: list[list[int]]) -> None:
    times = [T0 + timedelta(minutes=m) for m in minutes]
    got = group_submissions(times, lambda t: t, RULES.gap)
    assert [[int((t - T0).total_seconds() // 60) for t in g] for g in got] == expected


# ---------------------------------------------------------------------------
# Column detection


def test_columns_of_the_province_form() -> None:
    cmap = detect(HEADER_A, SCHEMA)
    assert cmap.index == {
        "timestamp": 0, "email": 1, "level": 2, "district": 3, "tambon": 4, "name": 5, "position": 6,
        "represents": 7, "phone": 8, "announced": 9,
    }  # fmt: skip


def test_columns_of_a_differently_worded_form() -> None:
    cmap = detect(HEADER_B, SCHEMA)
    assert cmap.index == {
        "timestamp": 0, "name": 1, "position": 2, "level": 3, "district": 4, "tambon": 5, "phone": 7,
        "represents": 8, "announced": 9,
    }  # fmt: skip


def test_a_differently_worded_form_is_read_the_same(config: Path) -> None:
    rows = committee("ศอช.ต.", "เชียงม่วน", "สระ")
    order = [HEADER_A.index(h) for h in ("ประทับเวลา", "ชื่อ-สกุล", "ตำแหน่ง", "ระดับ", "อำเภอ", "ตำบล")]
    b_rows = [[r[i] for i in order] + ["", r[8], r[7], r[9]] for r in rows]
    a, b = run(config, grid(rows)), run(config, [list(HEADER_B), *b_rows])
    assert table(a, "committees") == table(b, "committees")
    assert table(a, "registry_members") == table(b, "registry_members")


# ---------------------------------------------------------------------------
# Rules, one at a time


def test_a_correct_committee(config: Path) -> None:
    res = run(config, grid(committee("ศอช.ต.", "เชียงม่วน", "สระ")))
    assert codes(res) == []
    r = row_of(res, "560403")
    assert (r["level"], r["unit"], r["district"], r["members"], r["chairs"], r["secretaries"]) == (
        "ศอช.ต.", "สระ", "เชียงม่วน", 9, 1, 1,
    )  # fmt: skip
    assert (r["status"], r["on_time"], r["announced"], r["flags"]) == (
        "ถูกต้อง",
        "ตรงเวลา",
        date(2023, 10, 15),
        "",
    )
    assert res.accepted == 9 and res.rejected == 0


@pytest.mark.parametrize(
    ("n", "advisors", "ok"), [(8, 0, False), (9, 0, True), (25, 0, True), (26, 0, False), (8, 2, False)]
)
def test_committee_size(config: Path, n: int, advisors: int, ok: bool) -> None:
    positions = [*POSITIONS, *["กรรมการ"] * n][:n] + ["ที่ปรึกษา"] * advisors
    res = run(config, grid(committee("ศอช.ต.", "เชียงม่วน", "สระ", n + advisors, positions=positions)))
    r = row_of(res, "560403")
    assert (r["members"], r["advisors"]) == (n, advisors)
    assert ("committee_size" in codes(res, "error")) != ok
    assert r["status"] == ("ถูกต้อง" if ok else "ต้องแก้ไข")
    if not ok:
        message = next(i.message for i in res.issues if i.code == "committee_size")
        assert f"{'๘' if n == 8 else '๒๖'} คน" in message and "๙" in message and "๒๕" in message


@pytest.mark.parametrize(
    ("positions", "code"),
    [
        (["ประธาน", "ประธานกรรมการ", "เลขานุการ"], "many_chairs"),
        (["รองประธาน", "กรรมการ", "เลขานุการ"], "no_chair"),
        (["ประธาน", "เลขานุการ", "กรรมการและเลขานุการ"], "many_secretaries"),
        (["ประธาน", "เหรัญญิก", "ผู้ช่วยเลขานุการ"], "no_secretary"),
    ],
)
def test_exactly_one_chair_and_one_secretary(config: Path, positions: list[str], code: str) -> None:
    res = run(config, grid(committee("ศอช.ต.", "เชียงม่วน", "สระ", positions=positions + ["กรรมการ"] * 6)))
    assert codes(res, "error") == [code]
    assert row_of(res, "560403")["status"] == "ต้องแก้ไข"


def test_two_chairs_are_both_named(config: Path) -> None:
    positions = ["ประธาน", "ประธาน คนที่ 2", "เลขานุการ", *["กรรมการ"] * 6]
    res = run(config, grid(committee("ศอช.ต.", "เชียงม่วน", "สระ", positions=positions)))
    message = next(i.message for i in res.issues if i.code == "many_chairs")
    assert person(0) in message and person(1) in message and "แถว ๒" in message and "แถว ๓" in message
    assert row_of(res, "560403")["chairs"] == 2


def test_the_same_person_twice(config: Path) -> None:
    rows = committee("ศอช.ต.", "เชียงม่วน", "สระ", 10)
    rows[9][5] = f"  {person(4, 'นางสาว')} ".replace("นางสาว", "น.ส. ")  # row 6's member again, another title
    rows[4][5] = person(4, "นางสาว")
    res = run(config, grid(rows))
    assert codes(res, "error") == ["duplicate_member"]
    issue = next(i for i in res.issues if i.code == "duplicate_member")
    assert issue.row == 11 and "แถว ๖" in issue.message
    assert row_of(res, "560403")["members"] == 9  # counted once


def test_a_row_without_a_name_is_not_a_member(config: Path) -> None:
    rows = committee("ศอช.ต.", "เชียงม่วน", "สระ", 10)
    rows[9][5] = "  "
    res = run(config, grid(rows))
    assert codes(res, "error") == ["missing_name"]
    assert row_of(res, "560403")["members"] == 9
    assert res.rejected == 1 and res.accepted == 9


PHONES = [
    ("081-234-5678", "081-234-5678"),
    ("๐๘๑-๒๓๔-๕๖๗๘", "081-234-5678"),
    ("0812345678", "081-234-5678"),
    (812345678, "081-234-5678"),  # a numeric cell lost its 0
    ("+66 81 234 5678", "081-234-5678"),
    ("054-445-544", "054-445-544"),
]


@pytest.mark.parametrize(("raw", "shown"), PHONES)
def test_phone_numbers_are_normalised(config: Path, raw: Cell, shown: str) -> None:
    res = run(config, grid(committee("ศอช.ต.", "เชียงม่วน", "สระ", phone=raw)))
    assert codes(res) == []
    assert {r["phone"] for r in table(res, "registry_members")} == {shown}


@pytest.mark.parametrize("raw", ["08-1234-567", "๐๕๔-๔๔๕", "12345", "โทรหาที่อำเภอ"])
def test_a_bad_phone_is_a_warning_with_the_fix(config: Path, raw: str) -> None:
    rows = committee("ศอช.ต.", "เชียงม่วน", "สระ")
    rows[2][8] = raw
    res = run(config, grid(rows))
    assert codes(res) == ["bad_phone"]
    issue = res.issues[0]
    assert issue.severity == "warning" and issue.value == raw and "081-234-5678" in issue.message
    assert row_of(res, "560403")["status"] == "ถูกต้อง"


ANNOUNCED = [
    ("15 ตุลาคม 2566", date(2023, 10, 15)),
    ("๑๕ ต.ค. ๖๖", date(2023, 10, 15)),
    ("15/10/2566", date(2023, 10, 15)),
    (datetime(2023, 10, 15), date(2023, 10, 15)),
    ("วันอาทิตย์ที่ ๑๕ ตุลาคม ๒๕๖๖", date(2023, 10, 15)),
]


@pytest.mark.parametrize(("raw", "day"), ANNOUNCED)
def test_announcement_dates_in_thai(config: Path, raw: Cell, day: date) -> None:
    res = run(config, grid(committee("ศอช.ต.", "เชียงม่วน", "สระ", announced=raw)))
    assert codes(res) == []
    assert row_of(res, "560403")["announced"] == day


@pytest.mark.parametrize("raw", ["๗๐ ตุลาคม ๒๕๖๖", "31/02/2567", "วันจันทร์ที่ ๑๕ ตุลาคม ๒๕๖๖", "ตุลาคม"])
def test_an_impossible_announcement_date_is_rejected_not_guessed(config: Path, raw: str) -> None:
    res = run(config, grid(committee("ศอช.ต.", "เชียงม่วน", "สระ", announced=raw)))
    assert codes(res) == ["bad_announcement_date"]  # once for the committee, not once per row
    r = row_of(res, "560403")
    assert (r["announced"], r["status"], r["members"]) == (None, "ต้องแก้ไข", 9)


def test_announcement_date_warnings(config: Path) -> None:
    mixed = committee("ศอช.ต.", "เชียงม่วน", "สระ")
    mixed[0][9] = "16 ตุลาคม 2566"
    assert codes(run(config, grid(mixed))) == ["announcement_mismatch"]
    assert row_of(run(config, grid(mixed)), "560403")["announced"] == date(2023, 10, 15)  # the most common
    future = committee("ศอช.ต.", "เชียงม่วน", "สระ", announced="1 ธันวาคม 2566")
    assert codes(run(config, grid(future))) == ["announcement_after_submission"]
    blank = committee("ศอช.ต.", "เชียงม่วน", "สระ", announced=None)
    assert codes(run(config, grid(blank))) == ["missing_announcement"]


def test_the_latest_submission_replaces_the_committee(config: Path) -> None:
    first = committee("ศอช.ต.", "เชียงม่วน", "สระ", 9)
    again = committee("ศอช.ต.", "เชียงม่วน", "สระ", 10, at=ON_TIME + timedelta(days=1), start=20)
    res = run(config, grid(first, again))
    r = row_of(res, "560403")
    assert (r["members"], r["source_rows"]) == (10, "11–20")
    assert codes(res) == ["superseded"]  # one notice for the nine rows
    assert res.superseded == 9 and res.accepted == 10
    assert {m["name"] for m in table(res, "registry_members")} == {person(20 + i) for i in range(10)}


def test_a_resubmission_clears_the_mistakes_it_replaces(config: Path) -> None:
    first = committee("ศอช.ต.", "เชียงม่วน", "สระ", 8)
    again = committee("ศอช.ต.", "เชียงม่วน", "สระ", 9, at=ON_TIME + timedelta(hours=3))
    res = run(config, grid(first, again))
    assert codes(res) == ["superseded"]
    assert row_of(res, "560403")["status"] == "ถูกต้อง"


def test_a_late_committee_counts_and_is_marked(config: Path) -> None:
    res = run(config, grid(committee("ศอช.ต.", "เชียงม่วน", "สระ", at=LATE)))
    assert codes(res) == ["late"]
    assert "๔ วัน" in res.issues[0].message
    r = row_of(res, "560403")
    assert (r["on_time"], r["status"]) == ("ล่าช้า", "ถูกต้อง")
    assert [s.status for s in res.statuses] == ["late"]


def district_committee(reps: list[str], *, start: int = 50, at: datetime = ON_TIME) -> list[list[Cell]]:
    return committee(
        "ศอช.อ.", "เชียงม่วน", None, 9, start=start, at=at, represents=[*reps, *["ผู้ทรงคุณวุฒิ"] * 9][:9]
    )


def test_the_district_committee_names_the_tambons_it_lacks(config: Path) -> None:
    res = run(config, grid(district_committee(["ศอช.ต.เชียงม่วน", "ผู้แทน ต.บ้านมาง"])))
    gaps = [i for i in res.issues if i.code == "representation_gap"]
    assert len(gaps) == 1 and gaps[0].severity == "warning"
    assert "ตำบลสระ" in gaps[0].message and "บ้านมาง" not in gaps[0].message
    r = row_of(res, "5604")
    assert (r["representation_gaps"], r["status"]) == ("สระ", "ถูกต้อง")


def test_a_tambon_committee_member_represents_it_without_saying_so(config: Path) -> None:
    tambon = committee("ศอช.ต.", "เชียงม่วน", "สระ", start=0)
    district = district_committee(["ศอช.ต.เชียงม่วน", "ศอช.ต.บ้านมาง"])
    district[5][5] = tambon[3][5]  # the ศอช.ต.สระ treasurer sits on the district committee
    res = run(config, grid(tambon, district))
    assert "representation_gap" not in codes(res)
    assert row_of(res, "5604")["representation_gaps"] == ""


def test_a_representative_missing_from_the_tambon_registry(config: Path) -> None:
    tambon = committee("ศอช.ต.", "เชียงม่วน", "สระ", start=0)
    district = district_committee(["ศอช.ต.เชียงม่วน", "ศอช.ต.บ้านมาง", "ศอช.ต.สระ"])
    res = run(config, grid(tambon, district))
    issue = next(i for i in res.issues if i.code == "not_on_committee")
    assert issue.severity == "warning" and person(52) in issue.message and "ศอช.ต.สระ" in issue.message
    assert "representation_gap" not in codes(res)


def test_a_representative_of_an_unknown_tambon(config: Path) -> None:
    res = run(
        config, grid(district_committee(["ศอช.ต.เชียงม่วน", "ศอช.ต.บ้านมาง", "ศอช.ต.สระ", "ศอช.ต.ไม่มีจริง"]))
    )
    assert codes(res) == ["unknown_represented"]


def test_the_province_committee_names_the_districts_it_lacks(config: Path) -> None:
    org = OrgUnits.for_province("56")
    reps = [f"ศอช.อ.{d.name}" for d in org.districts()[:-1]]
    rows = committee("ศอช.จ.", "", None, 12, represents=[*reps, *["ผู้ทรงคุณวุฒิ"] * 4][:12], start=70)
    res = run(config, grid(rows))
    gap = next(i for i in res.issues if i.code == "representation_gap")
    assert "อำเภอภูกามยาว" in gap.message and "อำเภอจุน" not in gap.message
    r = row_of(res, "56")
    assert (r["level"], r["unit"], r["members"], r["representation_gaps"]) == (
        "ศอช.จ.",
        "พะเยา",
        12,
        "ภูกามยาว",
    )
    assert res.statuses == []  # the province's own committee is no district's report


def test_a_blank_level_is_read_from_the_place(config: Path) -> None:
    tambon = committee("", "เชียงม่วน", "สระ")
    district = committee(None, "เชียงม่วน", None, start=30)
    res = run(config, grid(tambon, district))
    assert set(codes(res)) == {"level_inferred", "representation_gap"}
    assert row_of(res, "560403")["level"] == "ศอช.ต." and row_of(res, "5604")["level"] == "ศอช.อ."
    without_column = [[c for i, c in enumerate(r) if i != 2] for r in grid(tambon)]
    assert codes(run(config, without_column)) == []  # no level column at all: nothing to warn about


def test_level_errors(config: Path) -> None:
    assert codes(run(config, grid(committee("หมู่บ้าน", "เชียงม่วน", "สระ", 1)))) == ["bad_level"]
    assert codes(run(config, grid(committee(None, None, None, 1)))) == ["missing_level"]


def test_a_tambon_on_a_district_row_is_ignored(config: Path) -> None:
    rows = district_committee(["ศอช.ต.เชียงม่วน", "ศอช.ต.บ้านมาง", "ศอช.ต.สระ"])
    rows[0][4] = "สระ"
    res = run(config, grid(rows))
    assert codes(res) == ["tambon_ignored"]
    assert row_of(res, "5604")["members"] == 9


def test_places_are_resolved(config: Path) -> None:
    res = run(config, grid(committee("ศอช.ต.", "อ.เชียงม่วน", "ต.สระ"), committee("ศอช.ต.", "จุน", "สระ", 1)))
    assert [i.code for i in res.issues] == ["outside_district"]
    assert res.rejected == 1


def test_statuses_per_district(config: Path) -> None:
    ok = committee("ศอช.ต.", "เชียงม่วน", "สระ")
    bad = committee("ศอช.ต.", "จุน", "ลอ", 8)
    late = committee("ศอช.ต.", "ปง", "ควร", at=LATE)
    res = run(config, grid(ok, bad, late))
    got = {s.unit_code: s for s in res.statuses}
    assert {k: s.status for k, s in got.items()} == {"5604": "valid", "5602": "rejected", "5606": "late"}
    assert "๘ คน" in got["5602"].errors[0]
    assert got["5604"].form == "committee_registry" and got["5604"].unit_name == "เชียงม่วน"


def test_the_completeness_matrix(config: Path) -> None:
    rows = [
        *committee("ศอช.ต.", "เชียงม่วน", "เชียงม่วน"),
        *committee("ศอช.ต.", "เชียงม่วน", "บ้านมาง", 8, start=10),
        *committee("ศอช.ต.", "ภูกามยาว", "ห้วยแก้ว", start=20),
        *district_committee(["ศอช.ต.เชียงม่วน", "ศอช.ต.บ้านมาง", "ศอช.ต.สระ"], start=40),
    ]
    res = run(config, grid(rows))
    matrix = {r["unit_code"]: r for r in table(res, "registry_matrix")}
    cm = matrix["5604"]
    assert (cm["tambons"], cm["tambon_registered"], cm["tambon_flagged"], cm["tambon_missing"]) == (
        3,
        2,
        1,
        1,
    )
    assert (cm["registered_tambons"], cm["missing_tambons"], cm["committee"], cm["complete"]) == (
        "เชียงม่วน, บ้านมาง", "สระ", "ส่งแล้ว", "ไม่ครบ",
    )  # fmt: skip
    pk = matrix["5609"]
    assert (pk["tambon_registered"], pk["missing_tambons"], pk["committee"]) == (1, "ดงเจน, แม่อิง", "ยังไม่ส่ง")
    province = matrix["56"]
    assert (province["unit"], province["tambons"], province["tambon_registered"], province["committee"]) == (
        "จังหวัดพะเยา", 68, 3, "ยังไม่ส่ง",
    )  # fmt: skip
    assert "เมืองพะเยา" in str(province["missing_districts"]) and "เชียงม่วน" not in str(
        province["missing_districts"]
    )
    assert len(matrix) == 10


def test_facts_for_the_forms_that_follow(config: Path) -> None:
    res = run(config, grid(committee("ศอช.ต.", "เชียงม่วน", "สระ", 8), district_committee(["ศอช.ต.สระ"])))
    assert res.facts[0].by_unit == {
        ("tambon", "560403"): CommitteeInfo("tambon", "560403", "5604", 8, False),
        ("district", "5604"): CommitteeInfo("district", "5604", "5604", 9, True),
    }


def test_the_calendar_must_have_the_cut_off(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    (tmp_path / "calendar.yaml").write_text(
        "province: พะเยา\nfiscal_year: 2567\ncutoffs:\n"
        "  - {id: a1, form: tambon_assessment, title: x, units: tambons, due: 2566-11-24}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="no cut-off"):
        run(config, grid(committee("ศอช.ต.", "เชียงม่วน", "สระ")))


# ---------------------------------------------------------------------------
# End to end: a sync on a local workbook, the published tabs, `pipeline export`


def write_sheet(path: Path, tab: str, rows: Grid) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = tab
    for r in rows:
        ws.append(r)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def test_sync_publishes_the_registry_and_export_prints_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path)
    rows = grid(
        committee("ศอช.ต.", "เชียงม่วน", "สระ", phone="๐๘๑-๒๓๔-๕๖๗๘"),
        committee("ศอช.ต.", "เชียงม่วน", "บ้านมาง", 8, start=10),
        district_committee(["ศอช.ต.เชียงม่วน", "ศอช.ต.บ้านมาง"], start=40),
    )
    write_sheet(tmp_path / "data" / "registry.xlsx", "คำตอบ", rows)
    settings = load_settings(config)
    with State(settings.state_db) as state:
        summary = sync(settings, LocalBackend(settings.data_dir), state, now=NOW)
        statuses = state.statuses(form="committee_registry")
    assert summary["status"] == "ok" and summary["rows_read"] == 26
    assert [(s.unit_code, s.status) for s in statuses] == [("5604", "rejected")]

    wb = load_workbook(tmp_path / "data" / "summary.xlsx", read_only=True)
    try:
        assert {"ทะเบียนคณะกรรมการ ศอช.", "ความครบถ้วนของทะเบียน", "รายชื่อกรรมการ ศอช."} <= set(wb.sheetnames)
        committees = list(wb["ทะเบียนคณะกรรมการ ศอช."].iter_rows(values_only=True))
        matrix = list(wb["ความครบถ้วนของทะเบียน"].iter_rows(values_only=True))
        members = list(wb["รายชื่อกรรมการ ศอช."].iter_rows(values_only=True))
        issues = list(wb["รายการที่ต้องตรวจสอบ"].iter_rows(values_only=True))
    finally:
        wb.close()
    assert committees[0][:6] == ("ระดับ", "รหัสหน่วย", "ชื่อหน่วย", "รหัสอำเภอ", "อำเภอ", "จำนวนกรรมการ")
    by_unit = {r[1]: r for r in committees[1:]}
    assert list(by_unit) == ["5604", "560402", "560403"]  # by district, its own committee first
    assert by_unit["5604"][5] == 9 and by_unit["560402"][5] == 8 and by_unit["560402"][12] == "ต้องแก้ไข"
    assert by_unit["5604"][14] == "สระ"
    assert next(r for r in matrix if r[0] == "5604")[7] == "เชียงม่วน"
    assert "081-234-5678" in {r[8] for r in members[1:]}
    assert {r[-1] for r in issues[1:]} >= {"committee_size", "representation_gap"}

    capsys.readouterr()
    assert main(["export", "committees", "--format", "json", "--config", str(config)]) == 0
    records = json.loads(capsys.readouterr().out)
    assert {r["unit_code"]: (r["level"], r["members"], r["status"]) for r in records} == {
        "560402": ("ศอช.ต.", 8, "ต้องแก้ไข"),
        "560403": ("ศอช.ต.", 9, "ถูกต้อง"),
        "5604": ("ศอช.อ.", 9, "ถูกต้อง"),
    }
    assert main(["export", "registry_matrix", "--format", "json", "--config", str(config)]) == 0
    matrix_records: list[dict[str, Any]] = json.loads(capsys.readouterr().out)
    assert [r["unit_code"] for r in matrix_records][-1] == "56"
    assert next(r for r in matrix_records if r["unit_code"] == "5604")["missing_tambons"] == "เชียงม่วน"


def test_a_secretary_with_an_unreadable_tambon_is_one_error_not_two(config: Path) -> None:
    # The secretary's tambon typed beyond recognition: that row is rejected for its tambon,
    # and the committee is not also reported as lacking a secretary or a member.
    rows = committee("ศอช.ต.", "เชียงม่วน", "สระ", 9)
    rows[2][4] = "สระะะะน้อย"
    res = run(config, grid(rows))
    assert codes(res, "error") == ["unknown_tambon"]
    assert res.rejected == 1 and row_of(res, "560403")["members"] == 8


def test_a_secretary_with_a_typing_slip_in_the_tambon_is_counted(config: Path) -> None:
    rows = committee("ศอช.ต.", "เชียงม่วน", "สระ", 9)
    rows[2][4] = "ศอช.ต.สระ"
    res = run(config, grid(rows))
    assert codes(res) == ["near_match"] and "สระ" in res.issues[0].message
    assert row_of(res, "560403")["secretaries"] == 1 and res.accepted == 9


def test_the_rejected_member_is_known_to_the_forms_that_follow(config: Path) -> None:
    rows = committee("ศอช.ต.", "เชียงม่วน", "สระ", 9)
    rows[4][4] = "สระะะะน้อย"
    info = run(config, grid(rows)).facts[0].by_unit[("tambon", "560403")]
    assert (info.members, info.unread) == (8, 1)


# A broken schema: how it is broken, and what check-config says.
BROKEN: dict[str, tuple[Callable[[dict[str, Any]], dict[str, Any]], str]] = {
    "a message missing": (
        lambda x: {**x, "messages": {k: v for k, v in x["messages"].items() if k != "representation_gap"}},
        "representation_gap",
    ),
    "a table's word missing": (  # the committees table's flags and words are the schema's too
        lambda x: {
            **x,
            "messages": {k: v for k, v in x["messages"].items() if k not in ("flag_late", "sent")},
        },
        "flag_late, sent",
    ),
    "a rule incomplete": (
        lambda x: {**x, "rules": {**x["rules"], "committee_size": {"min": 9}}},
        r"rule 'committee_size' is \{'min': 9\}, not a Size",
    ),
    "a rule missing": (
        lambda x: {**x, "rules": {k: v for k, v in x["rules"].items() if k != "committee_levels"}},
        "missing rules: committee_levels",
    ),
    "sizes that do not rise": (
        lambda x: {**x, "rules": {**x["rules"], "committee_size": {"min": 25, "max": 9}}},
        "min 25 and max 9",
    ),
    "a position of no known role": (
        lambda x: {
            **x,
            "rules": {**x["rules"], "positions": [{"label": "ประธาน", "role": "boss", "spellings": []}]},
        },
        "role 'boss'",
    ),
    "no plain member": (
        lambda x: {**x, "rules": {**x["rules"], "positions": x["rules"]["positions"][:1]}},
        "the plain member",
    ),
    "a gap of no time": (
        lambda x: {**x, "rules": {**x["rules"], "submission_gap_minutes": 0}},
        "more than 0",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_its_rules_and_messages_are_checked_when_the_settings_load(case: str) -> None:
    change, said = BROKEN[case]
    schema = load_schema("committee_registry")
    with pytest.raises(ConfigError, match=said) as caught:
        forms.check_schema(dataclasses.replace(schema, extra=change(dict(schema.extra or {}))))
    assert "committee_registry.yaml" in str(caught.value.where)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [("เมื่อวาน", "เมื่อวาน"), (datetime(2023, 12, 5, 9, 0), "5 ธ.ค. 2566 09:00")],  # unreadable; after today
)
def test_a_member_without_a_usable_timestamp_is_not_counted(config: Path, raw: Cell, shown: str) -> None:
    rows = committee("ศอช.ต.", "เชียงม่วน", "สระ", 10)
    rows[9][0] = raw
    res = run(config, grid(rows))
    issue = next(i for i in res.issues if i.code == "bad_timestamp")
    assert codes(res, "error") == ["bad_timestamp"] and issue.row == 11 and shown in issue.message
    assert (issue.district_code, issue.tambon_code) == ("5604", "560403") and issue.value == shown
    assert row_of(res, "560403")["members"] == 9
    assert res.rejected == 1 and res.accepted == 9
