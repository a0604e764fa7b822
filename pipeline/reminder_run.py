"""One reminder run: load the calendar, statuses and contacts, plan, send, remember.

`remind` composes the pure policy (`pipeline.reminder_policy.plan`) with the side
effects it is given or opens itself: a mailer, the state store, the lock.
"""

from __future__ import annotations

import logging
from collections import Counter
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from pipeline.backends.base import Backend
from pipeline.calendar import Calendar, load_calendar
from pipeline.contacts import Contacts, Problem, contacts_from_grid, load_contacts
from pipeline.errors import PipelineError
from pipeline.expected import expected_units
from pipeline.mailer import Mailer, Templates, default_mailer
from pipeline.orgunits import OrgUnits
from pipeline.recovery import recover
from pipeline.reminder_policy import plan
from pipeline.reminder_send import Delivery, failed_runs_since_digest, send_due
from pipeline.settings import Settings
from pipeline.state import State, run_lock

__all__ = ["RemindReport", "load_contacts_for", "remind"]

log = logging.getLogger(__name__)


@dataclass
class RemindReport:
    today: date
    dry_run: bool
    messages: int = 0  # messages due today, before skipping recipients already sent to
    deliveries: list[Delivery] = field(default_factory=list)  # one per message and recipient
    problems: list[str] = field(default_factory=list)  # contacts that need fixing, in Thai

    def count(self, status: str) -> int:
        return sum(1 for d in self.deliveries if d.status == status)

    @property
    def failed(self) -> list[Delivery]:
        return [d for d in self.deliveries if d.status == "failed"]

    def summary(self) -> dict[str, Any]:
        counts = Counter(d.status for d in self.deliveries)
        return {
            "today": self.today.isoformat(),
            "dry_run": self.dry_run,
            "messages": self.messages,
            "sent": counts["sent"],
            "already_sent": counts["already-sent"],
            "failed": counts["failed"],
            "would_send": counts["dry-run"],
            "problems": len(self.problems),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.summary(),
            "deliveries": [
                {
                    "cutoff_id": d.key.cutoff_id,
                    "unit_code": d.key.unit_code,
                    "step": d.key.step,
                    "template": d.template,
                    "recipient": d.recipient,
                    "status": d.status,
                    "subject": d.subject,
                    "error": d.error,
                }
                for d in self.deliveries
            ],
            "problem_list": self.problems,
        }

    def one_line(self) -> str:
        s = self.summary()
        if self.dry_run:
            line = (
                f"remind {s['today']} (dry run): {s['messages']} message(s) due, "
                f"{s['would_send']} delivery(ies) would go"
            )
        else:
            line = (
                f"remind {s['today']}: {s['messages']} message(s) due, {s['sent']} sent, {s['failed']} failed"
            )
        line += f", {s['already_sent']} already sent"
        if self.problems:
            line += f"; {len(self.problems)} contact problem(s) to fix"
        return line


def load_contacts_for(settings: Settings, org: OrgUnits, backend: Backend | None = None) -> Contacts:
    """The contacts named by the settings: the YAML file, else the contacts tab."""
    if settings.contacts is not None:
        return load_contacts(settings.contacts, org)
    src = settings.contacts_source
    if src is not None:
        if backend is None:
            from pipeline.backends import open_backend

            backend = open_backend(settings)
        grid = backend.read(src.spreadsheet, [src.tab])[src.tab]
        return contacts_from_grid(grid, org, where=f"{src.spreadsheet} แท็บ '{src.tab or 'แรก'}'")
    return Contacts(
        problems=(
            Problem(
                str(settings.path),
                "ยังไม่ได้กำหนดรายชื่อผู้รับการแจ้งเตือน — โปรดตั้งค่า contacts (ไฟล์ YAML) หรือ contacts_source (แท็บรายชื่อ)",
            ),
        )
    )


def remind(
    settings: Settings,
    *,
    now: datetime,
    dry_run: bool,
    mailer: Mailer | None = None,
    state: State | None = None,
    backend: Backend | None = None,
) -> RemindReport:
    """Send (or, with dry_run, only list) the mail due on the day of ``now`` (the settings' timezone).

    A real run takes the run lock, and is recorded in the state as a run of
    command "remind": "ok", or "failed" when a delivery failed or the run
    raised (the next digest reports it). A dry run works on any date, records
    nothing and needs no lock, so an officer can preview the season.
    """
    today = now.date()
    own_state = state is None
    store = State(settings.state_db) if state is None else state
    try:
        if dry_run:
            return _remind(settings, store, today, now, True, mailer, backend)
        with run_lock(settings.state_db.with_suffix(".lock")):
            recover(settings, store, now)
            run_id = store.start_run("remind", now)
            try:
                report = _remind(settings, store, today, now, False, mailer, backend)
            except BaseException as exc:
                with suppress(PipelineError):  # a state that fails too must not hide the first error
                    store.finish_run(run_id, now, "failed", {"today": today.isoformat()}, str(exc))
                raise
            failed = report.failed
            message = "; ".join(sorted({f"{d.recipient}: {d.error}" for d in failed}))[:2000]
            store.finish_run(run_id, now, "failed" if failed else "ok", report.summary(), message)
            return report
    finally:
        if own_state:
            store.close()


def tracked(calendar: Calendar, settings: Settings) -> Calendar:
    """The cut-offs whose responses a sync reads, and the province's own reports.

    A form the settings do not read has no reporting status: reminding about it would
    tell every district it has not reported (check-config notes such cut-offs).
    """
    keep = tuple(c for c in calendar.cutoffs if c.form in settings.sources or c.units == "province")
    return replace(calendar, cutoffs=keep)


def _remind(
    settings: Settings,
    state: State,
    today: date,
    now: datetime,
    dry_run: bool,
    mailer: Mailer | None,
    backend: Backend | None,
) -> RemindReport:
    calendar = tracked(load_calendar(settings.calendar), settings)
    org = OrgUnits.for_province(settings.province_code)
    contacts = load_contacts_for(settings, org, backend)
    expected = {c.id: expected_units(c, org, settings) for c in calendar.cutoffs}
    messages = plan(
        calendar,
        state.statuses(),
        expected,
        contacts,
        today,
        settings,
        failed_runs=failed_runs_since_digest(state, now),
    )
    if mailer is None and not dry_run:
        mailer = default_mailer(settings.mail)
    deliveries = send_due(
        messages,
        mailer=mailer,
        state=state,
        now=now,
        settings=settings,
        templates=Templates(settings.mail.templates),
        dry_run=dry_run,
    )
    report = RemindReport(today, dry_run, len(messages), deliveries, [str(p) for p in contacts.problems])
    log.info("%s", report.one_line())
    return report
