"""Which credentials the settings point at, and what is wrong with them: case tables.

Building google-auth credentials from them and the token exchange run in
test_backend_google, against the fake's token endpoint.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.backends.credentials import find_credentials, key_file, refused_credentials
from pipeline.backends.oauth import EXPIRY_NOTE
from pipeline.errors import ConfigError
from pipeline.settings import GoogleSettings

SERVICE_ACCOUNT = (
    '{"type": "service_account", "client_email": "a@p.iam.gserviceaccount.com", "private_key": "k"}'
)
USER = '{"type": "authorized_user", "client_id": "c", "client_secret": "s", "refresh_token": "r"}'

# what the key file holds -> its kind, or (message, words of the fix) of the refusal
KEY_CASES: list[tuple[str | None, str | tuple[str, str]]] = [
    (SERVICE_ACCOUNT, "service_account"),
    (USER, "authorized_user"),  # a saved login pointed at as a key file still works
    (None, ("the service-account key file does not exist", "google.credentials")),
    ("{not json", ("cannot be read as JSON", "download a JSON key")),
    ('["a", "list"]', ("is not a JSON object", "download a JSON key")),
    (
        '{"installed": {"client_id": "c"}}',
        ("an OAuth client file, not a service-account key", "google.oauth_client"),
    ),
    ('{"type": "web"}', ("an OAuth client file", "pipeline auth login")),
    ('{"type": "external_account"}', ("has type 'external_account', expected 'service_account'", "JSON key")),
    ("{}", ("has type None", "JSON key")),
    (
        '{"type": "service_account", "private_key": "-----REPLACE WITH YOUR KEY-----"}',
        ("the example key file with placeholders", "docs/google-setup.md"),
    ),
]


@pytest.mark.parametrize(("content", "expected"), KEY_CASES)
def test_key_file(tmp_path: Path, content: str | None, expected: str | tuple[str, str]) -> None:
    path = tmp_path / "key.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    if isinstance(expected, str):
        found = key_file(path)
        assert (found.kind, found.path, found.source) == (expected, path, f"key file {path}")
        return
    message, fix = expected
    with pytest.raises(ConfigError) as caught:
        key_file(path)
    assert message in caught.value.message and fix in caught.value.fix
    assert caught.value.where == str(path)


def test_the_settings_key_comes_before_the_environment_and_the_saved_login(tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_text(SERVICE_ACCOUNT)
    (tmp_path / "env.json").write_text(SERVICE_ACCOUNT)
    (tmp_path / "token.json").write_text(USER)
    env = {"GOOGLE_APPLICATION_CREDENTIALS": str(tmp_path / "env.json")}
    both = GoogleSettings(credentials=tmp_path / "settings.json", token_cache=tmp_path / "token.json")
    assert find_credentials(both, env).path == tmp_path / "settings.json"
    login_only = GoogleSettings(token_cache=tmp_path / "token.json")
    assert find_credentials(login_only, env).path == tmp_path / "env.json"
    saved = find_credentials(login_only, {})
    assert (saved.kind, saved.source) == ("authorized_user", f"saved login {tmp_path / 'token.json'}")


def test_a_damaged_saved_login_says_log_in_again(tmp_path: Path) -> None:
    (tmp_path / "token.json").write_text("{")
    with pytest.raises(ConfigError) as caught:
        find_credentials(GoogleSettings(token_cache=tmp_path / "token.json"), {})
    assert "saved login file cannot be read" in caught.value.message
    assert caught.value.fix == "run `pipeline auth login` again"


def test_nothing_configured_names_every_way(tmp_path: Path) -> None:
    absent = GoogleSettings(token_cache=tmp_path / "never-logged-in.json")
    with pytest.raises(ConfigError) as caught:
        find_credentials(absent, {"GOOGLE_APPLICATION_CREDENTIALS": ""})
    for way in ("google.credentials", "GOOGLE_APPLICATION_CREDENTIALS", "pipeline auth login"):
        assert way in caught.value.fix


# google-auth's reason, where the credentials came from -> words of the message and of the fix
REFUSAL_CASES = [
    (
        "invalid_grant: Token has been expired or revoked.",
        "saved login t.json",
        "no longer accepts",
        EXPIRY_NOTE,
    ),
    (
        "invalid_client: The OAuth client was not found.",
        "saved login t.json",
        "refused the credentials",
        "auth login",
    ),
    (
        "invalid_grant: Invalid JWT Signature.",
        "key file k.json",
        "refused the credentials",
        "IAM > Service accounts",
    ),
]


@pytest.mark.parametrize(("reason", "source", "message", "fix"), REFUSAL_CASES)
def test_refused_credentials(reason: str, source: str, message: str, fix: str) -> None:
    error = refused_credentials(reason, source)
    assert message in error.message and reason in error.message
    assert fix in error.fix and error.where == source
