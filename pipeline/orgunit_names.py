"""The names of official units: keys that compare typed names, an index for exact and near
lookup, the country's provinces, districts and tambons (from geothai), and their Thai labels.

`pipeline.orgunits` resolves what respondents typed with these.
"""

from __future__ import annotations

import difflib
import heapq
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Literal

import geothai
from geothai.types import District, Province, Subdistrict

from pipeline.thai import strip_unit_prefix, to_arabic_digits

Level = Literal["province", "district", "tambon"]

BANGKOK = "10"
_MIN_EDIT_LENGTH = 4  # below this, one edit turns most names into other real names
_SUGGESTION_POOL = 8
_SUGGESTION_CUTOFF = 0.5


@dataclass(frozen=True)
class Unit:
    code: str  # DOPA: 2 digits province, 4 district, 6 tambon
    name: str  # Thai official name, e.g. "เมืองพะเยา", "เวียง"
    level: Level
    parent_code: str  # "" for a province


# ---------------------------------------------------------------------------
# Keys


_MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")
_NOT_IN_KEY = re.compile(r"[\s.'’()-]")
_PARENTHESISED = re.compile(r"^(.*?)\s*\((.*)\)$")
_INITIALS_AFTER_LETTER = re.compile(r"^[ตอจ]\.\s*(.+)$")


def name_key(text: str) -> str:
    """Comparable form of a name: no level word, spaces, dots or hyphens; lower case."""
    return _NOT_IN_KEY.sub("", strip_unit_prefix(text)).lower()


def _skeleton(key: str) -> str:
    """The key without tone marks and other above/below marks, for spotting a missing tone."""
    return _MARKS.sub("", key)


def input_keys(text: str) -> list[str]:
    """Keys to try for typed text, most literal first.

    strip_unit_prefix keeps a run of initials whole (the tambon "จ.ป.ร."), so "ต.จ.ป.ร." also
    needs a try without its first abbreviation.
    """
    keys = [name_key(text)]
    if match := _INITIALS_AFTER_LETTER.match(text):
        keys.append(name_key(match[1]))
    return [k for k in dict.fromkeys(keys) if k]


@dataclass(frozen=True)
class _Keys:
    official: tuple[str, ...]  # every exact key
    thai: str  # the Thai name's key
    skeleton: str  # that key without marks


@cache  # the country's official names: a province's run of many puts each in 2-3 indexes
def _keys_of(name_th: str, name_en: str) -> _Keys:
    """Every exact key of an official name ("ปอภาร (ปอพาน)" is also "ปอภาร" and "ปอพาน"), and its near-lookup keys."""
    keys = {name_key(name_th), name_key(name_en)}
    if match := _PARENTHESISED.match(name_th):
        keys |= {name_key(match[1]), name_key(match[2])}
    thai = name_key(name_th)
    return _Keys(tuple(sorted(k for k in keys if k)), thai, _skeleton(thai))


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


def _deletions(key: str) -> set[str]:
    """The key, and the key with any one of its characters deleted."""
    return {key, *(key[:i] + key[i + 1 :] for i in range(len(key)))}


# ---------------------------------------------------------------------------
# An index of names within one group of units


class NameIndex:
    """Exact and near lookup of unit names among a set of units (exact only when `near` is False:
    the country-wide indexes answer "it is in another province" and nothing else, and skipping
    the near-lookup tables there saves most of their cost)."""

    def __init__(self, units: Iterable[Unit], english: dict[str, str], near: bool = True) -> None:
        self.units = tuple(units)
        self.exact: dict[str, list[Unit]] = {}
        self.skeleton: dict[str, list[Unit]] = {}
        self.primary: dict[str, Unit] = {}  # the Thai name's key -> unit, for suggestions
        self.editable: list[tuple[str, Unit]] = []  # Thai keys long enough for a one-edit match
        self._deletions: dict[str, list[tuple[str, Unit]]] | None = None
        self._letter_sets: dict[str, frozenset[str]] | None = None
        for unit in self.units:
            keys = _keys_of(unit.name, english.get(unit.code, ""))
            for k in keys.official:
                self.exact.setdefault(k, []).append(unit)
            if not near:
                continue
            thai = keys.thai
            self.skeleton.setdefault(keys.skeleton, []).append(unit)
            self.primary.setdefault(thai, unit)
            if len(thai) >= _MIN_EDIT_LENGTH:
                self.editable.append((thai, unit))

    def find_exact(self, keys: Iterable[str]) -> list[Unit]:
        for k in keys:
            if found := self.exact.get(k):
                return found
        return []

    def find_near(self, keys: Iterable[str]) -> list[Unit]:
        """Units whose Thai name is the key without its tone and other marks, or one insertion,
        deletion or substitution away from it (names of 4 characters or more)."""
        found: dict[str, Unit] = {}
        for k in keys:
            for unit in self.skeleton.get(_skeleton(k), []):
                found[unit.code] = unit
            for thai, unit in self._one_edit_candidates(k):
                if _one_edit_apart(k, thai):
                    found[unit.code] = unit
        return sorted(found.values(), key=lambda u: u.code)

    def _one_edit_candidates(self, key: str) -> Iterator[tuple[str, Unit]]:
        """Every name one edit from the key, and a few more, without comparing it with every name.

        Names are indexed whole and with each one character deleted: a name one insertion
        from the key is one of its deletions, one deletion from it has it as a deletion, and
        one substitution from it shares the deletion at that place. Built on the first near
        lookup: most indexes never need one.
        """
        index = self._deletions
        if index is None:
            index = self._deletions = {}
            for thai, unit in self.editable:
                for variant in _deletions(thai):
                    index.setdefault(variant, []).append((thai, unit))
        for variant in _deletions(key):
            yield from index.get(variant, ())

    def _letters(self) -> dict[str, frozenset[str]]:
        """Each Thai name's letters, for suggestions: made on the first unknown name."""
        if self._letter_sets is None:
            self._letter_sets = {thai: frozenset(thai) for thai in self.primary}
        return self._letter_sets

    def closest(self, keys: Iterable[str], n: int = 3) -> list[Unit]:
        """Up to n units whose Thai names look most like the text, best first.

        A cheap count of shared letters picks a few names; only those get the full
        SequenceMatcher ratio, which keeps a sheet full of unknown names fast.
        """
        scored: dict[str, float] = {}
        for k in keys:
            letters = set(k)
            shared = {thai: len(letters & own) for thai, own in self._letters().items()}
            pool = heapq.nlargest(_SUGGESTION_POOL, shared, key=shared.__getitem__)
            for thai in difflib.get_close_matches(k, pool, n=n, cutoff=_SUGGESTION_CUTOFF):
                ratio = difflib.SequenceMatcher(None, k, thai).ratio()
                scored[thai] = max(ratio, scored.get(thai, 0.0))
        best = sorted(scored, key=lambda t: (-scored[t], self.primary[t].code))[:n]
        return [self.primary[t] for t in best]


# ---------------------------------------------------------------------------
# Country-wide data, loaded once


def unit_from(code: str, name: str) -> Unit:
    level: Level = "province" if len(code) == 2 else "district" if len(code) == 4 else "tambon"
    return Unit(code, name, level, code[:-2])


@cache
def english_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for p in geothai.provinces():
        names[p.code] = p.name_en
        for d in geothai.districts(p.code):
            names[d.code] = d.name_en
            for s in geothai.subdistricts(d.code):
                names[s.code] = s.name_en
    return names


@cache
def country(level: Level) -> NameIndex:
    """Every unit of one level in the country, for "it is in another province" (exact lookup
    only; the province index also suggests close names)."""
    provinces = [unit_from(p.code, p.name_th) for p in geothai.provinces()]
    units = provinces
    if level != "province":
        units = [unit_from(d.code, d.name_th) for p in provinces for d in geothai.districts(p.code)]
    if level == "tambon":
        units = [unit_from(s.code, s.name_th) for d in units for s in geothai.subdistricts(d.code)]
    return NameIndex(units, english_names(), near=level == "province")


def unit_by_code(code: str) -> Unit | None:
    area: Province | District | Subdistrict | None
    if len(code) == 2:
        area = geothai.province(code)
    elif len(code) == 4:
        area = geothai.district(code)
    elif len(code) == 6:
        area = geothai.subdistrict(code)
    else:
        return None
    return None if area is None else unit_from(area.code, area.name_th)


def code_in(text: str, length: int) -> str | None:
    """The DOPA code when the text is one (Thai digits allowed)."""
    digits = to_arabic_digits(text).replace(" ", "")
    return digits if len(digits) == length and digits.isascii() and digits.isdigit() else None


# ---------------------------------------------------------------------------
# Thai wording


def province_label(unit: Unit) -> str:
    return "กรุงเทพมหานคร" if unit.code == BANGKOK else f"จังหวัด{unit.name}"


def district_label(unit: Unit) -> str:
    # geothai's Bangkok district names already start with "เขต".
    return unit.name if unit.code.startswith(BANGKOK) else f"อำเภอ{unit.name}"


def tambon_label(unit: Unit) -> str:
    return f"แขวง{unit.name}" if unit.code.startswith(BANGKOK) else f"ตำบล{unit.name}"


def full_place(unit: Unit) -> str:
    """ "ตำบลริมกก อำเภอเมืองเชียงราย จังหวัดเชียงราย" for a unit anywhere in the country."""
    parts: list[str] = []
    for length, label in ((6, tambon_label), (4, district_label)):
        if len(unit.code) >= length and (found := unit_by_code(unit.code[:length])) is not None:
            parts.append(label(found))
    if (province := unit_by_code(unit.code[:2])) is not None:
        parts.append(province_label(province))
    return " ".join(parts)


def listing(units: Iterable[Unit], label: Callable[[Unit], str]) -> str:
    return ", ".join(label(u) for u in units)
