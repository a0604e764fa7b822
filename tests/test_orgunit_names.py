"""The name index's near lookup: the deletion index finds exactly the names a scan of every name finds."""

from __future__ import annotations

import random

import pytest

from pipeline.orgunit_names import NameIndex, Unit, _one_edit_apart, _skeleton, english_names, name_key
from pipeline.orgunits import OrgUnits
from pipeline.provinces import province_codes

THAI_LETTERS = [chr(c) for c in range(0x0E01, 0x0E4E)]
# Bangkok's long khet names, the north, the northeast, the south and a small province.
PROVINCES = ["10", "30", "56", "90", "96", "83"]


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, the plain way: the definition the index must match."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def scanned(index: NameIndex, keys: list[str]) -> list[Unit]:
    """Near names by comparing the keys with every name of the index, as find_near did before
    (its one-edit test is checked against the edit distance below)."""
    found: dict[str, Unit] = {}
    for k in keys:
        for unit in index.skeleton.get(_skeleton(k), []):
            found[unit.code] = unit
        for thai, unit in index.editable:
            if _one_edit_apart(k, thai):
                found[unit.code] = unit
    return sorted(found.values(), key=lambda u: u.code)


def misspellings(name: str, rng: random.Random) -> list[str]:
    """Typed variants of a name key: one deletion, insertion, substitution, a swap, two edits, no marks."""
    out = {name, _skeleton(name)}
    for _ in range(6):
        i = rng.randrange(len(name))
        letter = rng.choice(THAI_LETTERS)
        out.add(name[:i] + name[i + 1 :])
        out.add(name[:i] + letter + name[i:])
        out.add(name[:i] + letter + name[i + 1 :])
        if i + 1 < len(name):
            out.add(name[:i] + name[i + 1] + name[i] + name[i + 2 :])
        j = rng.randrange(len(name))
        out.add((name[:i] + name[i + 1 :])[:j] + letter + (name[:i] + name[i + 1 :])[j:])
    return sorted(k for k in out if k)


def indexes(code: str) -> list[NameIndex]:
    org = OrgUnits.for_province(code)
    english = english_names()
    by_district = [NameIndex(org.tambons(d.code), english) for d in org.districts()]
    return [NameIndex(org.districts(), english), NameIndex(org.tambons(), english), *by_district]


@pytest.mark.parametrize("code", PROVINCES)
def test_near_names_are_those_a_scan_of_every_name_finds(code: str) -> None:
    rng = random.Random(code)
    checked = near = 0
    for index in indexes(code):
        for unit in index.units:
            for typed in misspellings(name_key(unit.name), rng):
                found = index.find_near([typed])
                assert found == scanned(index, [typed]), (code, unit.name, typed)
                checked += 1
                near += bool(found)
    assert checked > 900 and near > checked // 3  # the variants do land near names


def test_a_name_from_another_province_is_compared_too() -> None:
    """Keys that are no misspelling of the index's names still find only true neighbours."""
    rng = random.Random(7)
    others = [
        name_key(u.name)
        for code in rng.sample(province_codes(), 5)
        for u in OrgUnits.for_province(code).tambons()
    ]
    index = NameIndex(OrgUnits.for_province("30").tambons(), english_names())
    for typed in others:
        assert index.find_near([typed]) == scanned(index, [typed]), typed


def test_one_edit_apart_is_an_edit_distance_of_one() -> None:
    rng = random.Random(1)
    names = [name_key(u.name) for u in OrgUnits.for_province("56").tambons()]
    for name in names:
        for typed in misspellings(name, rng):
            assert _one_edit_apart(typed, name) == (edit_distance(typed, name) == 1), (typed, name)
