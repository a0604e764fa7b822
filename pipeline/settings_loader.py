"""Loading a settings file (config/pipeline.yaml): YAML in, the typed `pipeline.settings` out.

The types live in `pipeline.settings`; each section is read by `pipeline.settings_sections`
and the settings are checked against the calendar, forms and contacts by
`pipeline.settings_checks`. This module reads the file and puts them together.

Every problem found is reported at once, each naming the file, the key, what
was expected and how to fix it; `pipeline check-config` runs only this.
Relative paths are resolved against the folder of the settings file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipeline import yamlfile
from pipeline.errors import ConfigError, PipelineError
from pipeline.settings import Settings
from pipeline.settings_checks import (
    Problems,
    check_calendar_forms,
    check_contacts,
    check_forms,
    check_mail,
    check_units_needed,
    holidays,
)
from pipeline.settings_sections import (
    BACKENDS,
    read_calendar,
    read_google,
    read_mail,
    read_output,
    read_path,
    read_schedule,
    read_sources,
    read_units,
    spreadsheet_id,
)

if TYPE_CHECKING:
    from pipeline.orgunits import OrgUnits

T = TypeVar("T")

TOP_KEYS = {
    "province",
    "provinces",
    "fiscal_year",
    "timezone",
    "backend",
    "data_dir",
    "state_db",
    "calendar",
    "contacts",
    "contacts_source",
    "holidays",
    "reports_dir",
    "sources",
    "output",
    "google",
    "mail",
    "schedule",
    "units",
    "forms",
    "demo",
}


@dataclass(frozen=True)
class Provinces:
    """The provinces one settings file runs, with the roll-up spreadsheet when there are several."""

    path: Path
    settings: tuple[Settings, ...]
    rollup: str  # spreadsheet id of the roll-up; "" for a single province
    state_db: Path | None  # the roll-up's own state; None for a single province


def load_settings(path: Path) -> Settings:
    """The settings of one province; a file naming several is an error here (see load_provinces)."""
    path = Path(path)
    raw = _read(path)
    if "provinces" in raw:
        raise ConfigError(
            "these settings name several provinces (provinces:), and this command works on one",
            where=f"{path}: provinces",
            fix="'pipeline sync' and 'pipeline check-config' take these settings; for the other commands "
            "use a province's own settings file (province: instead of provinces:)",
        )
    return settings_from(raw, path)


def load_provinces(path: Path) -> Provinces:
    """Every province of a settings file: one for `province:`, each named for `provinces:`."""
    from pipeline import provinces

    path = Path(path)
    raw = _read(path)
    if "provinces" not in raw:
        return Provinces(path.resolve(), (settings_from(raw, path),), "", None)
    found: list[Settings] = []
    problems: list[str] = []
    for where, one in provinces.expand(raw):
        try:
            org = _province_of(one.get("province"))
        except ConfigError as exc:
            problems.append(f"{path}: {where}: {exc.message}" + (f" — fix: {exc.fix}" if exc.fix else ""))
            continue
        one = provinces.fill_in(one, org.province.code, org.province.name)
        one["province"] = org.province.code
        try:
            found.append(settings_from(one, path, label=f"{where} ({org.province.name})"))
        except ConfigError as exc:  # "N problem(s) in the settings:" then one problem a line
            problems += [line.strip() for line in exc.message.splitlines()[1:]] or [exc.message]
    problems += _shared_sheets(path, found)
    output = raw.get("output")
    rollup = str(output.get("rollup") or "") if isinstance(output, Mapping) else ""
    if problems:
        raise ConfigError(
            f"{len(problems)} problem(s) in the settings:\n    " + "\n    ".join(problems), where=str(path)
        )
    state = Path(str(raw.get("state_db", "state/pipeline.sqlite"))).expanduser()
    state = state if state.is_absolute() else (path.resolve().parent / state).resolve()
    local = found[0].backend == "local" if found else True
    return Provinces(
        path.resolve(), tuple(found), spreadsheet_id(rollup, local=local) if rollup else "", state
    )


def _province_of(name: object) -> OrgUnits:
    from pipeline.orgunits import OrgUnits

    if name in (None, ""):
        raise ConfigError("a province entry without a province", fix="e.g. - {province: พะเยา}")
    return OrgUnits.for_province(f"{name:02d}" if isinstance(name, int) else str(name))


def _shared_sheets(path: Path, found: Sequence[Settings]) -> list[str]:
    """Two provinces reading or writing one spreadsheet would mix their tambons: each has its own."""
    owners: dict[str, list[str]] = {}
    for s in found:
        sheets = {src.spreadsheet or src.form_id for src in s.sources.values()}
        sheets |= {s.output_spreadsheet, s.members_spreadsheet} - {""}
        for sheet in sheets:
            owners.setdefault(sheet, []).append(s.province_name)
    return [
        f"{path}: provinces: {', '.join(names[:3])}{' …' if len(names) > 3 else ''} all use the spreadsheet "
        f"'{sheet}' — fix: each province reads and writes its own; put {{code}} in the name "
        '(e.g. spreadsheet: "assessment-{code}") or give each province its own under provinces:'
        for sheet, names in owners.items()
        if len(names) > 1
    ]


def _read(path: Path) -> Mapping[str, Any]:
    raw = yamlfile.read(
        path,
        what="settings file",
        missing_fix="run from the project folder, or pass --config with the path of your settings file",
    )
    if not isinstance(raw, Mapping):
        raise ConfigError("the settings must be a YAML mapping", where=str(path))
    return raw


def settings_from(raw: Mapping[str, Any], path: Path, *, label: str = "") -> Settings:
    """Settings of one province from its YAML mapping; `label` names a province entry in messages."""
    p = Problems(Path(f"{path}: {label}") if label else path)
    base = path.resolve().parent
    p.unknown_keys("", raw, TOP_KEYS)

    def req(key: str, kind: type[T], fix: str) -> T | None:
        if key not in raw or raw[key] in (None, ""):
            p.add(key, "missing", fix)
            return None
        if not isinstance(raw[key], kind):
            p.add(key, f"expected {kind.__name__}, got {raw[key]!r}", fix)
            return None
        value: T = raw[key]
        return value

    def rel(value: object) -> Path:
        q = Path(str(value)).expanduser()
        return q if q.is_absolute() else (base / q).resolve()

    def file_at(key: str, default: str, fix: str = "") -> Path | None:
        return read_path(p, key, raw.get(key), default, rel, fix)

    province_raw = req("province", str, "the province's Thai name or DOPA code, e.g. province: พะเยา")
    if isinstance(raw.get("province"), int):
        province_raw = f"{raw['province']:02d}"
        p.items = [i for i in p.items if ": province:" not in i]
    province_code, province_name = "", ""
    org = None
    if province_raw:
        from pipeline.orgunits import OrgUnits

        try:
            org = OrgUnits.for_province(str(province_raw))
            province_code, province_name = org.province.code, org.province.name
        except PipelineError as exc:
            p.add("province", exc.message, exc.fix or "use the Thai name, e.g. พะเยา, or the 2-digit code")
    fy = req("fiscal_year", int, "the fiscal year in BE, e.g. fiscal_year: 2567")
    if fy is not None and fy < 2400:
        p.add("fiscal_year", f"{fy} is not a BE year", f"write it in BE, e.g. {fy + 543}")
    tz = str(raw.get("timezone", "Asia/Bangkok"))
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        p.add("timezone", f"'{tz}' is not a time zone", "use Asia/Bangkok")
    backend = str(raw.get("backend", "local"))
    if backend not in BACKENDS:
        p.add("backend", f"'{backend}' is not a backend", f"use one of: {', '.join(BACKENDS)}")
    data_dir = file_at("data_dir", "data") or base
    state_db = file_at("state_db", "state/pipeline.sqlite") or base
    calendar = rel(req("calendar", str, "the calendar file, e.g. calendar: calendar/phayao-2567.yaml") or "")
    cal = None
    if "calendar" in raw and isinstance(raw["calendar"], str):
        cal = read_calendar(p, calendar, province_name, fy)

    sources = read_sources(p, raw.get("sources"), local=backend == "local")
    out_id, members_id, thai_digits = read_output(
        p, raw.get("output"), local=backend == "local", rollup=bool(label)
    )

    contacts = file_at(
        "contacts",
        "",
        "name the contacts file, e.g. contacts: contacts.yaml; if this is the contacts list itself, "
        "pass the settings file instead: --config config/pipeline.yaml",
    )
    if contacts is not None and not contacts.exists():
        p.add(
            "contacts", f"file {contacts} not found", "create it (see config/contacts.yaml) or remove the key"
        )
    contacts_source = None
    if raw.get("contacts_source") is not None:
        found = read_sources(
            p,
            {"contacts": {"schema": "contacts", **p.mapping("contacts_source", raw["contacts_source"])}},
            key="contacts_source",
            local=backend == "local",
        )
        contacts_source = found.get("contacts")

    holiday_dates = tuple(holidays(p, raw.get("holidays", []), fy))
    google = read_google(p, p.mapping("google", raw.get("google")), rel)
    mail = read_mail(p, p.mapping("mail", raw.get("mail")), rel)
    schedule = read_schedule(p, p.mapping("schedule", raw.get("schedule")), rel)
    strong, laos = read_units(p, p.mapping("units", raw.get("units")), province_code)
    for name in raw.get("forms") or {}:
        # Nothing reads per-form settings from here: a value written here would be ignored.
        p.add(
            f"forms.{name}",
            "per-form rules (committee sizes, criteria, …) are read from sheets_schema/, not the settings",
            f"change them in sheets_schema/{name}.yaml, or remove forms: from the settings",
        )
    for src in sources.values():
        if src.form_id and backend == "local":
            p.add(
                f"sources.{src.key}.form_id",
                "the local backend reads workbooks and cannot read a Google Form",
                "use backend: google, or point the source at the response sheet (spreadsheet, tab)",
            )
    if mail.templates is not None and not mail.templates.is_dir():
        p.add(
            "mail.templates",
            f"folder {mail.templates} not found",
            "create it with the templates to override (see pipeline/templates/), or remove the key",
        )
    if cal is not None:
        check_forms(p, sources, cal)
        check_calendar_forms(p, sources, cal)
        check_units_needed(p, sources, cal, strong, laos)
        check_mail(p, mail, {*sources, *(c.form for c in cal.cutoffs)}, province_name)
    if contacts is not None and contacts.exists() and org is not None:
        check_contacts(p, contacts, org)
    if not isinstance(raw.get("demo", False), bool):
        p.add("demo", "expected true or false", "only the bundled demo settings say demo: true")

    reports_dir = file_at("reports_dir", "") or data_dir / "reports"
    if p.items:
        raise ConfigError(
            f"{len(p.items)} problem(s) in the settings:\n    " + "\n    ".join(p.items),
            where=str(path),
            thai=f"ไฟล์ตั้งค่ามีปัญหา {len(p.items)} รายการ (ระบุไฟล์ คีย์ และวิธีแก้ไว้ข้างบน) — แก้แล้วตรวจอีกครั้งด้วย "
            "pipeline check-config",
        )
    assert fy is not None
    return Settings(
        path=path.resolve(),
        province_code=province_code,
        province_name=province_name,
        fiscal_year=fy,
        timezone=tz,
        backend=backend,
        data_dir=data_dir,
        state_db=state_db,
        reports_dir=reports_dir,
        calendar=calendar,
        sources=sources,
        output_spreadsheet=out_id,
        members_spreadsheet=members_id,
        output_thai_digits=thai_digits,
        contacts=contacts,
        contacts_source=contacts_source,
        holidays=holiday_dates,
        google=google,
        mail=mail,
        schedule=schedule,
        model_laos=laos,
        strong_tambons=strong,
        demo=bool(raw.get("demo", False)),
        notes=tuple(p.notes),
    )
