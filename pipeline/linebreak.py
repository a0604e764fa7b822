"""The lines fpdf's multi_cell breaks a paragraph into, found without measuring it a character at a time.

fpdf 2.8 ends a line at the first character that no longer fits (the shaped width of the line so
far plus that character's own width passes the cell's width), going back to the last space or
zero-width space (U+200B, which documents.breakable puts between Thai words), or breaking right
there when the line has none. It measures by shaping the whole line again for every character:
most of a report's drawing time.

Here one shaping of the text ahead gives the width of every prefix at once. HarfBuzz flags each
glyph where cutting the text and shaping the two sides apart would give other glyphs
(UNSAFE_TO_BREAK: a kerning pair, a mark); at every other cluster start, the prefix shaped alone
has exactly the glyphs before it, so the same width, summed in the same order as fpdf sums it.
The few other places (a flagged glyph, inside a cluster, before the first letter, from which the
shaping guesses the script) are measured alone, as fpdf measures them.

Only a text fpdf keeps in one fragment is broken here: one script (with digits, punctuation and
spaces), breakable at spaces and U+200B only. Anything else (two scripts, the page-number alias,
line or form feeds, soft hyphens, no-break spaces, tabs, other spaces, right-to-left letters) gets
None, and fpdf breaks it itself.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pipeline import shaped_text, typeset

BREAKS = " \u200b"  # where a line may end; the character itself is dropped
_TOLERANCE = 1e-9  # fpdf's FloatTolerance: "greater" is greater by more than this
_UNSAFE_TO_BREAK = 1  # HarfBuzz's glyph flag


def break_lines(pdf: Any, text: str, width: float) -> list[str] | None:
    """The lines of `text` as pdf.multi_cell(width, text=text) draws them in the current font
    (no padding, no markdown, word wrap), or None where fpdf must break them itself."""
    if text and not breakable_here(pdf, text):
        return None
    limit = float(width)
    for _ in range(2):  # fpdf takes the cell margin off each side in turn
        limit -= float(pdf.c_margin)
    font = pdf.current_font
    key = (
        str(font.ttffile),
        float(pdf.k),
        limit,
        shaped_text.shaping_key(text, pdf.font_size_pt, pdf.text_shaping),
    )
    known = BROKEN.get(key)
    if known is None:
        known = _broken(pdf, text, limit)
        if len(BROKEN) >= BROKEN_KEPT:
            BROKEN.clear()
        BROKEN[key] = known
    lines, widths = known
    if lines is None:
        return None
    for line, found in widths:  # as measuring the lines would have left them, for drawing them
        typeset.remember_width(font, line, pdf.font_size_pt, pdf.text_shaping, found)
    return list(lines)


# The lines of a text already broken, by font file, unit, width and shaping key (reports repeat
# their headings, labels and place names), with the widths the breaking found for drawing them.
# Bounded like typeset.WIDTHS.
BROKEN: dict[tuple[Any, ...], tuple[tuple[str, ...] | None, tuple[tuple[str, tuple[int, float]], ...]]] = {}
BROKEN_KEPT = 50_000


def _broken(
    pdf: Any, text: str, limit: float
) -> tuple[tuple[str, ...] | None, tuple[tuple[str, tuple[int, float]], ...]]:
    """break_lines' lines of `text` within `limit`, and the widths its shaping found for them."""
    measure = _Prefixes(pdf, text, limit)
    lines: list[str] = []
    widths: list[tuple[str, tuple[int, float]]] = []
    begin = 0
    while begin < len(text):
        found = _line(measure, begin, limit)
        if found is None:
            return None, ()  # a character wider than the cell: fpdf's own error
        end, after = found
        if end is None:
            break  # what is left has no width: fpdf draws no line of it
        lines.append(text[begin:end])
        width = measure.width_of(begin, end)
        if width is not None:
            widths.append((text[begin:end], width))
        begin = after
    return tuple(lines), tuple(widths)


def _line(measure: _Prefixes, begin: int, limit: float) -> tuple[int | None, int] | None:
    """Where the line from `begin` ends and the next begins, as fpdf's MultiLineBreak.get_line decides."""
    text = measure.text
    space = None  # the last place the line may end
    for j in range(begin, len(text)):
        c = text[j]
        if measure.width(begin, j) + measure.char(c) - limit > _TOLERANCE:
            if c in BREAKS:
                return j, j + 1
            if space is not None:
                return space, space + 1
            return (j, j) if j > begin else None
        if c in BREAKS:
            space = j
    return (len(text) if measure.width(begin, len(text)) else None), len(text)


class _Prefixes:
    """Widths (in the document's unit) of the text's prefixes from a line's start, as fpdf measures them."""

    def __init__(self, pdf: Any, text: str, limit: float) -> None:
        self.text = text
        self.font, self.size, self.params = pdf.current_font, pdf.font_size_pt, pdf.text_shaping
        self.k: float = pdf.k
        # about a line and a quarter of characters (marks have no width): one shaping per line, mostly
        self.ahead = int(limit * self.k / (0.3 * self.size)) + 16
        self.letter = _first_letters(text)
        self.begin, self.stop, self.starts = -1, 0, dict[int, tuple[float, int]]()
        self.infos: list[Any] = []
        self.chars: dict[str, float] = {}

    def char(self, c: str) -> float:
        found = self.chars.get(c)
        if found is None:
            found = self.chars[c] = float(self.font.get_text_width(c, self.size, self.params)[1]) / self.k
        return found

    def width_of(self, begin: int, end: int) -> tuple[int, float] | None:
        """The line's (glyphs, width), where its shaping here tells them, for fpdf to find when it draws it."""
        known = self._known(end) if begin == self.begin else None
        if known is None:
            return None
        total, glyphs = known
        return glyphs, total

    def width(self, begin: int, j: int) -> float:
        if j == begin:
            return 0  # fpdf's empty line
        if begin != self.begin or j > self.stop:
            self._shape(begin, j)
        known = self._known(j)
        if known is None:  # measured alone, as fpdf does
            return float(self.font.get_text_width(self.text[begin:j], self.size, self.params)[1]) / self.k
        return known[0] / self.k

    def _known(self, j: int) -> tuple[float, int] | None:
        """The width of the prefix to `j` and its glyph count, where the span's shaping tells them."""
        start = self.starts.get(j)
        if start is None or j == self.stop:
            return start
        # HarfBuzz's flag read only where asked: reading it is most of the shaping's cost here
        return None if int(self.infos[start[1]].flags) & _UNSAFE_TO_BREAK else start

    def _shape(self, begin: int, j: int) -> None:
        """Shapes the text from `begin` to a little past `j`: every safe prefix's width, known at once."""
        span = 2 * (self.stop - begin) if begin == self.begin else self.ahead
        stop = min(len(self.text), max(begin + span, j))
        infos, positions = self.font.perform_harfbuzz_shaping(self.text[begin:stop], self.size, self.params)
        scale, size = self.font.scale, self.size
        letter = self.letter[begin]  # a prefix to it has no letter: its script is guessed otherwise
        starts: dict[int, tuple[float, int]] = {}  # at each cluster: the width before it, its first glyph
        total: float = 0
        cluster = -1
        for glyph, (info, pos) in enumerate(zip(infos or (), positions or (), strict=True)):
            if info.cluster != cluster:
                if info.cluster < cluster:  # not in text order: measure each prefix alone
                    starts.clear()
                    break
                cluster = info.cluster
                if begin + cluster > letter:
                    starts[begin + cluster] = total, glyph
            # fpdf's TTFFont.shaped_text_width, term for term
            total += round(scale * pos.x_advance + 0.001) * size * 0.001
        else:
            starts[stop] = total, len(positions or ())  # the whole span is itself a prefix
        self.begin, self.stop, self.starts, self.infos = begin, stop, starts, list(infos or ())


def _first_letters(text: str) -> list[int]:
    """For each position, the first character from there on that has a script (len(text) if none)."""
    out = [len(text)] * (len(text) + 1)
    nxt = len(text)
    for i in range(len(text) - 1, -1, -1):
        if typeset.char_script(text[i]) not in (None, _inherited()):  # HarfBuzz guesses from neither
            nxt = i
        out[i] = nxt
    return out


def breakable_here(pdf: Any, text: str) -> bool:
    """Whether fpdf keeps `text` in one fragment and breaks it only at spaces and U+200B."""
    if not (text and typeset.single_fragment(pdf, text)) or pdf.char_spacing or pdf.font_stretching != 100:
        return False
    return not set(text) & _other_breaks()


@cache
def _inherited() -> Any:
    typeset.load_fpdf()
    from fpdf.unicode_script import UnicodeScript

    return UnicodeScript.INHERITED


@cache
def _other_breaks() -> frozenset[str]:
    typeset.load_fpdf()
    from fpdf.line_break import BREAKING_SPACE_SYMBOLS_STR, FORM_FEED, NBSP, NEWLINE, SOFT_HYPHEN

    others = BREAKING_SPACE_SYMBOLS_STR + FORM_FEED + NBSP + NEWLINE + SOFT_HYPHEN + "\r"
    return frozenset(others) - set(BREAKS)
