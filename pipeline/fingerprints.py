"""What a sync's published tables depend on, digested to tell "unchanged" before any work.

The sources' cells (or, where the store tells one, each spreadsheet's revision,
known without reading a cell), the settings, the calendar, the schemas and the
code's version. The state keeps the digests of the last sync.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from functools import cache

from pipeline.backends.base import Backend
from pipeline.calendar import Calendar
from pipeline.errors import SourceError
from pipeline.models import Grid, Table
from pipeline.schema import SCHEMA_DIR
from pipeline.settings import Settings
from pipeline.state import dumps

# Keys of the state's fingerprints that hold a spreadsheet's revision rather than a digest of its cells.
REVISION = "revision:"
DOCUMENT = "document:"  # ... and of a saved document's inputs


def source_revisions(settings: Settings, backend: Backend) -> dict[str, str] | None:
    """Each source spreadsheet's revision, without reading a cell; None when the store cannot tell one."""
    out: dict[str, str] = {}
    for src in settings.sources.values():
        if src.form_id:
            return None
        key = REVISION + src.spreadsheet
        if key not in out:
            revision = backend.revision(src.spreadsheet)
            if revision is None:
                return None
            out[key] = revision
    return out


@cache
def _version() -> str:
    """The installed package's version (read once: a run of many provinces asks for it each time)."""
    from importlib import metadata

    try:
        return metadata.version("cd-report-pipeline")
    except metadata.PackageNotFoundError:  # running from a source tree
        return "dev"


def config_fingerprint(settings: Settings, calendar: Calendar) -> str:
    """What the published tables depend on besides the sources: settings, calendar, schemas and code."""
    parts = [settings.path.read_text(encoding="utf-8"), calendar.path.read_text(encoding="utf-8"), _version()]
    parts += [
        (SCHEMA_DIR / f"{s.schema}.yaml").read_text(encoding="utf-8")
        for s in settings.sources.values()
        if (SCHEMA_DIR / f"{s.schema}.yaml").exists()
    ]
    return digest(*parts)


def fingerprint(
    settings: Settings, calendar: Calendar, grids: Mapping[str, Grid | SourceError]
) -> dict[str, str]:
    """What the published tables depend on: the sources' cells, the settings, schemas, calendar and code."""
    out = {"_config": config_fingerprint(settings, calendar)}
    for key, grid in grids.items():
        out[key] = digest("error", str(grid)) if isinstance(grid, SourceError) else digest(grid)
    return out


def digest(*parts: object) -> str:
    return hashlib.sha256(
        "\x1f".join(dumps(p) if not isinstance(p, str) else p for p in parts).encode()
    ).hexdigest()


def same_inputs(
    stored: Mapping[str, str], settings: Settings, calendar: Calendar, revisions: Mapping[str, str] | None
) -> bool:
    """True when no source file and no setting changed since the last sync: decided before parsing anything."""
    return (
        revisions is not None
        and stored.get("_config") == config_fingerprint(settings, calendar)
        and all(stored.get(k) == v for k, v in revisions.items())
    )


def table_differs(table: Table, old: Table | None) -> bool:
    if old is None:
        return True
    return dumps([c.__dict__ for c in table.columns]) != dumps([c.__dict__ for c in old.columns]) or dumps(
        table.rows
    ) != dumps(old.rows)
