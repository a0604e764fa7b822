"""Every indicator's bands, each boundary, the circular's ambiguous points, the levels."""

from __future__ import annotations

import pytest

from pipeline.schema import load_schema
from pipeline.scoring import score_answer

SCHEMA = load_schema("tambon_assessment")


def ind(no: int):  # type: ignore[no-untyped-def]
    return SCHEMA.indicators[no - 1]


# (indicator, raw quantity, score) — written out from the circular's table, not from the schema.
PERCENT_BOUNDARIES = [
    (1, 0, 1),
    (1, 39.9, 1),
    (1, 40, 2),
    (1, 70, 2),
    (1, 70.1, 3),
    (1, 100, 3),
    (2, 49.9, 1),
    (2, 50, 2),
    (2, 80, 2),
    (2, 80.5, 3),
    (3, 29, 1),
    (3, 30, 2),
    (3, 70, 2),
    (3, 71, 3),
    (4, 29.99, 1),
    (4, 30, 2),
    (4, 70, 2),
    (4, 70.01, 3),
    (11, 39, 1),
    (11, 40, 2),
    (11, 60, 2),
    (11, 61, 3),
    (15, 29, 1),
    (15, 30, 2),
    (15, 69.9, 2),
    (15, 71, 3),
    (20, 9.9, 1),
    (20, 10, 2),
    (20, 50, 2),
    (20, 51, 3),
    (21, 19, 1),
    (21, 20, 2),
    (21, 70, 2),
    (21, 71, 3),
    (22, 19.5, 1),
    (22, 20, 2),
    (22, 60, 2),
    (22, 60.5, 3),
    (23, 0, 1),
    (23, 1, 2),
    (23, 30, 2),
    (23, 30.1, 3),
]
COUNT_BOUNDARIES = [
    (5, 0, 1),
    (5, 1, 1),
    (5, 2, 2),
    (5, 3, 3),
    (5, 12, 3),
    (8, 0, 1),
    (8, 1, 1),
    (8, 2, 2),
    (8, 4, 3),
    (9, 0, 1),
    (9, 2, 1),
    (9, 3, 2),
    (9, 4, 2),
    (9, 5, 3),
    (10, 0, 1),
    (10, 1, 2),
    (10, 2, 3),
    (12, 0, 1),
    (12, 1, 2),
    (12, 2, 3),
    (12, 7, 3),
    (13, 0, 1),
    (13, 2, 2),
    (13, 3, 3),
    (14, 0, 1),
    (14, 1, 2),
    (14, 2, 3),
    (16, 0, 1),
    (16, 1, 2),
    (16, 2, 2),
    (16, 3, 3),
    (17, 0, 1),
    (17, 1, 2),
    (17, 5, 2),
    (17, 6, 3),
    (18, 0, 1),
    (18, 2, 2),
    (18, 4, 3),
    (19, 0, 1),
    (19, 1, 1),
    (19, 2, 2),
    (19, 3, 2),
    (19, 4, 3),
]
# The circular's overlaps and gaps: scored by the schema's ruling, and always a warning.
AMBIGUOUS = [
    (8, "3", 3),  # 2–3 and 3+
    (13, "1", 1),  # 0–1 and 1–2
    (15, "70", 3),  # 30–70% and "70% of funds"
    (18, "1", 1),
    (18, "3", 2),
    (18, "5", 3),  # no band for 1, 3, 5+
    (10, "3", 3),  # more than the top figure
    (19, "6", 3),
    (23, "0.5", 2),  # between "none" and 1%
]


@pytest.mark.parametrize(("no", "value", "score"), PERCENT_BOUNDARIES + COUNT_BOUNDARIES)
def test_band_boundaries(no: int, value: float, score: int) -> None:
    got = score_answer(ind(no), value)
    assert (got.score, got.error, got.warning) == (score, "", "")


@pytest.mark.parametrize(("no", "raw", "score"), AMBIGUOUS)
def test_ambiguous_points_are_ruled_and_warned(no: int, raw: str, score: int) -> None:
    got = score_answer(ind(no), raw)
    assert got.score == score
    assert got.warning_code == "ambiguous_band"
    assert "ไม่ชัดเจน" in got.warning


LABELS = [
    (1, "น้อยกว่า ๔๐%", 1),
    (1, "๔๐-๗๐%", 2),
    (1, "40 - 70 %", 2),
    (1, "มากกว่า 70%", 3),
    (5, "๓ ครั้ง / ปี ขึ้นไป", 3),
    (5, "3 ครั้ง/ปี ขึ้นไป", 3),
    (6, "ไม่มีกองทุน", 1),
    (6, "มีกองทุน", 2),
    (6, "มีกองทุน/ระดม ทุนอย่างต่อเนื่อง", 3),
    (6, "มีกองทุน/ระดมทุนอย่างต่อเนื่อง", 3),
    (7, "ไม่มีการจัดทำทะเบียน ฯ", 1),
    (7, "มีการจัดทำทะเบียน ฯ แต่ข้อมูลไม่เป็นปัจจุบัน", 2),
    (7, "มีการจัดทำทะเบียนฯ และข้อมูลเป็นปัจจุบัน", 3),
    # A label picks its band outright: no ambiguity warning for the label itself.
    (8, "ปีละ ๒ - ๓ ครั้ง", 2),
    (8, "ปีละ ๓ ครั้ง ขึ้นไป", 3),
    (13, "๑ - ๒ โครงการ / ปี", 2),
    (15, "๗๐% ของ จำนวนกองทุน ในชุมชน", 3),
    (23, "ไม่มี", 1),
    (10, "ไม่มี", 1),
]


@pytest.mark.parametrize(("no", "raw", "score"), LABELS)
def test_band_labels_as_copied_from_the_circular(no: int, raw: str, score: int) -> None:
    got = score_answer(ind(no), raw)
    assert (got.score, got.error, got.warning) == (score, "", "")


RAW_SHAPES = [
    (1, "75", 3),
    (1, "75%", 3),
    (1, "๗๕ %", 3),
    (1, "ร้อยละ 75", 3),
    (1, "75.0", 3),
    (1, 55, 2),
    (5, "3", 3),
    (5, "๓ ครั้ง", 3),
    (5, "ปีละ 3 ครั้ง", 3),
    (10, "2 แห่ง/ปี", 3),
    (12, "ไม่มี", 1),
    (16, 0, 1),
    (17, "๔ ครั้ง", 2),
]


@pytest.mark.parametrize(("no", "raw", "score"), RAW_SHAPES)
def test_raw_quantities_in_every_shape(no: int, raw: object, score: int) -> None:
    assert score_answer(ind(no), raw).score == score  # type: ignore[arg-type]


ERRORS = [
    (1, None, "missing_answer"),
    (1, "", "missing_answer"),
    (1, "  ", "missing_answer"),
    (1, "ดีมาก", "unparseable_answer"),
    (1, "120", "percent_out_of_range"),
    (1, "-5%", "percent_out_of_range"),
    (5, "-1", "negative_count"),
    (5, "2.5", "fractional_count"),
    (6, "บางส่วน", "unparseable_answer"),
    (8, "หลายครั้ง", "unparseable_answer"),
]


@pytest.mark.parametrize(("no", "raw", "code"), ERRORS)
def test_errors_say_what_is_wrong(no: int, raw: object, code: str) -> None:
    got = score_answer(ind(no), raw)  # type: ignore[arg-type]
    assert got.score is None
    assert got.error_code == code
    assert got.error.startswith("ตัวชี้วัดที่ ")
    assert "โปรด" in got.error  # and says what to do


def test_a_bare_number_is_a_quantity_unless_the_column_holds_scores() -> None:
    assert score_answer(ind(1), "3").score == 1  # 3% of the committee
    assert score_answer(ind(1), "3", as_score=True).score == 3
    assert score_answer(ind(1), "๒", as_score=True).score == 2
    assert score_answer(ind(1), "4", as_score=True).error_code == "unparseable_answer"


@pytest.mark.parametrize(
    ("total", "level", "label"),
    [
        (23, 1, "อ่อนแอ"),
        (41, 1, "อ่อนแอ"),
        (42, 2, "ปานกลาง"),
        (55, 2, "ปานกลาง"),
        (56, 3, "เข้มแข็ง"),
        (69, 3, "เข้มแข็ง"),
    ],
)
def test_level_thresholds(total: int, level: int, label: str) -> None:
    got = SCHEMA.level_for(total)
    assert got is not None
    assert (got.level, got.label) == (level, label)


def test_schema_is_the_circulars_table() -> None:
    assert len(SCHEMA.indicators) == 23
    assert [c.no for c in SCHEMA.categories] == [1, 2, 3, 4, 5]
    assert [sum(1 for i in SCHEMA.indicators if i.category == c) for c in range(1, 6)] == [6, 4, 5, 4, 4]
    assert SCHEMA.max_total == 69
    assert ind(1).bands[0].label == "น้อยกว่า ๔๐%"
    assert ind(23).bands[2].label == "มากกว่า ๓๐ %"
