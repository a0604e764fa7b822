"""Sending the reminders ``pipeline.reminder_policy.plan`` chose, each to a recipient once.

``send_due`` renders each message and sends it to every recipient the state does
not record as sent for the message's key, recording every outcome; a copy keeps
the Message-ID of an earlier attempt, so a resend is recognisable as the same mail.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from pipeline.contacts import Contact
from pipeline.errors import MailError, PipelineError
from pipeline.mailer import Mailer, RecipientsRefused, Rendered, Templates, build_email, message_id_for
from pipeline.reminder_policy import Message, MessageKey
from pipeline.settings import Settings
from pipeline.state import RunRecord, State

__all__ = ["Delivery", "DeliveryStatus", "failed_runs_since_digest", "send_due"]

log = logging.getLogger(__name__)

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
