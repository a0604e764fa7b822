"""Official provinces, districts and tambons (from geothai) and the resolution of typed names.

Respondents type district and tambon names by hand. ``OrgUnits`` turns what they typed into
an official unit, or says in Thai what is wrong and how to fix it in the form:

- exact: the official Thai name (any spacing, with or without ต./อำเภอ ...), the English
  name in any case, or the DOPA code. "เมือง" alone is the province's capital district.
- near: the same name once tone marks and other diacritics are removed, or one edit away
  for official names of 4 characters or more; resolved, with a warning.
- ambiguous, other_district, other_province, unknown, blank: not resolved.

A tambon is always looked up within its district: เวียง is a tambon of both เมืองพะเยา and
เชียงคำ. The keys, the name index and the Thai labels are in ``pipeline.orgunit_names``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Literal

import geothai

from pipeline.errors import ConfigError
from pipeline.orgunit_names import (
    BANGKOK,
    Level,
    NameIndex,
    Unit,
    code_in,
    country,
    district_label,
    english_names,
    full_place,
    input_keys,
    listing,
    name_key,
    province_label,
    tambon_label,
    unit_by_code,
    unit_from,
)
from pipeline.thai import clean_text, fix_place_slips, is_blank

__all__ = ["OrgUnits", "Resolution", "Status", "Unit"]

Status = Literal["exact", "near", "ambiguous", "other_district", "other_province", "unknown", "blank"]

_PROVINCE_ALIASES = {"กทม": BANGKOK, "กรุงเทพ": BANGKOK, "อยุธยา": "14", "ayutthaya": "14"}
_CAPITAL_KEYS = frozenset({"เมือง", "mueang", "muang"})
_MEMO_LIMIT = 100_000


@dataclass(frozen=True)
class Resolution:
    unit: Unit | None
    status: Status
    message: str = ""  # Thai, for the issues list: what is wrong and how to fix it (empty for exact)
    candidates: tuple[Unit, ...] = ()


def _raw_text(raw: object) -> str:
    """A cell as text, as typed: a code typed into a numeric cell arrives as an int or a float.

    Not cleaned: a typing slip ("ํา" for "ำ") must still be visible to be reported.
    """
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw)


# ---------------------------------------------------------------------------
# One province


class OrgUnits:
    """The districts and tambons of one province, with name resolution.

    Build it with ``OrgUnits.for_province``; instances are cached and safe to share.
    """

    def __init__(self, province: Unit, districts: Iterable[Unit], tambons: Iterable[Unit]) -> None:
        self.province = province
        english = english_names()
        self._districts = {u.code: u for u in sorted(districts, key=lambda u: u.code)}
        self._tambons = {u.code: u for u in sorted(tambons, key=lambda u: u.code)}
        self._district_names = NameIndex(self._districts.values(), english)
        self._tambon_names = NameIndex(self._tambons.values(), english)
        self._tambon_names_by_district = {
            code: NameIndex((t for t in self._tambons.values() if t.parent_code == code), english)
            for code in self._districts
        }
        # "อ.เมือง" is the capital district, always XX01; Bangkok has none (1001 is เขตพระนคร).
        self._capital = None if province.code == BANGKOK else self._districts.get(province.code + "01")
        # Sheets repeat the same few names thousands of times; results are immutable.
        self._memo: dict[tuple[str, Level, str | None], Resolution] = {}

    @classmethod
    def for_province(cls, name_or_code: str) -> OrgUnits:
        """ "56", "๕๖", "พะเยา", "จ.พะเยา", "Phayao". ConfigError naming close provinces."""
        return _for_province_code(_province_code(name_or_code))

    # -- listing ------------------------------------------------------------

    def districts(self) -> list[Unit]:
        return list(self._districts.values())

    def tambons(self, district_code: str | None = None) -> list[Unit]:
        """All tambons of the province, or of one of its districts (KeyError if not one)."""
        if district_code is None:
            return list(self._tambons.values())
        return list(self._tambon_names_by_district[district_code].units)

    def district(self, code: str) -> Unit:
        return self._districts[code]

    def tambon(self, code: str) -> Unit:
        return self._tambons[code]

    # -- resolution ---------------------------------------------------------

    def resolve_district(self, raw: object) -> Resolution:
        text = "" if is_blank(raw) else _raw_text(raw)
        return self._memoised(text, "district", None)

    def resolve_tambon(self, raw: object, district_code: str | None) -> Resolution:
        """Resolve a tambon within district_code (KeyError if not a district of this
        province), or anywhere in the province when district_code is None."""
        if district_code is not None and district_code not in self._districts:
            raise KeyError(district_code)
        text = "" if is_blank(raw) else _raw_text(raw)
        return self._memoised(text, "tambon", district_code)

    def _memoised(self, text: str, level: Level, district_code: str | None) -> Resolution:
        memo_key = (text, level, district_code)
        found = self._memo.get(memo_key)
        if found is None:
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo.clear()
            found = self._with_slips(text, level, district_code)
            self._memo[memo_key] = found
        return found

    def _resolve(self, text: str, level: Level, district_code: str | None) -> Resolution:
        if level == "district":
            return self._resolve_district(text)
        return self._resolve_tambon(text, district_code)

    def _with_slips(self, typed: str, level: Level, district_code: str | None) -> Resolution:
        """Resolve typed text; a name found once its typing slips are corrected is a near
        match whose warning names the slips and the official spelling."""
        text = clean_text(typed)
        fixed, slips = fix_place_slips(typed, tambon=level == "tambon")
        if slips:
            res = self._resolve(clean_text(fixed), level, district_code)
            if res.unit is not None:
                return self._slip(text, res, slips)
        return self._resolve(text, level, district_code)

    def _slip(self, text: str, res: Resolution, slips: tuple[str, ...]) -> Resolution:
        assert res.unit is not None
        unit, what = res.unit, "อำเภอ" if res.unit.level == "district" else "ตำบล"
        place = district_label(unit) if unit.level == "district" else self._in_district(unit)
        return Resolution(
            unit,
            "near",
            f'ชื่อ{what} "{text}" พิมพ์ไม่ตรงกับชื่อทางการ ({"; ".join(slips)}) ระบบถือว่าเป็น{place} — '
            f'โปรดแก้ไขในแบบฟอร์มเป็น "{unit.name}"',
            (unit,),
        )

    def _resolve_district(self, text: str) -> Resolution:
        if not text:
            return Resolution(None, "blank", "ไม่ได้กรอกชื่ออำเภอ — โปรดระบุอำเภอในแบบฟอร์ม")
        keys = input_keys(text)
        if code := code_in(text, 4):
            return self._district_by_code(text, code)
        if self._capital is not None and _CAPITAL_KEYS.intersection(keys):
            return Resolution(self._capital, "exact")
        if found := self._district_names.find_exact(keys):
            return Resolution(found[0], "exact")
        return self._district_not_exact(text, keys)

    def _resolve_tambon(self, text: str, district_code: str | None) -> Resolution:
        names = self._tambon_names if district_code is None else self._tambon_names_by_district[district_code]
        if not text:
            return Resolution(None, "blank", "ไม่ได้กรอกชื่อตำบล — โปรดระบุตำบลในแบบฟอร์ม")
        if code := code_in(text, 6):
            return self._tambon_by_code(text, code, district_code)
        keys = input_keys(text)
        found = names.find_exact(keys)
        if len(found) == 1:
            return Resolution(found[0], "exact")
        if found:
            return Resolution(None, "ambiguous", self._several_districts(text, found), tuple(found))
        if district_code is not None and (elsewhere := self._tambon_names.find_exact(keys)):
            return self._other_district(text, elsewhere, names.find_near(keys), district_code)
        if near := names.find_near(keys):
            return self._near(text, near, "ตำบล", self._in_district)
        if elsewhere := country("tambon").find_exact(keys):
            return self._other_province(text, elsewhere)
        return self._unknown_tambon(text, keys, names, district_code)

    # -- district outcomes --------------------------------------------------

    def _district_by_code(self, text: str, code: str) -> Resolution:
        if code in self._districts:
            return Resolution(self._districts[code], "exact")
        if (elsewhere := unit_by_code(code)) is not None:
            return self._other_province(text, [elsewhere])
        return Resolution(
            None,
            "unknown",
            f'ไม่พบรหัสอำเภอ "{text}" ใน{province_label(self.province)} — '
            "โปรดกรอกชื่ออำเภอหรือรหัสอำเภอ 4 หลักให้ถูกต้อง",
        )

    def _district_not_exact(self, text: str, keys: list[str]) -> Resolution:
        if near := self._district_names.find_near(keys):
            return self._near(text, near, "อำเภอ", district_label)
        if elsewhere := country("district").find_exact(keys):
            return self._other_province(text, elsewhere)
        suggestions = self._district_names.closest(keys)
        hint = f" (ชื่อใกล้เคียง: {listing(suggestions, district_label)})" if suggestions else ""
        return Resolution(
            None,
            "unknown",
            f'ไม่พบอำเภอ "{text}" ใน{province_label(self.province)} — โปรดตรวจสอบการสะกดชื่ออำเภอ{hint}',
            tuple(suggestions),
        )

    # -- tambon outcomes ----------------------------------------------------

    def _tambon_by_code(self, text: str, code: str, district_code: str | None) -> Resolution:
        unit = self._tambons.get(code)
        if unit is not None and district_code in (None, unit.parent_code):
            return Resolution(unit, "exact")
        if unit is not None and district_code is not None:
            return self._other_district(text, [unit], [], district_code)
        if (elsewhere := unit_by_code(code)) is not None:
            return self._other_province(text, [elsewhere])
        return Resolution(
            None,
            "unknown",
            f'ไม่พบรหัสตำบล "{text}" ใน{province_label(self.province)} — โปรดกรอกชื่อตำบลหรือรหัสตำบล 6 หลักให้ถูกต้อง',
        )

    def _in_district(self, tambon: Unit) -> str:
        return f"{tambon_label(tambon)} {district_label(self._districts[tambon.parent_code])}"

    def _several_districts(self, text: str, found: list[Unit]) -> str:
        return (
            f'มีตำบล "{text}" มากกว่าหนึ่งแห่ง ({listing(found, self._in_district)}) — '
            "โปรดระบุอำเภอในแบบฟอร์มเพื่อให้ทราบว่าเป็นตำบลใด"
        )

    def _near(self, text: str, near: list[Unit], what: str, label: Callable[[Unit], str]) -> Resolution:
        """A name one slip from an official one: that unit, with a warning; near several: none."""
        if len(near) == 1:
            official = near[0]
            return Resolution(
                official,
                "near",
                f'ชื่อ{what} "{text}" สะกดไม่ตรงกับชื่อทางการ ระบบถือว่าเป็น{label(official)} — '
                f'โปรดแก้ไขในแบบฟอร์มเป็น "{official.name}"',
                (official,),
            )
        return Resolution(
            None,
            "ambiguous",
            f'ชื่อ{what} "{text}" ใกล้เคียงกับหลาย{what} ({listing(near, label)}) — '
            f"โปรดแก้ไขชื่อ{what}ในแบบฟอร์มให้ตรงกับชื่อทางการ",
            tuple(near),
        )

    def _other_district(
        self, text: str, elsewhere: list[Unit], near_here: list[Unit], district_code: str
    ) -> Resolution:
        given = district_label(self._districts[district_code])
        where = listing(elsewhere, self._in_district)
        also = f' หรือหากหมายถึง "{near_here[0].name}" โปรดแก้ไขการสะกด' if len(near_here) == 1 else ""
        return Resolution(
            None,
            "other_district",
            f'ตำบล "{text}" ไม่อยู่ใน{given} แต่พบเป็น{where} — โปรดตรวจสอบว่าเลือกอำเภอถูกต้องหรือไม่{also}',
            tuple(elsewhere),
        )

    def _other_province(self, text: str, elsewhere: list[Unit]) -> Resolution:
        level = "อำเภอ" if elsewhere[0].level == "district" else "ตำบล"
        places = ", ".join(full_place(u) for u in elsewhere[:3])
        more = f" และอีก {len(elsewhere) - 3} แห่ง" if len(elsewhere) > 3 else ""
        return Resolution(
            None,
            "other_province",
            f'{level} "{text}" ไม่อยู่ใน{province_label(self.province)} (พบที่ {places}{more}) — '
            f"โปรดตรวจสอบชื่อ{level}ในแบบฟอร์ม",
            tuple(elsewhere),
        )

    def _unknown_tambon(
        self, text: str, keys: list[str], names: NameIndex, district_code: str | None
    ) -> Resolution:
        area = (
            province_label(self.province)
            if district_code is None
            else f"{district_label(self._districts[district_code])} {province_label(self.province)}"
        )
        suggestions = names.closest(keys)
        hint = f" (ชื่อใกล้เคียง: {', '.join(u.name for u in suggestions)})" if suggestions else ""
        return Resolution(
            None,
            "unknown",
            f'ไม่พบตำบล "{text}" ใน{area} — โปรดตรวจสอบการสะกดชื่อตำบล{hint}',
            tuple(suggestions),
        )


# ---------------------------------------------------------------------------
# Finding the province


def _province_code(name_or_code: str) -> str:
    text = clean_text(name_or_code)
    if (code := code_in(text, 2)) and geothai.province(code) is not None:
        return code
    provinces = country("province")
    keys = input_keys(text)
    if found := provinces.find_exact(keys):
        return found[0].code
    for k in keys:
        if k in _PROVINCE_ALIASES:
            return _PROVINCE_ALIASES[k]
    close = _close_provinces(keys)
    hint = f"; close names: {', '.join(close)}" if close else ""
    raise ConfigError(
        f'unknown province "{name_or_code}"{hint}',
        fix="give the province's DOPA code (e.g. 56) or its Thai or English name (e.g. พะเยา, Phayao)",
    )


def _close_provinces(keys: list[str]) -> list[str]:
    english = english_names()
    names = {name_key(p.name): p for p in country("province").units}
    names |= {name_key(english[p.code]): p for p in country("province").units}
    found: dict[str, None] = {}
    for k in keys:
        for match in difflib.get_close_matches(k, names, n=3, cutoff=0.6):
            p = names[match]
            found[f"{p.name} ({english[p.code]}, {p.code})"] = None
    return list(found)[:3]


@cache
def _for_province_code(code: str) -> OrgUnits:
    province = unit_by_code(code)
    if province is None:
        raise KeyError(code)
    districts = [unit_from(d.code, d.name_th) for d in geothai.districts(code)]
    tambons = [unit_from(s.code, s.name_th) for d in districts for s in geothai.subdistricts(d.code)]
    return OrgUnits(province, districts, tambons)
