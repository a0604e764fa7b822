from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.schema import SCHEMA_DIR, Reporting, load_schema


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "form.yaml").write_text(text, encoding="utf-8")
    return tmp_path


BASE = """
form: f
title: t
unit: tambon
fields: {district: {titles: [อำเภอ]}}
categories: [{number: 1, title: c}]
levels: [{level: 1, label: ต่ำ, min: 1, max: 3}]
indicators:
  - number: 1
    category: 1
    title: x
    kind: count
    bands:
"""


def test_a_gap_in_the_bands_is_a_schema_error_naming_the_value(tmp_path: Path) -> None:
    text = BASE + "      - {score: 1, label: a, ge: 0, le: 1}\n      - {score: 3, label: b, ge: 3}\n"
    with pytest.raises(ConfigError) as err:
        load_schema("form", _write(tmp_path, text))
    assert "the value 2 falls in no band" in str(err.value)
    assert "resolve" in str(err.value)


def test_an_overlap_needs_a_ruling(tmp_path: Path) -> None:
    bands = "      - {score: 1, label: a, ge: 0, le: 2}\n      - {score: 3, label: b, ge: 2}\n"
    with pytest.raises(ConfigError, match="the value 2 falls in several bands"):
        load_schema("form", _write(tmp_path, BASE + bands))
    ruled = bands + "    resolve:\n      - {ge: 2, le: 2, score: 3, note: n}\n"
    load_schema.cache_clear()
    schema = load_schema("form", _write(tmp_path, BASE + ruled))
    assert schema.indicators[0].rulings[0].score == 3


def test_unknown_schema_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="tambon_assessment"):
        load_schema("no_such_form")


def test_every_bundled_schema_loads() -> None:
    names = sorted(p.stem for p in SCHEMA_DIR.glob("*.yaml"))
    assert "tambon_assessment" in names
    for name in names:
        assert load_schema(name).fields


def test_every_bundled_schema_says_who_reports_it_and_how_many_cutoffs() -> None:
    for path in SCHEMA_DIR.glob("*.yaml"):
        assert load_schema(path.stem).calendar is not None, path.name
    assert load_schema("tambon_assessment").calendar == Reporting("tambons", "rounds")
    assert load_schema("activity3").calendar == Reporting("strong_tambons", "one")


@pytest.mark.parametrize(
    ("calendar", "where", "said"),
    [
        ("{units: district, cutoffs: one}", "calendar.units", "units 'district' is not known"),
        ("{units: districts, cutoffs: twice}", "calendar.cutoffs", "cutoffs 'twice' is not known"),
        ("{units: districts}", "calendar", "'calendar' needs exactly 'units' and 'cutoffs'"),
        ("districts", "calendar", "'calendar' needs exactly 'units' and 'cutoffs'"),
    ],
)
def test_a_bad_calendar_need_names_the_file_key_and_fix(
    tmp_path: Path, calendar: str, where: str, said: str
) -> None:
    text = "form: f\ntitle: t\nunit: district\nfields: {district: {titles: [อำเภอ]}}\n"
    with pytest.raises(ConfigError) as err:
        load_schema("form", _write(tmp_path, text + f"calendar: {calendar}\n"))
    assert err.value.message == said
    assert err.value.where == f"{tmp_path / 'form.yaml'}: {where}"
    assert err.value.fix


@pytest.mark.parametrize(
    ("field", "where", "said", "fix"),
    [
        (
            "{titles: [จำนวน], kind: number}",
            "kind",
            "kind 'number' is not known",
            "use one of: text, date, count",
        ),
        ("{titles: [จำนวน], kind: count, ge: หนึ่ง}", "ge", "the limit 'ge' is 'หนึ่ง', not a number", "ge: 1"),
        ("{titles: [จำนวน], kind: count, lt: true}", "lt", "the limit 'lt' is True, not a number", "lt: 1"),
        ("{titles: [วันที่], kind: date, ge: 1}", "ge", "a date field has no 'ge'", "count or baht"),
        ("{titles: [จำนวน], kind: count, blank: error}", "blank", "blank 'error' is not known", "missing"),
        ("{titles: [ชื่อ], blank: bad}", "blank", "a text answer is never unreadable", "blank: missing"),
    ],
)
def test_a_field_of_unknown_kind_or_bad_limit_names_the_file_key_and_fix(
    tmp_path: Path, field: str, where: str, said: str, fix: str
) -> None:
    text = f"form: f\ntitle: t\nunit: district\nfields: {{district: {{titles: [อำเภอ]}}, n: {field}}}\n"
    with pytest.raises(ConfigError) as err:
        load_schema("form", _write(tmp_path, text))
    assert err.value.message == said
    assert err.value.where == f"{tmp_path / 'form.yaml'}: fields.n.{where}"
    assert fix in str(err.value.fix)


def test_a_field_reads_its_kind_blank_and_limits(tmp_path: Path) -> None:
    text = "form: f\ntitle: t\nunit: district\nfields:\n  n: {titles: [จำนวน], kind: count, blank: missing, ge: 1, lt: 9}\n"
    spec = load_schema("form", _write(tmp_path, text)).field("n")
    assert (spec.kind, spec.blank, spec.required) == ("count", "missing", True)
    assert spec.limits is not None and spec.limits.contains(1) and not spec.limits.contains(0)
    assert not spec.limits.contains(9)
