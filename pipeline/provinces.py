"""Several provinces in one run: a region's inspection office, or the department for the whole country.

A settings file names them with `provinces:` instead of `province:`:

    provinces: all                      # or a list: [พะเยา, น่าน, 57], or entries with their own keys
    calendar: calendar/department-2567.yaml
    sources:
      tambon_assessment: {schema: tambon_assessment, spreadsheet: "assessment-{code}"}
    output:
      spreadsheet: "summary-{code}"     # each province's own summary spreadsheet
      rollup: summary-country           # one row per province and cut-off

`{code}` (DOPA code) and `{name}` (Thai name) in a spreadsheet name are the
province's. A list entry may be a mapping that gives one province its own
`calendar`, `sources` (spreadsheet ids of its own forms, e.g. on Google),
`output` or `units`. Each province gets its own state database beside the
named one (pipeline-56.sqlite), so its runs, reminders and change detection
stay its own; one lock covers the whole run.
"""

from __future__ import annotations

import copy
import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.calendar import Calendar
from pipeline.errors import PipelineError
from pipeline.expected import expected_units
from pipeline.models import Row, Table, UnitStatus
from pipeline.orgunits import OrgUnits
from pipeline.publish import column_table
from pipeline.settings import Settings
from pipeline.state import RunRecord

if TYPE_CHECKING:
    from pipeline.settings_loader import Provinces

log = logging.getLogger(__name__)

# Keys a list entry may set for its province alone.
ENTRY_KEYS = {"province", "calendar", "sources", "output", "units", "contacts", "holidays", "forms"}


def is_several(raw: Mapping[str, Any]) -> bool:
    return "provinces" in raw


def expand(raw: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The settings of each province named by `provinces:`, as single-province settings mappings.

    Returns (where, mapping) pairs; `where` names the list entry for error messages. Province names
    are resolved by the single-province loader, which reports unknown ones.
    """
    named = raw["provinces"]
    entries: list[Any]
    if isinstance(named, str) and named.strip().lower() in ("all", "ทั้งหมด", "ทุกจังหวัด"):
        entries = list(province_codes())
    elif isinstance(named, list):
        entries = named
    else:
        entries = [named]
    base = {k: v for k, v in raw.items() if k not in ("provinces", "rollup")}
    out = []
    for i, entry in enumerate(entries):
        one = copy.deepcopy(base)
        if isinstance(entry, Mapping):
            one.update(copy.deepcopy({k: v for k, v in entry.items() if k in ENTRY_KEYS}))
        else:
            one["province"] = entry
        out.append((f"provinces[{i}]", one))
    return out


def fill_in(one: dict[str, Any], code: str, name: str) -> dict[str, Any]:
    """`{code}` and `{name}` in spreadsheet names and the state database, for one province."""

    def sub(value: Any) -> Any:
        return value.replace("{code}", code).replace("{name}", name) if isinstance(value, str) else value

    for spec in (one.get("sources") or {}).values():
        if isinstance(spec, dict):
            for key in ("spreadsheet", "form_id", "tab"):
                if key in spec:
                    spec[key] = sub(spec[key])
    output = one.get("output")
    if isinstance(output, dict):
        output.pop("rollup", None)
        for key in ("spreadsheet", "members_spreadsheet"):
            if key in output:
                output[key] = sub(output[key])
    state = str(one.get("state_db", "state/pipeline.sqlite"))
    if "{code}" not in state:
        path = Path(state)
        state = str(path.with_name(f"{path.stem}-{{code}}{path.suffix}"))
    one["state_db"] = sub(state)
    return one


def province_codes() -> list[str]:
    import geothai

    return [p.code for p in geothai.provinces()]


# ---------------------------------------------------------------------------
# The roll-up: one row per province and cut-off


@dataclass
class ProvinceOutcome:
    """What the roll-up needs of one province's sync."""

    settings: Settings
    org: OrgUnits
    calendar: Calendar
    statuses: Sequence[UnitStatus]
    levels: Mapping[str, Counter[int]] = field(default_factory=dict)  # period -> level -> tambons
    status: str = ""  # the sync's: ok, partial, unchanged, failed
    message: str = ""


ROLLUP_COLUMNS = column_table(
    """
    province_code | รหัสจังหวัด  | 10
    province      | จังหวัด     | 16
    form          | แบบรายงาน  | 28
    period        | ครั้งที่/งวด  | 10
    due           | กำหนดส่ง    | 12 | date
    expected      | ต้องส่ง      | 9  | int
    submitted     | ส่งแล้ว      | 9  | int
    on_time       | ตรงเวลา     | 9  | int
    late          | ล่าช้า       | 9  | int
    rejected      | ต้องแก้ไข    | 9  | int
    missing       | ยังไม่ส่ง     | 9  | int
    level3        | เข้มแข็ง     | 9  | int
    level2        | ปานกลาง    | 9  | int
    level1        | อ่อนแอ      | 9  | int
    sync          | ผลการซิงก์   | 14
    """
)

_SYNC_TH = {
    "ok": "สำเร็จ",
    "unchanged": "ไม่มีข้อมูลใหม่",
    "partial": "อ่านบางแบบไม่ได้",
    "failed": "ไม่สำเร็จ",
}


def rollup_table(outcomes: Sequence[ProvinceOutcome]) -> Table:
    """A row per province and cut-off of the forms it reads: expected, submitted, on time, late, levels."""
    rows: list[Row] = []
    for o in sorted(outcomes, key=lambda o: o.org.province.code):
        by_cutoff: dict[tuple[str, str], Counter[str]] = {}
        for s in o.statuses:
            by_cutoff.setdefault((s.form, s.period), Counter())[s.status] += 1
        for cutoff in sorted(o.calendar.cutoffs, key=lambda c: (c.due, c.id)):
            if cutoff.form not in o.settings.sources:
                continue
            expected = len(expected_units(cutoff, o.org, o.settings))
            seen = by_cutoff.get((cutoff.form, cutoff.period), Counter())
            submitted = seen["valid"] + seen["late"] + seen["rejected"]
            levels = o.levels.get(cutoff.period) if cutoff.form == "tambon_assessment" else None
            rows.append(
                [
                    o.org.province.code,
                    o.org.province.name,
                    cutoff.title,
                    cutoff.period,
                    cutoff.due,
                    expected,
                    submitted,
                    seen["valid"],
                    seen["late"],
                    seen["rejected"],
                    max(expected - submitted, 0),
                    *((levels[3], levels[2], levels[1]) if levels is not None else (None, None, None)),
                    _SYNC_TH.get(o.status, o.status) + (f": {o.message}" if o.message else ""),
                ]
            )
    return Table(name="rollup", title="สรุปรายจังหวัด", columns=list(ROLLUP_COLUMNS), rows=rows)


def levels_of(scores: Table | None) -> dict[str, Counter[int]]:
    """Tambons at each level per round, from a province's published scores table."""
    out: dict[str, Counter[int]] = {}
    if scores is None:
        return out
    for record in scores.records():
        level = record.get("level")
        if isinstance(level, int):
            out.setdefault(str(record.get("round")), Counter())[level] += 1
    return out


# ---------------------------------------------------------------------------
# The run


def sync_provinces(group: Provinces, *, now: datetime, dry_run: bool = False) -> dict[str, Any]:
    """Sync each province in turn under one lock, then publish the roll-up when it changed.

    A province whose run fails is listed as failed in the roll-up; the others still publish.
    """
    from pipeline.backends import open_backend
    from pipeline.calendar import load_calendar
    from pipeline.fingerprints import table_differs
    from pipeline.run import sync
    from pipeline.state import State, run_lock

    assert group.state_db is not None
    outcomes: list[ProvinceOutcome] = []
    summaries: dict[str, dict[str, Any]] = {}
    with run_lock(group.state_db.with_suffix(".lock")):
        backend = open_backend(group.settings[0])
        try:
            for s in group.settings:
                with State(s.state_db, durable=False) as state:
                    try:
                        summary = sync(s, backend, state, now=now, dry_run=dry_run)
                    except PipelineError as exc:
                        log.warning("province %s failed: %s", s.province_name, exc)
                        summary = {"status": "failed", "message": str(exc).splitlines()[0]}
                    status, message = _standing(summary, state.runs(limit=30, command="sync"))
                    outcomes.append(
                        ProvinceOutcome(
                            s,
                            OrgUnits.for_province(s.province_code),
                            load_calendar(s.calendar),
                            state.statuses(),
                            levels_of(state.published("scores")),
                            status,
                            message,
                        )
                    )
                    summaries[s.province_code] = summary | {"standing": status}
            table = rollup_table(outcomes)
            changed = False
            if group.rollup and not dry_run:
                with State(group.state_db, durable=False) as state:
                    changed = table_differs(table, state.published(table.name))
                    if changed:
                        backend.write(group.rollup, [table])
                        state.commit_sync(now, {}, [table], [])
        finally:
            backend.close()
    statuses = Counter(str(s["status"]) for s in summaries.values())
    overall = "unchanged" if set(statuses) == {"unchanged"} else "ok"
    failing = [code for code, s in summaries.items() if s["standing"] in ("failed", "partial")]
    if failing:
        overall = "partial"
    return {
        "status": overall,
        "dry_run": dry_run,
        "provinces": summaries,
        "by_status": dict(statuses),
        "rows_read": sum(int(s.get("rows_read") or 0) for s in summaries.values()),
        "rollup": _rollup_location(group),
        "rollup_changed": changed,
        "failed_provinces": failing,
    }


def _standing(summary: Mapping[str, Any], runs: Sequence[RunRecord]) -> tuple[str, str]:
    """Where a province stands: this run's outcome, or for an unchanged run the last one that did work
    (a sheet that could not be read yesterday and is the same today still cannot be read)."""
    status = str(summary["status"])
    message = str(summary.get("message", ""))
    if status == "unchanged":
        last = next((r for r in runs if r.status not in ("unchanged", "running")), None)
        if last is not None:
            status, message = last.status, last.message
    return status, message if status in ("partial", "failed") else ""


def _rollup_location(group: Provinces) -> str:
    if not group.rollup:
        return ""
    first = group.settings[0]
    if first.backend == "local":
        return str(first.data_dir / f"{group.rollup}.xlsx")
    return f"https://docs.google.com/spreadsheets/d/{group.rollup}"
