"""fpdf's text fragment, drawn with fewer steps: a report's every line goes through it.

fpdf 2.8 draws a shaped fragment (line_break.Fragment.render_with_text_shaping) by shaping it
with HarfBuzz, mapping each glyph back to its characters (TTFFont.shape_text), then writing each
glyph with a call per position it adjusts. `ShapedFragment` writes the same operators from the
same numbers, computed in the same order: the shaping and glyph lookups of a text are kept for
when it is drawn again (headings, table cells, the signature), and the per-glyph work is done in
one loop. The tests compare every report drawn with fixtures written by plain fpdf.
"""

from __future__ import annotations

from bisect import bisect_left
from functools import cache
from typing import Any

# A text's glyphs, as TTFFont.shape_text finds them before the document's own glyph codes: per
# font file, (text, size, shaping parameters) -> (glyph id, characters, name, width, x advance,
# y advance, x offset, y offset, positioned apart). Bounded like typeset.WIDTHS.
SHAPED: dict[str, dict[tuple[Any, ...], tuple[tuple[Any, ...], ...]]] = {}
SHAPED_KEPT = 50_000


@cache
def fragment_class() -> type:
    """fpdf's Fragment with render_with_text_shaping done in one loop."""
    from fpdf.line_break import Fragment

    class ShapedFragment(Fragment):
        def render_with_text_shaping(self, pos_x: float, pos_y: float, h: float, word_spacing: float) -> str:
            font: Any = self.font  # a TrueType font: shaped text is drawn with one
            subset = font.subset
            space = subset.pick(ord(" "))  # picked first, as fpdf does: it numbers the glyphs
            k = self.k
            scale, size, stretching = font.scale, self.font_size_pt, self.font_stretching / 100
            char_spacing = self.char_spacing * (self.font_stretching / 100) / self.k
            out: list[str] = []
            text = ""
            for gid, chars, name, width, x_adv, y_adv, x_off, y_off, apart in _glyphs(
                font, self.string, size, self.text_shaping_parameters
            ):
                glyph = subset.get_glyph(glyph=gid, unicode=chars, glyph_name=name, glyph_width=width)
                if glyph is None:
                    continue
                code = subset.pick_glyph(glyph)
                if code is None:
                    continue
                if x_off != 0 or y_off != 0:
                    if text:
                        out.append(f"({text}) Tj ")
                        text = ""
                    offset_x = pos_x + x_off * scale * size * stretching / 1000 / k
                    offset_y = pos_y - y_off * scale * size * stretching / 1000 / k
                    out.append(f"1 0 0 1 {(offset_x) * k:.2f} {(h - offset_y) * k:.2f} Tm ")
                text += _escaped(code)
                pos_x += x_adv * scale * size * stretching / 1000 / k + char_spacing
                pos_y += y_adv * scale * size * stretching / 1000 / k
                spaced = bool(word_spacing) and code == space
                if spaced:
                    pos_x += word_spacing
                if apart or spaced:
                    if text:
                        out.append(f"({text}) Tj ")
                        text = ""
                    out.append(f"1 0 0 1 {(pos_x) * k:.2f} {(h - pos_y) * k:.2f} Tm ")
            if text:
                out.append(f"({text}) Tj")
            return "".join(out)

    return ShapedFragment


def pick_glyphs(pdf: Any, text: str) -> None:
    """Numbers the glyphs of `text` in the current font as drawing it would, without drawing it:
    fpdf's table() draws every cell once unseen before the table, which numbers them then."""
    if not text:
        return
    from fpdf.enums import TextDirection

    shaping = pdf.text_shaping  # as drawing the line, a single left-to-right fragment, sets it
    shaping["paragraph_direction"] = shaping["fragment_direction"] = TextDirection.LTR
    font = pdf.current_font
    subset = font.subset
    subset.pick(ord(" "))
    for gid, chars, name, width, *_ in _glyphs(font, text, pdf.font_size_pt, shaping):
        glyph = subset.get_glyph(glyph=gid, unicode=chars, glyph_name=name, glyph_width=width)
        if glyph is not None:
            subset.pick_glyph(glyph)


def _glyphs(font: Any, text: str, size: float, params: Any) -> tuple[tuple[Any, ...], ...]:
    """TTFFont.shape_text's glyphs of `text`, without the document's glyph codes, remembered."""
    memo = SHAPED.setdefault(str(font.ttffile), {})
    key = shaping_key(text, size, params)
    found = memo.get(key)
    if found is None:
        if len(memo) >= SHAPED_KEPT:
            memo.clear()
        found = memo[key] = _shape(font, text, size, params)
    return found


def shaping_key(text: str, size: float, params: dict[str, Any] | None) -> tuple[Any, ...]:
    """What a shaping of `text` depends on besides the font: its size and shaping parameters."""
    p = params or {}
    features = p.get("features")
    return (
        text,
        size,
        p.get("fragment_direction"),
        p.get("script"),
        p.get("language"),
        tuple(sorted(features.items())) if features else None,
    )


def _shape(font: Any, text: str, size: float, params: Any) -> tuple[tuple[Any, ...], ...]:
    """fpdf's TTFFont.shape_text up to the glyph codes, step for step."""
    if not text:
        return ()
    infos, positions = font.perform_harfbuzz_shaping(text, size, params)
    clusters = sorted(int(info.cluster) for info in infos)
    chars_of: dict[int, list[int]] = {}
    for i in range(len(text)):
        chars_of.setdefault(_cluster_at(clusters, i), []).append(i)
    out = []
    for info, pos in zip(infos, positions, strict=True):
        chars: list[int] = []
        if info.cluster in chars_of:
            chars = [ord(text[i]) for i in chars_of.pop(info.cluster)]
        name, width = _glyph_name_width(font, info.codepoint)
        apart = width != pos.x_advance or pos.x_offset != 0 or pos.y_offset != 0 or pos.y_advance != 0
        moves = (pos.x_advance, pos.y_advance, pos.x_offset, pos.y_offset)
        out.append((info.codepoint, tuple(chars), name, width, *moves, apart))
    return tuple(out)


def _cluster_at(clusters: list[int], index: int) -> int:
    pos = bisect_left(clusters, index)
    if pos == 0:
        return clusters[0]
    if pos == len(clusters) or clusters[pos] != index:
        return clusters[pos - 1]
    return clusters[pos]


def _glyph_name_width(font: Any, gid: int) -> tuple[str, int]:
    """A glyph's name and width as shape_text reads them from the font file, once per process."""
    per_font = NAMES.setdefault((str(font.ttffile), font.scale), {})
    found = per_font.get(gid)
    if found is None:
        name = font.ttfont.getGlyphName(gid)
        found = per_font[gid] = name, round(font.scale * font.ttfont["hmtx"].metrics[name][0])
    return found


NAMES: dict[tuple[str, float], dict[int, tuple[str, int]]] = {}  # a font's glyphs are few: never full


@cache
def _escaped(code: int) -> str:
    """TTFFont.escape_text of one glyph code (no colour fonts here)."""
    from fpdf.util import escape_parens

    return str(escape_parens(chr(code).encode("utf-16-be").decode("latin-1")))
