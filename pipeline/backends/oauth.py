"""`pipeline auth login`: sign in as a Google user and keep the token, for an office without a service account.

Two ways: the browser on this computer (a local redirect catches the answer),
or `--no-browser` on a headless server: the sign-in link is printed, opened on
any other computer, and the address the browser ends on (or the code in it) is
pasted back. Both use PKCE. The token is written readable by its owner only.

google-auth-oauthlib is imported only when a login runs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, cast
from urllib.parse import parse_qs, urlsplit

from pipeline.errors import BackendError, ConfigError, PipelineError
from pipeline.files import atomic_write
from pipeline.settings import GoogleSettings

_AUTH = "https://www.googleapis.com/auth/"
# Least privilege: write the output spreadsheet and read the response sheets; read form
# answers and questions; read only the name, type and trash state of uploaded files.
SCOPES = (
    _AUTH + "spreadsheets",
    _AUTH + "forms.responses.readonly",
    _AUTH + "forms.body.readonly",
    _AUTH + "drive.metadata.readonly",
)
# `pipeline forms build` alone asks for these, and for these only: forms.body to create and change
# a form, drive.file to publish it (and to reach nothing in Drive but the files this tool made).
FORMS_BUILD_SCOPES = (_AUTH + "forms.body", _AUTH + "drive.file")
# Nothing listens here: after consent the browser shows "cannot connect" on an address
# that carries the code, which the officer copies back. Desktop clients accept any
# localhost port as a redirect.
CONSOLE_REDIRECT = "http://localhost:1/"

EXPIRY_NOTE = (
    "An OAuth app whose publishing status is 'Testing' gets sign-ins that Google expires after "
    "7 days: make the app 'Internal' (Google Workspace) or publish it 'In production' "
    "(Cloud console > APIs & Services > OAuth consent screen), or better use a service account "
    "(docs/google-setup.md), then run `pipeline auth login` again"
)


class InstalledFlow(Protocol):
    def run_local_server(self, **kwargs: Any) -> Any: ...


def _installed_app_flow(client_secrets: Path, scopes: Sequence[str]) -> InstalledFlow:
    from google_auth_oauthlib.flow import InstalledAppFlow

    return cast(
        InstalledFlow, InstalledAppFlow.from_client_secrets_file(str(client_secrets), scopes=list(scopes))
    )


def login(
    settings: GoogleSettings,
    *,
    flow_factory: Callable[[Path, Sequence[str]], InstalledFlow] = _installed_app_flow,
    open_browser: bool = True,
    no_browser: bool = False,
    ask: Callable[[str], str] = input,
    say: Callable[[str], None] = print,
    scopes: Sequence[str] = SCOPES,
) -> Path:
    """Sign in as a Google user and keep the token in google.token_cache (mode 0600).

    `no_browser` prints the sign-in link and reads the pasted answer with `ask`.
    """
    client, cache = _login_files(settings)
    try:
        if no_browser:
            credentials = _console_login(client, scopes, ask, say)
        else:
            flow = flow_factory(client, scopes)
            credentials = flow.run_local_server(port=0, open_browser=open_browser)
    except PipelineError:
        raise
    except Exception as exc:
        raise BackendError(
            f"the Google sign-in did not finish ({type(exc).__name__}: {exc})",
            where=str(client),
            fix="run `pipeline auth login` again and allow the access asked for"
            + ("" if no_browser else "; on a computer without a browser, add --no-browser"),
        ) from exc
    _write_private(cache, str(credentials.to_json()))
    return cache


def _login_files(settings: GoogleSettings) -> tuple[Path, Path]:
    if settings.oauth_client is None:
        raise ConfigError(
            "google.oauth_client is not set",
            where="google: in the settings",
            fix="create an OAuth client of type 'Desktop app' (docs/google-setup.md), download its JSON "
            "and set google.oauth_client to that file",
        )
    if settings.token_cache is None:
        raise ConfigError(
            "google.token_cache is not set",
            where="google: in the settings",
            fix="set google.token_cache to where the login should be kept, e.g. state/google-token.json",
        )
    if not settings.oauth_client.is_file():
        raise ConfigError(
            "the OAuth client file does not exist",
            where=str(settings.oauth_client),
            fix="download the OAuth client JSON from Cloud console > APIs & Services > Credentials",
        )
    return settings.oauth_client, settings.token_cache


def _console_login(
    client: Path, scopes: Sequence[str], ask: Callable[[str], str], say: Callable[[str], None]
) -> Any:
    from google_auth_oauthlib.flow import InstalledAppFlow

    flow = InstalledAppFlow.from_client_secrets_file(
        str(client), scopes=list(scopes), redirect_uri=CONSOLE_REDIRECT
    )
    url, state = flow.authorization_url(prompt="consent")
    say(
        "1. Open this link in a browser on any computer and sign in with the account that will run "
        "the pipeline:\n\n"
        f"{url}\n\n"
        "2. Allow the access asked for. The browser then shows a page that cannot be reached, whose "
        f"address starts with {CONSOLE_REDIRECT}: copy that whole address from the address bar.\n"
        "1. เปิดลิงก์ข้างบนในเบราว์เซอร์ของเครื่องใดก็ได้ ลงชื่อเข้าใช้ และกดอนุญาต\n"
        f"2. เบราว์เซอร์จะเปิดหน้าที่ขึ้นว่าเชื่อมต่อไม่ได้ ให้คัดลอกที่อยู่ทั้งบรรทัด (ขึ้นต้นด้วย {CONSOLE_REDIRECT}) มาวางที่นี่"
    )
    try:
        answer = ask("Paste the address (or just the code) here / วางที่อยู่ที่นี่: ").strip()
    except EOFError:
        answer = ""
    flow.fetch_token(code=code_from(answer, state))
    return flow.credentials


def code_from(answer: str, state: str) -> str:
    """The authorization code in what the officer pasted: the whole redirect address, or the code alone."""
    fix = "run `pipeline auth login --no-browser` again and paste the whole address the browser ends on"
    if not answer:
        raise BackendError("nothing was pasted", where="pipeline auth login --no-browser", fix=fix)
    if "://" not in answer and "code=" not in answer:
        return answer
    query = parse_qs(urlsplit(answer).query if "://" in answer else answer.lstrip("?"))
    if "error" in query:
        raise BackendError(
            f"Google did not grant access ({query['error'][0]})",
            where="pipeline auth login --no-browser",
            fix="run it again and press Allow on every access asked for",
        )
    if query.get("state", [state])[0] != state:
        raise BackendError(
            "the pasted address belongs to another sign-in attempt",
            where="pipeline auth login --no-browser",
            fix=fix,
        )
    if not query.get("code"):
        raise BackendError(
            "the pasted address holds no code", where="pipeline auth login --no-browser", fix=fix
        )
    return query["code"][0]


def _write_private(path: Path, text: str) -> None:
    """Write a secret file readable by its owner only; the old file is replaced whole or not at all."""

    def write(tmp: Path) -> None:  # the temp file is created 0600, and stays so
        tmp.write_text(text, encoding="utf-8")
        os.chmod(tmp, 0o600)

    atomic_write(path, write)
