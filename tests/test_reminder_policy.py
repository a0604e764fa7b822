from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pipeline.calendar import Calendar, Cutoff
from pipeline.contacts import Contacts, Problem, load_contacts
from pipeline.errors import MailError
from pipeline.expected import ExpectedUnit, expected_units
from pipeline.mailer import KEY_HEADER, MemoryMailer, RecipientsRefused, Templates, recipients
from pipeline.models import UnitStatus
from pipeline.orgunits import OrgUnits
from pipeline.reminder_policy import (
    Message,
    current_step,
    plan,
    steps,
)
from pipeline.reminder_send import failed_runs_since_digest, send_due
from pipeline.reminder_words import days_text
from pipeline.settings import MailSettings, ModelLao, Settings
from pipeline.state import State

TZ = ZoneInfo("Asia/Bangkok")
ORG = OrgUnits.for_province("56")
CONTACTS = load_contacts(Path(__file__).resolve().parents[1] / "config" / "contacts.yaml", ORG)
PROVINCE = {c.email for c in CONTACTS.province}
DISTRICTS = [f"56{n:02d}" for n in range(1, 10)]
LAOS = (
    ModelLao("5601:เทศบาลเมืองพะเยา", "เทศบาลเมืองพะเยา", "5601"),
    ModelLao("5605:เทศบาลตำบลดอกคำใต้", "เทศบาลตำบลดอกคำใต้", "5605"),
    ModelLao("5607:เทศบาลตำบลแม่ใจ", "เทศบาลตำบลแม่ใจ", "5607"),
)
# Phayao FY2567 (dates from the circular), a monthly KPI report and the province's own report.
CALENDAR = Calendar(
    path=Path("phayao-2567.yaml"),
    province="พะเยา",
    fiscal_year=2567,
    cutoffs=(
        Cutoff(
            "registry", "committee_registry", "ทะเบียนข้อมูลคณะกรรมการ ศอช.", "districts", date(2023, 11, 24)
        ),
        Cutoff(
            "assessment-1",
            "tambon_assessment",
            "การประเมินผลการจัดระดับการพัฒนา ศอช.ต.",
            "tambons",
            date(2023, 11, 24),
            "1",
        ),
        Cutoff(
            "assessment-2",
            "tambon_assessment",
            "การประเมินผลการจัดระดับการพัฒนา ศอช.ต.",
            "tambons",
            date(2024, 6, 21),
            "2",
        ),
        *(
            Cutoff(
                f"kpi32-2567-{m:02d}",
                "kpi32",
                "รายงานตัวชี้วัดที่ 3.2",
                "model_laos",
                date(2024, m, 25),
                f"2567-{m:02d}",
            )
            for m in range(5, 10)
        ),
        Cutoff("lessons", "lessons_learned", "รายงานการถอดบทเรียน", "province", date(2024, 7, 29)),
    ),
)
CUTOFF = {c.id: c for c in CALENDAR.cutoffs}


def make_settings(tmp_path: Path, **mail: object) -> Settings:
    return Settings(
        path=tmp_path / "pipeline.yaml",
        province_code="56",
        province_name="พะเยา",
        fiscal_year=2567,
        timezone="Asia/Bangkok",
        backend="local",
        data_dir=tmp_path / "data",
        state_db=tmp_path / "state" / "pipeline.sqlite",
        calendar=tmp_path / "calendar.yaml",
        sources={},
        output_spreadsheet="summary",
        holidays=("2024-07-29",),
        model_laos=LAOS,
        mail=MailSettings(
            sender="cdd.phayao@example.org",
            sender_name="สำนักงานพัฒนาชุมชนจังหวัดพะเยา",
            form_links={"tambon_assessment": "https://forms.gle/assessment"},
            **mail,  # type: ignore[arg-type]
        ),
    )


EXPECTED = {c.id: expected_units(c, ORG, make_settings(Path("."))) for c in CALENDAR.cutoffs}


def at(d: date) -> datetime:
    return datetime.combine(d, time(8, 0), tzinfo=TZ)


def days(start: date, end: date) -> Iterator[date]:
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)


def status(cutoff_id: str, unit: ExpectedUnit, kind: str, *errors: str) -> UnitStatus:
    c = CUTOFF[cutoff_id]
    return UnitStatus(c.form, c.period, unit.code, unit.name, unit.district_code, kind, None, errors)


def units_of(cutoff_id: str, district: str) -> list[ExpectedUnit]:
    return [u for u in EXPECTED[cutoff_id] if u.district_code == district]


# ---------------------------------------------------------------------------
# Steps and wording

DUE = date(2023, 11, 24)
STEP_ON = [
    (DUE - timedelta(days=8), None),
    (DUE - timedelta(days=7), "before-7"),
    (DUE - timedelta(days=4), "before-7"),  # caught up while before-3 is not yet due
    (DUE - timedelta(days=3), "before-3"),
    (DUE - timedelta(days=2), "before-3"),
    (DUE - timedelta(days=1), "before-1"),
    (DUE, "due"),
    (DUE + timedelta(days=1), "after-1"),
    (DUE + timedelta(days=2), "after-1"),
    (DUE + timedelta(days=3), "after-3"),
    (DUE + timedelta(days=9), "after-3"),
    (DUE + timedelta(days=10), None),
]


@pytest.mark.parametrize(("today", "step"), STEP_ON)
def test_current_step(today: date, step: str | None) -> None:
    assert current_step(DUE, today, MailSettings()) == step


def test_steps_follow_the_settings() -> None:
    mail = MailSettings(before_days=(0, 14, 14), after_days=(0, 7))
    assert steps(DUE, mail) == [
        (DUE - timedelta(days=14), "before-14"),
        (DUE, "due"),
        (DUE + timedelta(days=7), "after-7"),
    ]
    # a before step never runs past the cut-off, even without a "due" step
    assert current_step(DUE, DUE, MailSettings(before_days=(3,), after_days=())) == "before-3"
    assert current_step(DUE, DUE + timedelta(days=1), MailSettings(before_days=(3,), after_days=())) is None


@pytest.mark.parametrize(
    ("left", "thai", "arabic"),
    [
        (3, "อีก ๓ วัน", "อีก 3 วัน"),
        (14, "อีก ๑๔ วัน", "อีก 14 วัน"),
        (0, "วันนี้เป็นวันสุดท้าย", "วันนี้เป็นวันสุดท้าย"),
        (-1, "เลยกำหนดมาแล้ว ๑ วัน", "เลยกำหนดมาแล้ว 1 วัน"),
    ],
)
def test_days_text(left: int, thai: str, arabic: str) -> None:
    assert days_text(left) == thai
    assert days_text(left, thai_digits=False) == arabic


# ---------------------------------------------------------------------------
# The plan on one day


def only(messages: list[Message], cutoff_id: str, office: str) -> Message:
    found = [m for m in messages if m.key.cutoff_id == cutoff_id and m.key.unit_code == office]
    assert len(found) == 1
    return found[0]


def test_a_reminder_lists_missing_and_rejected_units_only(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    tambons = units_of("assessment-1", "5609")
    statuses = [
        status("assessment-1", tambons[0], "valid"),
        status("assessment-1", tambons[1], "rejected", "คะแนนตัวชี้วัดที่ 5 ต้องเป็น 1-3", "ไม่ได้ระบุวันที่ประเมิน"),
        *(status("assessment-1", u, "valid") for u in units_of("assessment-1", "5604")),
    ]
    messages = plan(CALENDAR, statuses, EXPECTED, CONTACTS, date(2023, 11, 21), settings)
    assert {
        (m.key.cutoff_id, m.key.unit_code, m.key.step) for m in messages if m.key.cutoff_id == "assessment-1"
    } == {("assessment-1", d, "before-3") for d in DISTRICTS if d != "5604"}
    m = only(messages, "assessment-1", "5609")
    assert m.template == "reminder" and m.cc == ()
    assert [c.email for c in m.to] == [c.email for c in CONTACTS.district("5609")]
    ctx = m.context
    assert [u["label"] for u in ctx["missing"]] == ["ตำบลแม่อิง"]
    assert ctx["rejected"] == [
        {
            "code": tambons[1].code,
            "label": f"ตำบล{tambons[1].name}",
            "errors": ["คะแนนตัวชี้วัดที่ 5 ต้องเป็น 1-3", "ไม่ได้ระบุวันที่ประเมิน"],
        }
    ]
    assert ctx["due_text"] == "วันศุกร์ที่ ๒๔ พฤศจิกายน ๒๕๖๖"
    assert ctx["days_text"] == "อีก ๓ วัน"
    assert ctx["period"] == "รอบที่ ๑"
    assert ctx["link"] == "https://forms.gle/assessment"
    assert ctx["greeting"] == "พัฒนาการอำเภอภูกามยาว"
    text = Templates().render(m.template, ctx)
    assert text.subject == (
        "แจ้งเตือนกำหนดส่งการประเมินผลการจัดระดับการพัฒนา ศอช.ต. รอบที่ ๑ ภายในวันศุกร์ที่ ๒๔ พฤศจิกายน ๒๕๖๖ (อีก ๓ วัน)"
    )
    assert "ไม่ได้ระบุวันที่ประเมิน" in text.text and "ตำบลแม่อิง" in text.text
    assert f"ตำบล{tambons[0].name}" not in text.text


def test_after_the_cut_off_the_province_is_copied(tmp_path: Path) -> None:
    messages = plan(CALENDAR, [], EXPECTED, CONTACTS, date(2023, 11, 25), make_settings(tmp_path))
    m = only(messages, "registry", "5602")
    assert m.key.step == "after-1" and m.template == "overdue"
    assert {c.email for c in m.cc} == PROVINCE
    assert m.context["days_text"] == "เลยกำหนดมาแล้ว ๑ วัน"
    rendered = Templates().render("overdue", m.context)
    assert "เลยกำหนดมาแล้ว ๑ วัน" in rendered.subject and "อำเภอจุน" in rendered.subject


def test_weekend_and_holiday_cut_offs_stay_and_are_named(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    messages = plan(CALENDAR, [], EXPECTED, CONTACTS, date(2024, 5, 24), settings)
    ctx = only(messages, "kpi32-2567-05", "5605").context
    assert ctx["due_text"] == "วันเสาร์ที่ ๒๕ พฤษภาคม ๒๕๖๗"
    assert ctx["holiday_note"] == "ซึ่งตรงกับวันหยุดสุดสัปดาห์"
    assert ctx["last_workday"] == "วันศุกร์ที่ ๒๔ พฤษภาคม ๒๕๖๗"
    assert ctx["period"] == "ประจำเดือนพฤษภาคม ๒๕๖๗"
    assert "ซึ่งเป็นวันทำการสุดท้ายก่อนกำหนด" in Templates().render("reminder", ctx).text
    lessons = only(plan(CALENDAR, [], EXPECTED, CONTACTS, date(2024, 7, 26), settings), "lessons", "56")
    assert lessons.context["due_text"] == "วันจันทร์ที่ ๒๙ กรกฎาคม ๒๕๖๗"
    assert lessons.context["holiday_note"] == "ซึ่งตรงกับวันหยุดราชการ"
    assert lessons.context["last_workday"] == "วันศุกร์ที่ ๒๖ กรกฎาคม ๒๕๖๗"
    assert {c.email for c in lessons.to} == PROVINCE


def test_arabic_digits_when_configured(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, thai_digits=False)
    m = only(plan(CALENDAR, [], EXPECTED, CONTACTS, date(2023, 11, 21), settings), "registry", "5601")
    assert m.context["due_text"] == "วันศุกร์ที่ 24 พฤศจิกายน 2566"
    assert m.context["days_text"] == "อีก 3 วัน"


def test_a_district_without_contacts_gets_nothing_but_is_a_problem(tmp_path: Path) -> None:
    contacts = Contacts(
        by_district={k: v for k, v in CONTACTS.by_district.items() if k != "5603"},
        province=CONTACTS.province,
        problems=(Problem("contacts.yaml", "อำเภอเชียงคำ (5603) ไม่มีผู้รับการแจ้งเตือนที่ใช้ได้"),),
    )
    settings = make_settings(tmp_path)
    messages = plan(CALENDAR, [], EXPECTED, contacts, date(2023, 11, 21), settings)
    assert not [m for m in messages if m.key.unit_code == "5603"]
    digest = messages[-1]
    assert digest.template == "digest"
    assert digest.context["problems"] == ["contacts.yaml: อำเภอเชียงคำ (5603) ไม่มีผู้รับการแจ้งเตือนที่ใช้ได้"]
    # after the cut-off the province hears of it instead
    overdue = only(plan(CALENDAR, [], EXPECTED, contacts, date(2023, 11, 25), settings), "registry", "5603")
    assert {c.email for c in overdue.to} == PROVINCE and overdue.cc == ()


def test_the_digest_says_who_reported_who_is_late_and_who_has_errors(tmp_path: Path) -> None:
    statuses = [
        status("registry", units_of("registry", "5601")[0], "valid"),
        status("registry", units_of("registry", "5602")[0], "late"),
        status("registry", units_of("registry", "5603")[0], "rejected", "ไม่ได้ระบุจำนวนกรรมการ"),
    ]
    messages = plan(CALENDAR, statuses, EXPECTED, CONTACTS, date(2023, 11, 26), make_settings(tmp_path))
    digest = messages[-1]
    assert digest.key == ("digest", "56", "digest-2023-11-26")
    assert {c.email for c in digest.to} == PROVINCE
    registry = next(c for c in digest.context["cutoffs"] if c["cutoff_id"] == "registry")
    assert (
        registry["valid_count"],
        registry["late_count"],
        registry["rejected_count"],
        registry["missing_count"],
    ) == (
        "๑",
        "๑",
        "๑",
        "๖",
    )
    text = Templates().render("digest", digest.context).text
    assert "ส่งช้า: อำเภอจุน" in text
    assert "มีข้อผิดพลาด: อำเภอเชียงคำ (ไม่ได้ระบุจำนวนกรรมการ)" in text
    assert "ยังไม่ส่ง: อำเภอปง" in text
    assert "เลยกำหนดมาแล้ว ๒ วัน" in text
    # a quiet day sends no digest
    assert plan(CALENDAR, [], EXPECTED, CONTACTS, date(2024, 1, 15), make_settings(tmp_path)) == []


# ---------------------------------------------------------------------------
# Sending once, retrying failures


class RefusingMailer(MemoryMailer):
    """Refuses each address in ``refuse`` once; fails as a whole while ``down``."""

    def __init__(self, refuse: set[str] | None = None) -> None:
        super().__init__()
        self.refuse = set(refuse or ())
        self.down = False

    def send(self, msg: EmailMessage) -> None:
        if self.down:
            raise MailError("connection refused")
        refused = {a: "550 mailbox unavailable" for a in recipients(msg) if a in self.refuse}
        self.refuse -= set(refused)
        if len(refused) < len(recipients(msg)):
            super().send(msg)
        if refused:
            raise RecipientsRefused(refused)


def sent_pairs(mailer: MemoryMailer) -> list[tuple[str, str]]:
    return [(str(m[KEY_HEADER]), addr) for m in mailer.messages for addr in recipients(m)]


def test_a_refused_recipient_is_retried_alone_on_the_next_run(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    head, staff = CONTACTS.district("5601")
    mailer = RefusingMailer({staff.email})
    day = date(2023, 11, 17)
    with State(settings.state_db) as state:
        messages = [
            m for m in plan(CALENDAR, [], EXPECTED, CONTACTS, day, settings) if m.key.unit_code == "5601"
        ]
        first = send_due(
            messages, mailer=mailer, state=state, now=at(day), settings=settings, templates=Templates()
        )
        # the first message to go (assessment-1) meets the refusal
        assert {(d.key.cutoff_id, d.recipient, d.status) for d in first} == {
            ("assessment-1", head.email, "sent"),
            ("assessment-1", staff.email, "failed"),
            ("registry", head.email, "sent"),
            ("registry", staff.email, "sent"),
        }
        next_day = day + timedelta(days=1)
        messages = [
            m for m in plan(CALENDAR, [], EXPECTED, CONTACTS, next_day, settings) if m.key.unit_code == "5601"
        ]
        second = send_due(
            messages, mailer=mailer, state=state, now=at(next_day), settings=settings, templates=Templates()
        )
        assert sorted(
            (d.key.cutoff_id, d.recipient, d.status) for d in second if d.status != "already-sent"
        ) == [("assessment-1", staff.email, "sent")]
        assert sent_pairs(mailer)[-1] == ("assessment-1 5601 before-7", staff.email)
        assert state.reminder_sent("assessment-1", "5601", "before-7", staff.email)


def test_after_a_server_failure_the_rest_is_not_tried_and_goes_next_time(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    mailer = RefusingMailer()
    mailer.down = True
    day = date(2023, 11, 17)
    with State(settings.state_db) as state:
        messages = plan(CALENDAR, [], EXPECTED, CONTACTS, day, settings)
        first = send_due(
            messages, mailer=mailer, state=state, now=at(day), settings=settings, templates=Templates()
        )
        assert {d.status for d in first} == {"failed"}
        assert sum(d.error.startswith("not tried") for d in first) == len(first) - 2
        mailer.down = False
        second = send_due(
            messages, mailer=mailer, state=state, now=at(day), settings=settings, templates=Templates()
        )
        assert len(second) == len(first) and {d.status for d in second} == {"sent"}


def test_a_dry_run_sends_and_records_nothing(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    day = date(2023, 11, 17)
    mailer = MemoryMailer()
    with State(settings.state_db) as state:
        messages = plan(CALENDAR, [], EXPECTED, CONTACTS, day, settings)
        out = send_due(
            messages,
            mailer=mailer,
            state=state,
            now=at(day),
            settings=settings,
            templates=Templates(),
            dry_run=True,
        )
        assert {d.status for d in out} == {"dry-run"} and all(d.subject for d in out)
        assert mailer.messages == [] and state.reminders() == []


def test_failed_runs_are_reported_once_in_the_next_digest(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    day = date(2023, 11, 20)
    with State(settings.state_db) as state:
        run = state.start_run("sync", at(day) - timedelta(hours=7))
        state.finish_run(run, at(day) - timedelta(hours=7), "failed", {}, "แท็บ 'การตอบแบบฟอร์ม 1' ไม่พบ")
        failed = failed_runs_since_digest(state, at(day))
        assert [r.message for r in failed] == ["แท็บ 'การตอบแบบฟอร์ม 1' ไม่พบ"]
        digest = plan(CALENDAR, [], EXPECTED, CONTACTS, day, settings, failed_runs=failed)[-1]
        assert digest.context["failed_runs"] == [
            {
                "command": "sync",
                "started": "๒๐ พฤศจิกายน ๒๕๖๖ เวลา ๐๑.๐๐ น.",
                "message": "แท็บ 'การตอบแบบฟอร์ม 1' ไม่พบ",
            }
        ]
        assert "sync เมื่อ๒๐ พฤศจิกายน ๒๕๖๖" in Templates().render("digest", digest.context).text
        send_due(
            [digest],
            mailer=MemoryMailer(),
            state=state,
            now=at(day),
            settings=settings,
            templates=Templates(),
        )
        assert failed_runs_since_digest(state, at(day + timedelta(days=1))) == []


# ---------------------------------------------------------------------------
# A whole fiscal year, one run a day (twice on each day: the second sends nothing)


def statuses_on(day: date) -> list[UnitStatus]:
    """Who has reported what, as the nightly sync would have it on that day."""
    out: list[UnitStatus] = []

    def add(cutoff_id: str, district: str, kind: str, since: date, *errors: str) -> None:
        if day >= since:
            out.extend(status(cutoff_id, u, kind, *errors) for u in units_of(cutoff_id, district))

    add("registry", "5601", "valid", date(2023, 11, 10))
    add("registry", "5602", "valid", date(2023, 11, 20))
    if day < date(2023, 11, 26):
        add("registry", "5603", "rejected", date(2023, 11, 18), "ไม่ได้ระบุจำนวนกรรมการ")
    add("registry", "5603", "late", date(2023, 11, 26))
    add("assessment-1", "5604", "valid", date(2023, 11, 1))
    first, *rest = units_of("assessment-1", "5609")
    out.append(status("assessment-1", first, "rejected", "คะแนนตัวชี้วัดที่ 5 ต้องเป็น 1-3"))
    out.extend(status("assessment-1", u, "valid") for u in rest)
    for district in DISTRICTS:
        if district != "5605":
            add("assessment-2", district, "valid", date(2024, 6, 15))
    for month in range(5, 10):
        add(f"kpi32-2567-{month:02d}", "5601", "valid", date(2024, month, 20))
        add(f"kpi32-2567-{month:02d}", "5607", "late", date(2024, month, 26))
    if day >= date(2024, 7, 26):
        out.append(status("lessons", EXPECTED["lessons"][0], "valid"))
    return out


ALL_STEPS = ("before-7", "before-3", "before-1", "due", "after-1", "after-3")


def expected_year() -> Counter[tuple[str, str]]:
    """Every (message key, recipient) of the year, written out per scenario."""
    steps_of: dict[tuple[str, str], tuple[str, ...]] = {}
    for d in DISTRICTS:
        steps_of["registry", d] = ALL_STEPS
        steps_of["assessment-1", d] = ALL_STEPS
        steps_of["assessment-2", d] = ALL_STEPS if d == "5605" else ("before-7",)
    steps_of["registry", "5601"] = ()  # reported before the first reminder
    steps_of["registry", "5602"] = ("before-7",)  # reported on 20 Nov
    steps_of["registry", "5603"] = ALL_STEPS[:5]  # rejected on 18 Nov, late but valid on 26 Nov
    steps_of["assessment-1", "5604"] = ()  # all its tambons reported on 1 Nov
    for m in range(5, 10):
        kpi = f"kpi32-2567-{m:02d}"
        steps_of[kpi, "5601"] = ("before-7",)  # its LAO reports on the 20th
        steps_of[kpi, "5605"] = ALL_STEPS  # never
        steps_of[kpi, "5607"] = ALL_STEPS[:4]  # on the 26th, late
    steps_of["lessons", "56"] = ("before-7",)  # the province's own report, sent on 26 Jul
    out: Counter[tuple[str, str]] = Counter()
    for (cutoff_id, office), names in steps_of.items():
        to = (
            {c.email for c in CONTACTS.province}
            if office == "56"
            else {c.email for c in CONTACTS.district(office)}
        )
        for step in names:
            who = to | (PROVINCE if step.startswith("after") and office != "56" else set())
            out.update((f"{cutoff_id} {office} {step}", email) for email in who)
    dues = sorted({c.due for c in CALENDAR.cutoffs})
    for day in days(date(2023, 10, 1), date(2024, 9, 30)):
        if any(-3 <= (due - day).days <= 14 for due in dues):
            out.update((f"digest 56 digest-{day.isoformat()}", email) for email in PROVINCE)
    return out


def test_a_whole_fiscal_year(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    mailer = MemoryMailer()
    templates = Templates()
    by_day: dict[date, int] = {}
    with State(settings.state_db) as state:
        for day in days(date(2023, 10, 1), date(2024, 9, 30)):
            state.commit_sync(at(day) - timedelta(hours=7), {}, [], statuses_on(day))
            before = len(mailer.messages)
            for _ in range(2):
                messages = plan(CALENDAR, state.statuses(), EXPECTED, CONTACTS, day, settings)
                send_due(
                    messages, mailer=mailer, state=state, now=at(day), settings=settings, templates=templates
                )
            by_day[day] = len(mailer.messages) - before
    got = Counter(sent_pairs(mailer))
    assert [pair for pair, n in got.items() if n > 1] == []  # none twice
    want = expected_year()
    assert set(got) - set(want) == set()
    assert set(want) - set(got) == set()
    # every step on its own day
    assert by_day[date(2023, 11, 17)] == 8 + 8 + 1  # registry (not 5601), assessment-1 (not 5604), digest
    assert by_day[date(2023, 11, 19)] == by_day[date(2023, 11, 20)] == 1  # between steps: the digest alone
    assert by_day[date(2023, 11, 9)] == 0  # 15 days before: nothing at all
    assert by_day[date(2023, 12, 1)] == by_day[date(2024, 1, 1)] == 0
    rejected = next(m for m in mailer.messages if m[KEY_HEADER] == "registry 5603 before-3").get_body(
        ("plain",)
    )
    assert rejected is not None and "ไม่ได้ระบุจำนวนกรรมการ" in rejected.get_content()


def test_missed_days_are_caught_up_once_and_stale_steps_skipped(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    mailer = MemoryMailer()
    one = replace(CALENDAR, cutoffs=(CUTOFF["registry"],))
    with State(settings.state_db) as state:
        for day in (date(2023, 11, 18), date(2023, 11, 19), date(2023, 11, 22), date(2023, 11, 27)):
            messages = [
                m for m in plan(one, [], EXPECTED, CONTACTS, day, settings) if m.key.unit_code == "5606"
            ]
            send_due(
                messages, mailer=mailer, state=state, now=at(day), settings=settings, templates=Templates()
            )
    keys = [str(m[KEY_HEADER]) for m in mailer.messages]
    # before-7 on the 18th (a day late), nothing new on the 19th, before-3 on the 22nd (a day late);
    # before-1, due and after-1 were missed and are not sent late; after-3 on the 27th.
    assert keys == ["registry 5606 before-7", "registry 5606 before-3", "registry 5606 after-3"]
    late = mailer.messages[0].get_body(("plain",))
    assert late is not None and "อีก ๖ วัน" in late.get_content()


@pytest.mark.parametrize(
    "day", [date(2023, 11, 21), date(2023, 11, 25), date(2024, 5, 22), date(2024, 7, 26)]
)
def test_every_message_renders_tidily(tmp_path: Path, day: date) -> None:
    first = units_of("assessment-1", "5609")[0]
    statuses = [status("assessment-1", first, "rejected", "คะแนนตัวชี้วัดที่ 5 ต้องเป็น 1-3")]
    messages = plan(CALENDAR, statuses, EXPECTED, CONTACTS, day, make_settings(tmp_path))
    assert {m.template for m in messages} >= {"digest"}
    for m in messages:
        out = Templates().render(m.template, m.context)
        assert "\n\n\n" not in out.text and not out.text.startswith("\n")
        assert re.search(r"\S(ภายใน|\()<strong>", out.html) is None  # words stay apart across lines


def test_an_interrupted_run_is_told_in_the_next_digest(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    day = date(2023, 11, 20)
    with State(settings.state_db) as state:
        state.start_run("sync", at(day) - timedelta(hours=7))  # killed: never finished
        state.mark_interrupted(at(day) - timedelta(hours=1))  # what the next run finds and says
        failed = failed_runs_since_digest(state, at(day))
        assert [r.status for r in failed] == ["interrupted"]
        digest = plan(CALENDAR, [], EXPECTED, CONTACTS, day, settings, failed_runs=failed)[-1]
        text = Templates().render("digest", digest.context).text
        assert "ถูกหยุดกลางคัน" in text and "sync เมื่อ๒๐ พฤศจิกายน ๒๕๖๖" in text
