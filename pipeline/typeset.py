"""fpdf2 made ready for the reports once per process: an A4 page with Sarabun added.

Drawing a report was mostly fpdf's own bookkeeping, repeated for every PDF: loading the package
with dependencies no report uses, parsing both Sarabun files, decompiling layout tables that the
embedded font drops anyway, shaping the same text again to measure it, and running the
bidirectional algorithm over Thai paragraphs that have no right-to-left letter. Each is done once
or skipped here; the PDFs are byte for byte those of plain fpdf (tests/test_typeset.py draws both
and compares).

The shared font and memo assume one document drawn at a time, as a sync does (the scheduler runs
one sync at a time). Two of these lean on fpdf2 2.8's internals (a font's attributes, the private
`_preload_bidirectional_text`): pyproject.toml keeps fpdf2 below 2.9, and the tests fail loudly if
either changes.
"""

from __future__ import annotations

import sys
import unicodedata
import warnings
from copy import copy
from datetime import datetime
from functools import cache
from importlib import import_module, resources
from typing import Any

from pipeline import embedded_font, shaped_text

SARABUN = "fontpkg_sarabun"
STYLES = {"": "Sarabun-Regular.ttf", "B": "Sarabun-Bold.ttf"}

# fpdf imports numpy (image decoding), cryptography (signing, encryption) and Pillow (images) when
# they are installed, and gets on without them: no report draws an image, signs or encrypts, and
# they cost a sixth of a second of every command that renders a document. They are held off while
# fpdf loads. (fontTools.varLib, unittest.mock and urllib.request, another tenth, are imported
# unconditionally: only replacing those modules could avoid them.)
_FPDF_OPTIONAL = ("numpy", "cryptography", "endesive", "PIL")


@cache
def load_fpdf() -> None:
    """Loads fpdf without its optional image and signing dependencies (once: later imports are free)."""
    held = [name for name in _FPDF_OPTIONAL if name not in sys.modules]
    for name in held:
        sys.modules[name] = None  # type: ignore[assignment]  # an import of it fails as if absent
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Pillow could not be imported")  # fpdf's note: no images
            import_module("fpdf")
    finally:
        for name in held:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]


def new_pdf(title: str, now: datetime) -> Any:
    """An A4 document in Sarabun (regular "" and bold "B"), text shaped by HarfBuzz."""
    pdf = _document_class()(format="A4")
    pdf.set_creation_date(now)
    pdf.set_title(title)
    pdf.set_lang("th")
    for style in STYLES:
        font = _fresh_copy(_parsed_font(style))
        font.i = len(pdf.fonts) + 1
        pdf.fonts[font.fontkey] = font
    pdf.set_text_shaping(True)
    return pdf


def output(pdf: Any) -> bytes:
    """The finished PDF. Each font is cut down to the glyphs used, which alters the parsed font in
    place: that is done on a fresh copy of the file, as fpdf's own add_font would have it."""
    for font in pdf.fonts.values():
        font.ttfont = _font_copy(font.ttffile)
        for tag in _LAYOUT_TABLES & set(font.ttfont.keys()):
            # fpdf drops them from the embedded font (the shaping is done): fontTools would first
            # decompile them, half of the subsetting's time
            del font.ttfont[tag]
    return bytes(pdf.output())


_LAYOUT_TABLES = frozenset({"GDEF", "GSUB", "GPOS"})


# ---------------------------------------------------------------------------
# Sarabun, parsed once


@cache
def _font_file(path: Any) -> bytes:
    with open(path, "rb") as f:
        return f.read()


@cache
def _parsed_font(style: str) -> Any:
    """Sarabun in one style as fpdf parses it (cmap, metrics, HarfBuzz face), for every document.
    Only read while drawing (a glyph's name and width); the output cuts down a copy (`output`)."""
    from fpdf import FPDF

    scratch = FPDF()
    scratch.add_font("Sarabun", style, str(resources.files(SARABUN) / "files" / STYLES[style]))
    font: Any = scratch.fonts[f"sarabun{style}"]
    font.__class__ = _measured_font()
    font.hbfont  # noqa: B018  # the HarfBuzz face is made on first use: here, once
    font.ttfont.close()  # read from memory from now on: no file left open for the process's life
    font.ttfont = _font_copy(font.ttffile)
    return font


def _font_copy(path: Any) -> Any:
    """The font file parsed as fpdf's add_font parses it (each table when first used), from memory."""
    return embedded_font.font_copy(_font_file(path))


def _fresh_copy(parsed: Any) -> Any:
    """A document's font: the parsed tables shared, what a document fills in (the glyphs it uses,
    the descriptor the output numbers) its own, as fpdf's add_font leaves them."""
    from fpdf.fonts import SubsetMap

    font = copy(parsed)
    font.cw = copy(parsed.cw)  # a defaultdict: a lookup of a missing character adds it
    font.desc = copy(parsed.desc)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.subset = SubsetMap(font)
    return font


# ---------------------------------------------------------------------------
# Widths of shaped text, remembered

# Measured widths of shaped text, per font file, shared by every PDF of the process. fpdf measures
# a line again for each character it adds while breaking lines, and HarfBuzz shaping was most of a
# report's time; a width depends only on the font, the text, the size and the shaping parameters.
WIDTHS: dict[str, dict[tuple[Any, ...], tuple[int, float]]] = {}
WIDTHS_KEPT = 200_000  # entries per font before the memo starts over (memory stays bounded)


def remember_width(
    font: Any, text: str, size: float, params: dict[str, Any] | None, found: tuple[int, float]
) -> None:
    """A width worked out elsewhere from the same shaping (glyphs, width), as MeasuredFont would find it."""
    memo = WIDTHS.setdefault(str(font.ttffile), {})
    if len(memo) >= WIDTHS_KEPT:
        memo.clear()
    memo[shaped_text.shaping_key(text, size, params)] = found


@cache
def _measured_font() -> type:
    """fpdf's TrueType font, its shaped-text widths remembered (in `WIDTHS`, by font file)."""
    load_fpdf()
    from fpdf.fonts import TTFFont

    class MeasuredFont(TTFFont):
        __slots__ = ()  # the same layout: an added font becomes one by changing its class

        def shaped_text_width(
            self, text: str, font_size_pt: float, text_shaping_params: dict[str, Any] | None
        ) -> tuple[int, float]:
            memo = WIDTHS.setdefault(str(self.ttffile), {})
            key = shaped_text.shaping_key(text, font_size_pt, text_shaping_params)
            found = memo.get(key)
            if found is None:
                if len(memo) >= WIDTHS_KEPT:
                    memo.clear()
                found = memo[key] = super().shaped_text_width(text, font_size_pt, text_shaping_params)
            return found

    return MeasuredFont


# ---------------------------------------------------------------------------
# Left-to-right paragraphs without the bidirectional algorithm

# Bidi classes that, in a left-to-right paragraph, leave every character at level 0: the algorithm
# then returns the paragraph whole as one left-to-right run. Right-to-left letters (R, AL), Arabic
# numbers (AN) and the explicit embeddings, overrides and isolates are not among them.
_LEVEL_ZERO = frozenset({"L", "EN", "ES", "ET", "CS", "NSM", "BN", "B", "S", "WS", "ON"})


def left_to_right(text: str) -> bool:
    return all(unicodedata.bidirectional(c) in _LEVEL_ZERO for c in set(text))


def single_fragment(pdf: Any, text: str) -> bool:
    """Whether fpdf keeps `text` whole, one left-to-right fragment in the current font: one script
    (besides digits, punctuation and spaces), no page-number alias, no fallback font."""
    shaping = pdf.text_shaping
    if not (text and pdf.is_ttf_font and shaping and not pdf._fallback_font_ids):
        return False
    alias = pdf.str_alias_nb_pages
    if shaping["direction"] not in (None, _ltr()) or (alias and alias in text):
        return False
    chars = set(text)
    return len({char_script(c) for c in chars} - {None}) <= 1 and left_to_right(text)


@cache
def char_script(c: str) -> Any:
    """fpdf's script of a character, None for one that belongs to any (digits, punctuation, spaces)."""
    from fpdf.unicode_script import UnicodeScript, get_unicode_script

    script = get_unicode_script(c)
    return None if script in (UnicodeScript.COMMON, UnicodeScript.UNKNOWN) else script


@cache
def _ltr() -> Any:
    from fpdf.enums import TextDirection

    return TextDirection.LTR


@cache
def _document_class() -> type:
    load_fpdf()
    from fpdf import FPDF
    from fpdf.enums import TextDirection

    class ReportPdf(FPDF):
        def _preload_bidirectional_text(self, text: str, markdown: bool) -> Any:
            # fpdf runs the Unicode bidirectional algorithm, character by character in Python, over
            # every paragraph (a sixth of a report's time); for one whose characters all stay at level
            # 0 its answer is known: one left-to-right run, the paragraph itself.
            shaping = self.text_shaping
            if (
                not shaping
                or shaping["direction"] not in (None, TextDirection.LTR)
                or not text
                or not left_to_right(text)
            ):
                return super()._preload_bidirectional_text(text, markdown)
            shaping["paragraph_direction"] = shaping["fragment_direction"] = TextDirection.LTR
            emphasis = ("B" in self.font_style, "I" in self.font_style, self.strikethrough, self.underline)
            if markdown or not single_fragment(self, text):
                return tuple(self._preload_font_styles(text, markdown, _initial_emphasis=emphasis))
            # fpdf's _parse_chars walks the text a character at a time to find where a fragment ends
            # (a change of script, the page-number alias, a fallback font): here there is none
            state = self._get_current_graphics_state()
            state.font_style = ("B" if emphasis[0] else "") + ("I" if emphasis[1] else "")
            state.strikethrough, state.underline = emphasis[2], emphasis[3]
            self._markdown_emphasis = emphasis
            return (shaped_text.fragment_class()(list(text), state, self.k),)

    return ReportPdf
