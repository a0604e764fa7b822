"""The reminder policy: which mail is due on a day, to whom, saying what.

``plan`` is pure: (calendar, statuses, expected units, contacts, today, settings)
-> messages. ``pipeline.reminder_send.send_due`` renders and sends them, skipping
every recipient the state already records as sent for the message's key.

The steps of a cut-off (with the default settings):

    before-7   before-3   before-1   due   after-1   after-3
    reminder to the district ---------------   overdue notice, province in cc

A step is *current* from its day until the day before the next step (a step
on or before the cut-off never past the cut-off, the last step for at most
CATCH_UP_DAYS). Sending daily, each step goes out on its day; a day without a
run is caught up on the next run within the window, and a recipient whose
delivery failed is retried the same way. Past the window the step is
superseded by the next one, so no-one gets a stale reminder.

Each district with units still missing or rejected gets one message per step,
keyed (cutoff id, district code, step) and listing those units with the errors
to correct. A unit with a valid report (on time or late) drops out of every
later message. The provincial officers get one digest a day (key
("digest", province code, "digest-YYYY-MM-DD")) while a cut-off is within
DIGEST_HORIZON_DAYS or overdue within the last after-step, with failed runs
and contact problems.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal, NamedTuple

from pipeline.calendar import Calendar, Cutoff
from pipeline.contacts import Contact, Contacts
from pipeline.expected import ExpectedUnit, unit_label
from pipeline.models import UnitStatus
from pipeline.reminder_words import Wording
from pipeline.settings import MailSettings, Settings
from pipeline.state import RunRecord
from pipeline.thai import to_arabic_digits

__all__ = [
    "CATCH_UP_DAYS",
    "DIGEST_HORIZON_DAYS",
    "Message",
    "MessageKey",
    "current_step",
    "plan",
    "steps",
]

log = logging.getLogger(__name__)

DIGEST_HORIZON_DAYS = 14
CATCH_UP_DAYS = 7
DONE = frozenset({"valid", "late"})

TemplateName = Literal["reminder", "overdue", "digest"]


class MessageKey(NamedTuple):
    cutoff_id: str
    unit_code: str  # the office written to: district code, or province code for its own reports
    step: str  # before-7 | before-3 | before-1 | due | after-1 | after-3 | digest-YYYY-MM-DD


@dataclass(frozen=True)
class Message:
    key: MessageKey
    template: TemplateName
    to: tuple[Contact, ...]
    cc: tuple[Contact, ...]
    context: Mapping[str, Any]  # what the template shows; Thai text already formatted


# ---------------------------------------------------------------------------
# Steps


def steps(due: date, mail: MailSettings) -> list[tuple[date, str]]:
    """The days mail goes out for a cut-off, with their step names, in order."""
    days: dict[date, str] = {}
    for n in sorted({n for n in mail.before_days if n >= 0}, reverse=True):
        days[due - timedelta(days=n)] = "due" if n == 0 else f"before-{n}"
    for n in sorted({n for n in mail.after_days if n > 0}):
        days[due + timedelta(days=n)] = f"after-{n}"
    return sorted(days.items())


def current_step(due: date, today: date, mail: MailSettings) -> str | None:
    """The step whose window holds today, if any (see the module docstring)."""
    schedule = steps(due, mail)
    for i, (day, step) in enumerate(schedule):
        nxt = schedule[i + 1][0] - timedelta(days=1) if i + 1 < len(schedule) else None
        limit = due if day <= due else day + timedelta(days=CATCH_UP_DAYS - 1)
        end = min(nxt, limit) if nxt is not None else limit
        if day <= today <= end:
            return step
    return None


# ---------------------------------------------------------------------------
# The plan


def plan(
    calendar: Calendar,
    statuses: Iterable[UnitStatus],
    expected: Mapping[str, Sequence[ExpectedUnit]],
    contacts: Contacts,
    today: date,
    settings: Settings,
    *,
    failed_runs: Sequence[RunRecord] = (),
) -> list[Message]:
    """Every message due today: reminders and overdue notices per district, then the digest.

    ``expected`` maps a cut-off id to its units (``pipeline.expected.expected_units``);
    ``failed_runs`` are the runs that failed since the last digest.
    """
    words = Wording(settings)
    by_unit = {(s.form, s.period, s.unit_code): s for s in statuses}
    messages: list[Message] = []
    for cutoff in sorted(calendar.cutoffs, key=lambda c: (c.due, c.id)):
        step = current_step(cutoff.due, today, settings.mail)
        if step is None:
            continue
        offices: dict[str, list[ExpectedUnit]] = {}
        for unit in expected.get(cutoff.id, ()):
            status = by_unit.get((cutoff.form, cutoff.period, unit.code))
            if status is None or status.status not in DONE:
                offices.setdefault(unit.district_code, []).append(unit)
        for district_code, units in sorted(offices.items()):
            message = _office_message(
                cutoff, step, district_code, units, by_unit, contacts, today, settings, words
            )
            if message is not None:
                messages.append(message)
    digest = _digest(calendar, by_unit, expected, contacts, today, settings, words, failed_runs)
    if digest is not None:
        messages.append(digest)
    return messages


def _office_message(
    cutoff: Cutoff,
    step: str,
    district_code: str,
    units: Sequence[ExpectedUnit],
    by_unit: Mapping[tuple[str, str, str], UnitStatus],
    contacts: Contacts,
    today: date,
    settings: Settings,
    words: Wording,
) -> Message | None:
    overdue = step.startswith("after-")
    if district_code:
        to, cc = contacts.district(district_code), contacts.province if overdue else ()
        office = f"อำเภอ{units[0].district_name}"
        greeting = f"พัฒนาการอำเภอ{units[0].district_name}"
    else:
        to, cc = contacts.province, ()
        office = f"จังหวัด{settings.province_name}"
        greeting = f"พัฒนาการจังหวัด{settings.province_name}"
    if not to:
        to, cc = cc, ()
    if not to:
        log.warning("no contact for %s: %s %s not sent", office, cutoff.id, step)
        return None
    missing, rejected = [], []
    for unit in units:
        status = by_unit.get((cutoff.form, cutoff.period, unit.code))
        item = {"code": unit.code, "label": unit_label(cutoff, unit)}
        if status is None:
            missing.append(item)
        else:
            rejected.append({**item, "errors": list(status.errors) or ["ข้อมูลไม่ผ่านการตรวจสอบ"]})
    context = {
        **_cutoff_context(cutoff, today, settings, words),
        "office": office,
        "greeting": greeting,
        "missing": missing,
        "rejected": rejected,
        "missing_count": words.num(len(missing)),
        "rejected_count": words.num(len(rejected)),
    }
    key = MessageKey(cutoff.id, district_code or settings.province_code, step)
    return Message(key, "overdue" if overdue else "reminder", tuple(to), tuple(cc), context)


def _cutoff_context(cutoff: Cutoff, today: date, settings: Settings, words: Wording) -> dict[str, Any]:
    days_left = (cutoff.due - today).days
    return {
        **_common(today, settings, words),
        "cutoff_id": cutoff.id,
        "form": cutoff.form,
        "title": cutoff.title,
        "period": _period_text(cutoff, words),  # "" when the title already says it
        "due_text": words.day(cutoff.due),
        "holiday_note": words.holiday_note(cutoff.due),
        "last_workday": words.last_workday(cutoff.due, today),
        "days_left": days_left,
        "days_text": words.days(days_left),
        "link": settings.mail.form_links.get(cutoff.form, ""),
    }


def _common(today: date, settings: Settings, words: Wording) -> dict[str, Any]:
    province = settings.province_name
    return {
        "province_name": province,
        "fiscal_year": words.num(settings.fiscal_year),
        "today_text": words.day(today),
        "sender_name": settings.mail.sender_name or f"สำนักงานพัฒนาชุมชนจังหวัด{province}",
    }


def _period_text(cutoff: Cutoff, words: Wording) -> str:
    text = cutoff.period
    if cutoff.round is not None:
        text = f"รอบที่ {words.num(cutoff.round)}"
    elif len(cutoff.period) == 7 and cutoff.period[4] == "-" and cutoff.period.replace("-", "").isdigit():
        be, month = int(cutoff.period[:4]), int(cutoff.period[5:])  # "2567-05": a BE month
        if 1 <= month <= 12:
            text = "ประจำเดือน" + words.day(date(be - 543, month, 1), weekday=False).split(" ", 1)[1]
    plain = to_arabic_digits(text).replace(" ", "")
    return "" if plain and plain in to_arabic_digits(cutoff.title).replace(" ", "") else text


# ---------------------------------------------------------------------------
# The digest


def _digest(
    calendar: Calendar,
    by_unit: Mapping[tuple[str, str, str], UnitStatus],
    expected: Mapping[str, Sequence[ExpectedUnit]],
    contacts: Contacts,
    today: date,
    settings: Settings,
    words: Wording,
    failed_runs: Sequence[RunRecord],
) -> Message | None:
    if not settings.mail.digest or not contacts.province:
        return None
    overdue_days = max((n for n in settings.mail.after_days if n > 0), default=0)
    cutoffs = [
        c
        for c in sorted(calendar.cutoffs, key=lambda c: (c.due, c.id))
        if -overdue_days <= (c.due - today).days <= DIGEST_HORIZON_DAYS
    ]
    if not cutoffs and not failed_runs:
        return None
    context = {
        **_common(today, settings, words),
        "horizon": words.num(DIGEST_HORIZON_DAYS),
        "cutoffs": [
            {
                **_digest_cutoff(c, by_unit, expected.get(c.id, ()), today, settings, words),
                "number": words.num(i),
            }
            for i, c in enumerate(cutoffs, start=1)
        ],
        "failed_runs": [
            {"command": r.command, "started": words.run_time(r.started_at), "message": r.message or r.status}
            for r in failed_runs
        ],
        "problems": [str(p) for p in contacts.problems],
    }
    key = MessageKey("digest", settings.province_code, f"digest-{today.isoformat()}")
    return Message(key, "digest", contacts.province, (), context)


def _digest_cutoff(
    cutoff: Cutoff,
    by_unit: Mapping[tuple[str, str, str], UnitStatus],
    units: Sequence[ExpectedUnit],
    today: date,
    settings: Settings,
    words: Wording,
) -> dict[str, Any]:
    rows: dict[str, dict[str, Any]] = {}
    totals = {"valid": 0, "late": 0, "rejected": 0, "missing": 0}
    for unit in units:
        name = f"อำเภอ{unit.district_name}" if unit.district_code else f"จังหวัด{settings.province_name}"
        row = rows.setdefault(
            unit.district_code,
            {"office": name, "expected": 0, "valid": 0, "late": [], "rejected": [], "missing": []},
        )
        row["expected"] += 1
        status = by_unit.get((cutoff.form, cutoff.period, unit.code))
        label = unit_label(cutoff, unit)
        if status is None:
            row["missing"].append(label)
            totals["missing"] += 1
        elif status.status == "valid":
            row["valid"] += 1
            totals["valid"] += 1
        elif status.status == "late":
            row["late"].append(label)
            totals["late"] += 1
        else:
            row["rejected"].append({"label": label, "errors": list(status.errors)})
            totals["rejected"] += 1
    table = []
    for code in sorted(rows):
        row = rows[code]
        done = row["valid"] + len(row["late"])
        table.append(
            {
                **row,
                "expected": words.num(row["expected"]),
                "done": words.num(done),
                "complete": done == row["expected"],
            }
        )
    return {
        **_cutoff_context(cutoff, today, settings, words),
        "overdue": cutoff.due < today,
        "expected_count": words.num(len(units)),
        "valid_count": words.num(totals["valid"]),
        "late_count": words.num(totals["late"]),
        "rejected_count": words.num(totals["rejected"]),
        "missing_count": words.num(totals["missing"]),
        "offices": table,
    }
