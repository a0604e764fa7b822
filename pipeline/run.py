"""One sync: read every source, validate and score, publish, remember.

`sync` composes the pure stages with the side effects it is given (a backend,
a state store, the time), so tests run it against any backend and any date.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from collections.abc import Mapping
from contextlib import suppress
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pipeline import forms
from pipeline.backends import open_backend
from pipeline.backends.base import Backend
from pipeline.calendar import Calendar, load_calendar
from pipeline.errors import ConfigError, PipelineError, SourceError
from pipeline.files import file_marker, write_bytes
from pipeline.forms.base import Document, FormContext, FormResult
from pipeline.models import Grid, Issue, Table
from pipeline.orgunits import OrgUnits
from pipeline.publish import issues_table, run_log_table
from pipeline.recovery import recover
from pipeline.schema import SCHEMA_DIR, load_schema
from pipeline.settings import Settings, SourceSettings
from pipeline.state import State, UnitStatus, dumps, run_lock

log = logging.getLogger(__name__)


def lock_path(settings: Settings) -> Path:
    return settings.state_db.with_suffix(".lock")


def sync_from_config(config_path: Path, *, now: datetime, dry_run: bool = False) -> dict[str, Any]:
    """The nightly job: load the settings, take the lock, sync."""
    from pipeline.config import load_settings

    settings = load_settings(config_path)
    with run_lock(lock_path(settings)), State(settings.state_db) as state:
        recover(settings, state, now)
        backend = open_backend(settings)
        try:
            return sync(settings, backend, state, now=now, dry_run=dry_run)
        finally:
            close = getattr(backend, "close", None)
            if close is not None:
                close()


def read_sources(settings: Settings, backend: Backend) -> dict[str, Grid | SourceError]:
    """Every source's grid, one read per spreadsheet; a source that cannot be read maps to its error."""
    out: dict[str, Grid | SourceError] = {}
    by_sheet: dict[str, list[SourceSettings]] = {}
    for src in settings.sources.values():
        if src.form_id:
            read_form = getattr(backend, "read_form", None)
            if read_form is None:
                raise ConfigError(
                    f"source '{src.key}' names a Google Form (form_id), which the {backend.name} backend cannot read",
                    where=f"{settings.path}: sources.{src.key}",
                    fix="use backend: google, or point the source at the response sheet (spreadsheet, tab)",
                )
            try:
                out[src.key] = read_form(src.form_id)
            except SourceError as exc:
                out[src.key] = exc
            continue
        by_sheet.setdefault(src.spreadsheet, []).append(src)
    for sheet, srcs in by_sheet.items():
        tabs = list(dict.fromkeys(s.tab for s in srcs))
        try:
            grids = backend.read(sheet, tabs)
        except SourceError as exc:
            for s in srcs:
                out[s.key] = exc
            continue
        for s in srcs:
            out[s.key] = grids[s.tab]
    return out


def fingerprint(
    settings: Settings, calendar: Calendar, grids: Mapping[str, Grid | SourceError]
) -> dict[str, str]:
    """What the published tables depend on: the sources, the settings, schemas, calendar and code."""

    def h(*parts: object) -> str:
        return hashlib.sha256(
            "\x1f".join(dumps(p) if not isinstance(p, str) else p for p in parts).encode()
        ).hexdigest()

    try:
        version = metadata.version("cd-report-pipeline")
    except metadata.PackageNotFoundError:  # running from a source tree
        version = "dev"
    config_parts = [
        settings.path.read_text(encoding="utf-8"),
        calendar.path.read_text(encoding="utf-8"),
        version,
    ]
    config_parts += [
        (SCHEMA_DIR / f"{s.schema}.yaml").read_text(encoding="utf-8")
        for s in settings.sources.values()
        if (SCHEMA_DIR / f"{s.schema}.yaml").exists()
    ]
    out = {"_config": h(*config_parts)}
    for key, grid in grids.items():
        out[key] = h("error", str(grid)) if isinstance(grid, SourceError) else h(grid)
    return out


def sync(
    settings: Settings,
    backend: Backend,
    state: State,
    *,
    now: datetime,
    dry_run: bool = False,
) -> dict[str, Any]:
    tz = ZoneInfo(settings.timezone)
    now = now.astimezone(tz) if now.tzinfo else now.replace(tzinfo=tz)
    run_id = state.start_run("sync", now)
    summary: dict[str, Any] = {"run_id": run_id, "started_at": now.isoformat(), "dry_run": dry_run}
    try:
        org = OrgUnits.for_province(settings.province_code)
        calendar = load_calendar(settings.calendar)
        grids = read_sources(settings, backend)
        prints = fingerprint(settings, calendar, grids)
        unchanged = prints == state.fingerprints() and bool(state.published_names())
        intact = dry_run or (unchanged and outputs_intact(settings, backend, state))
        if unchanged and intact and not dry_run:
            summary.update(
                status="unchanged",
                changed=False,
                requests=dict(backend.request_counts()),
                output=_output_location(settings),
            )
            summary["message"] = "no source changed since the last sync; nothing rewritten"
            state.finish_run(run_id, now, "unchanged", summary, summary["message"])
            return summary
        results, failures = _process(settings, org, calendar, grids, now, backend)
        issues = [i for r in results.values() for i in r.issues] + failures
        statuses: list[UnitStatus] = [s for r in results.values() for s in r.statuses]
        tables: list[Table] = [t for r in results.values() for t in r.tables] + [issues_table(issues)]
        counts = Counter(i.severity for i in issues)
        summary.update(
            rows_read=sum(r.rows_read for r in results.values()),
            accepted=sum(r.accepted for r in results.values()),
            rejected=sum(r.rejected for r in results.values()),
            superseded=sum(r.superseded for r in results.values()),
            errors=counts["error"],
            warnings=counts["warning"],
            forms={
                k: {"rows": r.rows_read, "accepted": r.accepted, "rejected": r.rejected}
                for k, r in results.items()
            },
            failed_sources=sorted({i.source for i in failures}),
        )
        status = "partial" if failures else "ok"
        changed = any(_differs(t, state.published(t.name)) for t in tables) or set(
            state.published_names()
        ) - {"runs"} != {t.name for t in tables}
        if not changed and not intact:
            intact = outputs_intact(settings, backend, state)
        # A deleted or damaged output is rebuilt even when no table changed.
        changed = changed or not intact
        summary.update(status=status, changed=changed)
        if changed and not dry_run:
            summary["requests"] = dict(backend.request_counts())
            runs_tab = run_log_table(state.runs(limit=59, command="sync"), summary)
            backend.write(settings.output_spreadsheet, [*tables, runs_tab])
            tables.append(runs_tab)
        summary["requests"] = dict(backend.request_counts())
        summary["output"] = _output_location(settings)
        documents = [d for r in results.values() for d in r.documents]
        if documents and not dry_run:
            summary["documents"] = [str(p) for p in save_documents(settings, documents)]
        if not dry_run:
            state.commit_sync(now, prints, tables if changed else _keep(state, tables), statuses)
            state.set_output_markers(output_markers(settings, backend, tables, summary.get("documents", [])))
        message = (
            f"sources that could not be read: {', '.join(summary['failed_sources'])}" if failures else ""
        )
        state.finish_run(run_id, now, status, summary, message)
        summary["message"] = message
        return summary
    except PipelineError as exc:
        summary.update(status="failed", requests=dict(backend.request_counts()))
        with suppress(PipelineError):  # a state that fails too must not hide the first error
            state.finish_run(run_id, now, "failed", summary, str(exc))
        raise
    except Exception as exc:
        summary.update(status="failed")
        with suppress(PipelineError):
            state.finish_run(run_id, now, "failed", summary, f"{type(exc).__name__}: {exc}")
        raise


# Forms whose answers are uploaded files, checked on Drive where the store can.
FILE_FORMS = {"appointment_orders"}


def _drive_checks(backend: Backend, form: str, grid: Grid) -> dict[str, tuple[bool, bool]] | None:
    drive = getattr(backend, "drive", None)
    if form not in FILE_FORMS or drive is None:
        return None
    from pipeline.backends.ids import drive_file_id_from

    links: dict[str, str] = {}
    for row in grid[1:]:
        for cell in row:
            for part in str(cell or "").split(","):
                file_id = drive_file_id_from(part.strip())
                if file_id:
                    links[part.strip()] = file_id
    if not links:
        return {}
    checks = drive().check(links.values())
    return {link: (checks[fid].exists, checks[fid].is_pdf) for link, fid in links.items()}


def _process(
    settings: Settings,
    org: OrgUnits,
    calendar: Calendar,
    grids: Mapping[str, Grid | SourceError],
    now: datetime,
    backend: Backend,
) -> tuple[dict[str, FormResult], list[Issue]]:
    results: dict[str, FormResult] = {}
    failures: list[Issue] = []
    ordered = sorted(settings.sources.values(), key=lambda s: forms.order(load_schema(s.schema).name))
    for src in ordered:
        schema = load_schema(src.schema)
        grid = grids.get(src.key)
        try:
            if isinstance(grid, SourceError):
                raise grid
            if schema.name not in forms.PROCESSORS:
                raise ConfigError(
                    f"no processing is defined for the form '{schema.name}'",
                    where=f"{settings.path}: sources.{src.key}.schema",
                    fix=f"use one of: {', '.join(forms.PROCESSORS)}",
                )
            ctx = FormContext(
                settings,
                src,
                schema,
                org,
                calendar,
                now,
                results=results,
                drive=_drive_checks(backend, schema.name, grid or []),
            )
            results[src.key] = forms.processor(schema.name)(ctx, grid or [])
        except SourceError as exc:
            log.warning("source %s failed: %s", src.key, exc)
            failures.append(
                Issue(
                    source=src.key,
                    tab=src.tab,
                    row=1,
                    severity="error",
                    code="source_unreadable",
                    message=f"อ่านแบบรายงานนี้ไม่ได้ทั้งชุด: {exc.message} — {exc.fix}",
                    field="",
                    value="",
                )
            )
    return results, failures


def save_documents(settings: Settings, documents: list[Document]) -> list[Path]:
    folder = reports_folder(settings)
    out = []
    for doc in documents:
        path = folder / Path(doc.filename).name
        write_bytes(path, doc.content)  # atomic: a reader never opens half a PDF
        out.append(path)
    return out


def reports_folder(settings: Settings) -> Path:
    return settings.reports_dir or settings.data_dir / "reports"


def _differs(table: Table, old: Table | None) -> bool:
    if old is None:
        return True
    return dumps([c.__dict__ for c in table.columns]) != dumps([c.__dict__ for c in old.columns]) or dumps(
        table.rows
    ) != dumps(old.rows)


def _keep(state: State, tables: list[Table]) -> list[Table]:
    # Nothing was rewritten: the state keeps the tables as they stand on the sheet.
    runs = state.published("runs")
    return [*tables, *([runs] if runs else [])]


def output_markers(
    settings: Settings, backend: Backend, tables: list[Table], documents: list[str]
) -> dict[str, str]:
    """What the outputs look like right after this run: the unchanged check compares against it."""
    out = {f"file:{d}": file_marker(Path(d)) for d in documents}
    if settings.backend == "local":
        out["file:" + _output_location(settings)] = file_marker(Path(_output_location(settings)))
    elif getattr(backend, "tab_titles", None) is not None:
        out["tabs:" + settings.output_spreadsheet] = dumps(sorted({t.title for t in tables}))
    return out


def outputs_intact(settings: Settings, backend: Backend, state: State) -> bool:
    """Whether every output still holds what the state says was published, checked cheaply.

    A local file (workbook, report) must be as this pipeline left it (size and
    modification time); a Google spreadsheet must still have every tab published
    (one metadata request). Nothing recorded yet counts as not intact.
    """
    recorded = state.output_markers()
    if not recorded:
        return False
    here = {str(reports_folder(settings))}
    if settings.backend == "local":
        if "file:" + _output_location(settings) not in recorded:
            return False  # written elsewhere (the folder was moved or copied): rebuild here
        here.add(str(settings.data_dir))
    for key, marker in recorded.items():
        kind, _, name = key.partition(":")
        if kind == "file" and (str(Path(name).parent) not in here or file_marker(Path(name)) != marker):
            return False
        if kind == "tabs":
            tab_titles = getattr(backend, "tab_titles", None)
            if tab_titles is None:
                continue
            try:
                have = set(tab_titles(name))
            except PipelineError:
                return False
            if not set(json.loads(marker)) <= have:
                return False
    return True


def _output_location(settings: Settings) -> str:
    if settings.backend == "local":
        from pipeline.backends.local import workbook_path

        return str(workbook_path(settings.data_dir, settings.output_spreadsheet))
    return f"https://docs.google.com/spreadsheets/d/{settings.output_spreadsheet}"
