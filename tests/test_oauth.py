"""`pipeline auth login`: the real google-auth-oauthlib flow against the fake's token endpoint."""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.backends.google import GoogleBackend
from pipeline.backends.oauth import CONSOLE_REDIRECT, SCOPES, code_from, login
from pipeline.errors import BackendError, StorageError
from tests.fake_google import FakeGoogle

CLIENT_ID = "fake-client.apps.googleusercontent.com"
SECRET = "fake-client-secret"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGoogle]:
    # oauthlib refuses a token endpoint over plain HTTP; the fake on 127.0.0.1 is one
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    with FakeGoogle() as server:
        yield server


def client_file(fake: FakeGoogle, tmp_path: Path) -> Path:
    path = tmp_path / "client.json"
    installed = {
        "client_id": CLIENT_ID,
        "client_secret": SECRET,
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": f"{fake.url}/token",
        "redirect_uris": ["http://localhost"],
    }
    path.write_text(json.dumps({"installed": installed}), encoding="utf-8")
    return path


class Officer:
    """Reads the printed link, "opens it elsewhere" (the fake consent), pastes back what the browser shows."""

    def __init__(self, fake: FakeGoogle, *, code_only: bool = False) -> None:
        self.fake = fake
        self.code_only = code_only
        self.printed: list[str] = []

    def say(self, text: str) -> None:
        self.printed.append(text)

    def ask(self, prompt: str) -> str:
        (url,) = re.findall(r"https://accounts\.google\.com/\S+", "\n".join(self.printed))
        self.url = url
        redirect = self.fake.authority.authorize(url, SECRET)
        return redirect.split("code=")[1].split("&")[0] if self.code_only else redirect


@pytest.mark.parametrize("code_only", [False, True])
def test_no_browser_login_works_on_a_headless_server(
    fake: FakeGoogle, tmp_path: Path, code_only: bool
) -> None:
    fake.add_spreadsheet("src", {"ชีต1": [["a"]]})
    token = tmp_path / "state" / "google-token.json"
    settings = fake.settings(oauth_client=client_file(fake, tmp_path), token_cache=token)
    officer = Officer(fake, code_only=code_only)

    assert login(settings, no_browser=True, ask=officer.ask, say=officer.say) == token

    assert stat.S_IMODE(os.stat(token).st_mode) == 0o600
    assert json.loads(token.read_text())["refresh_token"].startswith("fake-refresh-")
    assert f"redirect_uri={CONSOLE_REDIRECT.replace(':', '%3A').replace('/', '%2F')}" in officer.url
    assert "code_challenge_method=S256" in officer.url and "access_type=offline" in officer.url
    assert "วาง" in officer.printed[0]  # the steps are in Thai too
    with GoogleBackend(settings, token_url=fake.url) as backend:
        assert backend.read("src", ["ชีต1"]) == {"ชีต1": [["a"]]}
    assert fake.authority.grants[-1].scopes == frozenset(SCOPES)


def test_least_privilege_scopes() -> None:
    auth = "https://www.googleapis.com/auth/"
    assert set(SCOPES) == {
        auth + "spreadsheets",
        auth + "forms.responses.readonly",
        auth + "forms.body.readonly",
        auth + "drive.metadata.readonly",
    }


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("", "nothing was pasted"),
        (f"{CONSOLE_REDIRECT}?error=access_denied&state=s1", "did not grant access"),
        (f"{CONSOLE_REDIRECT}?state=other&code=c", "another sign-in attempt"),
        (f"{CONSOLE_REDIRECT}?state=s1", "no code"),
    ],
)
def test_a_wrong_paste_is_explained(answer: str, message: str) -> None:
    with pytest.raises(BackendError, match=message) as caught:
        code_from(answer, "s1")
    assert caught.value.fix


def test_the_code_in_a_pasted_address() -> None:
    assert code_from(f"  {CONSOLE_REDIRECT}?state=s1&code=4/0Ab-x&scope=a%20b ".strip(), "s1") == "4/0Ab-x"
    assert code_from("4/0Ab-x", "s1") == "4/0Ab-x"


def test_an_expired_sign_in_says_why_and_what_to_do(fake: FakeGoogle, tmp_path: Path) -> None:
    fake.add_spreadsheet("src", {"ชีต1": [["a"]]})
    token = tmp_path / "token.json"
    saved = fake.user_login(frozenset(SCOPES))
    token.write_text(json.dumps({**saved, "refresh_token": "revoked-after-7-days"}), encoding="utf-8")
    settings = fake.settings(token_cache=token)
    with GoogleBackend(settings, token_url=fake.url) as backend, pytest.raises(BackendError) as caught:
        backend.read("src", ["ชีต1"])
    assert "invalid_grant" in str(caught.value)
    assert "Testing" in caught.value.fix and "7 days" in caught.value.fix
    assert "service account" in caught.value.fix and "pipeline auth login" in caught.value.fix


def test_a_login_that_cannot_be_saved_names_the_place(fake: FakeGoogle, tmp_path: Path) -> None:
    blocker = tmp_path / "state"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    token = blocker / "google-token.json"
    settings = fake.settings(oauth_client=client_file(fake, tmp_path), token_cache=token)
    officer = Officer(fake)
    with pytest.raises(StorageError) as caught:
        login(settings, no_browser=True, ask=officer.ask, say=officer.say)
    assert caught.value.where == str(token)
    assert "check that the folder exists" in caught.value.fix
    assert sorted(p.name for p in tmp_path.iterdir()) == ["client.json", "state"]
