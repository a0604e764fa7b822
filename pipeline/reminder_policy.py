"""The reminder policy: which mail is due on a day, to whom, saying what; and sending it once.

``plan`` is pure: (calendar, statuses, expected units, contacts, today, settings)
-> messages. ``send_due`` renders and sends them, skipping every recipient the
state already records as sent for the message's key.

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
from datetime import date, datetime, timedelta
from typing import Any, Literal, NamedTuple

from pipeline.calendar import Calendar, Cutoff
from pipeline.contacts import Contact, Contacts
from pipeline.errors import ConfigError, MailError, PipelineError
from pipeline.expected import ExpectedUnit, unit_label
from pipeline.mailer import Mailer, RecipientsRefused, Rendered, Templates, build_email, message_id_for
from pipeline.models import UnitStatus
from pipeline.settings import MailSettings, Settings
from pipeline.state import RunRecord, State
from pipeline.thai import format_thai_date, to_arabic_digits, to_thai_digits

__all__ = [
    "CATCH_UP_DAYS",
    "DIGEST_HORIZON_DAYS",
    "Delivery",
    "Message",
    "MessageKey",
    "current_step",
    "days_text",
    "plan",
    "send_due",
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
# Thai wording


class _Words:
    def __init__(self, settings: Settings) -> None:
        self.thai_digits = settings.mail.thai_digits
        self.holidays = _holidays(settings)

    def num(self, n: int | str) -> str:
        return to_thai_digits(str(n)) if self.thai_digits else str(n)

    def day(self, d: date, *, weekday: bool = True) -> str:
        return format_thai_date(d, weekday=weekday, thai_digits=self.thai_digits)

    def days(self, days_left: int) -> str:
        return days_text(days_left, thai_digits=self.thai_digits)

    def off(self, d: date) -> bool:
        return d.weekday() >= 5 or d in self.holidays

    def holiday_note(self, d: date) -> str:
        if d in self.holidays:
            return "ซึ่งตรงกับวันหยุดราชการ"
        if d.weekday() >= 5:
            return "ซึ่งตรงกับวันหยุดสุดสัปดาห์"
        return ""

    def last_workday(self, due: date, today: date) -> str:
        """The last working day before a cut-off that falls on a day off, if still ahead."""
        if not self.off(due):
            return ""
        d = due - timedelta(days=1)
        while self.off(d):
            d -= timedelta(days=1)
        return self.day(d) if d >= today else ""

    def run_time(self, iso: str) -> str:
        try:
            t = datetime.fromisoformat(iso)
        except ValueError:
            return iso
        return f"{self.day(t.date(), weekday=False)} เวลา {self.num(f'{t:%H.%M}')} น."


def days_text(days_left: int, *, thai_digits: bool = True) -> str:
    """Days left in words: "อีก ๓ วัน", "วันนี้เป็นวันสุดท้าย", "เลยกำหนดมาแล้ว ๑ วัน"."""
    n = str(abs(days_left))
    n = to_thai_digits(n) if thai_digits else n
    if days_left > 0:
        return f"อีก {n} วัน"
    if days_left == 0:
        return "วันนี้เป็นวันสุดท้าย"
    return f"เลยกำหนดมาแล้ว {n} วัน"


def _holidays(settings: Settings) -> frozenset[date]:
    out = set()
    for text in settings.holidays:
        try:
            out.add(date.fromisoformat(text))
        except ValueError:
            raise ConfigError(
                f"holiday '{text}' is not an ISO date",
                where=f"{settings.path}: holidays",
                fix="e.g. 2023-12-05",
            ) from None
    return frozenset(out)


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
    words = _Words(settings)
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
    words: _Words,
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


def _cutoff_context(cutoff: Cutoff, today: date, settings: Settings, words: _Words) -> dict[str, Any]:
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


def _common(today: date, settings: Settings, words: _Words) -> dict[str, Any]:
    province = settings.province_name
    return {
        "province_name": province,
        "fiscal_year": words.num(settings.fiscal_year),
        "today_text": words.day(today),
        "sender_name": settings.mail.sender_name or f"สำนักงานพัฒนาชุมชนจังหวัด{province}",
    }


def _period_text(cutoff: Cutoff, words: _Words) -> str:
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
    words: _Words,
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
    words: _Words,
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


# ---------------------------------------------------------------------------
# Sending


DeliveryStatus = Literal["sent", "failed", "already-sent", "dry-run"]


@dataclass(frozen=True)
class Delivery:
    """What happened to one message for one recipient."""

    key: MessageKey
    template: str
    recipient: str
    status: DeliveryStatus
    subject: str = ""
    error: str = ""


def send_due(
    messages: Sequence[Message],
    *,
    mailer: Mailer | None,
    state: State,
    now: datetime,
    settings: Settings,
    templates: Templates,
    dry_run: bool = False,
) -> list[Delivery]:
    """Send each message to its recipients that the state does not record as sent.

    Every recipient's outcome is recorded (except in a dry run). A refused
    recipient does not stop the others; after a server failure the remaining
    messages are recorded as failed without trying. Failed ones go again on
    the next run while their step is current.
    """
    out: list[Delivery] = []
    server_error = ""
    for message in messages:
        key = message.key
        to = _unique(message.to, ())
        cc = _unique(message.cc, to)
        done = {c.email for c in to + cc if state.reminder_sent(*key, c.email)}
        out += [Delivery(key, message.template, e, "already-sent") for e in sorted(done)]
        to, cc = tuple(c for c in to if c.email not in done), tuple(c for c in cc if c.email not in done)
        if not to and not cc:
            continue
        rendered = templates.render(message.template, message.context)
        pending = [c.email for c in to + cc]
        if dry_run:
            out += [Delivery(key, message.template, e, "dry-run", rendered.subject) for e in pending]
            continue
        for message_id, group in _by_message_id(key, to + cc, state, settings).items():
            failed, server_error = _send_group(
                message, rendered, group, to, cc, message_id, mailer, state, now, settings, server_error
            )
            for email in group:
                error = failed.get(email, "")
                state.record_reminder(*key, email, now, ok=not error, error=error, message_id=message_id)
                out.append(
                    Delivery(
                        key, message.template, email, "failed" if error else "sent", rendered.subject, error
                    )
                )
                if error:
                    log.warning("%s %s %s to %s failed: %s", *key, email, error)
    return out


def _by_message_id(
    key: MessageKey, contacts: Sequence[Contact], state: State, settings: Settings
) -> dict[str, list[str]]:
    """Recipients grouped by the Message-ID their copy carries.

    A recipient tried before (a run killed after sending, a failed attempt) keeps
    the Message-ID recorded then; the others share one derived from the key and
    their addresses. Usually there is one group.
    """
    known = {c.email: state.reminder_message_id(*key, c.email) for c in contacts}
    fresh = [email for email, mid in known.items() if not mid]
    fresh_id = message_id_for(key, fresh, settings.mail.sender) if fresh else ""
    groups: dict[str, list[str]] = {}
    for email, mid in known.items():
        groups.setdefault(mid or fresh_id, []).append(email)
    return groups


def _send_group(
    message: Message,
    rendered: Rendered,
    group: Sequence[str],
    to: Sequence[Contact],
    cc: Sequence[Contact],
    message_id: str,
    mailer: Mailer | None,
    state: State,
    now: datetime,
    settings: Settings,
    server_error: str,
) -> tuple[dict[str, str], str]:
    """Send one copy to ``group``, the intent recorded first; returns the failures and any server error."""
    if server_error:
        return dict.fromkeys(group, f"not tried: {server_error}"), server_error
    if mailer is None:
        return dict.fromkeys(group, "no mailer"), server_error
    key = message.key
    try:
        msg = build_email(
            mail=settings.mail,
            to=[c for c in to if c.email in group],
            cc=[c for c in cc if c.email in group],
            rendered=rendered,
            key=key,
            now=now,
            message_id=message_id,
        )
    except PipelineError as exc:  # an address the contacts check let through, a bad sender
        return dict.fromkeys(group, exc.message), server_error
    # At least once: a run killed between the server's acceptance and the record
    # below sends again next time, with this same Message-ID.
    state.intend_reminders(*key, group, message_id, now)
    try:
        mailer.send(msg)
    except RecipientsRefused as exc:
        refused = {a.lower(): why for a, why in exc.refused.items()}
        return {e: refused[e.lower()] for e in group if e.lower() in refused}, server_error
    except MailError as exc:
        return dict.fromkeys(group, exc.message), exc.message
    return {}, server_error


def _unique(contacts: Iterable[Contact], exclude: Sequence[Contact]) -> tuple[Contact, ...]:
    seen = {c.email.lower() for c in exclude}
    out = []
    for c in contacts:
        if c.email.lower() not in seen:
            seen.add(c.email.lower())
            out.append(c)
    return tuple(out)


def failed_runs_since_digest(state: State, now: datetime, *, first_days: int = 7) -> list[RunRecord]:
    """Runs that failed or were interrupted since the last digest (or within ``first_days`` before any)."""
    sent = [_moment(r[5], now) for r in state.reminders() if r[2].startswith("digest-") and r[4] == "sent"]
    since = max(sent) if sent else now - timedelta(days=first_days)
    return [
        r
        for r in reversed(state.runs(limit=500))
        if r.status in ("failed", "interrupted") and _moment(r.started_at, now) > since
    ]


def _moment(iso: str, now: datetime) -> datetime:
    t = datetime.fromisoformat(iso)
    return t.replace(tzinfo=now.tzinfo) if t.tzinfo is None else t
