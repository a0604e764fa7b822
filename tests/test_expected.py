from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipeline.calendar import Cutoff, UnitKind
from pipeline.errors import ConfigError
from pipeline.expected import ExpectedUnit, expected_units, unit_label
from pipeline.orgunits import OrgUnits
from pipeline.settings import ModelLao, Settings

ORG = OrgUnits.for_province("56")


def settings(**extra: object) -> Settings:
    return Settings(
        path=Path("config/pipeline.yaml"),
        province_code="56",
        province_name="พะเยา",
        fiscal_year=2567,
        timezone="Asia/Bangkok",
        backend="local",
        data_dir=Path("data"),
        state_db=Path("state.sqlite"),
        calendar=Path("calendar.yaml"),
        sources={},
        output_spreadsheet="summary",
        **extra,  # type: ignore[arg-type]
    )


def cutoff(units: UnitKind) -> Cutoff:
    return Cutoff(id=f"c-{units}", form="f", title="t", units=units, due=date(2023, 11, 24))


def test_districts_report_for_themselves() -> None:
    units = expected_units(cutoff("districts"), ORG, settings())
    assert [u.code for u in units] == [f"56{n:02d}" for n in range(1, 10)]
    assert all(u.district_code == u.code for u in units)
    assert units[0] == ExpectedUnit("5601", "เมืองพะเยา", "5601", "เมืองพะเยา")


def test_tambons_are_reported_by_their_district() -> None:
    units = expected_units(cutoff("tambons"), ORG, settings())
    assert len(units) == len(ORG.tambons()) == 68
    assert all(len(u.code) == 6 and u.district_code == u.code[:4] for u in units)
    # the same name in two districts stays two units, each under its own district
    wiang = [(u.code, u.district_name) for u in units if u.name == "เวียง"]
    assert wiang == [("560101", "เมืองพะเยา"), ("560307", "เชียงคำ")]


def test_model_laos_come_from_the_settings() -> None:
    laos = (
        ModelLao("5607:เทศบาลตำบลแม่ใจ", "เทศบาลตำบลแม่ใจ", "5607"),
        ModelLao("L1", "เทศบาลเมืองพะเยา", "5601"),
    )
    units = expected_units(cutoff("model_laos"), ORG, settings(model_laos=laos))
    assert units == [
        ExpectedUnit("L1", "เทศบาลเมืองพะเยา", "5601", "เมืองพะเยา"),
        ExpectedUnit("5607:เทศบาลตำบลแม่ใจ", "เทศบาลตำบลแม่ใจ", "5607", "แม่ใจ"),
    ]
    with pytest.raises(ConfigError, match="not a district"):
        expected_units(cutoff("model_laos"), ORG, settings(model_laos=(ModelLao("x", "อบต.x", "5701"),)))


def test_strong_tambons_come_from_the_settings() -> None:
    units = expected_units(
        cutoff("strong_tambons"), ORG, settings(strong_tambons=("560307", "560101", "560101"))
    )
    assert [(u.code, u.district_code) for u in units] == [("560101", "5601"), ("560307", "5603")]
    with pytest.raises(ConfigError, match="570101"):
        expected_units(cutoff("strong_tambons"), ORG, settings(strong_tambons=("570101",)))


def test_the_province_reports_for_itself() -> None:
    assert expected_units(cutoff("province"), ORG, settings()) == [ExpectedUnit("56", "พะเยา", "", "")]


@pytest.mark.parametrize(
    ("units", "unit", "label"),
    [
        ("districts", ExpectedUnit("5602", "จุน", "5602"), "อำเภอจุน"),
        ("tambons", ExpectedUnit("560101", "เวียง", "5601"), "ตำบลเวียง"),
        ("strong_tambons", ExpectedUnit("560101", "เวียง", "5601"), "ตำบลเวียง"),
        ("model_laos", ExpectedUnit("L1", "เทศบาลตำบลบ้านถิ่น", "5601"), "เทศบาลตำบลบ้านถิ่น"),
        ("province", ExpectedUnit("56", "พะเยา", ""), "จังหวัดพะเยา"),
    ],
)
def test_unit_label(units: UnitKind, unit: ExpectedUnit, label: str) -> None:
    assert unit_label(cutoff(units), unit) == label
