"""The font a PDF embeds, cut down by fpdf to the glyphs it uses, saved without recompiling each glyph.

fontTools saves a font by default with its bounding boxes recalculated: every glyph kept is
decompiled and compiled again (a third of a report's output time) so that each glyph's box, and
`maxp`, `hhea` and `head`, are summed up from the glyphs' points. A glyph compiles to the same
bytes in every document, so here each is compiled once per process, and the sums are worked out
by fontTools' own `maxp.recalc` and `hhea.recalc` over the glyphs decompiled once; the font is
then saved with its glyphs as they are. tests/test_embedded_font.py compares the bytes with
fontTools' own save for every glyph of both Sarabun styles.

The tables the cut reads in full (the character map, the widths, the names) are parsed once per
process; each document's font gets its own copy of them, down to what the cut replaces or alters
(each character map and name record, the widths' dict), so no document sees another's cut.
"""

from __future__ import annotations

from copy import copy
from functools import cache
from io import BytesIO
from typing import Any


def font_copy(data: bytes) -> Any:
    """The font file parsed as fpdf's add_font parses it (each table when first used), from memory;
    saved as fpdf would save it, faster."""
    font = _saved_with_sums()(BytesIO(data), recalcTimestamp=False, lazy=True)
    font.source = data
    parsed = _whole(data)
    for tag in SHARED_TABLES & set(parsed.keys()):
        font[tag] = _own_copy(parsed[tag])
    return font


# Parsing these was a third of the cut's time; glyf is not among them: copying its glyphs, which
# the cut trims and renumbers in place, costs what parsing them does.
SHARED_TABLES = frozenset({"cmap", "hmtx", "name"})


def _own_copy(table: Any) -> Any:
    """A parsed table for one document: what the cut replaces or alters in it is the copy's own."""
    own = copy(table)
    if table.tableTag == "cmap":
        own.tables = []
        for sub in table.tables:
            sub.ensureDecompiled()
            mine = copy(sub)
            if hasattr(sub, "cmap"):
                mine.cmap = dict(sub.cmap)
            if hasattr(sub, "uvsDict"):
                mine.uvsDict = {selector: list(pairs) for selector, pairs in sub.uvsDict.items()}
            own.tables.append(mine)
    elif table.tableTag == "name":
        own.names = [copy(record) for record in table.names]
    elif table.tableTag == "hmtx":
        own.metrics = dict(table.metrics)  # (advance, left side bearing): tuples, never altered
    return own


@cache
def _saved_with_sums() -> type:
    from fontTools.ttLib import TTFont

    class SavedWithSums(TTFont):  # type: ignore[misc]
        source: bytes
        recalcBBoxes: bool

        def save(self, file: Any, reorderTables: bool | None = True) -> Any:
            if "glyf" in self and self.isLoaded("glyf") and self.recalcBBoxes:
                _recalc(self, self.source)
                self.recalcBBoxes = False
            return super().save(file, reorderTables)

    return SavedWithSums


def _recalc(font: Any, data: bytes) -> None:
    """All a save with recalculated boxes does beyond writing the tables: each glyph's bytes as
    compiled with its box worked out, maxp's counts, head's box and flag, hhea's extents."""
    glyf = font["glyf"]
    stored = _stored(data)
    outlines: dict[str, Any] = {}
    for name in font.getGlyphOrder():
        glyph = glyf.glyphs[name]
        raw = getattr(glyph, "data", None)
        if raw and not _composite(raw) and name in stored and raw in (stored[name], _trimmed(data, name)):
            outlines[name], glyph.data = _compiled(data, name)  # the whole font's glyph, as compiled
            continue
        # a composite (its components renumbered by the cut) or a glyph the cut altered: compiled
        # at the save, its box first worked out as fontTools' compile does
        glyph.expand(glyf)
        if glyph.numberOfContours or getattr(glyph, "program", None):
            glyph.recalcBounds(glyf)
        outlines[name] = glyph
    sums = _Sums(font, outlines)
    font["maxp"].recalc(sums)
    font["hhea"].recalc(sums)


class _Sums:
    """The cut-down font as fontTools' recalc reads it: its tables, its glyphs decompiled."""

    def __init__(self, font: Any, outlines: dict[str, Any]) -> None:
        self.font, self.outlines = font, outlines

    def __getitem__(self, tag: str) -> Any:
        return self.outlines if tag == "glyf" else self.font[tag]

    def __contains__(self, tag: str) -> bool:
        return tag in self.font

    def getGlyphOrder(self) -> list[str]:  # fontTools' name
        return list(self.font.getGlyphOrder())


def _composite(raw: bytes) -> bool:
    return int.from_bytes(raw[:2], "big", signed=True) < 0


@cache
def _compiled(data: bytes, name: str) -> tuple[Any, bytes]:
    """A simple glyph of the font decompiled, its box worked out, and its bytes compiled so."""
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    glyph = Glyph(_stored(data)[name])
    compiled = glyph.compile(_whole(data)["glyf"], recalcBBoxes=True)
    return glyph, compiled


@cache
def _trimmed(data: bytes, name: str) -> bytes:
    """A glyph's bytes without the file's padding, as the cut leaves them."""
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    glyph = Glyph(_stored(data)[name])
    glyph.trim()
    return bytes(glyph.data)


@cache
def _stored(data: bytes) -> dict[str, bytes]:
    """Each glyph's bytes as the font file stores them."""
    glyf = _whole(data)["glyf"]
    return {name: glyph.data for name, glyph in glyf.glyphs.items() if hasattr(glyph, "data")}


@cache
def _whole(data: bytes) -> Any:
    from fontTools.ttLib import TTFont

    return TTFont(BytesIO(data), recalcTimestamp=False, lazy=True)
