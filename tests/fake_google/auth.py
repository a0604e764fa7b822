"""The fake OAuth 2.0 token endpoint and the service-account keys it trusts.

A key is generated in the test (RSA 2048 with `cryptography`); the endpoint
verifies the RS256 JWT assertion google-auth signs with it, using the public
key, exactly as Google does (audience https://oauth2.googleapis.com/token).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import itertools
import json
import threading
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth import exceptions as auth_exceptions
from google.auth import jwt

TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"


@functools.cache
def _private_key() -> rsa.RSAPrivateKey:
    """One RSA key per test session: generating 2048-bit keys is the slow part."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pems() -> tuple[str, str]:
    key = _private_key()
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


@dataclass
class Grant:
    """One access token handed out."""

    token: str
    subject: str  # service-account email or OAuth client id
    scopes: frozenset[str]
    grant_type: str


@dataclass
class TokenAuthority:
    keys: dict[str, tuple[str, str]] = field(default_factory=dict)  # key id -> (client_email, public PEM)
    refresh_tokens: dict[str, tuple[str, str, frozenset[str]]] = field(default_factory=dict)
    codes: dict[str, tuple[str, str, frozenset[str], str, str]] = field(default_factory=dict)
    grants: list[Grant] = field(default_factory=list)
    _numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def service_account_info(self, token_uri: str, email: str) -> dict[str, Any]:
        private, public = _pems()
        key_id = f"fake-key-{len(self.keys) + 1}"
        self.keys[key_id] = (email, public)
        return {
            "type": "service_account",
            "project_id": "fake-project",
            "private_key_id": key_id,
            "private_key": private,
            "client_email": email,
            "client_id": "100000000000000000001",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": token_uri,
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/fake",
            "universe_domain": "googleapis.com",
        }

    def write_service_account(self, path: Path, token_uri: str, email: str) -> Path:
        path.write_text(json.dumps(self.service_account_info(token_uri, email)), encoding="utf-8")
        return path

    def user(self, client_id: str, client_secret: str, scopes: frozenset[str]) -> str:
        refresh = f"fake-refresh-{len(self.refresh_tokens) + 1}"
        self.refresh_tokens[refresh] = (client_id, client_secret, scopes)
        return refresh

    def authorize(self, auth_url: str, client_secret: str) -> str:
        """What Google's consent page does when the user presses Allow: the redirect with a code.

        Remembers the PKCE challenge and redirect the code is bound to, as Google does.
        """
        query = {k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(auth_url).query).items()}
        code = f"fake-code-{len(self.codes) + 1}"
        self.codes[code] = (
            query["client_id"],
            client_secret,
            frozenset(query["scope"].split()),
            query["redirect_uri"],
            query.get("code_challenge", ""),
        )
        return f"{query['redirect_uri']}?state={query['state']}&code={code}&scope={urllib.parse.quote(query['scope'])}"

    def scopes_of(self, token: str) -> frozenset[str] | None:
        with self._lock:
            for grant in self.grants:
                if grant.token == token:
                    return grant.scopes
        return None

    def exchange(self, body: bytes, authorization: str = "") -> tuple[int, dict[str, Any]]:
        """The token endpoint: (HTTP status, JSON body). Client credentials in the form or as HTTP Basic."""
        form = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode()).items()}
        if authorization.startswith("Basic "):
            user, _, password = base64.b64decode(authorization[6:]).decode().partition(":")
            form.setdefault("client_id", urllib.parse.unquote_plus(user))
            form.setdefault("client_secret", urllib.parse.unquote_plus(password))
        grant_type = form.get("grant_type", "")
        if grant_type == JWT_BEARER:
            return self._jwt_grant(form.get("assertion", ""))
        if grant_type == "refresh_token":
            return self._refresh_grant(form)
        if grant_type == "authorization_code":
            return self._code_grant(form)
        return 400, {
            "error": "unsupported_grant_type",
            "error_description": f"Invalid grant_type: {grant_type}",
        }

    def _issue(self, subject: str, scopes: frozenset[str], grant_type: str) -> tuple[int, dict[str, Any]]:
        with self._lock:
            token = f"ya29.fake-access-token-{next(self._numbers)}"
            self.grants.append(Grant(token, subject, scopes, grant_type))
        return 200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}

    def _jwt_grant(self, assertion: str) -> tuple[int, dict[str, Any]]:
        certs = {key_id: public for key_id, (_, public) in self.keys.items()}
        try:
            claims = jwt.decode(  # type: ignore[no-untyped-call]
                assertion, certs=certs, audience=TOKEN_AUDIENCE, clock_skew_in_seconds=10
            )
        except (auth_exceptions.GoogleAuthError, ValueError) as exc:
            return 400, {"error": "invalid_grant", "error_description": f"Invalid JWT Signature. ({exc})"}
        emails = {email for email, _ in self.keys.values()}
        if claims.get("iss") not in emails:
            return 400, {"error": "invalid_grant", "error_description": "Invalid issuer."}
        scopes = frozenset(str(claims.get("scope", "")).split())
        if not scopes:
            return 400, {"error": "invalid_scope", "error_description": "Empty or missing scope not allowed."}
        return self._issue(str(claims["iss"]), scopes, JWT_BEARER)

    def _refresh_grant(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        known = self.refresh_tokens.get(form.get("refresh_token", ""))
        if known is None or (form.get("client_id"), form.get("client_secret")) != known[:2]:
            return 400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}
        return self._issue(known[0], known[2], "refresh_token")

    def _code_grant(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        known = self.codes.pop(form.get("code", ""), None)
        if known is None:
            return 400, {"error": "invalid_grant", "error_description": "Malformed auth code."}
        client_id, secret, scopes, redirect, challenge = known
        if (form.get("client_id"), form.get("client_secret")) != (client_id, secret):
            return 401, {"error": "invalid_client", "error_description": "Unauthorized"}
        if form.get("redirect_uri") != redirect:
            return 400, {"error": "redirect_uri_mismatch", "error_description": "Bad Request"}
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        if challenge and base64.urlsafe_b64encode(digest).decode().rstrip("=") != challenge:
            return 400, {"error": "invalid_grant", "error_description": "Invalid code verifier."}
        status, answer = self._issue(client_id, scopes, "authorization_code")
        refresh = self.user(client_id, secret, scopes)
        return status, {**answer, "refresh_token": refresh, "scope": " ".join(sorted(scopes))}
