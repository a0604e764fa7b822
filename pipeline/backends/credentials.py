"""Which Google credentials the settings point at, read and checked; no Google library here.

`find_credentials` picks the file (google.credentials, else
GOOGLE_APPLICATION_CREDENTIALS, else the login `pipeline auth login` saved) and
says what is wrong with it in the project's words; google_client.py turns the
checked contents into google-auth credentials. `Authorizer` is what the readers
and writers need from those credentials, so they never import google-auth.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from pipeline.backends.oauth import EXPIRY_NOTE
from pipeline.errors import BackendError, ConfigError, PipelineError
from pipeline.settings import GoogleSettings

_KEY_FIX = (
    "download a JSON key for the service account (docs/google-setup.md, step 4) "
    "and point google.credentials at it"
)
_LOGIN_FIX = "run `pipeline auth login` again"


class Authorizer(Protocol):
    """What the Google readers and writers need from google_client.py's `GoogleAuth`."""

    @property
    def credentials(self) -> Any: ...

    @property
    def source(self) -> str:
        """Where the credentials came from: "key file <path>" or "saved login <path>"."""

    @property
    def account(self) -> str:
        """The service account's address, "" for a user's login."""

    def ensure_valid(self) -> None:
        """Fetch an access token (counted, retried) unless the current one is still good."""

    def auth_error(self, exc: BaseException) -> PipelineError | None:
        """The project's error for a credentials failure, None for other exceptions."""

    def share_hint(self, role: str) -> str:
        """'share it with <address> as <role>'."""

    def who(self) -> str:
        """The account the credentials act as, or how to find it."""

    def close(self) -> None: ...


@dataclass(frozen=True)
class CredentialsFile:
    """A credentials file's checked contents: a service-account key or a user's saved login."""

    kind: Literal["service_account", "authorized_user"]
    info: Mapping[str, Any]
    path: Path
    source: str  # "key file <path>" or "saved login <path>", for messages


def find_credentials(settings: GoogleSettings, environ: Mapping[str, str] | None = None) -> CredentialsFile:
    """The credentials the settings point at: a service-account key, else the saved login."""
    env = os.environ if environ is None else environ
    key = settings.credentials or (
        Path(env["GOOGLE_APPLICATION_CREDENTIALS"]) if env.get("GOOGLE_APPLICATION_CREDENTIALS") else None
    )
    if key is not None:
        return key_file(key)
    if settings.token_cache is not None and settings.token_cache.exists():
        info = _read_json(settings.token_cache, "saved login", _LOGIN_FIX)
        return CredentialsFile(
            "authorized_user", info, settings.token_cache, f"saved login {settings.token_cache}"
        )
    raise ConfigError(
        "no Google credentials are configured",
        where="google: in the settings",
        fix="set google.credentials to a service-account key file (see docs/google-setup.md), "
        "or set GOOGLE_APPLICATION_CREDENTIALS, or set google.oauth_client and google.token_cache "
        "and run `pipeline auth login`",
    )


def key_file(path: Path) -> CredentialsFile:
    """A key file's contents, refused with the reason when it is not a usable service-account key."""
    info = _read_json(path, "service-account key", _KEY_FIX)
    kind = info.get("type")
    if kind in ("installed", "web") or "installed" in info or "web" in info:
        raise ConfigError(
            "this is an OAuth client file, not a service-account key",
            where=str(path),
            fix="set google.oauth_client to this file and run `pipeline auth login`, "
            "or download a service-account key instead",
        )
    if kind == "authorized_user":
        return CredentialsFile("authorized_user", info, path, f"key file {path}")
    if kind != "service_account":
        raise ConfigError(
            f"the key file has type {kind!r}, expected 'service_account'", where=str(path), fix=_KEY_FIX
        )
    if "REPLACE" in str(info.get("private_key", "")):
        raise ConfigError(
            "this is the example key file with placeholders, not a real key", where=str(path), fix=_KEY_FIX
        )
    return CredentialsFile("service_account", info, path, f"key file {path}")


def unusable_credentials(credentials: CredentialsFile, reason: str) -> ConfigError:
    """The error for contents google-auth would not build credentials from."""
    if credentials.kind == "service_account":
        return ConfigError(
            f"the service-account key is not usable ({reason})", where=str(credentials.path), fix=_KEY_FIX
        )
    return ConfigError(
        f"the saved login is incomplete ({reason})", where=str(credentials.path), fix=_LOGIN_FIX
    )


def refused_credentials(reason: str, source: str) -> BackendError:
    """The error for credentials Google's token endpoint refused (`reason` as google-auth words it)."""
    if source.startswith("saved login") and "invalid_grant" in reason:
        return BackendError(
            f"Google no longer accepts the saved sign-in (invalid_grant: expired or revoked) ({reason})",
            where=source,
            fix=EXPIRY_NOTE,
        )
    if source.startswith("saved login"):
        fix = "the saved login expired or was revoked: run `pipeline auth login` again"
    else:
        fix = (
            "check that the key was not deleted in Cloud console > IAM > Service accounts > Keys "
            "(download a new one if so) and that this computer's clock is right"
        )
    return BackendError(f"Google refused the credentials ({reason})", where=source, fix=fix)


def _read_json(path: Path, what: str, fix: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"the {what} file does not exist", where=str(path), fix=fix) from exc
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"the {what} file cannot be read as JSON ({exc})", where=str(path), fix=fix
        ) from exc
    if not isinstance(data, dict):
        raise ConfigError(f"the {what} file is not a JSON object", where=str(path), fix=fix)
    return data
