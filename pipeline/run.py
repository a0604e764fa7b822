"""One sync: read every source, validate and score, publish, remember.

`sync` composes the pure stages with the side effects it is given (a backend,
a state store, the time), so tests run it against any backend and any date.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from pipeline import forms, intake
from pipeline.backends import open_backend
from pipeline.backends.base import Backend
from pipeline.calendar import Calendar, load_calendar
from pipeline.collector import rare_collections, set_aside_loaded
from pipeline.errors import ConfigError, FormsUnavailable, PipelineError, SourceError
from pipeline.fingerprints import (
    DOCUMENT,
    REVISION,
    fingerprint,
    same_inputs,
    source_revisions,
    table_differs,
)
from pipeline.forms import rollups
from pipeline.forms.base import FormContext, FormResult
from pipeline.labels import form_titles
from pipeline.models import Grid, Issue, Table, UnitStatus
from pipeline.orgunits import OrgUnits
from pipeline.outputs import keep_runs, output_location, output_markers, outputs_intact, save_documents
from pipeline.overview import overview_tables
from pipeline.presentation import Options, present
from pipeline.publish import issues_table, run_log_table
from pipeline.publish_checks import by_spreadsheet, long_cell_warnings, source_zones, zone_warnings
from pipeline.recovery import recover
from pipeline.schema import load_schema
from pipeline.settings import Settings, SourceSettings
from pipeline.state import State, dumps, run_lock

if TYPE_CHECKING:
    from pipeline.settings_loader import Provinces

log = logging.getLogger(__name__)


def lock_path(settings: Settings) -> Path:
    return settings.state_db.with_suffix(".lock")


def sync_from_config(
    config_path: Path, *, now: datetime, dry_run: bool = False, group: Provinces | None = None
) -> dict[str, Any]:
    """The nightly job: load the settings (unless given), take the lock, sync (each province, when
    they name several)."""
    from pipeline.settings_loader import load_provinces

    with rare_collections():  # loading the settings builds the province's place names: many objects too
        group = group or load_provinces(config_path)
        set_aside_loaded()
        if group.state_db is not None:
            from pipeline.provinces import sync_provinces

            return sync_provinces(group, now=now, dry_run=dry_run)
        (settings,) = group.settings
        with run_lock(lock_path(settings)), State(settings.state_db, durable=False) as state:
            recover(settings, state, now)
            backend = open_backend(settings)
            try:
                return sync(settings, backend, state, now=now, dry_run=dry_run)
            finally:
                backend.close()


def read_form(settings: Settings, backend: Backend, src: SourceSettings) -> Grid:
    """The responses of a source that names a Google Form; a store without Forms is a settings problem."""
    try:
        return backend.read_form(src.form_id)
    except FormsUnavailable as exc:
        raise ConfigError(
            f"source '{src.key}' names a Google Form (form_id), which the {backend.name} backend cannot read",
            where=f"{settings.path}: sources.{src.key}",
            fix=exc.fix,
        ) from exc


def read_sources(settings: Settings, backend: Backend) -> dict[str, Grid | SourceError]:
    """Every source's grid, one read per spreadsheet; a source that cannot be read maps to its error."""
    out: dict[str, Grid | SourceError] = {}
    by_sheet: dict[str, list[SourceSettings]] = {}
    for src in settings.sources.values():
        if src.form_id:
            try:
                out[src.key] = read_form(settings, backend, src)
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
        calendar = load_calendar(settings.calendar)
        stored = state.fingerprints()
        published = bool(state.published_names()) and not dry_run
        revisions = source_revisions(settings, backend)
        if (
            published
            and same_inputs(stored, settings, calendar, revisions)
            and outputs_intact(settings, backend, state)
        ):
            return _unchanged(state, settings, backend, run_id, now, summary)
        org = OrgUnits.for_province(settings.province_code)
        grids = read_sources(settings, backend)
        zones = source_zones(settings, backend.timezones)
        prints = fingerprint(settings, calendar, grids)
        if zones:  # a spreadsheet's time zone changes what its timestamps mean
            prints["_zones"] = dumps(sorted(zones.items()))
        unchanged = published and prints == {
            k: v for k, v in stored.items() if not k.startswith((REVISION, DOCUMENT))
        }
        intact = dry_run or (unchanged and outputs_intact(settings, backend, state))
        if unchanged and intact:
            # The files were saved again with the same cells: remember them as they are now.
            state.remember_fingerprints(now, revisions or {})
            return _unchanged(state, settings, backend, run_id, now, summary)
        prints |= revisions or {}
        results, failures = _process(settings, org, calendar, grids, now, backend)
        form_tables = rollups.tables(results)
        issues = [i for r in results.values() for i in r.issues] + failures
        issues += zone_warnings(settings, zones)
        issues += long_cell_warnings(form_tables, backend.cell_limit)
        statuses: list[UnitStatus] = [s for r in results.values() for s in r.statuses]
        tables: list[Table] = [*form_tables, issues_table(issues)]
        counts = Counter(i.severity for i in issues)
        summary.update(
            rows_read=sum(r.rows_read for r in results.values()),
            accepted=sum(r.accepted for r in results.values()),
            rejected=sum(r.rejected for r in results.values()),
            superseded=sum(r.superseded for r in results.values()),
            errors=counts["error"],
            warnings=counts["warning"],
            outside_fiscal_year=sum(r.ignored.get(intake.OUTSIDE_FY, 0) for r in results.values()),
            unaccounted=sum(intake.unaccounted(r) for r in results.values()),
            forms={k: intake.accounting(r) for k, r in results.items()},
            failed_sources=sorted({i.source for i in failures}),
        )
        status = "partial" if failures else "ok"
        changed = any(table_differs(t, state.published(t.name)) for t in tables) or {
            n for n in state.published_names() if n != "runs" and not n.startswith("overview")
        } != {t.name for t in tables}
        if not changed and not intact:
            intact = outputs_intact(settings, backend, state)
        # A deleted or damaged output is rebuilt even when no table changed.
        changed = changed or not intact
        summary.update(status=status, changed=changed)
        titles = form_titles({k: s.schema for k, s in settings.sources.items()})
        summary["failed_sources_th"] = [titles.get(k, k) for k in summary["failed_sources"]]
        message = _message(summary)
        if changed and not dry_run:
            kept = backend.own_tabs(settings.output_spreadsheet, [t.title for t in tables])
            if kept:
                summary["kept_tabs"] = kept
                summary["kept_copy"] = str(backend.previous_path(settings.output_spreadsheet) or "")
                message = _message(summary)
            summary["requests"] = dict(backend.request_counts())
            summary["message"] = message
            runs_tab = run_log_table(state.runs(limit=59, command="sync"), summary)
            front = overview_tables(settings, org, calendar, now, statuses, tables, summary)
            options = Options(thai_digits=settings.output_thai_digits, synced_at=now, form_titles=titles)
            for spreadsheet, group in by_spreadsheet(settings, [*front, *tables, runs_tab]).items():
                backend.write(spreadsheet, present(group, options))
            tables = [*front, *tables, runs_tab]
        summary["requests"] = dict(backend.request_counts())
        summary["output"] = output_location(settings)
        documents = [d for r in results.values() for d in r.documents]
        if documents and not dry_run:
            saved, keys = save_documents(settings, documents, state, prints["_config"])
            summary["documents"] = [str(p) for p in saved]
            prints |= keys
        if not dry_run:
            state.commit_sync(now, prints, tables if changed else keep_runs(state, tables), statuses)
            state.set_output_markers(output_markers(settings, backend, tables, summary.get("documents", [])))
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


def _unchanged(
    state: State, settings: Settings, backend: Backend, run_id: int, now: datetime, summary: dict[str, Any]
) -> dict[str, Any]:
    summary.update(
        status="unchanged",
        changed=False,
        requests=dict(backend.request_counts()),
        output=output_location(settings),
        message="ไม่มีแบบรายงานใดเปลี่ยนแปลงตั้งแต่การซิงก์ครั้งก่อน จึงไม่ได้เขียนแท็บใหม่",
    )
    state.finish_run(run_id, now, "unchanged", summary, summary["message"])
    return summary


# Forms whose answers are uploaded files, checked on Drive where the store can.
FILE_FORMS = {"appointment_orders"}


def _drive_checks(backend: Backend, form: str, grid: Grid) -> dict[str, tuple[bool, bool]] | None:
    if form not in FILE_FORMS:
        return None
    from pipeline.backends.ids import drive_file_id_from

    links: dict[str, str] = {}
    for row in grid[1:]:
        for cell in row:
            for part in str(cell or "").split(","):
                file_id = drive_file_id_from(part.strip())
                if file_id:
                    links[part.strip()] = file_id
    checks = backend.check_files(links.values()) if links else {}
    if checks is None:
        return None
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
                source_zone=backend.timezones.get(src.spreadsheet, ""),
            )
            results[src.key] = _run_form(ctx, schema.name, grid or [])
        except SourceError as exc:
            log.warning("source %s failed: %s", src.key, exc)
            failures.append(
                Issue(
                    source=src.key,
                    tab=src.tab,
                    row=1,
                    severity="error",
                    code="source_unreadable",
                    message="อ่านแบบรายงานนี้ไม่ได้ทั้งชุด: "
                    + (exc.thai or "ตรวจสอบว่าสเปรดชีตและแท็บของแบบรายงานนี้ยังอยู่ และแชร์ให้ระบบอ่านได้")
                    + " (ผู้ดูแลระบบดูรายละเอียดได้ในบันทึกของคำสั่ง pipeline sync)",
                    field="",
                    value="",
                )
            )
    return results, failures


def _run_form(ctx: FormContext, form: str, grid: Grid) -> FormResult:
    """One form on this year's rows, with the rows of earlier years and the accounting added."""
    this_year, aside = intake.set_aside_earlier_years(ctx, grid)
    result = forms.processor(form)(ctx, this_year)
    if aside:
        result.rows_read += len(aside)
        result.ignored[intake.OUTSIDE_FY] = result.ignored.get(intake.OUTSIDE_FY, 0) + len(aside)
        result.issues.append(intake.earlier_years_note(ctx, aside))
    missing = intake.unaccounted(result)
    if missing:
        log.error("form %s: %d rows read are in no category", ctx.source.key, missing)
        result.issues.append(intake.unaccounted_issue(ctx, result, missing))
    return result


def _message(summary: Mapping[str, Any]) -> str:
    """The run's note in the run-log tab, in Thai."""
    parts = []
    if summary.get("failed_sources_th"):
        parts.append(f"อ่านแบบรายงานไม่ได้: {', '.join(summary['failed_sources_th'])}")
    if summary.get("kept_tabs"):
        parts.append(
            f"แท็บที่เจ้าหน้าที่เพิ่มเองในไฟล์สรุป ({', '.join(summary['kept_tabs'])}) ถูกคัดลอกค่าและสูตรไว้ให้แล้ว "
            f"รูปแบบเดิมอยู่ในไฟล์สำเนา {Path(summary.get('kept_copy', '')).name}"
        )
    return "; ".join(parts)
