"""pipeline auth login: the OAuth desktop flow, for an officer without a service account."""

from __future__ import annotations

import argparse

from pipeline.cli import add_config_argument
from pipeline.settings_loader import load_settings

HELP = "sign in to Google with an OAuth desktop client (instead of a service account)"


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=("login",), help="login: sign in and save the token")
    p.add_argument(
        "--no-browser",
        action="store_true",
        help="for a computer without a browser: print the sign-in link to open elsewhere, then paste "
        "back the address the browser ends on",
    )
    p.add_argument(
        "--forms",
        action="store_true",
        help="also allow creating and publishing forms (for `pipeline forms build`: forms.body, drive.file)",
    )
    add_config_argument(p)


def main(args: argparse.Namespace) -> int:
    """Sign in to Google and keep the token (file mode 0600) at google.token_cache. Needs
    google.oauth_client (the desktop client's JSON). A service account lasts longer and is recommended
    (docs/google-setup.md).

    Example: pipeline auth login; on a server without a browser: pipeline auth login --no-browser
    """
    from pipeline.backends.oauth import FORMS_BUILD_SCOPES, SCOPES, login

    settings = load_settings(args.config)
    scopes = (*SCOPES, *FORMS_BUILD_SCOPES) if args.forms else SCOPES
    path = login(settings.google, no_browser=args.no_browser, scopes=scopes)
    print(f"signed in; token saved to {path} (readable by this user only)")
    return 0
