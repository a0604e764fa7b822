"""pipeline auth login: the OAuth desktop flow, for an officer without a service account."""

from __future__ import annotations

import argparse
from typing import Any

from pipeline.cli import add_config_argument
from pipeline.config import load_settings


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "auth",
        help="sign in to Google with an OAuth desktop client (instead of a service account)",
        description="Open the browser to sign in to Google and keep the token (file mode 0600) at "
        "google.token_cache. Needs google.oauth_client (the desktop client's JSON). "
        "Example: pipeline auth login",
    )
    p.add_argument("action", choices=("login",), help="login: sign in and save the token")
    p.add_argument(
        "--no-browser", action="store_true", help="print the sign-in link instead of opening a browser"
    )
    p.add_argument(
        "--forms",
        action="store_true",
        help="also allow creating and publishing forms (for `pipeline forms build`: forms.body, drive.file)",
    )
    add_config_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pipeline.backends.google import FORMS_BUILD_SCOPES, SCOPES, login

    settings = load_settings(args.config)
    scopes = (*SCOPES, *FORMS_BUILD_SCOPES) if args.forms else SCOPES
    path = login(settings.google, open_browser=not args.no_browser, scopes=scopes)
    print(f"signed in; token saved to {path} (readable by this user only)")
    return 0
