"""Paragraphs and ruled tables drawn a line at a time with fpdf's cell(), as fpdf's multi_cell and
table() draw them, with the lines found by pipeline.linebreak.

multi_cell draws each line it breaks with the same routine cell() uses, so drawing the same lines
with cell() writes the same page. table() draws every cell's text twice (once unseen, to learn the
row heights) with multi_cell; here each cell's lines are found once, and the rules and text are
drawn as table() draws them for the reports' tables: column widths as fractions of the page's
text width, the table centred, every border, text centred vertically, no padding, the heading row
in bold and repeated on each page the table crosses. The unseen drawing also numbers each cell's
glyphs, in cell order, before the table is drawn: the layout numbers them so too. A text
linebreak leaves to fpdf is drawn by multi_cell itself.

The tests compare every line the reports draw (place, font, text, each glyph's place) with
fixtures written from fpdf's own multi_cell and table().
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from pipeline import linebreak, shaped_text


def text_block(pdf: Any, w: float, h: float, text: str, *, align: str = "L", new_x: str = "LMARGIN") -> None:
    """pdf.multi_cell(w, h, text, align=align, new_x=new_x, new_y="NEXT")."""
    lines = linebreak.break_lines(pdf, text, w)
    if lines is None:
        pdf.multi_cell(w, h, text, align=align, new_x=new_x, new_y="NEXT")
    else:
        _draw_lines(pdf, w, h, lines, align, new_x, "NEXT")


def _draw_lines(pdf: Any, w: float, h: float, lines: list[str], align: str, new_x: str, new_y: str) -> None:
    """multi_cell's drawing of its lines (no border, fill or padding): each one as cell() draws it."""
    page, top = pdf.page, pdf.y
    last = len(lines or [""]) - 1
    for i, line in enumerate(lines or [""]):  # no line: multi_cell still draws an empty one
        end = i == last
        _cell(pdf, w, h, line, align, new_x if end else "LEFT", new_y if end else "NEXT")
    if new_y == "TOP" and pdf.page == page:
        pdf.y = top  # after a page break multi_cell stays at its last line's top


def _cell(pdf: Any, w: float, h: float, line: str, align: str, new_x: str, new_y: str) -> None:
    """pdf.cell(w, h, line, align=align, new_x=new_x, new_y=new_y): a line of one plain fragment (no
    border, fill, link, underline, colour or spacing of its own, in the current font)
    written as cell() writes it, without its general bookkeeping; any other through cell().
    Nearly every line of a report is one such."""
    dx = _ALIGNED.get(align)
    frags: Sequence[Any] = ()
    if line and dx and w and pdf.text_shaping:
        frags = pdf._preload_bidirectional_text(line, False)  # as cell() splits it
    frag = frags[0] if len(frags) == 1 else None
    if frag is None or dx is None or not _plain(pdf, frag):
        pdf.cell(w, h, line, align=align, new_x=new_x, new_y=new_y)
        return
    width = frag.get_width(initial_cs=False)
    pdf._perform_page_break_if_need_be(h)
    k, x, size = pdf.k, pdf.x + dx(w, width, float(pdf.c_margin)), frag.font_size
    ops = [f"BT {x * k:.2f} {(pdf.h - pdf.y - 0.5 * h - 0.3 * size) * k:.2f} Td"]
    if not pdf.current_font_is_set_on_page:  # set since the last text (or on a new page): cell()
        pdf._out(pdf._set_font_for_page(pdf.current_font, pdf.font_size_pt))  # writes it first, alone
    text = frag.render_pdf_text(0, 0, 0, x, pdf.y + (0.5 * h + 0.3 * size), pdf.h)
    if text:
        ops.append(text)
    ops.append("ET")
    pdf._out(" ".join(ops))
    pdf._lasth = h or pdf.font_size
    if new_x == "RIGHT":
        pdf.x += w
    elif new_x == "LMARGIN":
        pdf.x = pdf.l_margin
    if new_y == "NEXT":
        pdf.y += h


# cell()'s offset of the text from the cell's left edge: (cell width, text width, cell margin) -> dx
_ALIGNED: dict[str, Any] = {
    "L": lambda w, width, margin: margin,
    "LEFT": lambda w, width, margin: margin,
    "C": lambda w, width, margin: (w - width) / 2,
    "CENTER": lambda w, width, margin: (w - width) / 2,
}


def _plain(pdf: Any, frag: Any) -> bool:
    """Whether cell() would write the fragment with no operator but its text (in the page's font)."""
    return bool(
        _shaped(frag)
        and frag.font is pdf.current_font
        and frag.font_size_pt == pdf.font_size_pt
        and frag.font_style == pdf.font_style
        and frag.char_vpos == _line_vpos()
        and not frag.lift
        and frag.text_color == pdf.fill_color
        and frag.font_stretching == pdf.font_stretching == 100
        and frag.char_spacing == pdf.char_spacing == 0
        and frag.text_mode == pdf.text_mode == _fill_mode()
        and not (frag.underline or frag.strikethrough or frag.link)
        and not (pdf._record_text_quad_points or pdf._fallback_font_ids)
        and frag.text_shaping_parameters
    )


Cell = tuple[str, "list[str] | None", float]  # its text, its lines (None: multi_cell's to draw), their height


class RuledTable:
    """A ruled table as fpdf's table(col_widths=widths, text_align=aligns, line_height=line_height)
    draws it, each row drawn in its own fpdf FontFace (the heading row first)."""

    def __init__(self, pdf: Any, widths: Sequence[float], aligns: Sequence[str], line_height: float) -> None:
        self.pdf, self.aligns, self.line_height = pdf, aligns, float(line_height)
        width = float(pdf.epw)  # fpdf's default table width, centred on the page
        self.left = (pdf.w - width) / 2
        self.widths = [0 + (part / sum(widths)) * width for part in widths]
        self.x = [self.left]
        for col in self.widths[:-1]:
            self.x.append(self.x[-1] + col)

    def draw(self, rows: Sequence[tuple[Any, Sequence[str]]]) -> None:
        pdf = self.pdf
        laid = [(face, *self._lay_out(face, texts)) for face, texts in rows]
        kept = pdf.l_margin
        pdf.l_margin = pdf.x = self.left
        if len(laid) > 1:  # the heading row never alone at a page's foot
            pdf._perform_page_break_if_need_be(sum(row[1] for row in laid[:2]))
        for i, row in enumerate(laid):
            if pdf._perform_page_break_if_need_be(row[1]) and i:
                self._draw_row(*laid[0])  # the heading row again on the new page
            self._draw_row(*row)
        pdf.l_margin = kept
        pdf.x = pdf.l_margin

    def _lay_out(self, face: Any, texts: Sequence[str]) -> tuple[float, list[Cell]]:
        """A row's height and its cells."""
        pdf = self.pdf
        cells: list[Cell] = []
        with pdf.use_font_face(face):
            for j, text in enumerate(texts):
                lines = linebreak.break_lines(pdf, text, self.widths[j]) if text else []
                if not text:
                    height: float = 0
                elif lines is None:
                    height = pdf.multi_cell(
                        self.widths[j], self.line_height, text, max_line_height=self.line_height,
                        align=self.aligns[j], dry_run=True, output="HEIGHT",
                    )  # fmt: skip
                else:
                    height = 0
                    for line in lines or [""]:  # summed line by line, as multi_cell sums them
                        height += self.line_height
                        shaped_text.pick_glyphs(pdf, line)
                    # the font on this page, as table()'s unseen drawing leaves it
                    pdf._resource_catalog.add(_font_resource(), pdf.current_font.i, pdf.page)
                cells.append((text, lines, height))
        return max(c[2] for c in cells) or self.line_height, cells

    def _draw_row(self, face: Any, height: float, cells: list[Cell]) -> None:
        """fpdf's Table._render_table_row for the reports' tables."""
        pdf = self.pdf
        y = pdf.y
        for j, (text, lines, text_height) in enumerate(cells):
            pdf.set_x(self.x[j])
            x1, y1 = pdf.x, pdf.y
            _all_borders().draw_cell_border(
                pdf, x1, y1, x1 + self.widths[j], y1 + height, fill_color=face.fill_color
            )
            if text:
                dy = (height - text_height) / 2  # centred vertically
                pdf.y += dy
                with pdf.use_font_face(face):
                    if lines is None:
                        pdf.multi_cell(
                            self.widths[j], self.line_height, text, max_line_height=self.line_height,
                            align=self.aligns[j], new_x="RIGHT", new_y="TOP",
                        )  # fmt: skip
                    else:
                        _draw_lines(
                            pdf, self.widths[j], self.line_height, lines, self.aligns[j], "RIGHT", "TOP"
                        )
                pdf.y -= dy
            pdf.set_y(y)
        pdf.ln(height)


def _shaped(frag: Any) -> bool:
    """fpdf's plain shaped fragment (not, say, the page-number alias's, which the page substitutes)."""
    return bool(frag.__class__ is shaped_text.fragment_class())


@cache
def _line_vpos() -> Any:
    from fpdf.enums import CharVPos

    return CharVPos.LINE


@cache
def _fill_mode() -> Any:
    from fpdf.enums import TextMode

    return TextMode.FILL


@cache
def _font_resource() -> Any:
    from fpdf.enums import PDFResourceType

    return PDFResourceType.FONT


@cache
def _all_borders() -> Any:
    from fpdf.enums import TableCellStyle

    return TableCellStyle(left=True, bottom=True, right=True, top=True)
