"""Column detection on differently titled forms of the same assessment."""

from __future__ import annotations

import pytest

from pipeline.column_titles import indicator_number, split_number
from pipeline.columns import detect, plan
from pipeline.errors import SourceError
from pipeline.schema import load_schema

SCHEMA = load_schema("tambon_assessment")
TITLES = [i.title for i in SCHEMA.indicators]


@pytest.mark.parametrize(
    ("header", "no"),
    [
        ("๑. ร้อยละ", 1),
        ("1. ร้อยละ", 1),
        ("ข้อ 1 ร้อยละ", 1),
        ("ข้อที่ ๒๓", 23),
        ("ตัวชี้วัดที่ ๑", 1),
        ("(5) คณะกรรมการ", 5),
        ("12) การกำหนด", 12),
        ("หมวด 1 [3. มีแผน]", 3),
        ("ครั้งที่ 1", None),
        ("ร้อยละของกรรมการ", None),
        ("2566", None),
    ],
)
def test_indicator_number(header: str, no: int | None) -> None:
    assert indicator_number(header) == no


def test_numbered_form_with_english_identity_titles() -> None:
    header = ["Timestamp", "Email address", "อำเภอ", "ตำบล", "รอบที่"] + [
        f"{n}. {t}" for n, t in enumerate(TITLES, start=1)
    ]
    cmap = detect(header, SCHEMA)
    assert cmap.index["timestamp"] == 0
    assert cmap.index["email"] == 1
    assert cmap.index["round"] == 4
    assert [cmap.index[f"i{n}"] for n in range(1, 24)] == list(range(5, 28))


def test_titles_only_in_another_spelling_and_order() -> None:
    # No numbers at all, คอช. spelt ศอช. (and the reverse), columns shuffled, Thai identity titles.
    shuffled = list(reversed(TITLES))
    header = ["ประทับเวลา", "ชื่ออำเภอ", "ชื่อตำบล"] + [
        t.replace("คอช.", "ศอช.") if "คอช." in t else t.replace("ศอช.ต.", "คอช.ต.") for t in shuffled
    ]
    cmap = detect(header, SCHEMA)
    for n in range(1, 24):
        assert cmap.index[f"i{n}"] == 3 + (23 - n), n
    assert "round" not in cmap.index  # "รอบ" is inside "ครอบคลุม" (indicator 3): not a round column


def test_google_forms_grid_headers() -> None:
    header = ["ประทับเวลา", "อำเภอ", "ตำบล", "ครั้งที่"] + [
        f"หมวดที่ {SCHEMA.indicators[n - 1].category} [{n}. {TITLES[n - 1][:15]}]" for n in range(1, 24)
    ]
    cmap = detect(header, SCHEMA)
    assert [cmap.index[f"i{n}"] for n in range(1, 24)] == list(range(4, 27))


def test_explicit_map_overrides_detection() -> None:
    header = ["ประทับเวลา", "อำเภอ", "ชื่อศูนย์", "ตำบล (เดิม)"] + [f"{n}." for n in range(1, 24)]
    cmap = detect(header, SCHEMA, {"tambon": "ชื่อศูนย์"})
    assert cmap.index["tambon"] == 2


def test_explicit_map_to_a_missing_column_names_the_columns() -> None:
    header = ["ประทับเวลา", "อำเภอ", "ตำบล"] + [f"{n}." for n in range(1, 24)]
    with pytest.raises(SourceError, match="no such column") as err:
        detect(header, SCHEMA, {"tambon": "ชื่อ ศอช."})
    assert "ประทับเวลา | อำเภอ | ตำบล" in str(err.value)


def test_unmatched_columns_list_what_is_missing_and_what_was_found() -> None:
    header = ["ประทับเวลา", "อำเภอ"] + [f"{n}. {t}" for n, t in enumerate(TITLES[:20], start=1)]
    with pytest.raises(SourceError) as err:
        detect(header, SCHEMA)
    text = str(err.value)
    assert "tambon (ตำบล)" in text
    assert "ตัวชี้วัดที่ 21" in text and "ตัวชี้วัดที่ 23" in text
    assert "columns found on the sheet: ประทับเวลา | อำเภอ" in text


@pytest.mark.parametrize(
    ("title", "split"),
    [
        ("(๑) จัดทำฐานข้อมูล", ("1", "จัดทำฐานข้อมูล")),
        ("๒. ปัญหาและอุปสรรค", ("2", "ปัญหาและอุปสรรค")),
        ("ข้อ ๓ แผน", ("3", "แผน")),
        ("ข้อที่ 3 แผน", ("3", "แผน")),
        ("๗.๑ จำนวน", ("7.1", "จำนวน")),
        ("7.2) ร้อยละ", ("7.2", "ร้อยละ")),
        ("4.1", ("4.1", "")),
        ("2566 ปีงบประมาณ", ("", "2566 ปีงบประมาณ")),
        ("อำเภอ", ("", "อำเภอ")),
    ],
)
def test_split_number(title: str, split: tuple[str, str]) -> None:
    assert split_number(title) == split


def test_paper_numbering_before_an_identity_title_is_ignored() -> None:
    schema = load_schema("progress_assessment")
    header = ["ประทับเวลา", "อำเภอ", "๒. ปัญหาและอุปสรรคในการดำเนินงาน", "ข้อ ๓ ข้อเสนอแนะ"]
    found = plan(header, schema)
    assert found.cmap.index["problems"] == 2 and found.cmap.index["suggestions"] == 3


def test_a_numbered_title_needs_the_same_number() -> None:
    kpi = load_schema("kpi32")
    found = plan(["๗.๑ จำนวนโครงการ", "๗.๒ ร้อยละ", "๘. ร้อยละ"], kpi)
    assert found.cmap.index["local_plan_projects"] == 0
    assert found.cmap.index["local_plan_percent"] == 1  # "7.1 ร้อยละ" would not take ๗.๒, "7.2 ร้อยละ" does
    assert found.cmap.index["budget_percent"] == 2


def test_plan_records_how_and_offers_candidates() -> None:
    header = ["ประทับเวลา", "อำเภอ", "ชื่อศูนย์ประสานงาน", "รอบที่"] + [f"{n}. {t}" for n, t in enumerate(TITLES, 1)]
    header[10] = TITLES[6]  # indicator 7 without its number
    found = plan(header, SCHEMA)
    assert found.cmap.how("timestamp").how == "title"  # type: ignore[union-attr]
    assert found.cmap.how("i1").how == "number"  # type: ignore[union-attr]
    assert found.cmap.how("i7").how == "similar" and found.cmap.how("i7").score == 1.0  # type: ignore[union-attr]
    assert found.missing == ("tambon",)
    assert found.candidates["tambon"] and found.candidates["tambon"][0][0] == 2
    assert found.leftover == [2]
    with pytest.raises(SourceError, match="pipeline columns SOURCE"):
        detect(header, SCHEMA)


def test_a_google_forms_grid_row_names_the_field() -> None:
    registry = load_schema("committee_registry")
    header = ["ประทับเวลา", "ข้อมูลทั่วไป [ระดับ]", "ข้อมูลทั่วไป [อำเภอ]", "ข้อมูลทั่วไป [ตำบล]", "ชื่อ-สกุล", "ตำแหน่ง"]
    cmap = detect(header, registry)
    assert (cmap.index["level"], cmap.index["district"], cmap.index["tambon"]) == (1, 2, 3)


def test_excluded_words_keep_a_column_from_a_field() -> None:
    activity = load_schema("activity2")
    found = plan(["อำเภอ", "ตำบล", "วันที่รายงานในระบบ BPM"], activity)
    assert "timestamp" not in found.cmap.index and found.cmap.index["bpm_on"] == 2
