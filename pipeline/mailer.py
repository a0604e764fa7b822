"""Mail: rendering the templates, building the messages, and the only code that sends them.

    Mailer                 the interface: send(EmailMessage) -> None
    ├── SmtpMailer         an SMTP server: STARTTLS, SSL or plain; login from environment variables
    ├── OutboxMailer       .eml files in a folder: the default when no SMTP server is configured
    └── MemoryMailer       a list in memory, for tests and previews

``send`` raises ``RecipientsRefused`` when the server refused some recipients
(the others have the message) and ``MailError`` when nothing was sent.

Every header built from sheet data goes through ``header_text`` (line breaks
removed) and ``check_address``: a name such as "x\\r\\nBcc: y@evil" cannot add a
header. Thai subjects and display names are RFC 2047-encoded by the library.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import smtplib
import ssl
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parsedate_to_datetime
from pathlib import Path
from typing import Any, Protocol

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    select_autoescape,
)

from pipeline.contacts import Contact, check_address
from pipeline.errors import ConfigError, MailError, PipelineError
from pipeline.settings import MailSettings, SmtpSettings
from pipeline.thai import clean_text

__all__ = [
    "KEY_HEADER",
    "Mailer",
    "MemoryMailer",
    "OutboxMailer",
    "RecipientsRefused",
    "Rendered",
    "SmtpMailer",
    "Templates",
    "build_email",
    "default_mailer",
    "header_text",
    "message_id_for",
    "recipients",
]

log = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).parent / "templates"
KEY_HEADER = "X-Pipeline-Key"  # "<cutoff_id> <unit_code> <step>": names outbox files, helps tracing


class Mailer(Protocol):
    def send(self, msg: EmailMessage) -> None:
        """Deliver to every To/Cc/Bcc address. RecipientsRefused names the refused ones."""
        ...


class RecipientsRefused(PipelineError):
    """The server took the message for some recipients and refused these."""

    exit_code = 6

    def __init__(self, refused: Mapping[str, str], *, where: str = "") -> None:
        self.refused = dict(refused)
        super().__init__(
            "refused: " + ", ".join(f"{addr} ({why})" for addr, why in sorted(self.refused.items())),
            where=where,
            fix="check these addresses in the contacts; they are tried again on the next run",
        )


# ---------------------------------------------------------------------------
# Templates


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


class Templates:
    """reminder / overdue / digest, each a .txt (which sets ``subject``) and an .html.

    A province overrides any of them with a file of the same name in ``folder``.
    """

    def __init__(self, folder: Path | None = None) -> None:
        loaders = [FileSystemLoader(folder)] if folder is not None else []
        loaders.append(FileSystemLoader(TEMPLATES_DIR))
        self.folder = folder
        self.env = Environment(
            loader=ChoiceLoader(loaders),
            autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )

    def render(self, name: str, context: Mapping[str, Any]) -> Rendered:
        try:
            text_template = self.env.get_template(f"{name}.txt")
            module = text_template.make_module(dict(context))
            subject = header_text(str(getattr(module, "subject", "")))
            html = self.env.get_template(f"{name}.html").render({**context, "subject": subject})
        except TemplateError as exc:
            raise ConfigError(
                f"mail template '{name}' cannot be rendered: {exc}",
                where=str(self.folder or TEMPLATES_DIR),
                fix="compare the template with the bundled one in pipeline/templates/",
            ) from exc
        if not subject:
            raise ConfigError(
                f"mail template '{name}.txt' sets no subject",
                where=str(self.folder or TEMPLATES_DIR),
                fix="start the template with {% set subject %}...{% endset %}",
            )
        return Rendered(subject=subject, text=str(module).strip() + "\n", html=html)


# ---------------------------------------------------------------------------
# Building messages


def header_text(value: str) -> str:
    """One line of header text: CR/LF and other control characters become spaces."""
    return clean_text(re.sub(r"[\x00-\x1f\x7f]", " ", value))


def _address(contact_name: str, email: str) -> Address:
    addr = check_address(email)
    if addr is None:
        raise MailError(f"'{header_text(email)}' is not a valid address", fix="correct it in the contacts")
    local, domain = addr.split("@")
    return Address(display_name=header_text(contact_name), username=local, domain=domain)


def build_email(
    *,
    mail: MailSettings,
    to: Sequence[Contact],
    cc: Sequence[Contact] = (),
    rendered: Rendered,
    key: Sequence[str],
    now: datetime,
    message_id: str | None = None,
) -> EmailMessage:
    """A multipart/alternative message: plain text first, then HTML.

    ``message_id``: a re-send of the same message must carry the same Message-ID
    (see ``message_id_for``); a fresh one is made when None.
    """
    msg = EmailMessage()
    sender = _address(mail.sender_name, mail.sender)
    msg["Subject"] = header_text(rendered.subject)
    msg["From"] = sender
    if to:
        msg["To"] = [_address(c.name, c.email) for c in to]
    if cc:
        msg["Cc"] = [_address(c.name, c.email) for c in cc]
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = message_id or make_msgid(domain=sender.domain)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to reminders
    msg[KEY_HEADER] = " ".join(re.sub(r"[^\x21-\x7e]", "_", part) or "-" for part in key)
    msg.set_content(rendered.text)
    msg.add_alternative(rendered.html, subtype="html")
    return msg


def message_id_for(key: Sequence[str], recipients: Sequence[str], sender: str) -> str:
    """A Message-ID derived from the message's key and its recipients, nothing else.

    A message sent again after a crash (the server accepted it, the state never
    heard) carries the same Message-ID, so mail programs show it once.
    """
    seed = "\x1f".join([*key, *sorted(r.lower() for r in recipients)])
    digest = hashlib.sha256(seed.encode()).hexdigest()[:32]
    domain = sender.rpartition("@")[2] or "localhost"
    return f"<reminder.{digest}@{re.sub(r'[^A-Za-z0-9.-]', '', domain) or 'localhost'}>"


# ---------------------------------------------------------------------------
# Sending


class SmtpMailer:
    """One SMTP connection per message.

    The account comes from the environment variables named in the settings
    (``user_env`` / ``password_env``); no login when the user variable is unset.
    """

    def __init__(
        self,
        settings: SmtpSettings,
        *,
        ssl_context: ssl.SSLContext | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        if settings.security not in ("starttls", "ssl", "none"):
            raise ConfigError(
                f"smtp security '{settings.security}' is not known",
                where="mail.smtp.security",
                fix="use starttls, ssl or none",
            )
        self.settings = settings
        self._ssl_context = ssl_context
        self._environ = os.environ if environ is None else environ

    @property
    def where(self) -> str:
        return f"smtp {self.settings.host}:{self.settings.port}"

    def _context(self) -> ssl.SSLContext:
        if self._ssl_context is None:
            ca = self.settings.ca_file
            self._ssl_context = ssl.create_default_context(cafile=str(ca) if ca else None)
        return self._ssl_context

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.security == "ssl":
            return smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self._context())
        smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            if s.security == "starttls":
                smtp.ehlo()
                if not smtp.has_extn("starttls"):
                    raise MailError(
                        "the server does not offer STARTTLS",
                        where=self.where,
                        fix="set mail.smtp.security to ssl (port 465) or ask for STARTTLS on port 587",
                    )
                smtp.starttls(context=self._context())
                smtp.ehlo()
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _login(self, smtp: smtplib.SMTP) -> None:
        s = self.settings
        user = self._environ.get(s.user_env, "") if s.user_env else ""
        if not user:
            return
        password = self._environ.get(s.password_env, "")
        if not password:
            raise MailError(
                f"the environment variable {s.user_env} is set but {s.password_env} is not",
                where=self.where,
                fix=f"set {s.password_env} to the SMTP account's password",
            )
        if s.security == "none":
            log.warning("logging in to %s without TLS", self.where)
        smtp.login(user, password)

    def send(self, msg: EmailMessage) -> None:
        from_addr = self.settings.sender or None
        try:
            with self._connect() as smtp:
                self._login(smtp)
                refused = smtp.send_message(msg, from_addr=from_addr)
        except smtplib.SMTPRecipientsRefused as exc:
            raise RecipientsRefused(_reasons(exc.recipients), where=self.where) from None
        except smtplib.SMTPAuthenticationError as exc:
            raise MailError(
                f"the server refused the login ({exc.smtp_code})",
                where=self.where,
                fix=f"check the account in the environment variables {self.settings.user_env} "
                f"and {self.settings.password_env}",
            ) from None
        except smtplib.SMTPResponseException as exc:
            raise MailError(
                f"the server refused the message: {exc.smtp_code} {_text(exc.smtp_error)}", where=self.where
            ) from None
        except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
            raise MailError(
                f"cannot send mail: {exc}",
                where=self.where,
                fix="check mail.smtp (host, port, security, ca_file) and that the server is reachable",
            ) from None
        log.info("sent %s via %s", msg.get(KEY_HEADER, ""), self.where)
        if refused:
            raise RecipientsRefused(_reasons(refused), where=self.where)


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _reasons(refused: Mapping[str, tuple[int, bytes]]) -> dict[str, str]:
    return {addr: f"{code} {_text(text)}" for addr, (code, text) in refused.items()}


class OutboxMailer:
    """Writes each message to ``folder`` as <date>_<key>.eml.

    Atomic: the message is written to a temp file, then linked under its name (a
    second message with the same name gets "-2", "-3" ...), so a reader never
    sees half a message and nothing is overwritten.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, msg: EmailMessage) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(msg.as_bytes())
                    fh.flush()
                    os.fsync(fh.fileno())
                target = self._link(Path(tmp), _stem(msg))
            finally:
                Path(tmp).unlink(missing_ok=True)
        except OSError as exc:
            raise MailError(
                f"cannot write to the outbox: {exc}",
                where=str(self.folder),
                fix="check that mail.outbox is writable",
            ) from exc
        log.info("wrote %s", target)

    def _link(self, tmp: Path, stem: str) -> Path:
        n = 1
        while True:
            target = self.folder / (f"{stem}.eml" if n == 1 else f"{stem}-{n}.eml")
            try:
                os.link(tmp, target)
            except FileExistsError:
                n += 1
                continue
            return target


def _stem(msg: EmailMessage) -> str:
    date_header = msg.get("Date")
    when = parsedate_to_datetime(str(date_header)) if date_header else datetime.now()
    key = str(msg.get(KEY_HEADER, "")) or str(msg.get("Message-ID", "message"))
    return f"{when:%Y-%m-%d_%H%M%S}_{re.sub(r'[^A-Za-z0-9.-]+', '_', key).strip('_')}"


class MemoryMailer:
    """Keeps every message it is given, in order."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    def send(self, msg: EmailMessage) -> None:
        self.messages.append(msg)


def recipients(msg: EmailMessage) -> list[str]:
    """The To, Cc and Bcc addresses of a message built by ``build_email``."""
    return [a.addr_spec for name in ("To", "Cc", "Bcc") for h in msg.get_all(name, []) for a in h.addresses]


def default_mailer(mail: MailSettings) -> Mailer:
    """SMTP when configured, else the outbox folder."""
    return SmtpMailer(mail.smtp) if mail.smtp is not None else OutboxMailer(mail.outbox)
