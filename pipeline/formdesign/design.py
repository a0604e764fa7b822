"""A source's form, designed from its schema, the province's org units and the calendar. Pure.

The design is what `forms build` sends to Google, what `forms template` lays
out as workbook columns and what `forms check` compares a live form with:

- a start section: the round or month when the calendar has several, the
  plain questions (reporter, phone …) and the district drop-down;
- for a form that names a tambon, one section per district holding a
  drop-down of that district's tambons only; the district's option leads to
  its section, so a tambon can only be chosen inside its district. Every
  district's tambon question is titled the same: the sync reads them as one
  column;
- one section per rubric category, each indicator a choice of its band labels
  exactly as the circular prints them (or a number question where the schema
  says `ask: figure`); other forms get one section with their remaining
  questions.

Question titles are the schema's first title for a field and "N. <title>" for
an indicator: exactly what the sync's column detection finds without a
`columns:` map. Google's Forms API cannot create file-upload questions: they
become manual steps.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from pipeline import thai
from pipeline.calendar import Calendar, Cutoff
from pipeline.months import month_label
from pipeline.orgunits import OrgUnits
from pipeline.schema import FieldSpec, FormSchema, Indicator
from pipeline.settings import Settings

QuestionKind = Literal["dropdown", "radio", "text", "number", "file"]
SUBMIT = "@submit"  # a choice's target: end the form
AUTOMATIC = frozenset({"timestamp", "email"})  # Google Forms records these by itself
# The district's (or the LAO's) question must stay in the start section: its options navigate.
IDENTITY = ("district", "tambon", "round", "month", "lao")


@dataclass(frozen=True)
class Choice:
    value: str
    go_to: str = ""  # key of the section to go to, SUBMIT, or "" for the next one


@dataclass(frozen=True)
class Question:
    key: str  # field or indicator key (several tambon questions share "tambon")
    title: str
    kind: QuestionKind
    required: bool
    options: tuple[Choice, ...] = ()
    description: str = ""
    unit: str = ""  # the district code of a district's tambon question


@dataclass(frozen=True)
class Section:
    key: str  # "start" for the form's first page, else a page break's key
    title: str
    description: str = ""
    questions: tuple[Question, ...] = ()


@dataclass(frozen=True)
class FormDesign:
    source: str
    schema: FormSchema
    title: str
    description: str
    sections: tuple[Section, ...]

    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]

    @property
    def manual_steps(self) -> list[str]:
        """What the province adds by hand in the form editor (the API cannot)."""
        steps = []
        for section in self.sections:
            for q in section.questions:
                if q.kind == "file":
                    where = f'section "{section.title}"' if section.key != "start" else "the first section"
                    steps.append(
                        f'In {where}, add a "File upload" question titled exactly "{q.title}"'
                        + (", required" if q.required else "")
                        + ', "Allow only specific file types": PDF, maximum number of files 5.'
                    )
        return steps


def indicator_title(ind: Indicator) -> str:
    return f"{ind.no}. {_one_line(ind.title)}"


def field_title(spec: FieldSpec) -> str:
    """The field's first title; a bare number ("3.1") gets the first worded title after it."""
    first = spec.titles[0]
    if not any("\u0e00" <= ch <= "\u0e7f" or ch.isalpha() for ch in first):
        worded = next((t for t in spec.titles[1:] if not t.startswith(("ข้อ", first))), "")
        first = f"{first} {worded}".strip()
    return _one_line(first)


def round_label(cutoff: Cutoff) -> str:
    return f"ครั้งที่ {thai.to_thai_digits(cutoff.period)}"


def _one_line(text: str) -> str:
    # Google refuses line breaks in titles and option values.
    return " ".join(text.split())


def design_form(
    source: str, schema: FormSchema, org: OrgUnits, calendar: Calendar, settings: Settings
) -> FormDesign:
    cutoffs = calendar.for_form(source)
    fields = {f.key: f for f in schema.fields}
    start: list[Question] = []
    periods = [c for c in cutoffs if c.period]
    if len(periods) > 1 and "round" in fields and all(c.round for c in periods):
        # Added because the calendar has several rounds: required, so no answer is put in the wrong one.
        start.append(
            Question(
                "round", field_title(fields["round"]), "dropdown", True, _choices(map(round_label, periods))
            )
        )
    if len(periods) > 1 and "month" in fields and not all(c.round for c in periods):
        labels = (month_label(c.period) for c in periods)
        start.append(Question("month", field_title(fields["month"]), "dropdown", True, _choices(labels)))
    if "lao" in fields and settings.model_laos:
        names = (lao.name for lao in settings.model_laos)
        start.append(
            Question("lao", field_title(fields["lao"]), "dropdown", fields["lao"].required, _choices(names))
        )
    body = [_plain(f) for f in schema.fields if f.key not in AUTOMATIC and f.key not in IDENTITY]
    # Plain questions about the reporter go first; what the report is about follows the place.
    about_reporter = {"reporter", "phone"}
    start.extend(q for q in body if q.key in about_reporter)
    body = [q for q in body if q.key not in about_reporter]

    sections: list[Section] = []
    if schema.indicators:
        sections.extend(_category_sections(schema))
    elif body:
        sections.append(Section("details", "รายละเอียดการรายงาน", questions=tuple(body)))
    after_place = sections[0].key if sections else SUBMIT

    district_sections: list[Section] = []
    if "district" in fields:
        spec = fields["district"]
        with_tambon = "tambon" in fields
        options = tuple(Choice(d.name, f"district-{d.code}" if with_tambon else "") for d in org.districts())
        start.append(Question("district", field_title(spec), "dropdown", spec.required, options))
        if with_tambon:
            tspec = fields["tambon"]
            for d in org.districts():
                tambons = tuple(Choice(t.name, after_place) for t in org.tambons(d.code))
                question = Question(
                    "tambon", field_title(tspec), "dropdown", tspec.required, tambons, unit=d.code
                )
                district_sections.append(
                    Section(f"district-{d.code}", f"อำเภอ{d.name}", "เลือกตำบลของอำเภอนี้", (question,))
                )
    cutoff_text = "; ".join(_cutoff_text(c, len(cutoffs) > 1) for c in cutoffs)
    lines = [schema.title]
    circular = calendar.circular
    if circular:
        lines.append(f"ตามหนังสือ{circular}")
    if cutoff_text:
        lines.append(f"กำหนดส่ง: {cutoff_text}")
    lines.append(f"จังหวัด{org.province.name} ปีงบประมาณ พ.ศ. {thai.to_thai_digits(str(calendar.fiscal_year))}")
    lines.append("เลือกคำตอบจากรายการเท่านั้น ห้ามแก้ไขชื่อคำถาม เพื่อให้ระบบอ่านคำตอบได้ถูกต้อง")
    first = Section("start", schema.title, questions=tuple(start))
    title = (
        f"{schema.title} จังหวัด{org.province.name} ปีงบประมาณ {thai.to_thai_digits(str(calendar.fiscal_year))}"
    )
    return FormDesign(
        source=source,
        schema=schema,
        title=_one_line(title),
        description="\n".join(lines),
        sections=(first, *district_sections, *sections),
    )


def _choices(values: Iterable[str]) -> tuple[Choice, ...]:
    return tuple(Choice(_one_line(v)) for v in values)


def _plain(spec: FieldSpec) -> Question:
    kind: QuestionKind = "file" if spec.kind == "file" else "number" if spec.kind == "number" else "text"
    return Question(spec.key, field_title(spec), kind, spec.required)


def _category_sections(schema: FormSchema) -> list[Section]:
    out = []
    for cat in schema.categories:
        questions = tuple(_indicator_question(i) for i in schema.indicators if i.category == cat.no)
        title = f"หมวดที่ {thai.to_thai_digits(str(cat.no))} {_one_line(cat.title)}"
        out.append(Section(f"category-{cat.no}", title, questions=questions))
    return out


def _indicator_question(ind: Indicator) -> Question:
    if ind.ask == "figure":
        what = "ร้อยละ (ตัวเลข ๐ ถึง ๑๐๐)" if ind.kind == "percent" else "จำนวน (ตัวเลขจำนวนเต็ม)"
        return Question(ind.key, indicator_title(ind), "number", True, description=f"ตอบเป็น{what}")
    return Question(ind.key, indicator_title(ind), "radio", True, _choices(b.label for b in ind.bands))


def _cutoff_text(c: Cutoff, several: bool) -> str:
    due = thai.format_thai_date(c.due, weekday=False)
    if not several or not c.period:
        return f"ภายใน {due}"
    if c.round:
        return f"{round_label(c)} ภายใน {due}"
    return f"เดือน{month_label(c.period)} ภายใน {due}"
