"""Who must send a report for a cut-off: the units expected to report, by units kind.

Pure: a function of the cut-off, the province's org units and the settings.

| units kind     | one unit per                      | reported by  |
| -------------- | --------------------------------- | ------------ |
| districts      | district (4-digit code)           | the district |
| tambons        | tambon (6-digit code)             | its district |
| model_laos     | model municipality/TAO (settings) | its district |
| strong_tambons | strong tambon (settings)          | its district |
| province       | the province itself               | the province |

``district_code`` is the office that reports (and receives reminders); it is ""
for the province's own reports.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.calendar import Cutoff
from pipeline.errors import ConfigError
from pipeline.orgunits import OrgUnits
from pipeline.settings import Settings

__all__ = ["ExpectedUnit", "expected_units", "unit_label"]


@dataclass(frozen=True)
class ExpectedUnit:
    code: str  # the unit's code as statuses carry it (tambon code, district code, LAO code ...)
    name: str  # Thai name without its level word: "เวียง", "เมืองพะเยา", "เทศบาลตำบลบ้านถิ่น"
    district_code: str  # the reporting district; "" for the province
    district_name: str = ""  # that district's Thai name, for greetings and grouping


def expected_units(cutoff: Cutoff, org: OrgUnits, settings: Settings) -> list[ExpectedUnit]:
    """Every unit that must report for the cut-off, sorted by district then code."""
    kind = cutoff.units
    districts = {d.code: d.name for d in org.districts()}
    if kind == "districts":
        return [ExpectedUnit(code, name, code, name) for code, name in districts.items()]
    if kind == "tambons":
        return [
            ExpectedUnit(t.code, t.name, code, name)
            for code, name in districts.items()
            for t in org.tambons(code)
        ]
    if kind == "model_laos":
        units = []
        for lao in settings.model_laos:
            if lao.district_code not in districts:
                raise ConfigError(
                    f"model LAO '{lao.name}' names district {lao.district_code}, not a district of "
                    f"{org.province.name}",
                    where=f"{settings.path}: model_laos",
                    fix="use the 4-digit DOPA code of the district the LAO is in",
                )
            units.append(ExpectedUnit(lao.code, lao.name, lao.district_code, districts[lao.district_code]))
        return sorted(units, key=lambda u: (u.district_code, u.code))
    if kind == "strong_tambons":
        units = []
        for code in settings.strong_tambons:
            try:
                tambon = org.tambon(code)
            except KeyError:
                raise ConfigError(
                    f"strong tambon {code} is not a tambon of {org.province.name}",
                    where=f"{settings.path}: strong_tambons",
                    fix="list this year's strong tambons by their 6-digit DOPA codes",
                ) from None
            units.append(
                ExpectedUnit(tambon.code, tambon.name, tambon.parent_code, districts[tambon.parent_code])
            )
        return sorted(set(units), key=lambda u: (u.district_code, u.code))
    # "province": the province's own report, e.g. lessons learned to the department
    return [ExpectedUnit(org.province.code, org.province.name, "", "")]


_PREFIX = {
    "districts": "อำเภอ",
    "tambons": "ตำบล",
    "strong_tambons": "ตำบล",
    "province": "จังหวัด",
    "model_laos": "",
}


def unit_label(cutoff: Cutoff, unit: ExpectedUnit) -> str:
    """How a unit is named in mail: "ตำบลเวียง", "อำเภอจุน", "เทศบาลตำบลบ้านถิ่น"."""
    return f"{_PREFIX[cutoff.units]}{unit.name}"
