from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.contacts import Contact, check_address, contacts_from_grid, load_contacts
from pipeline.errors import ConfigError
from pipeline.models import Grid
from pipeline.orgunits import OrgUnits

ORG = OrgUnits.for_province("56")
SHIPPED = Path(__file__).resolve().parents[1] / "config" / "contacts.yaml"

ADDRESSES = [
    ("somchai@example.org", "somchai@example.org"),
    ("  Somchai.K+cdd@Example.ORG ", "Somchai.K+cdd@example.org"),
    ("a_b-c@sub.example.co.th", "a_b-c@sub.example.co.th"),
    ("\u200bx@example.org", "x@example.org"),  # an invisible character pasted with it
    ("", None),
    ("somchai", None),
    ("somchai@", None),
    ("@example.org", None),
    ("somchai@example", None),  # no top-level domain
    ("som chai@example.org", None),
    ("a..b@example.org", None),
    (".a@example.org", None),
    ("a@-example.org", None),
    ("a@example..org", None),
    ("a@b@example.org", None),
    ("สมชาย@example.org", None),
    ("สมชาย <somchai@example.org>", None),  # one address, not a display name
    ('"a b"@example.org', None),
    ("a@example.org, b@example.org", None),
    ("a@example.org\r\nBcc: x@evil.example", None),
    ("a@example.org\n", None),
    ("x" * 65 + "@example.org", None),
]


@pytest.mark.parametrize(("raw", "expected"), ADDRESSES)
def test_check_address(raw: str, expected: str | None) -> None:
    assert check_address(raw) == expected


def test_the_shipped_demo_contacts_are_complete() -> None:
    contacts = load_contacts(SHIPPED, ORG)
    assert contacts.problems == ()
    assert sorted(contacts.by_district) == [f"56{n:02d}" for n in range(1, 10)]
    assert len(contacts.province) == 2
    for code in contacts.by_district:
        people = contacts.district(code)
        assert [c.role for c in people] == ["head", "staff"]
        assert all(c.email.endswith("@example.org") and c.district_code == code for c in people)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "contacts.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_problems_are_reported_with_where_not_skipped(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
contacts:
  - {role: จังหวัด, name: นางสาวพรทิพย์ ใจดี, email: porntip@example.org}
  - {district: "5601", role: หัวหน้า, name: นายสมศักดิ์, email: head@example.org}
  - {district: เมืองพะเยา, role: ผู้รับผิดชอบ, name: "นายแฝง\\r\\nBcc: x@evil.example", email: a@example.org}
  - {district: "5602", role: หัวหน้า, name: นางอรุณี, email: "b@example.org\\r\\nBcc: x@evil.example"}
  - {district: อ.จุน, role: ผู้รับผิดชอบ, name: นายธนากร, email: not-an-address}
  - {district: เชียงคำ, role: พนักงาน, name: นายประเสริฐ, email: c@example.org}
  - {district: ลำปาง, role: หัวหน้า, name: นายหลง, email: d@example.org}
  - {district: เชียงม่วง, role: หัวหน้า, name: นางสุนีย์, email: e@example.org}
  - {district: "5605", role: หัวหน้า, name: นายชาญชัย, email: ""}
""",
    )
    contacts = load_contacts(path, ORG)
    problems = [str(p) for p in contacts.problems]
    where = f"{path} รายการที่"

    def about(n: int) -> list[str]:
        return [p for p in problems if p.startswith(f"{where} {n}:")]

    assert about(1) == about(2) == []
    assert "ขึ้นบรรทัดใหม่" in about(3)[0]
    assert "อีเมล" in about(4)[0] and "ไม่ถูกต้อง" in about(4)[0] and "\n" not in about(4)[0]
    assert "not-an-address" in about(5)[0]
    assert "บทบาท 'พนักงาน'" in about(6)[0]
    assert "ลำปาง" in about(7)[0]
    # a near spelling is accepted, and said
    assert "เชียงม่วน" in about(8)[0]
    assert contacts.district("5604") == (Contact("นางสุนีย์", "e@example.org", "head", "5604"),)
    assert "ไม่ได้กรอกอีเมล" in about(9)[0]
    # the injected name and address were refused, not cleaned and used
    assert all(
        "evil" not in c.email and "\n" not in c.name for cs in contacts.by_district.values() for c in cs
    )
    # districts left without a valid contact are problems too
    left_out = [p for p in problems if "ไม่มีผู้รับการแจ้งเตือน" in p]
    assert len(left_out) == 9 - 2  # only 5601 and 5604 have someone
    assert any("อำเภอจุน (5602)" in p for p in left_out)
    assert contacts.district("5601") == (Contact("นายสมศักดิ์", "head@example.org", "head", "5601"),)


def test_a_province_without_officers_is_a_problem(tmp_path: Path) -> None:
    contacts = load_contacts(
        write(tmp_path, "- {district: 5601, role: head, name: A, email: a@example.org}\n"), ORG
    )
    assert any("จังหวัด" in p.message for p in contacts.problems)
    assert contacts.province == ()


def test_duplicates_are_kept_once_and_heads_come_first(tmp_path: Path) -> None:
    contacts = load_contacts(
        write(
            tmp_path,
            """
- {district: 5601, role: ผู้รับผิดชอบ, name: B, email: b@example.org}
- {district: 5601, role: หัวหน้า, name: A, email: a@example.org}
- {district: 5601, role: ผู้รับผิดชอบ, name: B again, email: B@Example.org}
""",
        ),
        ORG,
    )
    assert [c.email for c in contacts.district("5601")] == ["a@example.org", "b@example.org"]


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("contacts: [", "not valid YAML"),
        ("contacts: {a: 1}", "list of contacts"),
        ("just text", "list of contacts"),
    ],
)
def test_unusable_files_are_config_errors(tmp_path: Path, text: str, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        load_contacts(write(tmp_path, text), ORG)


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_contacts(tmp_path / "nope.yaml", ORG)


def test_contacts_from_a_tab() -> None:
    grid: Grid = [
        ["อำเภอ", "ชื่อ - สกุล", "อีเมล", "บทบาท", "หมายเหตุ"],
        ["อ.เชียงคำ", "นายประเสริฐ วงศ์ไชย", "cdd.chiangkham@example.org", "หัวหน้า", ""],
        [5603, "นางสาวศิริพร มณีวรรณ", "siriporn@example.org", "ผู้รับผิดชอบ"],
        ["๕๖๐๒", "นางอรุณี ทองคำ", "cdd.chun@example.org", "หัวหน้า"],
        [None, None, None, None],
        ["", "นางสาวพรทิพย์ ใจดี", "porntip@example.org", "จังหวัด"],
        ["ปง", "นายสุรศักดิ์", "surasak@example", "หัวหน้า"],
    ]
    contacts = contacts_from_grid(grid, ORG, where="รายชื่อ")
    assert [c.email for c in contacts.district("5603")] == [
        "cdd.chiangkham@example.org",
        "siriporn@example.org",
    ]
    assert [c.email for c in contacts.district("5602")] == ["cdd.chun@example.org"]
    assert [c.name for c in contacts.province] == ["นางสาวพรทิพย์ ใจดี"]
    problems = [str(p) for p in contacts.problems]
    assert any(p.startswith("รายชื่อ แถวที่ 7:") and "surasak@example" in p for p in problems)
    assert sum("ไม่มีผู้รับการแจ้งเตือน" in p for p in problems) == 7


def test_a_district_code_column_is_accepted() -> None:
    grid: Grid = [["รหัสอำเภอ", "อีเมล", "บทบาท"], ["5606", "pong@example.org", "head"]]
    assert contacts_from_grid(grid, ORG, where="x").district("5606")[0].email == "pong@example.org"


@pytest.mark.parametrize(
    ("grid", "match"),
    [
        ([], "empty"),
        ([["อำเภอ", "ชื่อ", "บทบาท"]], "อีเมล"),
        ([["ชื่อ", "อีเมล", "บทบาท"]], "อำเภอ"),
    ],
)
def test_a_tab_without_the_columns_is_a_config_error(grid: Grid, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        contacts_from_grid(grid, ORG, where="รายชื่อ")
