from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipeline.calendar import load_calendar, parse_be_date
from pipeline.errors import ConfigError

CONFIG = Path(__file__).resolve().parent.parent / "config" / "calendar"


def test_phayao_2567_cutoffs_as_in_the_circular() -> None:
    cal = load_calendar(CONFIG / "phayao-2567.yaml")
    r1, r2 = cal.for_form("tambon_assessment")
    assert (r1.due, r1.period, r1.to_department) == (date(2023, 11, 24), "1", date(2023, 11, 30))
    assert (r2.due, r2.period, r2.to_department) == (date(2024, 6, 21), "2", date(2024, 6, 28))
    assert r1.due.weekday() == 4 and r2.due.weekday() == 4  # "วันศุกร์" in the circular


def test_chiang_rai_2568_cutoffs() -> None:
    cal = load_calendar(CONFIG / "chiangrai-2568.yaml")
    r1, r2 = cal.for_form("tambon_assessment")
    assert (r1.due, r2.due) == (date(2024, 12, 25), date(2025, 6, 25))
    assert r1.due.weekday() == 2  # "วันพุธ"


def test_monthly_recurring_cutoffs_expand() -> None:
    cal = load_calendar(CONFIG / "phrae-2555.yaml")
    months = cal.for_form("kpi32")
    assert [c.due for c in months] == [date(2012, m, 25) for m in (5, 6, 7, 8, 9)]
    assert [c.period for c in months] == ["2555-05", "2555-06", "2555-07", "2555-08", "2555-09"]


@pytest.mark.parametrize(
    ("submitted", "period"),
    [
        (date(2023, 10, 2), "1"),
        (date(2023, 11, 24), "1"),
        (date(2023, 12, 20), "1"),  # a late round-1 report, weeks after the cut-off
        (date(2024, 3, 10), "2"),  # past halfway to round 2: an early round-2 report
        (date(2024, 6, 21), "2"),
        (date(2024, 8, 1), "2"),
    ],
)
def test_round_from_submission_date(submitted: date, period: str) -> None:
    cal = load_calendar(CONFIG / "phayao-2567.yaml")
    got = cal.period_for_date("tambon_assessment", submitted)
    assert got is not None and got.period == period


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2566-11-24", date(2023, 11, 24)),
        ("24 พฤศจิกายน 2566", date(2023, 11, 24)),
        ("๒๔ พ.ย. ๒๕๖๖", date(2023, 11, 24)),
    ],
)
def test_be_dates(text: str, expected: date) -> None:
    assert parse_be_date(text, where="x") == expected


@pytest.mark.parametrize("text", ["2023-11-24", "๗๐ ตุลาคม ๒๕๖๖", "2566-02-30"])
def test_bad_dates_are_rejected_with_a_fix(text: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_be_date(text, where="cal.yaml: cutoffs[0].due")
    assert "cal.yaml: cutoffs[0].due" in str(err.value)
    assert "fix:" in str(err.value)


def test_calendar_errors_name_the_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        "province: พะเยา\nfiscal_year: 2567\ncutoffs:\n  - {id: a, form: f, title: t, units: villages, due: 2566-11-24}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as err:
        load_calendar(path)
    assert f"{path}: cutoffs[0].units" in str(err.value)
    assert "districts, tambons" in str(err.value)
