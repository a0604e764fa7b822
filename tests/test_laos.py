"""LAO names as people type them."""

from __future__ import annotations

import pytest

from pipeline.laos import lao_name_key, lao_slips

NAME_CASES = [
    ("เทศบาลตำบลช่อแฮ", ("เทศบาล", "ช่อแฮ")),
    ("ทต.ช่อแฮ", ("เทศบาล", "ช่อแฮ")),
    ("ทต. ช่อแฮ", ("เทศบาล", "ช่อแฮ")),
    ("องค์การบริหารส่วนตำบลน้ำรัด", ("อบต.", "น้ำรัด")),
    ("อบต.น้ำรัด", ("อบต.", "น้ำรัด")),
    ("อบต น้ำรัด", ("อบต.", "น้ำรัด")),
    ("องค์กรบริหารส่วนตำบลน้ำรัด", ("อบต.", "น้ำรัด")),
    ("น้ำรัด", ("", "น้ำรัด")),
    ("  นํ้ารัด ", ("", "น้ำรัด")),  # sara am typed as nikhahit + sara aa
]


@pytest.mark.parametrize(("name", "key"), NAME_CASES)
def test_lao_name_key(name: str, key: tuple[str, str]) -> None:
    assert lao_name_key(name) == key


def test_slips_in_an_lao_name_with_sara_ae() -> None:

    assert lao_slips("อบต.เเม่จั่วะ") == ("อบต.แม่จั่วะ", ('พิมพ์ "เ" สองตัวแทน "แ"',))
    assert lao_slips("ทต. ช่อแฮ") == ("ทต. ช่อแฮ", ())  # the space after the prefix is not a slip
