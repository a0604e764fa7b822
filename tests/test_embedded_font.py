"""The embedded font is saved without recompiling its glyphs, and is byte for byte what fontTools'
save with recalculated boxes gives, for every glyph of both Sarabun styles."""

from __future__ import annotations

from importlib import resources
from io import BytesIO

import pytest

from pipeline import embedded_font, typeset


def cut_down(font: object, glyphs: list[str]) -> bytes:
    """fpdf's subsetting of an embedded font (fpdf/output.py), then its save."""
    from fontTools import subset

    options = subset.Options(notdef_outline=True, recommended_glyphs=True)
    options.drop_tables += ["FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "sbix"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(glyphs=glyphs)
    subsetter.subset(font)
    out = BytesIO()
    font.save(out)  # type: ignore[attr-defined]
    return out.getvalue()


@pytest.mark.parametrize("style", sorted(typeset.STYLES))
def test_every_glyph_saves_as_with_recalculated_boxes(style: str) -> None:
    from fontTools.ttLib import TTFont

    data = (resources.files(typeset.SARABUN) / "files" / typeset.STYLES[style]).read_bytes()
    names = TTFont(BytesIO(data)).getGlyphOrder()
    for glyphs in (names, names[::7], ["space", "uni0E01", "uni0E33"]):
        plain = cut_down(TTFont(BytesIO(data), recalcTimestamp=False, lazy=True), glyphs)
        quick = embedded_font.font_copy(data)
        assert cut_down(quick, glyphs) == plain
        assert not quick.recalcBBoxes  # saved as it is, the sums worked out beforehand


@pytest.mark.parametrize("style", sorted(typeset.STYLES))
def test_a_cut_leaves_the_tables_parsed_once_as_they_were(style: str) -> None:
    """The character map, widths and names are parsed once per process: a small cut first, then the
    whole font, must still give fontTools' bytes for both."""
    from fontTools.ttLib import TTFont

    data = (resources.files(typeset.SARABUN) / "files" / typeset.STYLES[style]).read_bytes()
    names = TTFont(BytesIO(data)).getGlyphOrder()
    for glyphs in (["space", "uni0E01", "uni0E33"], names[::5], names):
        plain = cut_down(TTFont(BytesIO(data), recalcTimestamp=False, lazy=True), glyphs)
        assert cut_down(embedded_font.font_copy(data), glyphs) == plain
    shared = embedded_font.font_copy(data)
    assert set(shared.tables) >= embedded_font.SHARED_TABLES  # taken parsed, not read again
