"""Spreadsheet stores. The pipeline talks to them only through `base.Backend`."""

from __future__ import annotations

from pipeline.backends.base import Backend
from pipeline.settings import Settings


def open_backend(settings: Settings) -> Backend:
    """The store the settings name. Imports the Google clients only when asked for."""
    if settings.backend == "google":
        from pipeline.backends.google import GoogleBackend

        return GoogleBackend(
            settings.google, token_url=settings.google.token_url or None, timezone=settings.timezone
        )
    from pipeline.backends.local import LocalBackend

    return LocalBackend(settings.data_dir)
