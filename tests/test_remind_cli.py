"""The reminder run as `pipeline remind` composes it: calendar file, contacts, state, mailer, lock."""

from __future__ import annotations

import email
import email.policy
import json
import socket
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller

from pipeline.cli import build_parser
from pipeline.commands.remind import listing
from pipeline.errors import LockError, MailError
from pipeline.mailer import KEY_HEADER, MemoryMailer, SmtpMailer, recipients
from pipeline.models import Grid, Table, UnitStatus
from pipeline.reminder_run import remind
from pipeline.settings import MailSettings, ScheduleSettings, Settings, SmtpSettings, SourceSettings
from pipeline.state import State, run_lock

TZ = ZoneInfo("Asia/Bangkok")
CONTACTS = Path(__file__).resolve().parents[1] / "config" / "contacts.yaml"
CALENDAR = """\
province: พะเยา
fiscal_year: 2567
cutoffs:
  - id: registry
    form: committee_registry
    title: ทะเบียนข้อมูลคณะกรรมการ ศอช.
    units: districts
    due: 2566-11-24
"""


def make_settings(tmp_path: Path, **extra: object) -> Settings:
    calendar = tmp_path / "calendar.yaml"
    calendar.write_text(CALENDAR, encoding="utf-8")
    values: dict[str, object] = {
        "path": tmp_path / "pipeline.yaml",
        "province_code": "56",
        "province_name": "พะเยา",
        "fiscal_year": 2567,
        "timezone": "Asia/Bangkok",
        "backend": "local",
        "data_dir": tmp_path / "data",
        "state_db": tmp_path / "state" / "pipeline.sqlite",
        "calendar": calendar,
        "sources": {
            "committee_registry": SourceSettings("committee_registry", "committee_registry", "registry")
        },
        "output_spreadsheet": "summary",
        "contacts": CONTACTS,
        "mail": MailSettings(sender="cdd.phayao@example.org", outbox=tmp_path / "outbox"),
        "schedule": ScheduleSettings(jobstore=tmp_path / "state" / "scheduler.sqlite"),
    }
    values.update(extra)
    return Settings(**values)  # type: ignore[arg-type]


def at(d: date) -> datetime:
    return datetime.combine(d, time(8, 0), tzinfo=TZ)


DAY = date(2023, 11, 17)  # registry before-7


class BrokenMailer:
    def send(self, msg: EmailMessage) -> None:
        raise MailError("connection refused")


def test_a_dry_run_lists_and_records_nothing(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    report = remind(settings, now=at(DAY), dry_run=True)
    assert report.messages == 10  # 9 districts and the digest
    assert report.summary()["would_send"] == 9 * 2 + 2
    assert report.problems == []
    lines = listing(report)
    assert lines[0].startswith(
        "registry 5601 before-7 -> cdd.mueangphayao@example.org, kanokwan.p@example.org: "
    )
    assert "(อีก ๗ วัน)" in lines[0]
    assert not (tmp_path / "outbox").exists()
    with State(settings.state_db) as state:
        assert state.reminders() == [] and state.runs() == []
    assert "dry run" in report.one_line()
    json.dumps(report.to_dict(), ensure_ascii=False)


def test_a_preview_works_on_any_date(tmp_path: Path) -> None:
    report = remind(make_settings(tmp_path), now=at(date(2023, 11, 25)), dry_run=True)
    assert {d.key.step for d in report.deliveries} == {"after-1", "digest-2023-11-25"}


def test_a_run_sends_to_the_outbox_once_and_is_recorded(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    report = remind(settings, now=at(DAY), dry_run=False)
    assert report.summary()["sent"] == 20 and report.failed == []
    files = sorted(p.name for p in (tmp_path / "outbox").iterdir())
    assert len(files) == 10 and files[0] == "2023-11-17_080000_digest_56_digest-2023-11-17.eml"
    again = remind(settings, now=at(DAY), dry_run=False)
    assert again.summary()["sent"] == 0 and again.summary()["already_sent"] == 20
    assert len(list((tmp_path / "outbox").iterdir())) == 10
    with State(settings.state_db) as state:
        runs = state.runs(command="remind")
        assert [r.status for r in runs] == ["ok", "ok"]
        assert runs[-1].summary["sent"] == 20


def test_a_failed_run_is_recorded_and_reported_in_the_next_digest(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    report = remind(settings, now=at(DAY), dry_run=False, mailer=BrokenMailer())
    assert len(report.failed) == 20
    with State(settings.state_db) as state:
        (run,) = state.runs(command="remind")
        assert run.status == "failed" and "connection refused" in run.message
    next_day = date(2023, 11, 18)
    mailer = MemoryMailer()
    remind(settings, now=at(next_day), dry_run=False, mailer=mailer)
    # yesterday's failed deliveries go again while before-7 is current, and the digest tells of the failure
    keys = [str(m[KEY_HEADER]) for m in mailer.messages]
    assert keys.count("registry 5601 before-7") == 1
    digest = next(m for m in mailer.messages if m[KEY_HEADER] == "digest 56 digest-2023-11-18")
    body = digest.get_body(("plain",))
    assert body is not None and "remind เมื่อ๑๗ พฤศจิกายน ๒๕๖๖" in body.get_content()


def test_submitted_units_are_left_out(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    with State(settings.state_db) as state:
        state.commit_sync(
            at(DAY),
            {},
            list[Table](),
            [
                UnitStatus("committee_registry", "", code, "", code, "valid")
                for code in ("5601", "5602", "5603", "5604", "5605", "5606", "5607", "5608")
            ],
        )
        report = remind(settings, now=at(DAY), dry_run=True, state=state)
    assert {d.key.unit_code for d in report.deliveries} == {"5609", "56"}


def test_a_cut_off_whose_form_is_not_read_reminds_nobody(tmp_path: Path) -> None:
    # No responses of the form are read, so every district would be told it has not reported.
    settings = make_settings(tmp_path, sources={})
    report = remind(settings, now=at(DAY), dry_run=True)
    assert report.deliveries == []  # neither the districts nor the digest count it as missing


def test_the_lock_keeps_runs_from_overlapping(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    with run_lock(settings.state_db.with_suffix(".lock")), pytest.raises(LockError):
        remind(settings, now=at(DAY), dry_run=False)
    with run_lock(settings.state_db.with_suffix(".lock")):  # a preview needs no lock
        assert remind(settings, now=at(DAY), dry_run=True).messages == 10


class TabBackend:
    """A one-tab store for the contacts tab."""

    name = "memory"

    def __init__(self, grid: Grid) -> None:
        self.grid = grid

    def read(self, spreadsheet_id: str, tabs: Sequence[str]) -> Mapping[str, Grid]:
        return {tab: self.grid for tab in tabs}

    def write(self, spreadsheet_id: str, tables: Sequence[Table]) -> None:
        raise NotImplementedError

    def request_counts(self) -> Mapping[str, int]:
        return {}


def test_contacts_from_a_tab_and_their_problems(tmp_path: Path) -> None:
    grid: Grid = [
        ["อำเภอ", "ชื่อ", "อีเมล", "บทบาท"],
        ["เมืองพะเยา", "นายสมศักดิ์", "head@example.org", "หัวหน้า"],
        ["", "นางสาวพรทิพย์", "porntip@example.org", "จังหวัด"],
    ]
    source = SourceSettings(key="contacts", schema="contacts", spreadsheet="contacts-sheet", tab="รายชื่อ")
    settings = make_settings(tmp_path, contacts=None, contacts_source=source)
    report = remind(settings, now=at(DAY), dry_run=True, backend=TabBackend(grid))
    assert {(d.key.unit_code, d.recipient) for d in report.deliveries} == {
        ("5601", "head@example.org"),
        ("56", "porntip@example.org"),
    }
    assert len(report.problems) == 8 and "contacts-sheet แท็บ 'รายชื่อ'" in report.problems[0]
    assert "8 contact problem(s)" in report.one_line()


def test_without_contacts_nothing_is_sent_and_it_is_said(tmp_path: Path) -> None:
    report = remind(make_settings(tmp_path, contacts=None), now=at(DAY), dry_run=True)
    assert report.deliveries == [] and "ยังไม่ได้กำหนดรายชื่อ" in report.problems[0]


@pytest.mark.parametrize(
    ("command", "options"), [("remind", ["--dry-run", "--today", "--json"]), ("schedule", ["--print"])]
)
def test_help(command: str, options: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        build_parser().parse_args([command, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert all(o in out for o in [*options, "--config", "Example: pipeline"])


class Killed(BaseException):
    """What `kill -9` does to a run: nothing after this point happens."""


class Inbox:
    """A real SMTP server's handler: keeps every message it accepts."""

    def __init__(self) -> None:
        self.received: list[EmailMessage] = []

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        self.received.append(msg)
        return "250 Message accepted for delivery"


class DiesAfterAccept:
    """The real SMTP mailer; the run dies right after the server accepted the n-th message."""

    def __init__(self, inner: SmtpMailer, n: int) -> None:
        self.inner, self.n, self.sent = inner, n, 0

    def send(self, msg: EmailMessage) -> None:
        self.inner.send(msg)
        self.sent += 1
        if self.sent == self.n:
            raise Killed


@pytest.mark.parametrize("n", [1, 4, 10])
def test_a_run_killed_after_the_server_accepted_resends_with_the_same_message_id(
    tmp_path: Path, n: int
) -> None:
    inbox = Inbox()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        smtp = SmtpSettings(host="127.0.0.1", port=port, security="none", timeout=30)
        settings = make_settings(
            tmp_path,
            mail=MailSettings(sender="cdd.phayao@example.org", outbox=tmp_path / "outbox", smtp=smtp),
        )
        with pytest.raises(Killed):
            remind(settings, now=at(DAY), dry_run=False, mailer=DiesAfterAccept(SmtpMailer(smtp), n))
        again = remind(settings, now=at(DAY), dry_run=False, mailer=SmtpMailer(smtp))
    finally:
        server.stop()
    assert again.failed == []
    delivered: dict[tuple[str, str], set[str]] = {}
    for msg in inbox.received:
        for address in recipients(msg):
            delivered.setdefault((str(msg[KEY_HEADER]), address), set()).add(str(msg["Message-ID"]))
    copies = Counter((str(m[KEY_HEADER]), a) for m in inbox.received for a in recipients(m))
    assert len(delivered) == 20  # nothing lost: 9 districts x 2 contacts and the digest's 2
    assert all(len(ids) == 1 for ids in delivered.values())  # a copy sent again carries the same Message-ID
    assert sum(copies.values()) - len(copies) == len(recipients(inbox.received[n - 1]))  # only the n-th again
    with State(settings.state_db) as state:
        assert {r[4] for r in state.reminders()} == {"sent"}
