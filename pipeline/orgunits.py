"""Official provinces, districts and tambons (from geothai) and the resolution of typed names.

Respondents type district and tambon names by hand. ``OrgUnits`` turns what they typed into
an official unit, or says in Thai what is wrong and how to fix it in the form:

- exact: the official Thai name (any spacing, with or without ต./อำเภอ ...), the English
  name in any case, or the DOPA code. "เมือง" alone is the province's capital district.
- near: the same name once tone marks and other diacritics are removed, or one edit away
  for official names of 4 characters or more; resolved, with a warning.
- ambiguous, other_district, other_province, unknown, blank: not resolved.

A tambon is always looked up within its district: เวียง is a tambon of both เมืองพะเยา and
เชียงคำ.
"""

from __future__ import annotations

import difflib
import heapq
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Literal

import geothai
from geothai.types import District, Province, Subdistrict

from pipeline.errors import ConfigError
from pipeline.thai import clean_text, fix_place_slips, is_blank, strip_unit_prefix, to_arabic_digits

__all__ = ["OrgUnits", "Resolution", "Status", "Unit"]

Level = Literal["province", "district", "tambon"]
Status = Literal["exact", "near", "ambiguous", "other_district", "other_province", "unknown", "blank"]

BANGKOK = "10"
_PROVINCE_ALIASES = {"กทม": BANGKOK, "กรุงเทพ": BANGKOK, "อยุธยา": "14", "ayutthaya": "14"}
_CAPITAL_KEYS = frozenset({"เมือง", "mueang", "muang"})
_MEMO_LIMIT = 100_000
_MIN_EDIT_LENGTH = 4  # below this, one edit turns most names into other real names
_SUGGESTION_POOL = 8
_SUGGESTION_CUTOFF = 0.5


@dataclass(frozen=True)
class Unit:
    code: str  # DOPA: 2 digits province, 4 district, 6 tambon
    name: str  # Thai official name, e.g. "เมืองพะเยา", "เวียง"
    level: Level
    parent_code: str  # "" for a province


@dataclass(frozen=True)
class Resolution:
    unit: Unit | None
    status: Status
    message: str = ""  # Thai, for the issues list: what is wrong and how to fix it (empty for exact)
    candidates: tuple[Unit, ...] = ()


# ---------------------------------------------------------------------------
# Keys


_MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")
_NOT_IN_KEY = re.compile(r"[\s.'’()-]")
_PARENTHESISED = re.compile(r"^(.*?)\s*\((.*)\)$")
_INITIALS_AFTER_LETTER = re.compile(r"^[ตอจ]\.\s*(.+)$")


def _key(text: str) -> str:
    """Comparable form of a name: no level word, spaces, dots or hyphens; lower case."""
    return _NOT_IN_KEY.sub("", strip_unit_prefix(text)).lower()


def _skeleton(key: str) -> str:
    """The key without tone marks and other above/below marks, for spotting a missing tone."""
    return _MARKS.sub("", key)


def _input_keys(text: str) -> list[str]:
    """Keys to try for typed text, most literal first.

    strip_unit_prefix keeps a run of initials whole (the tambon "จ.ป.ร."), so "ต.จ.ป.ร." also
    needs a try without its first abbreviation.
    """
    keys = [_key(text)]
    if match := _INITIALS_AFTER_LETTER.match(text):
        keys.append(_key(match[1]))
    return [k for k in dict.fromkeys(keys) if k]


def _official_keys(name_th: str, name_en: str) -> set[str]:
    """Every exact key of an official name; "ปอภาร (ปอพาน)" is also "ปอภาร" and "ปอพาน"."""
    keys = {_key(name_th), _key(name_en)}
    if match := _PARENTHESISED.match(name_th):
        keys |= {_key(match[1]), _key(match[2])}
    return {k for k in keys if k}


def _one_edit_apart(a: str, b: str) -> bool:
    """True when one insertion, deletion or substitution turns a into b (a != b)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]


def _raw_text(raw: object) -> str:
    """A cell as text, as typed: a code typed into a numeric cell arrives as an int or a float.

    Not cleaned: a typing slip ("ํา" for "ำ") must still be visible to be reported.
    """
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw)


# ---------------------------------------------------------------------------
# An index of names within one group of units


class _Names:
    """Exact and near lookup of unit names among a set of units."""

    def __init__(self, units: Iterable[Unit], english: dict[str, str]) -> None:
        self.units = tuple(units)
        self.exact: dict[str, list[Unit]] = {}
        self.skeleton: dict[str, list[Unit]] = {}
        self.primary: dict[str, Unit] = {}  # the Thai name's key -> unit, for suggestions
        self.by_length: dict[int, list[tuple[str, Unit]]] = {}  # edit distance only looks at +-1
        self.letters: dict[str, frozenset[str]] = {}
        for unit in self.units:
            for k in _official_keys(unit.name, english.get(unit.code, "")):
                self.exact.setdefault(k, []).append(unit)
            thai = _key(unit.name)
            self.skeleton.setdefault(_skeleton(thai), []).append(unit)
            self.primary.setdefault(thai, unit)
            self.by_length.setdefault(len(thai), []).append((thai, unit))
            self.letters[thai] = frozenset(thai)

    def find_exact(self, keys: Iterable[str]) -> list[Unit]:
        for k in keys:
            if found := self.exact.get(k):
                return found
        return []

    def find_near(self, keys: Iterable[str]) -> list[Unit]:
        found: dict[str, Unit] = {}
        for k in keys:
            for unit in self.skeleton.get(_skeleton(k), []):
                found[unit.code] = unit
            for length in (len(k) - 1, len(k), len(k) + 1):
                for thai, unit in self.by_length.get(length, []):
                    if length >= _MIN_EDIT_LENGTH and _one_edit_apart(k, thai):
                        found[unit.code] = unit
        return sorted(found.values(), key=lambda u: u.code)

    def closest(self, keys: Iterable[str], n: int = 3) -> list[Unit]:
        """Up to n units whose Thai names look most like the text, best first.

        A cheap count of shared letters picks a few names; only those get the full
        SequenceMatcher ratio, which keeps a sheet full of unknown names fast.
        """
        scored: dict[str, float] = {}
        for k in keys:
            letters = set(k)
            shared = {thai: len(letters & own) for thai, own in self.letters.items()}
            pool = heapq.nlargest(_SUGGESTION_POOL, shared, key=shared.__getitem__)
            for thai in difflib.get_close_matches(k, pool, n=n, cutoff=_SUGGESTION_CUTOFF):
                ratio = difflib.SequenceMatcher(None, k, thai).ratio()
                scored[thai] = max(ratio, scored.get(thai, 0.0))
        best = sorted(scored, key=lambda t: (-scored[t], self.primary[t].code))[:n]
        return [self.primary[t] for t in best]


# ---------------------------------------------------------------------------
# Country-wide data, loaded once


def _unit_from(code: str, name: str) -> Unit:
    level: Level = "province" if len(code) == 2 else "district" if len(code) == 4 else "tambon"
    return Unit(code, name, level, code[:-2])


@cache
def _english_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for p in geothai.provinces():
        names[p.code] = p.name_en
        for d in geothai.districts(p.code):
            names[d.code] = d.name_en
            for s in geothai.subdistricts(d.code):
                names[s.code] = s.name_en
    return names


@cache
def _country(level: Level) -> _Names:
    """Every unit of one level in the country, for "it is in another province"."""
    provinces = [_unit_from(p.code, p.name_th) for p in geothai.provinces()]
    units = provinces
    if level != "province":
        units = [_unit_from(d.code, d.name_th) for p in provinces for d in geothai.districts(p.code)]
    if level == "tambon":
        units = [_unit_from(s.code, s.name_th) for d in units for s in geothai.subdistricts(d.code)]
    return _Names(units, _english_names())


def _unit_by_code(code: str) -> Unit | None:
    area: Province | District | Subdistrict | None
    if len(code) == 2:
        area = geothai.province(code)
    elif len(code) == 4:
        area = geothai.district(code)
    elif len(code) == 6:
        area = geothai.subdistrict(code)
    else:
        return None
    return None if area is None else _unit_from(area.code, area.name_th)


def _code_in(text: str, length: int) -> str | None:
    """The DOPA code when the text is one (Thai digits allowed)."""
    digits = to_arabic_digits(text).replace(" ", "")
    return digits if len(digits) == length and digits.isascii() and digits.isdigit() else None


# ---------------------------------------------------------------------------
# Thai wording


def _province_label(unit: Unit) -> str:
    return "กรุงเทพมหานคร" if unit.code == BANGKOK else f"จังหวัด{unit.name}"


def _district_label(unit: Unit) -> str:
    # geothai's Bangkok district names already start with "เขต".
    return unit.name if unit.code.startswith(BANGKOK) else f"อำเภอ{unit.name}"


def _tambon_label(unit: Unit) -> str:
    return f"แขวง{unit.name}" if unit.code.startswith(BANGKOK) else f"ตำบล{unit.name}"


def _full_place(unit: Unit) -> str:
    """ "ตำบลริมกก อำเภอเมืองเชียงราย จังหวัดเชียงราย" for a unit anywhere in the country."""
    parts: list[str] = []
    for length, label in ((6, _tambon_label), (4, _district_label)):
        if len(unit.code) >= length and (found := _unit_by_code(unit.code[:length])) is not None:
            parts.append(label(found))
    if (province := _unit_by_code(unit.code[:2])) is not None:
        parts.append(_province_label(province))
    return " ".join(parts)


def _listing(units: Iterable[Unit], label: Callable[[Unit], str]) -> str:
    return ", ".join(label(u) for u in units)


# ---------------------------------------------------------------------------
# One province


class OrgUnits:
    """The districts and tambons of one province, with name resolution.

    Build it with ``OrgUnits.for_province``; instances are cached and safe to share.
    """

    def __init__(self, province: Unit, districts: Iterable[Unit], tambons: Iterable[Unit]) -> None:
        self.province = province
        english = _english_names()
        self._districts = {u.code: u for u in sorted(districts, key=lambda u: u.code)}
        self._tambons = {u.code: u for u in sorted(tambons, key=lambda u: u.code)}
        self._district_names = _Names(self._districts.values(), english)
        self._tambon_names = _Names(self._tambons.values(), english)
        self._tambon_names_by_district = {
            code: _Names((t for t in self._tambons.values() if t.parent_code == code), english)
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
        place = _district_label(unit) if unit.level == "district" else self._in_district(unit)
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
        keys = _input_keys(text)
        if code := _code_in(text, 4):
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
        if code := _code_in(text, 6):
            return self._tambon_by_code(text, code, district_code)
        keys = _input_keys(text)
        found = names.find_exact(keys)
        if len(found) == 1:
            return Resolution(found[0], "exact")
        if found:
            return Resolution(None, "ambiguous", self._several_districts(text, found), tuple(found))
        if district_code is not None and (elsewhere := self._tambon_names.find_exact(keys)):
            return self._other_district(text, elsewhere, names.find_near(keys), district_code)
        if near := names.find_near(keys):
            return self._near_tambon(text, near)
        if elsewhere := _country("tambon").find_exact(keys):
            return self._other_province(text, elsewhere)
        return self._unknown_tambon(text, keys, names, district_code)

    # -- district outcomes --------------------------------------------------

    def _district_by_code(self, text: str, code: str) -> Resolution:
        if code in self._districts:
            return Resolution(self._districts[code], "exact")
        if (elsewhere := _unit_by_code(code)) is not None:
            return self._other_province(text, [elsewhere])
        return Resolution(
            None,
            "unknown",
            f'ไม่พบรหัสอำเภอ "{text}" ใน{_province_label(self.province)} — '
            "โปรดกรอกชื่ออำเภอหรือรหัสอำเภอ 4 หลักให้ถูกต้อง",
        )

    def _district_not_exact(self, text: str, keys: list[str]) -> Resolution:
        near = self._district_names.find_near(keys)
        if len(near) == 1:
            official = near[0]
            return Resolution(
                official,
                "near",
                f'ชื่ออำเภอ "{text}" สะกดไม่ตรงกับชื่อทางการ ระบบถือว่าเป็น{_district_label(official)} — '
                f'โปรดแก้ไขในแบบฟอร์มเป็น "{official.name}"',
                (official,),
            )
        if near:
            return Resolution(
                None,
                "ambiguous",
                f'ชื่ออำเภอ "{text}" ใกล้เคียงกับหลายอำเภอ ({_listing(near, _district_label)}) — '
                "โปรดแก้ไขชื่ออำเภอในแบบฟอร์มให้ตรงกับชื่อทางการ",
                tuple(near),
            )
        if elsewhere := _country("district").find_exact(keys):
            return self._other_province(text, elsewhere)
        suggestions = self._district_names.closest(keys)
        hint = f" (ชื่อใกล้เคียง: {_listing(suggestions, _district_label)})" if suggestions else ""
        return Resolution(
            None,
            "unknown",
            f'ไม่พบอำเภอ "{text}" ใน{_province_label(self.province)} — โปรดตรวจสอบการสะกดชื่ออำเภอ{hint}',
            tuple(suggestions),
        )

    # -- tambon outcomes ----------------------------------------------------

    def _tambon_by_code(self, text: str, code: str, district_code: str | None) -> Resolution:
        unit = self._tambons.get(code)
        if unit is not None and district_code in (None, unit.parent_code):
            return Resolution(unit, "exact")
        if unit is not None and district_code is not None:
            return self._other_district(text, [unit], [], district_code)
        if (elsewhere := _unit_by_code(code)) is not None:
            return self._other_province(text, [elsewhere])
        return Resolution(
            None,
            "unknown",
            f'ไม่พบรหัสตำบล "{text}" ใน{_province_label(self.province)} — '
            "โปรดกรอกชื่อตำบลหรือรหัสตำบล 6 หลักให้ถูกต้อง",
        )

    def _in_district(self, tambon: Unit) -> str:
        return f"{_tambon_label(tambon)} {_district_label(self._districts[tambon.parent_code])}"

    def _several_districts(self, text: str, found: list[Unit]) -> str:
        return (
            f'มีตำบล "{text}" มากกว่าหนึ่งแห่ง ({_listing(found, self._in_district)}) — '
            "โปรดระบุอำเภอในแบบฟอร์มเพื่อให้ทราบว่าเป็นตำบลใด"
        )

    def _near_tambon(self, text: str, near: list[Unit]) -> Resolution:
        if len(near) == 1:
            official = near[0]
            return Resolution(
                official,
                "near",
                f'ชื่อตำบล "{text}" สะกดไม่ตรงกับชื่อทางการ ระบบถือว่าเป็น{self._in_district(official)} — '
                f'โปรดแก้ไขในแบบฟอร์มเป็น "{official.name}"',
                (official,),
            )
        return Resolution(
            None,
            "ambiguous",
            f'ชื่อตำบล "{text}" ใกล้เคียงกับหลายตำบล ({_listing(near, self._in_district)}) — '
            "โปรดแก้ไขชื่อตำบลในแบบฟอร์มให้ตรงกับชื่อทางการ",
            tuple(near),
        )

    def _other_district(
        self, text: str, elsewhere: list[Unit], near_here: list[Unit], district_code: str
    ) -> Resolution:
        given = _district_label(self._districts[district_code])
        where = _listing(elsewhere, self._in_district)
        also = f' หรือหากหมายถึง "{near_here[0].name}" โปรดแก้ไขการสะกด' if len(near_here) == 1 else ""
        return Resolution(
            None,
            "other_district",
            f'ตำบล "{text}" ไม่อยู่ใน{given} แต่พบเป็น{where} — โปรดตรวจสอบว่าเลือกอำเภอถูกต้องหรือไม่{also}',
            tuple(elsewhere),
        )

    def _other_province(self, text: str, elsewhere: list[Unit]) -> Resolution:
        level = "อำเภอ" if elsewhere[0].level == "district" else "ตำบล"
        places = ", ".join(_full_place(u) for u in elsewhere[:3])
        more = f" และอีก {len(elsewhere) - 3} แห่ง" if len(elsewhere) > 3 else ""
        return Resolution(
            None,
            "other_province",
            f'{level} "{text}" ไม่อยู่ใน{_province_label(self.province)} (พบที่ {places}{more}) — '
            f"โปรดตรวจสอบชื่อ{level}ในแบบฟอร์ม",
            tuple(elsewhere),
        )

    def _unknown_tambon(
        self, text: str, keys: list[str], names: _Names, district_code: str | None
    ) -> Resolution:
        area = (
            _province_label(self.province)
            if district_code is None
            else f"{_district_label(self._districts[district_code])} {_province_label(self.province)}"
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
    if (code := _code_in(text, 2)) and geothai.province(code) is not None:
        return code
    provinces = _country("province")
    keys = _input_keys(text)
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
    english = _english_names()
    names = {_key(p.name): p for p in _country("province").units}
    names |= {_key(english[p.code]): p for p in _country("province").units}
    found: dict[str, None] = {}
    for k in keys:
        for match in difflib.get_close_matches(k, names, n=3, cutoff=0.6):
            p = names[match]
            found[f"{p.name} ({english[p.code]}, {p.code})"] = None
    return list(found)[:3]


@cache
def _for_province_code(code: str) -> OrgUnits:
    province = _unit_by_code(code)
    if province is None:
        raise KeyError(code)
    districts = [_unit_from(d.code, d.name_th) for d in geothai.districts(code)]
    tambons = [_unit_from(s.code, s.name_th) for d in districts for s in geothai.subdistricts(d.code)]
    return OrgUnits(province, districts, tambons)
