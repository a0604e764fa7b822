"""Scoring an answer against an indicator's bands, and a total against the levels. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pipeline import thai
from pipeline.models import Cell
from pipeline.schema import Band, Indicator

_KIND_TH = {"percent": "ร้อยละ", "count": "จำนวน", "choice": "ตัวเลือก"}


@dataclass(frozen=True)
class Scored:
    """The outcome for one answer: a score, or an error; maybe a warning."""

    score: int | None
    value: float | None = None  # the raw quantity, when the answer was a number
    error: str = ""  # Thai: what is wrong and how to fix it
    error_code: str = ""
    warning: str = ""  # Thai: scored, but an officer should check
    warning_code: str = ""


def _th(n: float) -> str:
    return thai.to_thai_digits(f"{n:g}")


def _labels(ind: Indicator) -> str:
    return " / ".join(f'"{b.label}"' for b in ind.bands)


@lru_cache(maxsize=65536)  # staff pick the same few labels: most answers repeat
def score_answer(ind: Indicator, raw: Cell, *, as_score: bool = False) -> Scored:
    """Score one answer. A bare number is the raw quantity unless `as_score` (the column holds scores)."""
    name = f"ตัวชี้วัดที่ {_th(ind.no)}"
    if thai.is_blank(raw):
        return Scored(
            None,
            error=f"{name} ไม่ได้ตอบ — โปรดกรอกคำตอบ (เลือกได้: {_labels(ind)})",
            error_code="missing_answer",
        )
    text = thai.clean_text(str(raw)) if not isinstance(raw, int | float) or isinstance(raw, bool) else ""
    if text:
        band = ind.label_index().get(thai.label_key(text))
        if band is not None:
            return Scored(band.score)
    if as_score:
        n = thai.parse_number(raw)
        if n is not None and n == int(n) and any(b.score == int(n) for b in ind.bands):
            return Scored(int(n))
        return Scored(
            None,
            error=f'{name} คำตอบ "{raw}" ไม่ใช่คะแนน ๑ ถึง ๓ — โปรดกรอกคะแนน ๑ ๒ หรือ ๓',
            error_code="unparseable_answer",
        )
    if ind.kind == "choice":
        return Scored(
            None,
            error=f'{name} คำตอบ "{raw}" ไม่ตรงกับตัวเลือกของเกณฑ์ — โปรดเลือกหนึ่งใน {_labels(ind)}',
            error_code="unparseable_answer",
        )
    value = thai.parse_percent(raw) if ind.kind == "percent" else thai.parse_count(raw)
    if value is None:
        unit = "ร้อยละ (เช่น 75 หรือ 75%)" if ind.kind == "percent" else "จำนวนครั้ง/แห่ง/องค์กร (เช่น 3)"
        return Scored(
            None,
            error=f'{name} อ่านคำตอบ "{raw}" ไม่ได้ — โปรดกรอกเป็น{unit} หรือเลือกข้อความตามเกณฑ์ {_labels(ind)}',
            error_code="unparseable_answer",
        )
    if ind.kind == "percent" and not 0 <= value <= 100:
        return Scored(
            None,
            value=value,
            error=f"{name} ร้อยละ {_th(value)} อยู่นอกช่วง ๐–๑๐๐ — โปรดตรวจสอบตัวเลข",
            error_code="percent_out_of_range",
        )
    if ind.kind == "count":
        if value < 0:
            return Scored(
                None,
                value=value,
                error=f"{name} จำนวน {_th(value)} ติดลบ — โปรดกรอกจำนวนตั้งแต่ ๐ ขึ้นไป",
                error_code="negative_count",
            )
        if value != int(value):
            return Scored(
                None,
                value=value,
                error=f"{name} จำนวน {_th(value)} ไม่เป็นจำนวนเต็ม — โปรดกรอกจำนวนครั้ง/แห่งเป็นจำนวนเต็ม",
                error_code="fractional_count",
            )
    return score_value(ind, value)


def score_value(ind: Indicator, value: float) -> Scored:
    name = f"ตัวชี้วัดที่ {_th(ind.no)}"
    for ruling in ind.rulings:
        if ruling.interval.contains(value):
            return Scored(
                ruling.score,
                value=value,
                warning=f"{name} ค่า {_th(value)} ตกในจุดที่เกณฑ์ของหนังสือเวียนไม่ชัดเจน: {ruling.note} "
                f"— โปรดตรวจสอบว่าถูกต้อง",
                warning_code="ambiguous_band",
            )
    hits: list[Band] = [b for b in ind.bands if b.interval is not None and b.interval.contains(value)]
    if len(hits) == 1:
        return Scored(hits[0].score, value=value)
    # Unreachable for schemas that passed load_schema's coverage check.
    return Scored(
        None,
        value=value,
        error=f"{name} ค่า {_th(value)} ไม่อยู่ในเกณฑ์ใด — โปรดแจ้งผู้ดูแลระบบให้เพิ่มข้อวินิจฉัยในแบบฟอร์ม",
        error_code="no_band",
    )
