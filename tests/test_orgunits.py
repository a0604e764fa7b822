from __future__ import annotations

import dataclasses

import pytest

from pipeline.errors import ConfigError
from pipeline.orgunits import OrgUnits, Resolution, Unit

PHAYAO_DISTRICTS = [
    ("5601", "เมืองพะเยา", 15),
    ("5602", "จุน", 7),
    ("5603", "เชียงคำ", 10),
    ("5604", "เชียงม่วน", 3),
    ("5605", "ดอกคำใต้", 12),
    ("5606", "ปง", 7),
    ("5607", "แม่ใจ", 6),
    ("5608", "ภูซาง", 5),
    ("5609", "ภูกามยาว", 3),
]


@pytest.fixture(scope="module")
def phayao() -> OrgUnits:
    return OrgUnits.for_province("56")


@pytest.fixture(scope="module")
def chiang_rai() -> OrgUnits:
    return OrgUnits.for_province("57")


# ---------------------------------------------------------------------------
# Finding the province

PROVINCE_NAMES = [
    ("56", "56"),
    ("๕๖", "56"),
    ("พะเยา", "56"),
    ("จ.พะเยา", "56"),
    ("จ. พะเยา", "56"),
    ("จังหวัดพะเยา", "56"),
    ("Phayao", "56"),
    (" PHAYAO ", "56"),
    ("เชียงราย", "57"),
    ("Chiang Rai", "57"),
    ("57", "57"),
    ("กทม", "10"),
    ("กรุงเทพมหานคร", "10"),
    ("ฉะเชิงเทรา", "24"),
    ("แพร่", "54"),
]


@pytest.mark.parametrize(("raw", "code"), PROVINCE_NAMES)
def test_for_province(raw: str, code: str) -> None:
    assert OrgUnits.for_province(raw).province.code == code


UNKNOWN_PROVINCES = [
    ("พะยา", "พะเยา"),
    ("Phayo", "พะเยา"),
    ("99", ""),
    ("", ""),
    ("เวียง", ""),
]


@pytest.mark.parametrize(("raw", "suggested"), UNKNOWN_PROVINCES)
def test_unknown_province_is_a_config_error(raw: str, suggested: str) -> None:
    with pytest.raises(ConfigError) as info:
        OrgUnits.for_province(raw)
    assert f'"{raw}"' in info.value.message
    assert suggested in info.value.message
    assert info.value.fix


def test_province_unit(phayao: OrgUnits) -> None:
    assert phayao.province == Unit("56", "พะเยา", "province", "")


# ---------------------------------------------------------------------------
# Listing


def test_phayao_has_9_districts_and_68_tambons(phayao: OrgUnits) -> None:
    assert [(d.code, d.name) for d in phayao.districts()] == [(c, n) for c, n, _ in PHAYAO_DISTRICTS]
    assert len(phayao.tambons()) == 68
    assert [t.code for t in phayao.tambons()] == sorted(t.code for t in phayao.tambons())
    assert all(d.level == "district" and d.parent_code == "56" for d in phayao.districts())
    assert all(t.level == "tambon" and t.code.startswith(t.parent_code) for t in phayao.tambons())


@pytest.mark.parametrize(("code", "name", "count"), PHAYAO_DISTRICTS)
def test_tambons_of_a_district(phayao: OrgUnits, code: str, name: str, count: int) -> None:
    tambons = phayao.tambons(code)
    assert len(tambons) == count
    assert {t.parent_code for t in tambons} == {code}
    assert phayao.district(code).name == name


def test_wiang_is_in_two_districts(phayao: OrgUnits) -> None:
    wiang = [t for t in phayao.tambons() if t.name == "เวียง"]
    assert [(t.code, t.parent_code) for t in wiang] == [("560101", "5601"), ("560307", "5603")]


def test_lookup_by_code(phayao: OrgUnits) -> None:
    assert phayao.tambon("560307") == Unit("560307", "เวียง", "tambon", "5603")
    assert phayao.district("5603") == Unit("5603", "เชียงคำ", "district", "56")


@pytest.mark.parametrize("code", ["5701", "56", "9999", ""])
def test_district_outside_the_province_is_a_key_error(phayao: OrgUnits, code: str) -> None:
    with pytest.raises(KeyError):
        phayao.district(code)
    with pytest.raises(KeyError):
        phayao.tambons(code)
    with pytest.raises(KeyError):
        phayao.resolve_tambon("เวียง", code)


@pytest.mark.parametrize("code", ["570101", "5601", ""])
def test_tambon_outside_the_province_is_a_key_error(phayao: OrgUnits, code: str) -> None:
    with pytest.raises(KeyError):
        phayao.tambon(code)


def test_units_are_frozen(phayao: OrgUnits) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        phayao.province.name = "x"  # type: ignore[misc]


# ---------------------------------------------------------------------------
# Districts

DISTRICTS: list[tuple[object, str, str | None]] = [
    ("เชียงคำ", "exact", "5603"),
    ("อ.เชียงคำ", "exact", "5603"),
    ("อำเภอ เชียงคำ", "exact", "5603"),
    (" เชียง คำ ", "near", "5603"),  # a space inside the name: a slip, said
    ("เชียงค\u0e4d\u0e32", "near", "5603"),  # sara am typed in two parts
    ("Chiang Kham", "exact", "5603"),
    ("chiang kham", "exact", "5603"),
    ("5603", "exact", "5603"),
    ("๕๖๐๓", "exact", "5603"),
    (5603, "exact", "5603"),
    (5603.0, "exact", "5603"),
    ("เมือง", "exact", "5601"),
    ("อ.เมือง", "exact", "5601"),
    ("อำเภอเมือง", "exact", "5601"),
    ("Mueang", "exact", "5601"),
    ("เมืองพะเยา", "exact", "5601"),
    ("กิ่งอำเภอภูกามยาว", "exact", "5609"),
    ("จุน", "exact", "5602"),
    ("ภูซางง", "near", "5608"),
    ("เชียงมวน", "near", "5604"),  # missing tone mark
    ("ดอกคำไต้", "near", "5605"),
    ("แม่สาย", "other_province", None),
    ("เชียงดาว", "other_province", None),
    ("5701", "other_province", None),
    ("เชียงคาม", "unknown", None),
    ("xyz", "unknown", None),
    ("5699", "unknown", None),
    ("", "blank", None),
    ("  ", "blank", None),
    ("-", "blank", None),
    (None, "blank", None),
]


@pytest.mark.parametrize(("raw", "status", "code"), DISTRICTS)
def test_resolve_district(phayao: OrgUnits, raw: object, status: str, code: str | None) -> None:
    found = phayao.resolve_district(raw)
    assert found.status == status
    assert (found.unit.code if found.unit else None) == code
    assert (found.message == "") == (status == "exact")


DISTRICT_MESSAGES = [
    ("ภูซางง", ["ภูซางง", '"ภูซาง"', "อำเภอภูซาง", "โปรดแก้ไข"]),
    ("แม่สาย", ["แม่สาย", "ไม่อยู่ในจังหวัดพะเยา", "จังหวัดเชียงราย"]),
    ("เชียงคาม", ["ไม่พบอำเภอ", "จังหวัดพะเยา", "ชื่อใกล้เคียง", "อำเภอเชียงคำ"]),
    ("", ["โปรดระบุอำเภอ"]),
]


@pytest.mark.parametrize(("raw", "fragments"), DISTRICT_MESSAGES)
def test_district_messages(phayao: OrgUnits, raw: str, fragments: list[str]) -> None:
    message = phayao.resolve_district(raw).message
    for fragment in fragments:
        assert fragment in message


# ---------------------------------------------------------------------------
# Tambons

TAMBONS: list[tuple[object, str | None, str, str | None]] = [
    # exact
    ("เวียง", "5601", "exact", "560101"),
    ("เวียง", "5603", "exact", "560307"),
    ("ต.เวียง", "5603", "exact", "560307"),
    ("ตำบล เวียง", "5601", "exact", "560101"),
    ("Wiang", "5601", "exact", "560101"),
    ("อ่างทอง", "5603", "exact", "560313"),
    ("จุน", "5602", "exact", "560202"),
    ("ลอ", "5602", "exact", "560203"),
    ("บ้านต๊ำ", "5601", "exact", "560106"),
    ("560307", "5603", "exact", "560307"),
    ("๕๖๐๓๐๗", None, "exact", "560307"),
    (560101, None, "exact", "560101"),
    ("หย่วน", None, "exact", "560301"),  # unique in the province
    ("น\u0e4d\u0e49\u0e32แวน", "5603", "near", "560306"),
    # near: a missing tone mark or one edit
    ("บ้านตุน", "5601", "near", "560105"),
    ("บ้านตำ", "5601", "near", "560106"),
    ("แม่ตำ", "5601", "near", "560102"),
    ("ทาวังทอง", "5601", "near", "560113"),
    ("ท่าจำปา", "5601", "near", "560116"),
    ("บ้านใหม", "5601", "near", "560111"),
    ("หยวน", "5603", "near", "560301"),
    ("หยวน", None, "near", "560301"),
    # ambiguous
    ("เวียง", None, "ambiguous", None),
    ("แม่กส", "5601", "ambiguous", None),  # one edit from แม่กา and from แม่ใส
    # in another district of the province
    ("เวียง", "5602", "other_district", None),
    ("บ้านต๊ำ", "5603", "other_district", None),
    ("560101", "5603", "other_district", None),
    # in another province
    ("ริมกก", "5601", "other_province", None),
    ("ป่าแดด", "5601", "other_province", None),
    ("ริมกก", None, "other_province", None),
    ("570101", "5601", "other_province", None),
    # nothing
    ("ฝายกว้างใหญ่", "5603", "unknown", None),
    ("xxx", "5603", "unknown", None),
    ("569999", None, "unknown", None),
    ("", "5603", "blank", None),
    ("\u200b", "5603", "blank", None),
    ("–", None, "blank", None),
    (None, "5603", "blank", None),
]


@pytest.mark.parametrize(("raw", "district", "status", "code"), TAMBONS)
def test_resolve_tambon(
    phayao: OrgUnits, raw: object, district: str | None, status: str, code: str | None
) -> None:
    found = phayao.resolve_tambon(raw, district)
    assert found.status == status
    assert (found.unit.code if found.unit else None) == code
    assert (found.message == "") == (status == "exact")


TAMBON_MESSAGES: list[tuple[str, str | None, list[str], list[str]]] = [
    ("บ้านตุน", "5601", ['"บ้านตุน"', '"บ้านตุ่น"', "อำเภอเมืองพะเยา", "โปรดแก้ไข"], ["560105"]),
    ("เวียง", None, ["อำเภอเมืองพะเยา", "อำเภอเชียงคำ", "โปรดระบุอำเภอ"], ["560101", "560307"]),
    ("แม่กส", "5601", ["ตำบลแม่กา", "ตำบลแม่ใส"], ["560110", "560114"]),
    ("เวียง", "5602", ["ไม่อยู่ในอำเภอจุน", "อำเภอเมืองพะเยา", "อำเภอเชียงคำ"], ["560101", "560307"]),
    ("บ้านต๊ำ", "5603", ["อำเภอเมืองพะเยา", "อำเภอเชียงคำ"], ["560106"]),
    ("ริมกก", "5601", ["ไม่อยู่ในจังหวัดพะเยา", "อำเภอเมืองเชียงราย", "จังหวัดเชียงราย"], ["570114"]),
    (
        "ฝายกว้างใหญ่",
        "5603",
        ['ไม่พบตำบล "ฝายกว้างใหญ่" ในอำเภอเชียงคำ จังหวัดพะเยา', "การสะกด", "ชื่อใกล้เคียง: ฝายกวาง"],
        ["560308"],
    ),
    ("น้ำแวนใหม่", "5603", ["ชื่อใกล้เคียง: น้ำแวน"], ["560306"]),
    ("", "5603", ["โปรดระบุตำบล"], []),
]


@pytest.mark.parametrize(("raw", "district", "fragments", "candidates"), TAMBON_MESSAGES)
def test_tambon_messages(
    phayao: OrgUnits, raw: str, district: str | None, fragments: list[str], candidates: list[str]
) -> None:
    found = phayao.resolve_tambon(raw, district)
    for fragment in fragments:
        assert fragment in found.message
    assert [u.code for u in found.candidates] == candidates


def test_unknown_suggests_at_most_three_names_of_the_district(phayao: OrgUnits) -> None:
    found = phayao.resolve_tambon("บ้านต", "5601")
    assert found.status == "unknown"
    assert 1 <= len(found.candidates) <= 3
    assert {u.parent_code for u in found.candidates} == {"5601"}


def test_resolution_is_stable(phayao: OrgUnits) -> None:
    first = phayao.resolve_tambon("บ้านตุน", "5601")
    assert phayao.resolve_tambon(" บ้านตุน ", "5601") == first
    assert isinstance(first, Resolution)


# ---------------------------------------------------------------------------
# Other provinces


def test_chiang_rai(chiang_rai: OrgUnits) -> None:
    assert chiang_rai.province.name == "เชียงราย"
    assert len(chiang_rai.districts()) == 18
    assert len(chiang_rai.tambons()) == 124
    assert chiang_rai.resolve_district("อ.เมือง").unit == chiang_rai.district("5701")
    assert chiang_rai.resolve_tambon("เวียง", None).status == "ambiguous"
    resolved = chiang_rai.resolve_tambon("ต.เวียง", "5701")
    assert resolved.status == "exact"
    assert resolved.unit is not None and resolved.unit.code == "570101"
    assert chiang_rai.resolve_tambon("ริมกก", "5701").status == "exact"
    assert chiang_rai.resolve_district("เชียงคำ").status == "other_province"


def test_names_with_initials_and_parentheses() -> None:
    ranong = OrgUnits.for_province("ระนอง")
    for raw in ("จ.ป.ร.", "ต.จ.ป.ร.", "ตำบลจ.ป.ร."):
        found = ranong.resolve_tambon(raw, None)
        assert (found.status, found.unit and found.unit.code) == ("exact", "850406")
    roi_et = OrgUnits.for_province("ร้อยเอ็ด")
    for raw in ("ปอภาร (ปอพาน)", "ปอภาร", "ปอพาน"):
        found = roi_et.resolve_tambon(raw, "4501")
        assert found.status == "exact"


def test_bangkok_has_khet_and_khwaeng_but_no_capital() -> None:
    bangkok = OrgUnits.for_province("กรุงเทพมหานคร")
    for raw in ("เขตพระนคร", "พระนคร", "1001"):
        assert bangkok.resolve_district(raw).unit == bangkok.district("1001")
    assert bangkok.resolve_district("เมือง").status != "exact"
    found = bangkok.resolve_tambon("แขวงวังบูรพาภิรมย์", "1001")
    assert found.status == "exact"


# ---------------------------------------------------------------------------
# Speed


def test_resolving_10000_names_works_each_distinct_name_out_once(phayao: OrgUnits) -> None:
    # Speed itself is measured by `make bench`; here, that repeats cost a dictionary lookup.
    fresh = OrgUnits(phayao.province, phayao.districts(), phayao.tambons())  # no memo yet
    typed = [f"ต.{t.name}" for t in phayao.tambons()] + ["บ้านตุน", "ริมกก", "ไม่มีชื่อนี้", ""]
    names = (typed * (10_000 // len(typed) + 1))[:10_000]
    first = [fresh.resolve_tambon(name, "5601" if i % 2 else None) for i, name in enumerate(names)]
    distinct = {(name, "5601" if i % 2 else None) for i, name in enumerate(names)}
    assert len(fresh._memo) == len(distinct) < 200
    again = [fresh.resolve_tambon(name, "5601" if i % 2 else None) for i, name in enumerate(names)]
    assert all(a is b for a, b in zip(first, again, strict=True))


# Slips districts really type, each resolved with a warning that names the official spelling.
SLIPS = [
    ("เเม่ใจ", None, "5607", 'พิมพ์ "เ" สองตัวแทน "แ"'),
    ("ดอกค\u0e4d\u0e32ใต้", None, "5605", 'แทน "ำ"'),
    ("แม่\u0e48\u0e48ใจ", None, "5607", "วรรณยุกต์หรือสระซ้ำ"),
    ("ภู ซาง", None, "5608", "ช่องว่างกลางชื่อ"),
    ("ศอช.ต.บ้านต๋อม", "5601", "560107", 'คำนำหน้า "ศอช.ต."'),
    ("คอช.ต. บ้านต๋อม", "5601", "560107", 'คำนำหน้า "คอช.ต."'),
    ("อบต.บ้านต๋อม", "5601", "560107", 'คำนำหน้า "อบต."'),
    ("ทต. แม่กา", "5601", "560110", 'คำนำหน้า "ทต."'),
    ("เทศบาลตำบลแม่กา", "5601", "560110", 'คำนำหน้า "เทศบาลตำบล"'),
    ("อ.บ.ต.แม่กา", "5601", "560110", 'คำนำหน้า "อ.บ.ต."'),
    ("บ้าน ต๋อม", "5601", "560107", "ช่องว่างกลางชื่อ"),
    ("เเม่กา", "5601", "560110", 'พิมพ์ "เ" สองตัวแทน "แ"'),
]


@pytest.mark.parametrize(("typed", "district", "code", "slip"), SLIPS)
def test_typing_slips_are_near_matches_naming_the_official_spelling(
    phayao: OrgUnits, typed: str, district: str | None, code: str, slip: str
) -> None:
    found = phayao.resolve_district(typed) if district is None else phayao.resolve_tambon(typed, district)
    assert found.unit is not None and found.unit.code == code
    assert found.status == "near"
    assert slip in found.message and f'เป็น "{found.unit.name}"' in found.message


def test_a_slip_that_still_names_nothing_reports_what_was_typed(phayao: OrgUnits) -> None:
    found = phayao.resolve_tambon("ศอช.ต.ไม่มีจริง", "5601")
    assert found.status == "unknown" and "ศอช.ต.ไม่มีจริง" in found.message
