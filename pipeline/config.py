"""Loading and checking config/pipeline.yaml: YAML in, the typed `pipeline.settings` out.

The types themselves live in `pipeline.settings`; this module only reads, checks
and builds them.

Every problem found is reported at once, each naming the file, the key, what
was expected and how to fix it; `pipeline check-config` runs only this.
Relative paths are resolved against the folder of the settings file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipeline import yamlfile
from pipeline.backends.ids import form_id_from, spreadsheet_id_from
from pipeline.config_checks import (
    Problems,
    check_calendar_forms,
    check_contacts,
    check_forms,
    check_mail,
    check_units_needed,
    holidays,
)
from pipeline.errors import ConfigError, PipelineError
from pipeline.settings import (
    GoogleSettings,
    MailSettings,
    ModelLao,
    ScheduleSettings,
    Settings,
    SmtpSettings,
    SourceSettings,
)

if TYPE_CHECKING:
    from pipeline.calendar import Calendar
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
SOURCE_KEYS = {"schema", "spreadsheet", "tab", "form_id", "columns", "score_columns"}
BACKENDS = ("local", "google")
# A calendar whose province is one of these serves every province (the department sets the dates).
SHARED_CALENDAR = {"ทุกจังหวัด", "ทั่วประเทศ", "all"}


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
    return Provinces(path.resolve(), tuple(found), _spreadsheet(rollup, local=local) if rollup else "", state)


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
    data_dir = rel(raw.get("data_dir", "data"))
    state_db = rel(raw.get("state_db", "state/pipeline.sqlite"))
    calendar = rel(req("calendar", str, "the calendar file, e.g. calendar: calendar/phayao-2567.yaml") or "")
    cal = None
    if "calendar" in raw and isinstance(raw["calendar"], str):
        cal = _check_calendar(p, calendar, province_name, fy)

    sources = _sources(p, raw.get("sources"), local=backend == "local")
    output = raw.get("output")
    out_id = members_id = ""
    if not isinstance(output, Mapping) or not output.get("spreadsheet"):
        p.add(
            "output.spreadsheet",
            "missing",
            "the spreadsheet the summary tabs are written to, e.g. output: {spreadsheet: summary}",
        )
    else:
        known = {"spreadsheet", "members_spreadsheet", "thai_digits"} | ({"rollup"} if label else set())
        p.unknown_keys("output.", output, known)
        try:
            out_id = _spreadsheet(str(output["spreadsheet"]), local=backend == "local")
            if output.get("members_spreadsheet"):
                members_id = _spreadsheet(str(output["members_spreadsheet"]), local=backend == "local")
        except PipelineError as exc:
            p.add("output.spreadsheet", exc.message, exc.fix)
        if members_id and members_id == out_id:
            p.add(
                "output.members_spreadsheet",
                "is the same spreadsheet as output.spreadsheet",
                "give the member list a spreadsheet of its own, or leave the key out",
            )
        if not isinstance(output.get("thai_digits", False), bool):
            p.add(
                "output.thai_digits",
                f"expected true or false, got {output['thai_digits']!r}",
                "thai_digits: true writes dates in the summary tabs with Thai digits (๒๔ พ.ย. ๒๕๖๖)",
            )

    contacts = rel(raw["contacts"]) if raw.get("contacts") else None
    if contacts is not None and not contacts.exists():
        p.add(
            "contacts", f"file {contacts} not found", "create it (see config/contacts.yaml) or remove the key"
        )
    contacts_source = None
    if raw.get("contacts_source") is not None:
        found = _sources(
            p,
            {"contacts": {"schema": "contacts", **dict(raw["contacts_source"])}},
            key="contacts_source",
            local=backend == "local",
        )
        contacts_source = found.get("contacts")

    holiday_dates = tuple(holidays(p, raw.get("holidays", []), fy))
    google = _section(p, raw, "google", GoogleSettings, rel)
    mail = _mail(p, raw.get("mail") or {}, rel)
    schedule = _schedule(p, raw.get("schedule") or {}, rel)
    strong, laos = _units(p, raw.get("units") or {}, province_code)
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
        reports_dir=rel(raw["reports_dir"]) if raw.get("reports_dir") else data_dir / "reports",
        calendar=calendar,
        sources=sources,
        output_spreadsheet=out_id,
        members_spreadsheet=members_id,
        output_thai_digits=bool(output.get("thai_digits", False)) if isinstance(output, Mapping) else False,
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


def _check_calendar(p: Problems, path: Path, province: str, fy: int | None) -> Calendar | None:
    """The calendar, if it reads and is this province's and year's: the other checks need it."""
    from pipeline.calendar import load_calendar

    try:
        cal = load_calendar(path)
    except ConfigError as exc:
        p.add("calendar", f"{exc.where}: {exc.message}" if exc.where else exc.message, exc.fix)
        return None
    ok = True
    shared = cal.province.strip() in SHARED_CALENDAR  # the department's one date for every province
    if province and not shared and cal.province.replace("จังหวัด", "").strip() != province:
        p.add(
            "calendar",
            f"{path.name} is for {cal.province}, the settings for {province}",
            f"point 'calendar' at {province}'s file (copy one in config/calendar/ and change "
            "province:, fiscal_year: and the dates)",
        )
        ok = False
    if fy is not None and cal.fiscal_year != fy:
        p.add(
            "calendar",
            f"{path.name} is for fiscal year {cal.fiscal_year}, the settings for {fy}",
            "point 'calendar' at this year's file",
        )
        ok = False
    return cal if ok else None


def _spreadsheet(text: str, *, local: bool) -> str:
    """A Google spreadsheet id (from an id or URL); for the local store, a workbook's file name as written.

    A workbook downloaded from Google Sheets is named after the sheet's Thai title
    ("แบบประเมิน ศอช.ต. (การตอบกลับ).xlsx"): the local store takes any file name or
    path relative to data_dir, and reduces only a Google address to its id.
    """
    if not local or "docs.google.com" in text or not text.strip():
        return spreadsheet_id_from(text)
    if any(ch in text for ch in "\r\n\x00"):
        raise ConfigError(
            "a file name cannot hold a line break", fix="write the workbook's file name on one line"
        )
    return text.strip()


def _sources(
    p: Problems, raw: object, key: str = "sources", *, local: bool = False
) -> dict[str, SourceSettings]:
    from pipeline.schema import load_schema

    if not isinstance(raw, Mapping) or not raw:
        p.add(
            key,
            "missing or empty",
            "list each form's responses, e.g. sources: {tambon_assessment: {schema: …, spreadsheet: …}}",
        )
        return {}
    out: dict[str, SourceSettings] = {}
    for name, spec in raw.items():
        where = f"{key}.{name}"
        if not isinstance(spec, Mapping):
            p.add(where, "expected a mapping with schema, spreadsheet, tab")
            continue
        p.unknown_keys(f"{where}.", spec, SOURCE_KEYS)
        schema = str(spec.get("schema") or name)
        if schema != "contacts" or key != "contacts_source":
            try:
                load_schema(schema)
            except ConfigError as exc:
                p.add(f"{where}.schema", f"{exc.where}: {exc.message}" if exc.where else exc.message, exc.fix)
        try:
            sheet = _spreadsheet(str(spec["spreadsheet"]), local=local) if spec.get("spreadsheet") else ""
            form = form_id_from(str(spec.get("form_id") or "")) if spec.get("form_id") else ""
        except PipelineError as exc:
            p.add(where, exc.message, exc.fix)
            continue
        if bool(sheet) == bool(form):
            p.add(
                where,
                "needs exactly one of 'spreadsheet' (the response sheet) or 'form_id' (read through the Forms API)",
            )
        columns = spec.get("columns") or {}
        if not isinstance(columns, Mapping):
            p.add(f"{where}.columns", "expected a mapping of field to column title")
            columns = {}
        out[str(name)] = SourceSettings(
            key=str(name),
            schema=schema,
            spreadsheet=sheet,
            tab=str(spec.get("tab") or ""),
            form_id=form,
            columns={str(k): str(v) for k, v in columns.items()},
            score_columns=bool(spec.get("score_columns", False)),
        )
    return out


def _section(
    p: Problems, raw: Mapping[str, Any], key: str, cls: type[GoogleSettings], rel: Callable[[object], Path]
) -> GoogleSettings:
    spec = raw.get(key) or {}
    if not isinstance(spec, Mapping):
        p.add(key, "expected a mapping")
        return cls()
    known = set(cls.__dataclass_fields__)
    p.unknown_keys(f"{key}.", spec, known)
    values: dict[str, Any] = {}
    for k, v in spec.items():
        if k not in known or v is None:
            continue
        values[k] = rel(v) if k in {"credentials", "oauth_client", "token_cache"} else v
    cap = values.get("max_body_bytes", GoogleSettings.max_body_bytes)
    if isinstance(cap, bool) or not isinstance(cap, int) or not 262_144 <= cap <= 10_000_000:
        p.add(
            f"{key}.max_body_bytes",
            f"{cap!r} is not a whole number of bytes between 262144 and 10000000",
            "leave it out (2000000, as Google advises) or lower it if a proxy refuses large requests",
        )
        values.pop("max_body_bytes", None)
    if values.get("credentials") and not Path(values["credentials"]).exists():
        p.add(
            f"{key}.credentials",
            f"key file {values['credentials']} not found",
            "download the service-account key (docs/google-setup.md)",
        )
    return cls(**values)


def _mail(p: Problems, spec: Mapping[str, Any], rel: Callable[[object], Path]) -> MailSettings:
    known = set(MailSettings.__dataclass_fields__)
    p.unknown_keys("mail.", spec, known)
    values: dict[str, Any] = {k: v for k, v in spec.items() if k in known and v is not None}
    for k in ("outbox", "templates"):
        if k in values:
            values[k] = rel(values[k])
    values.setdefault("outbox", rel("outbox"))
    for k in ("before_days", "after_days"):
        if k in values:
            days = values[k]
            if not isinstance(days, list) or not all(isinstance(d, int) and d >= 0 for d in days):
                p.add(f"mail.{k}", "expected a list of whole days ≥ 0", f"e.g. {k}: [7, 3, 1, 0]")
                values.pop(k)
            else:
                values[k] = tuple(days)
    if "form_links" in values and not isinstance(values["form_links"], Mapping):
        p.add("mail.form_links", "expected a mapping of form name to link")
        values.pop("form_links")
    smtp = values.pop("smtp", None)
    if smtp is not None:
        if not isinstance(smtp, Mapping) or not smtp.get("host"):
            p.add(
                "mail.smtp.host", "missing", "the mail server, e.g. smtp: {host: smtp.gmail.com, port: 587}"
            )
        else:
            sknown = set(SmtpSettings.__dataclass_fields__)
            p.unknown_keys("mail.smtp.", smtp, sknown)
            sv = {k: v for k, v in smtp.items() if k in sknown}
            if sv.get("security", "starttls") not in ("starttls", "ssl", "none"):
                p.add("mail.smtp.security", f"'{sv['security']}' is not known", "use starttls, ssl or none")
            if "ca_file" in sv:
                sv["ca_file"] = rel(sv["ca_file"])
            sv.setdefault("sender", values.get("sender", ""))
            values["smtp"] = SmtpSettings(**sv)
    return MailSettings(**values)


def _schedule(p: Problems, spec: Mapping[str, Any], rel: Callable[[object], Path]) -> ScheduleSettings:
    known = set(ScheduleSettings.__dataclass_fields__)
    p.unknown_keys("schedule.", spec, known)
    values: dict[str, Any] = {}
    for k in ("sync_at", "remind_at"):
        if k in spec:
            t = _time(spec[k])
            if t is None:
                p.add(
                    f"schedule.{k}",
                    f"{spec[k]!r} is not a time of day",
                    f'write it as "HH:MM", e.g. {k}: "01:00"',
                )
            else:
                values[k] = t
    if "misfire_grace_seconds" in spec:
        values["misfire_grace_seconds"] = int(spec["misfire_grace_seconds"])
    values["jobstore"] = rel(spec.get("jobstore", "state/scheduler.sqlite"))
    return ScheduleSettings(**values)


def _time(value: object) -> time | None:
    if isinstance(value, int):  # YAML 1.1 reads an unquoted 01:00 as 60 (sexagesimal minutes)
        return time(value // 60, value % 60) if 0 <= value < 24 * 60 else None
    m = re.fullmatch(r"\s*(\d{1,2})[:.](\d{2})\s*", str(value))
    if not m or int(m[1]) > 23 or int(m[2]) > 59:
        return None
    return time(int(m[1]), int(m[2]))


def _units(
    p: Problems, spec: Mapping[str, Any], province: str
) -> tuple[tuple[str, ...], tuple[ModelLao, ...]]:
    p.unknown_keys("units.", spec, {"strong_tambons", "model_laos"})
    if not province:
        return (), ()
    from pipeline.orgunits import OrgUnits

    org = OrgUnits.for_province(province)
    strong: list[str] = []
    for i, item in enumerate(spec.get("strong_tambons") or []):
        # "เชียงคำ/เวียง" or a 6-digit code: tambon names repeat across districts.
        text = str(item)
        district_name, _, tambon_name = text.rpartition("/")
        dres = org.resolve_district(district_name) if district_name else None
        tres = org.resolve_tambon(tambon_name, dres.unit.code if dres and dres.unit else None)
        if dres is not None and dres.unit is None:
            p.add(
                f"units.strong_tambons[{i}]",
                dres.message,
                _unit_fix(dres.status, org, "write อำเภอ/ตำบล, e.g. เชียงคำ/เวียง, or the 6-digit code"),
            )
        elif tres.unit is None:
            p.add(
                f"units.strong_tambons[{i}]",
                tres.message or f"'{text}' is not a tambon of the province",
                _unit_fix(tres.status, org, "write อำเภอ/ตำบล, e.g. เชียงคำ/เวียง, or the 6-digit code"),
            )
        else:
            strong.append(tres.unit.code)
    laos: list[ModelLao] = []
    for i, item in enumerate(spec.get("model_laos") or []):
        if not isinstance(item, Mapping) or not item.get("name") or not item.get("district"):
            p.add(
                f"units.model_laos[{i}]",
                "needs name and district",
                "e.g. {name: เทศบาลตำบลบ้านถิ่น, district: เมืองแพร่}",
            )
            continue
        dres = org.resolve_district(item["district"])
        if dres.unit is None:
            p.add(
                f"units.model_laos[{i}].district",
                dres.message or "not a district of the province",
                _unit_fix(dres.status, org, "write the district's name or 4-digit code"),
            )
            continue
        code = str(item.get("code") or f"{dres.unit.code}:{item['name']}")
        laos.append(ModelLao(code=code, name=str(item["name"]), district_code=dres.unit.code))
    return tuple(strong), tuple(laos)


def _unit_fix(status: str, org: OrgUnits, fix: str) -> str:
    if status == "other_province":
        return f"these units are another province's: list {org.province.name}'s for this fiscal year"
    return fix
