"""Demo responses to the ศอช.ต. assessment: both rounds, Phayao-style messy input."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import geothai

from pipeline import thai
from pipeline.models import Cell, Grid
from pipeline.orgunits import OrgUnits
from pipeline.schema import FormSchema, Indicator, load_schema
from pipeline.settings import Settings

# Round windows (CE): the Phayao FY2567 cut-offs are 24 Nov 2023 and 21 Jun 2024.
ROUNDS = {
    1: (datetime(2023, 11, 6, 8), datetime(2023, 11, 24, 16)),
    2: (datetime(2024, 6, 3, 8), datetime(2024, 6, 21, 16)),
}
_ZW = "\u200b"


def _header(ind: Indicator, rng: random.Random) -> str:
    title = ind.title.replace("คอช.", "ศอช.") if rng.random() < 0.5 else ind.title
    style = rng.random()
    if style < 0.45:
        return f"{ind.no}. {title}"
    if style < 0.8:
        return f"{thai.to_thai_digits(str(ind.no))}. {title}"
    return f"ตัวชี้วัดที่ {ind.no} {title}"


def _answer(ind: Indicator, score: int, rng: random.Random) -> Cell:
    band = next(b for b in ind.bands if b.score == score)
    r = rng.random()
    if ind.kind == "choice" or r < 0.62:
        return band.label
    if r < 0.72:
        return thai.to_arabic_digits(band.label).replace(" ", "")
    iv = band.interval
    assert iv is not None
    lo = iv.ge if iv.ge is not None else (iv.gt + 1 if iv.gt is not None else 0)
    hi = iv.le if iv.le is not None else (iv.lt - 1 if iv.lt is not None else lo + 3)
    if ind.kind == "percent":
        v = rng.randint(int(lo), int(hi))
        percent: list[Cell] = [v, f"{v}%", f"{thai.to_thai_digits(str(v))} %", f"ร้อยละ {v}", f"{v}.0"]
        return rng.choice(percent)
    v = rng.randint(int(lo), int(hi))
    counts: list[Cell] = [v, f"{thai.to_thai_digits(str(v))} ครั้ง", f"ปีละ {v} ครั้ง", f"{v} แห่ง/ปี", str(v)]
    return rng.choice(counts)


def _place(name: str, prefix: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.35:
        return name
    if r < 0.6:
        return f"{prefix}.{name}"
    if r < 0.75:
        return f"{'ตำบล' if prefix == 'ต' else 'อำเภอ'}{name}"
    if r < 0.85:
        return f" {prefix}. {name} "
    return name + _ZW


def generate(settings: Settings, rng: random.Random) -> Grid:
    schema = load_schema(settings.sources["tambon_assessment"].schema)
    org = OrgUnits.for_province(settings.province_code)
    header = _header_row(schema, rng)
    rows = _province_rows(org, schema, rng, skip=True)
    _mistakes(rows, org, rng)
    rows.sort(key=lambda r: r[0] if isinstance(r[0], datetime) else datetime.max)
    return [header, *rows]


def generate_country(rng: random.Random, province_codes: list[str] | None = None) -> Grid:
    """Every tambon of the country (or of the given provinces) reporting both rounds, no mistakes:
    the shape of a national response sheet, for the benchmark and the cross-province tests."""
    schema = load_schema("tambon_assessment")
    header = _header_row(schema, rng)
    codes = province_codes or [p.code for p in geothai.provinces()]
    rows = [r for code in codes for r in _province_rows(OrgUnits.for_province(code), schema, rng, skip=False)]
    rows.sort(key=lambda r: r[0] if isinstance(r[0], datetime) else datetime.max)
    return [header, *rows]


def _header_row(schema: FormSchema, rng: random.Random) -> list[Cell]:
    header: list[Cell] = ["ประทับเวลา", "ที่อยู่อีเมล", "อำเภอ", "ตำบล", "ครั้งที่"]
    return header + [_header(i, rng) for i in schema.indicators]


def _province_rows(org: OrgUnits, schema: FormSchema, rng: random.Random, *, skip: bool) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for rnd, (start, due) in ROUNDS.items():
        for d in org.districts():
            district_skill = rng.uniform(-0.6, 0.8)
            for t in org.tambons(d.code):
                if skip and rng.random() < (0.05 if rnd == 1 else 0.1):
                    continue  # this tambon never reports this round
                at = start + timedelta(minutes=rng.randint(0, int((due - start).total_seconds() // 60)))
                if rng.random() < 0.08:
                    at = due + timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 5))
                strength = district_skill + rng.uniform(-0.7, 0.9) + (0.25 if rnd == 2 else 0)
                answers = [
                    _answer(i, max(1, min(3, round(2 + strength + rng.uniform(-0.8, 0.8)))), rng)
                    for i in schema.indicators
                ]
                rnd_cell: Cell = rng.choice([f"ครั้งที่ {rnd}", thai.to_thai_digits(str(rnd)), rnd, None])
                email = f"cdd.{d.code}@example.org"
                rows.append(
                    [at, email, _place(d.name, "อ", rng), _place(t.name, "ต", rng), rnd_cell, *answers]
                )
    return rows


def _mistakes(rows: list[list[Cell]], org: OrgUnits, rng: random.Random) -> None:
    """The mistakes a provincial officer really finds, a handful of each."""
    n = len(rows)
    picks = rng.sample(range(n), 14)
    first_indicator = 5
    rows[picks[0]][first_indicator + 0] = "120%"  # percentage over 100
    rows[picks[1]][first_indicator + 4] = None  # missing answer
    rows[picks[2]][first_indicator + 7] = "ดีมาก"  # unparseable
    rows[picks[3]][first_indicator + 8] = "-2"  # negative count
    rows[picks[4]][3] = "ต.ไม่มีจริง"  # unknown tambon
    rows[picks[5]][3] = "ต.ในเวียง"  # a tambon of Nan province, not Phayao
    other = rows[picks[6]]
    # a tambon typed under the wrong district
    other[2] = "อ.จุน"
    other[3] = "ต.บ้านต๋อม"
    rows[picks[7]][first_indicator + 7] = 3  # ambiguous: in both 2–3 and 3+
    rows[picks[8]][first_indicator + 12] = "1 โครงการ"  # ambiguous: in both 0–1 and 1–2
    rows[picks[9]][first_indicator + 17] = "3 องค์กร"  # a gap in the circular's bands
    rows[picks[10]][3] = '=HYPERLINK("http://x")'  # formula-looking text stays text
    rows[picks[11]][3] = str(rows[picks[11]][3]).replace("่", "").replace("้", "")  # tone marks missing
    rows[picks[12]][4] = "ครั้งที่ 3"  # no third round this year
    # a resubmission: the same tambon sends again an hour later, with a correction
    again = list(rows[picks[13]])
    if isinstance(again[0], datetime):
        again[0] = again[0] + timedelta(hours=1)
    again[first_indicator] = "มากกว่า ๗๐%"
    rows.append(again)
