"""Mail against a real SMTP server (aiosmtpd) on 127.0.0.1: STARTTLS with a certificate made here,
SSL, plain."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import ipaddress
import logging
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from pipeline.contacts import Contact
from pipeline.errors import ConfigError, MailError
from pipeline.mailer import (
    KEY_HEADER,
    OutboxMailer,
    RecipientsRefused,
    Rendered,
    SmtpMailer,
    Templates,
    build_email,
    header_text,
)
from pipeline.settings import MailSettings, SmtpSettings

NOW = dt.datetime(2023, 11, 17, 8, 0, tzinfo=ZoneInfo("Asia/Bangkok"))
MAIL = MailSettings(sender="cdd.phayao@example.org", sender_name="สำนักงานพัฒนาชุมชนจังหวัดพะเยา")
HEAD = Contact("นายสมศักดิ์ ศรีวงศ์", "cdd.mueangphayao@example.org", "head", "5601")
STAFF = Contact("นางสาวกนกวรรณ ปัญญาดี", "kanokwan.p@example.org", "staff", "5601")
OFFICER = Contact("นางสาวพรทิพย์ ใจดี", "porntip.j@example.org", "province")
USER, PASSWORD = "cdd-phayao", "s3cret-pa55word"
ENV = {"PIPELINE_SMTP_USER": USER, "PIPELINE_SMTP_PASSWORD": PASSWORD}
RENDERED = Rendered(
    subject="แจ้งเตือนกำหนดส่งทะเบียนข้อมูลคณะกรรมการ ศอช. ภายในวันศุกร์ที่ ๒๔ พฤศจิกายน ๒๕๖๖ (อีก ๗ วัน)",
    text="เรียน พัฒนาการอำเภอเมืองพะเยา\n\nส่งรายงานได้ที่ https://forms.gle/registry\n",
    html='<p>เรียน พัฒนาการอำเภอเมืองพะเยา</p><p><a href="https://forms.gle/registry">ส่งรายงาน</a></p>',
)


# ---------------------------------------------------------------------------
# The server


@dataclass
class Inbox:
    """An aiosmtpd handler keeping what it receives; refuses listed recipients once each."""

    refuse_once: set[str] = field(default_factory=set)
    envelopes: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refuse_once:
            self.refuse_once.discard(address)
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        if isinstance(data, LoginPassword):
            login = (data.login.decode(), data.password.decode())
            self.logins.append(login)
            if login == (USER, PASSWORD):
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    def received(self, i: int = -1) -> EmailMessage:
        msg = email.message_from_bytes(self.envelopes[i][2], policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        return msg


@dataclass(frozen=True)
class Tls:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.cert, self.key)
        return ctx


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    """A self-signed certificate for 127.0.0.1 and localhost."""
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=7))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    paths = Tls(folder / "cert.pem", folder / "key.pem")
    paths.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return paths


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def serve() -> Iterator[Any]:
    """Start an SMTP server with the given options; every one is stopped at the end."""
    started: list[Controller] = []

    def start(inbox: Inbox, **options: Any) -> int:
        port = free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
        controller.start()
        started.append(controller)
        return port

    yield start
    for controller in started:
        controller.stop()


def starttls_server(serve: Any, tls: Tls, inbox: Inbox) -> int:
    port: int = serve(
        inbox,
        tls_context=tls.server_context(),
        require_starttls=True,
        authenticator=inbox.authenticate,
        auth_required=True,
    )
    return port


def display_names(msg: Message, header: str) -> str:
    """The header decoded as RFC 2047 says (adjacent encoded words join without a space)."""
    raw = email.message_from_bytes(msg.as_bytes(), policy=email.policy.compat32)[header]
    return str(make_header(decode_header(raw)))


# ---------------------------------------------------------------------------
# STARTTLS, login, what arrives


def test_starttls_with_login_delivers_thai_mail(
    serve: Any, tls: Tls, caplog: pytest.LogCaptureFixture
) -> None:
    inbox = Inbox()
    port = starttls_server(serve, tls, inbox)
    settings = SmtpSettings(host="127.0.0.1", port=port, security="starttls", ca_file=tls.cert, timeout=30)
    msg = build_email(
        mail=MAIL,
        to=[HEAD, STAFF],
        cc=[OFFICER],
        rendered=RENDERED,
        key=("registry", "5601", "before-7"),
        now=NOW,
    )
    with caplog.at_level(logging.DEBUG):
        SmtpMailer(settings, environ=ENV).send(msg)
    assert inbox.logins == [(USER, PASSWORD)]
    mail_from, rcpt_tos, _ = inbox.envelopes[0]
    assert mail_from == "cdd.phayao@example.org"
    assert rcpt_tos == [HEAD.email, STAFF.email, OFFICER.email]
    got = inbox.received()
    assert got["Subject"] == RENDERED.subject
    assert got["Subject"].isascii() is False  # decoded by the library from RFC 2047
    assert b"=?utf-8?" in inbox.envelopes[0][2]
    assert [a.addr_spec for a in got["To"].addresses] == [HEAD.email, STAFF.email]
    assert [a.addr_spec for a in got["Cc"].addresses] == [OFFICER.email]
    assert display_names(got, "To") == f"{HEAD.name} <{HEAD.email}>, {STAFF.name} <{STAFF.email}>"
    assert display_names(got, "From") == "สำนักงานพัฒนาชุมชนจังหวัดพะเยา <cdd.phayao@example.org>"
    assert got[KEY_HEADER] == "registry 5601 before-7"
    assert got["Auto-Submitted"] == "auto-generated"
    plain, html = got.get_body(("plain",)), got.get_body(("html",))
    assert plain is not None and html is not None
    assert "เรียน พัฒนาการอำเภอเมืองพะเยา" in plain.get_content()
    assert "https://forms.gle/registry" in plain.get_content()
    assert '<a href="https://forms.gle/registry">' in html.get_content()
    assert PASSWORD not in caplog.text and USER not in caplog.text


def test_a_name_cannot_inject_headers(serve: Any, tls: Tls) -> None:
    inbox = Inbox()
    port = starttls_server(serve, tls, inbox)
    settings = SmtpSettings(host="127.0.0.1", port=port, ca_file=tls.cert, timeout=30)
    evil = Contact("นายแฝง\r\nBcc: x@evil.example", "cdd.chun@example.org", "head", "5602")
    rendered = Rendered(subject="เรื่อง\r\nBcc: y@evil.example", text="ข้อความ\n", html="<p>ข้อความ</p>")
    msg = build_email(
        mail=MAIL, to=[evil], rendered=rendered, key=("registry", "5602\r\nX: y", "due"), now=NOW
    )
    SmtpMailer(settings, environ=ENV).send(msg)
    _, rcpt_tos, raw = inbox.envelopes[0]
    assert rcpt_tos == ["cdd.chun@example.org"]
    assert b"\nBcc:" not in raw and b"\nX:" not in raw
    got = inbox.received()
    assert got["Bcc"] is None and got["X"] is None
    assert [a.addr_spec for a in got["To"].addresses] == ["cdd.chun@example.org"]
    assert display_names(got, "To") == "นายแฝง Bcc: x@evil.example <cdd.chun@example.org>"
    assert got["Subject"] == "เรื่อง Bcc: y@evil.example"
    assert got[KEY_HEADER] == "registry 5602__X:_y due"


def test_an_invalid_address_is_refused_before_sending() -> None:
    with pytest.raises(MailError, match="not a valid address"):
        build_email(
            mail=MAIL,
            to=[Contact("x", "a@example.org\r\nBcc: x@evil.example", "head", "5601")],
            rendered=RENDERED,
            key=("k", "u", "s"),
            now=NOW,
        )


@pytest.mark.parametrize(("raw", "clean"), [("a\r\nb", "a b"), ("  ก\tข\x00 ", "ก ข"), ("ก\u2028ข", "ก ข")])
def test_header_text(raw: str, clean: str) -> None:
    assert header_text(raw) == clean


def test_a_wrong_password_names_the_variables_not_the_secret(serve: Any, tls: Tls) -> None:
    inbox = Inbox()
    port = starttls_server(serve, tls, inbox)
    settings = SmtpSettings(host="127.0.0.1", port=port, ca_file=tls.cert, timeout=30)
    env = {"PIPELINE_SMTP_USER": USER, "PIPELINE_SMTP_PASSWORD": "wrong-horse"}
    msg = build_email(mail=MAIL, to=[HEAD], rendered=RENDERED, key=("k", "u", "s"), now=NOW)
    with pytest.raises(MailError) as caught:
        SmtpMailer(settings, environ=env).send(msg)
    text = str(caught.value)
    assert "PIPELINE_SMTP_USER" in text and "PIPELINE_SMTP_PASSWORD" in text
    assert "wrong-horse" not in text and USER not in text
    assert inbox.envelopes == []
    with pytest.raises(MailError, match="PIPELINE_SMTP_PASSWORD is not"):
        SmtpMailer(settings, environ={"PIPELINE_SMTP_USER": USER}).send(msg)


def test_an_untrusted_certificate_is_refused(serve: Any, tls: Tls) -> None:
    inbox = Inbox()
    port = starttls_server(serve, tls, inbox)
    settings = SmtpSettings(host="127.0.0.1", port=port, timeout=30)  # system CAs only
    msg = build_email(mail=MAIL, to=[HEAD], rendered=RENDERED, key=("k", "u", "s"), now=NOW)
    with pytest.raises(MailError, match="cannot send mail"):
        SmtpMailer(settings, environ=ENV).send(msg)
    assert inbox.envelopes == []


def test_starttls_required_but_not_offered(serve: Any) -> None:
    inbox = Inbox()
    port = serve(inbox)
    settings = SmtpSettings(host="127.0.0.1", port=port, security="starttls", timeout=30)
    msg = build_email(mail=MAIL, to=[HEAD], rendered=RENDERED, key=("k", "u", "s"), now=NOW)
    with pytest.raises(MailError, match="STARTTLS"):
        SmtpMailer(settings, environ={}).send(msg)


def test_ssl_with_an_injected_context(serve: Any, tls: Tls) -> None:
    inbox = Inbox()
    # aiosmtpd counts only STARTTLS as TLS for AUTH, so this implicit-TLS server relaxes the check
    port = serve(
        inbox, ssl_context=tls.server_context(), authenticator=inbox.authenticate, auth_require_tls=False
    )
    client = ssl.create_default_context(cafile=str(tls.cert))
    settings = SmtpSettings(host="127.0.0.1", port=port, security="ssl", timeout=30)
    msg = build_email(mail=MAIL, to=[HEAD], rendered=RENDERED, key=("k", "u", "s"), now=NOW)
    SmtpMailer(settings, ssl_context=client, environ=ENV).send(msg)
    assert inbox.logins == [(USER, PASSWORD)]
    assert inbox.received()["Subject"] == RENDERED.subject


def test_plain_smtp_without_login(serve: Any) -> None:
    inbox = Inbox()
    port = serve(inbox)
    settings = SmtpSettings(
        host="127.0.0.1", port=port, security="none", sender="bounces@example.org", timeout=30
    )
    msg = build_email(mail=MAIL, to=[HEAD], rendered=RENDERED, key=("k", "u", "s"), now=NOW)
    SmtpMailer(settings, environ={}).send(msg)
    assert inbox.envelopes[0][0] == "bounces@example.org"  # the envelope sender, From unchanged
    assert inbox.received()["From"].addresses[0].addr_spec == "cdd.phayao@example.org"


def test_an_unknown_security_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="tls"):
        SmtpMailer(SmtpSettings(host="h", security="tls"))


def test_a_server_that_is_down_is_a_mail_error() -> None:
    settings = SmtpSettings(
        host="127.0.0.1", port=free_port(), security="none", timeout=30
    )  # refused at once: nothing listens
    msg = build_email(mail=MAIL, to=[HEAD], rendered=RENDERED, key=("k", "u", "s"), now=NOW)
    with pytest.raises(MailError, match="cannot send mail"):
        SmtpMailer(settings, environ={}).send(msg)


def test_one_refused_recipient_does_not_stop_the_others(serve: Any, tls: Tls) -> None:
    inbox = Inbox(refuse_once={STAFF.email})
    port = starttls_server(serve, tls, inbox)
    settings = SmtpSettings(host="127.0.0.1", port=port, ca_file=tls.cert, timeout=30)
    msg = build_email(
        mail=MAIL, to=[HEAD, STAFF], cc=[OFFICER], rendered=RENDERED, key=("k", "u", "s"), now=NOW
    )
    with pytest.raises(RecipientsRefused) as caught:
        SmtpMailer(settings, environ=ENV).send(msg)
    assert list(caught.value.refused) == [STAFF.email] and "550" in caught.value.refused[STAFF.email]
    assert inbox.envelopes[0][1] == [HEAD.email, OFFICER.email]
    # everyone refused: nothing is sent, all are named
    inbox.refuse_once = {HEAD.email}
    alone = build_email(mail=MAIL, to=[HEAD], rendered=RENDERED, key=("k", "u", "s"), now=NOW)
    with pytest.raises(RecipientsRefused) as caught:
        SmtpMailer(settings, environ=ENV).send(alone)
    assert list(caught.value.refused) == [HEAD.email]
    assert len(inbox.envelopes) == 1


# ---------------------------------------------------------------------------
# The outbox


def test_the_outbox_writes_one_file_per_message_atomically(tmp_path: Path) -> None:
    outbox = OutboxMailer(tmp_path / "outbox")
    msg = build_email(mail=MAIL, to=[HEAD], rendered=RENDERED, key=("registry", "5601", "before-7"), now=NOW)
    outbox.send(msg)
    outbox.send(msg)
    names = sorted(p.name for p in (tmp_path / "outbox").iterdir())
    assert names == [
        "2023-11-17_080000_registry_5601_before-7-2.eml",
        "2023-11-17_080000_registry_5601_before-7.eml",
    ]
    again = email.message_from_bytes(
        (tmp_path / "outbox" / names[1]).read_bytes(), policy=email.policy.default
    )
    assert again["Subject"] == RENDERED.subject


def test_an_unwritable_outbox_is_a_mail_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    msg = build_email(mail=MAIL, to=[HEAD], rendered=RENDERED, key=("k", "u", "s"), now=NOW)
    with pytest.raises(MailError, match="outbox"):
        OutboxMailer(tmp_path / "file").send(msg)


# ---------------------------------------------------------------------------
# Templates


CONTEXT: dict[str, Any] = {
    "province_name": "พะเยา",
    "fiscal_year": "๒๕๖๗",
    "today_text": "วันศุกร์ที่ ๑๗ พฤศจิกายน ๒๕๖๖",
    "sender_name": "สำนักงานพัฒนาชุมชนจังหวัดพะเยา",
    "cutoff_id": "registry",
    "form": "committee_registry",
    "title": "ทะเบียนข้อมูลคณะกรรมการ ศอช.",
    "period": "",
    "due_text": "วันศุกร์ที่ ๒๔ พฤศจิกายน ๒๕๖๖",
    "holiday_note": "",
    "last_workday": "",
    "days_left": 7,
    "days_text": "อีก ๗ วัน",
    "link": "https://forms.gle/registry?a=1&b=2",
    "office": "อำเภอเมืองพะเยา",
    "greeting": "พัฒนาการอำเภอเมืองพะเยา",
    "missing": [{"code": "5601", "label": "อำเภอ<script>alert(1)</script>"}],
    "rejected": [],
    "missing_count": "๑",
    "rejected_count": "๐",
}


def test_html_is_escaped_and_text_is_not() -> None:
    out = Templates().render("reminder", CONTEXT)
    assert "&lt;script&gt;" in out.html and "<script>" not in out.html
    assert "อำเภอ<script>alert(1)</script>" in out.text
    assert 'href="https://forms.gle/registry?a=1&amp;b=2"' in out.html
    assert out.subject == "แจ้งเตือนกำหนดส่งทะเบียนข้อมูลคณะกรรมการ ศอช. ภายในวันศุกร์ที่ ๒๔ พฤศจิกายน ๒๕๖๖ (อีก ๗ วัน)"
    assert "\n" not in out.subject


def test_a_province_overrides_one_template(tmp_path: Path) -> None:
    (tmp_path / "reminder.txt").write_text(
        "{% set subject %}ด่วน: {{ title }}{% endset %}ถึง {{ greeting }} — {{ days_text }}\n", encoding="utf-8"
    )
    out = Templates(tmp_path).render("reminder", CONTEXT)
    assert out.subject == "ด่วน: ทะเบียนข้อมูลคณะกรรมการ ศอช."
    assert out.text == "ถึง พัฒนาการอำเภอเมืองพะเยา — อีก ๗ วัน\n"
    assert "<p>เรียน พัฒนาการอำเภอเมืองพะเยา</p>" in out.html  # the bundled HTML


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("no subject here\n", "sets no subject"),
        ("{% set subject %}x{% endset %}{{ nope }}\n", "cannot be rendered"),
        ("{% set subject %}x{% endset %}{% if %}\n", "cannot be rendered"),
    ],
)
def test_a_broken_override_is_a_config_error(tmp_path: Path, text: str, match: str) -> None:
    (tmp_path / "reminder.txt").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=match):
        Templates(tmp_path).render("reminder", CONTEXT)
