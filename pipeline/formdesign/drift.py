"""A live form (forms.get) checked against its schema before a cut-off. Pure.

Finds what would make the sync reject answers or miss a column: a question
whose title no longer matches a field (the sync's own column detection is
run on the titles), an option edited so that it no longer matches its band,
a district or tambon missing from a list, a required flag dropped, a form
that does not accept responses. Works on forms built by hand as well as on
those `forms build` made: it needs nothing but the titles and options.
Problems are in Thai, each with its fix, for the officer who edits the form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline import thai
from pipeline.calendar import Calendar
from pipeline.columns import ColumnMap, merge_repeated, plan
from pipeline.formdesign.design import FormDesign
from pipeline.months import month_label, parse_month
from pipeline.orgunits import OrgUnits, Unit
from pipeline.schema import FormSchema, Indicator
from pipeline.scoring import score_answer

_AUTOMATIC = ("ประทับเวลา", "ที่อยู่อีเมล")  # the columns Google adds before the questions


@dataclass(frozen=True)
class Problem:
    question: str  # the form's question title, "" for the whole form
    what: str
    fix: str


@dataclass
class FormQuestion:
    title: str
    kind: str  # RADIO, DROP_DOWN, CHECKBOX, TEXT, FILE, GRID, OTHER
    required: bool
    options: list[str] = field(default_factory=list)
    section: str = ""  # item id of the section it is in ("" for the first)
    go_to: dict[str, str] = field(default_factory=dict)  # option -> section item id


def form_questions(form: Mapping[str, Any]) -> list[FormQuestion]:
    """The questions of a forms.get document in order, one per response-sheet column."""
    out: list[FormQuestion] = []
    section = ""
    for item in form.get("items", []):
        title = str(item.get("title", ""))
        if "pageBreakItem" in item:
            section = str(item.get("itemId", ""))
        elif "questionItem" in item:
            q = item["questionItem"].get("question", {})
            choice = q.get("choiceQuestion")
            if choice is not None:
                options = choice.get("options") or []
                fq = FormQuestion(
                    title,
                    str(choice.get("type", "OTHER")),
                    bool(q.get("required")),
                    [str(o.get("value", "")) for o in options if not o.get("isOther")],
                    section,
                    {
                        str(o.get("value", "")): str(o["goToSectionId"])
                        for o in options
                        if o.get("goToSectionId")
                    },
                )
            else:
                kind = "TEXT" if "textQuestion" in q else "FILE" if "fileUploadQuestion" in q else "OTHER"
                fq = FormQuestion(title, kind, bool(q.get("required")), section=section)
            out.append(fq)
        elif "questionGroupItem" in item:
            group = item["questionGroupItem"]
            columns = [
                str(o.get("value", ""))
                for o in (group.get("grid", {}).get("columns", {}).get("options") or [])
            ]
            for q in group.get("questions", []):
                row = q.get("rowQuestion", {}).get("title", "")
                out.append(
                    FormQuestion(f"{title} [{row}]", "GRID", bool(q.get("required")), columns, section)
                )
    return out


def check_form(
    form: Mapping[str, Any],
    design: FormDesign,
    org: OrgUnits,
    calendar: Calendar,
    *,
    score_columns: bool = False,
) -> list[Problem]:
    """Every drift of `form` from the design's schema; `score_columns` as the source's setting (options are scores)."""
    source, schema = design.source, design.schema
    problems: list[Problem] = []
    state = (form.get("publishSettings") or {}).get("publishState")
    if isinstance(state, Mapping) and not (state.get("isPublished") and state.get("isAcceptingResponses")):
        problems.append(
            Problem(
                "",
                "แบบฟอร์มยังไม่เผยแพร่หรือปิดรับคำตอบอยู่ อำเภอจะส่งคำตอบไม่ได้",
                'ในหน้าแก้ไขแบบฟอร์ม กด "เผยแพร่" (Publish) และเปิด "รับคำตอบ" (Accepting responses)',
            )
        )
    questions = form_questions(form)
    header = [*_AUTOMATIC, *(q.title for q in questions)]
    by_title: dict[str, list[FormQuestion]] = {}
    for q in questions:
        by_title.setdefault(thai.title_key(q.title), []).append(q)
    merged = [str(h) for h in merge_repeated([header])[0]]
    cmap = _columns(merged, schema, problems)

    def asked(key: str) -> list[FormQuestion]:
        title = cmap.header(key)
        return by_title.get(thai.title_key(title), []) if title else []

    for spec in schema.fields:
        for q in asked(spec.key):
            if spec.required and not q.required and q.kind != "FILE":
                problems.append(_not_required(q))
    for ind in schema.indicators:
        for q in asked(ind.key):
            problems.extend(_indicator(ind, q, score_columns))
    districts = asked("district")
    problems.extend(_districts(districts, org))
    problems.extend(_tambons(asked("tambon"), districts, org))
    problems.extend(_periods(asked("round"), asked("month"), source, calendar))
    return problems


def _columns(header: Sequence[str], schema: FormSchema, problems: list[Problem]) -> ColumnMap:
    """The sync's column plan of these titles: each required field it cannot place is a problem."""
    found = plan(header, schema)
    by_no = {i.key: i for i in schema.indicators}
    for key in found.missing:
        ind = by_no.get(key)
        name = (
            f'ตัวชี้วัดที่ {thai.to_thai_digits(str(ind.no))} "{ind.title}"'
            if ind
            else f'"{schema.field(key).titles[0]}"'
        )
        hint = f'"{ind.no}. {ind.title}"' if ind else f'"{schema.field(key).titles[0]}"'
        problems.append(
            Problem(
                "",
                f"ไม่พบคำถามของ{name} — ชื่อคำถามถูกแก้จนระบบอ่านคำตอบไม่ได้ หรือคำถามถูกลบ",
                f"ตั้งชื่อคำถามเป็น {hint} (หรือขึ้นต้นด้วยเลขข้อ) หรือสร้างแบบฟอร์มใหม่ด้วย pipeline forms build",
            )
        )
    return found.cmap


def _not_required(q: FormQuestion) -> Problem:
    return Problem(
        q.title, 'คำถามนี้ไม่ได้ตั้งเป็น "จำเป็น" อำเภอส่งโดยไม่ตอบได้', 'เปิดสวิตช์ "จำเป็น" (Required) ของคำถามนี้'
    )


def _indicator(ind: Indicator, q: FormQuestion, score_columns: bool) -> list[Problem]:
    out: list[Problem] = []
    name = f"ตัวชี้วัดที่ {thai.to_thai_digits(str(ind.no))}"
    labels = " / ".join(f'"{b.label}"' for b in ind.bands)
    if not q.required:
        out.append(_not_required(q))
    if q.kind == "TEXT":
        if ind.kind == "choice":
            out.append(
                Problem(
                    q.title,
                    f"{name} เป็นคำถามพิมพ์ตอบเอง คำตอบอาจไม่ตรงกับเกณฑ์",
                    f"เปลี่ยนเป็นคำถามแบบเลือกตอบ ตัวเลือก: {labels}",
                )
            )
        return out
    if q.kind not in ("RADIO", "DROP_DOWN", "GRID"):  # a grid row takes one answer
        return [
            *out,
            Problem(
                q.title,
                f"{name} เป็นคำถามชนิดที่ตอบได้หลายคำตอบหรือไม่ใช่ตัวเลือก",
                f"เปลี่ยนเป็นคำถามแบบเลือกตอบข้อเดียว ตัวเลือก: {labels}",
            ),
        ]
    scores: set[int] = set()
    for option in q.options:
        scored = score_answer(ind, option, as_score=score_columns)
        if scored.score is None:
            out.append(
                Problem(
                    q.title,
                    f'{name} ตัวเลือก "{option}" ไม่ตรงกับเกณฑ์ใดในหนังสือเวียน',
                    f"แก้ตัวเลือกให้ตรงกับที่หนังสือเวียนพิมพ์: {labels}",
                )
            )
        else:
            scores.add(scored.score)
    for band in ind.bands:
        if band.score not in scores:
            out.append(
                Problem(
                    q.title,
                    f'{name} ไม่มีตัวเลือกของเกณฑ์ "{band.label}" ({thai.to_thai_digits(str(band.score))} คะแนน)',
                    f'เพิ่มตัวเลือก "{band.label}"',
                )
            )
    return out


def _choice_lists(questions: Sequence[FormQuestion]) -> list[FormQuestion]:
    return [q for q in questions if q.kind in ("RADIO", "DROP_DOWN")]


def _districts(questions: Sequence[FormQuestion], org: OrgUnits) -> list[Problem]:
    out: list[Problem] = []
    for q in _choice_lists(questions):
        found: set[str] = set()
        for option in q.options:
            res = org.resolve_district(option)
            if res.unit is None:
                out.append(
                    Problem(
                        q.title,
                        f'ตัวเลือก "{option}" ไม่ใช่อำเภอของจังหวัด{org.province.name}',
                        res.message or "ลบตัวเลือกนี้ หรือแก้ให้เป็นชื่ออำเภอที่ถูกต้อง",
                    )
                )
            else:
                found.add(res.unit.code)
        for d in org.districts():
            if d.code not in found:
                out.append(Problem(q.title, f"รายการอำเภอไม่มีอำเภอ{d.name}", f'เพิ่มตัวเลือก "{d.name}"'))
    return out


def _tambons(
    questions: Sequence[FormQuestion], districts: Sequence[FormQuestion], org: OrgUnits
) -> list[Problem]:
    lists = _choice_lists(questions)
    if not lists:
        return []  # typed tambons are resolved by the sync, typos reported row by row
    # A district's option leading to a section names the district of the tambon list there.
    section_district: dict[str, Unit] = {}
    for dq in _choice_lists(districts):
        for option, section in dq.go_to.items():
            res = org.resolve_district(option)
            if res.unit is not None:
                section_district[section] = res.unit
    out: list[Problem] = []
    covered: set[str] = set()
    for q in lists:
        district = section_district.get(q.section)
        where = f" (ส่วนของอำเภอ{district.name})" if district else ""
        for option in q.options:
            res = org.resolve_tambon(option, district.code if district else None)
            if res.unit is None:
                out.append(
                    Problem(
                        q.title + where,
                        f'ตัวเลือก "{option}" ไม่ใช่ตำบลของ{"อำเภอ" + district.name if district else "จังหวัดนี้"}',
                        res.message or "ลบตัวเลือกนี้ หรือแก้ให้เป็นชื่อตำบลที่ถูกต้อง",
                    )
                )
            else:
                covered.add(res.unit.code)
        for t in org.tambons(district.code) if district else ():
            if t.code not in covered:
                out.append(
                    Problem(
                        q.title + where,
                        f"รายการตำบลไม่มีตำบล{t.name}",
                        f'เพิ่มตัวเลือก "{t.name}" ในส่วนของอำเภอ{district.name if district else ""}',
                    )
                )
    for t in org.tambons():
        district_has_list = any(d.code == t.parent_code for d in section_district.values())
        if t.code not in covered and not district_has_list:
            d = org.district(t.parent_code)
            out.append(
                Problem(
                    lists[0].title,
                    f"ไม่มีรายการตำบลให้เลือกตำบล{t.name} อำเภอ{d.name}",
                    f'เพิ่มตัวเลือก "{t.name}" ในรายการตำบลของอำเภอ{d.name}',
                )
            )
    return out


def _periods(
    rounds: Sequence[FormQuestion], months: Sequence[FormQuestion], source: str, calendar: Calendar
) -> list[Problem]:
    cutoffs = calendar.for_form(source)
    out: list[Problem] = []
    for q in _choice_lists(rounds):
        wanted = {c.period for c in cutoffs if c.round}
        got = set()
        for option in q.options:
            digits = "".join(ch for ch in thai.to_arabic_digits(option) if ch.isdigit())
            period = str(int(digits)) if digits else ""
            if period not in wanted:
                out.append(
                    Problem(
                        q.title,
                        f'ตัวเลือก "{option}" ไม่ใช่ครั้งที่ประเมินในปฏิทินปีนี้',
                        "แก้ให้ตรงกับครั้งที่ในปฏิทิน: " + ", ".join(f"ครั้งที่ {p}" for p in sorted(wanted)),
                    )
                )
            got.add(period)
        out.extend(
            Problem(q.title, f"ไม่มีตัวเลือกครั้งที่ {p}", f'เพิ่มตัวเลือก "ครั้งที่ {thai.to_thai_digits(p)}"')
            for p in sorted(wanted - got)
        )
    for q in _choice_lists(months):
        periods = [c.period for c in cutoffs if c.period and not c.round]
        months_got: set[str | None] = set()
        for option in q.options:
            month = parse_month(option, periods)
            if month not in periods:
                out.append(
                    Problem(
                        q.title,
                        f'ตัวเลือก "{option}" ไม่ใช่เดือนที่ต้องรายงานในปฏิทินปีนี้',
                        'ลบตัวเลือกนี้ หรือแก้ให้เป็นเดือนและปี พ.ศ. เช่น "พฤษภาคม ๒๕๖๗"',
                    )
                )
            months_got.add(month)
        out.extend(
            Problem(q.title, f"ไม่มีตัวเลือกเดือน{month_label(p)}", f'เพิ่มตัวเลือก "{month_label(p)}"')
            for p in periods
            if p not in months_got
        )
    return out
