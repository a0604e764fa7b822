"""What a PDF report shows, read back from its pages: each text line's position, font and text.

A line is one BT ... ET text object as fpdf writes it: its start (Td, in points), font and size,
and its text decoded through the font's ToUnicode map (glyph codes differ between documents, the
characters they stand for do not). Each page also keeps its ruled lines and boxes, and a digest
of its whole content with the codes decoded: every glyph's position, marks included.
"""

from __future__ import annotations

import hashlib
import re
from io import BytesIO
from typing import Any

_CODES = re.compile(rb"<([0-9A-F]{4})> <([0-9A-F]+)>")
_RANGES = re.compile(rb"<([0-9A-F]{4})> <([0-9A-F]{4})> <([0-9A-F]+)>")


def _unicode_map(font: Any) -> dict[int, str]:
    data = font["/ToUnicode"].get_object().get_data()
    out = {int(c, 16): bytes.fromhex(u.decode()).decode("utf-16-be") for c, u in _CODES.findall(data)}
    for lo, hi, start in _RANGES.findall(data):
        first = int(start, 16)
        out |= {code: chr(first + code - int(lo, 16)) for code in range(int(lo, 16), int(hi, 16) + 1)}
    return out


def _decode(raw: bytes, codes: dict[int, str]) -> str:
    # a glyph with no character of its own (sara am's ring, drawn apart by the shaping) shows as nothing
    return "".join(codes.get(int.from_bytes(raw[i : i + 2], "big"), "") for i in range(0, len(raw), 2))


def _raw(operand: Any) -> bytes:
    return bytes(operand.original_bytes if hasattr(operand, "original_bytes") else operand)


def page_lines(pdf: bytes) -> list[dict[str, Any]]:
    """Per page: its text lines [x, y, font, size, text], its rules (boxes and lines), a digest."""
    from pypdf import PdfReader
    from pypdf.generic import ContentStream

    reader = PdfReader(BytesIO(pdf))
    pages = []
    for page in reader.pages:
        fonts = {
            name: (str(f.get_object()["/BaseFont"]), _unicode_map(f.get_object()))
            for name, f in page["/Resources"]["/Font"].items()
        }
        font, size = "", 0.0
        lines: list[list[Any]] = []
        rules: list[list[Any]] = []
        shown: list[str] = []
        line: list[Any] | None = None
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"Tf":
                font, size = str(operands[0]), float(operands[1])
            elif op == b"BT":
                line = None
            elif op == b"Td" and line is None:
                line = [
                    round(float(operands[0]), 2),
                    round(float(operands[1]), 2),
                    fonts[font][0].split("+")[-1],
                    size,
                    "",
                ]
                lines.append(line)
            elif op == b"Tj":
                assert line is not None
                text = _decode(_raw(operands[0]), fonts[font][1])
                line[4] += text
                operands = [text]
            elif op in (b"re", b"m", b"l"):
                rules.append([op.decode(), *(round(float(v), 2) for v in operands)])
            shown.append(" ".join(str(o) for o in operands) + " " + op.decode())
        pages.append(
            {
                "lines": lines,
                "rules": rules,
                "digest": hashlib.sha256("\n".join(shown).encode()).hexdigest(),
            }
        )
    return pages
