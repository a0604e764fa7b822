"""Loading and checking config/pipeline.yaml.

Every problem found is reported at once, each naming the file, the key, what
was expected and how to fix it; `pipeline check-config` runs only this.
Relative paths are resolved against the folder of the settings file.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from datetime import time
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from pipeline.backends.ids import form_id_from, spreadsheet_id_from
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

T = TypeVar("T")

TOP_KEYS = {
    "province",
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
}
SOURCE_KEYS = {"schema", "spreadsheet", "tab", "form_id", "columns", "score_columns"}
BACKENDS = ("local", "google")


class _Problems:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.items: list[str] = []

    def add(self, key: str, message: str, fix: str = "") -> None:
        self.items.append(f"{self.path}: {key}: {message}" + (f" — fix: {fix}" if fix else ""))

    def unknown_keys(self, where: str, got: Mapping[str, Any], known: set[str]) -> None:
        for k in got:
            if k not in known:
                close = difflib.get_close_matches(str(k), sorted(known), n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(sorted(known))}"
                self.add(f"{where}{k}", "unknown key", hint)


def load_settings(path: Path) -> Settings:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(
            "settings file not found",
            where=str(path),
            fix="run from the project folder, or pass --config with the path of your settings file",
        ) from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"not valid YAML: {exc}", where=str(path), fix="correct the YAML syntax") from exc
    if not isinstance(raw, Mapping):
        raise ConfigError("the settings must be a YAML mapping", where=str(path))
    p = _Problems(path)
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
    if "calendar" in raw and isinstance(raw["calendar"], str):
        _check_calendar(p, calendar, province_name, fy)

    sources = _sources(p, raw.get("sources"))
    output = raw.get("output")
    out_id = members_id = ""
    if not isinstance(output, Mapping) or not output.get("spreadsheet"):
        p.add(
            "output.spreadsheet",
            "missing",
            "the spreadsheet the summary tabs are written to, e.g. output: {spreadsheet: summary}",
        )
    else:
        p.unknown_keys("output.", output, {"spreadsheet", "members_spreadsheet"})
        out_id = spreadsheet_id_from(str(output["spreadsheet"]))
        if output.get("members_spreadsheet"):
            members_id = spreadsheet_id_from(str(output["members_spreadsheet"]))
            if members_id == out_id:
                p.add(
                    "output.members_spreadsheet",
                    "is the same spreadsheet as output.spreadsheet",
                    "give the member list a spreadsheet of its own, or leave the key out",
                )

    contacts = rel(raw["contacts"]) if raw.get("contacts") else None
    if contacts is not None and not contacts.exists():
        p.add(
            "contacts", f"file {contacts} not found", "create it (see config/contacts.yaml) or remove the key"
        )
    contacts_source = None
    if raw.get("contacts_source") is not None:
        found = _sources(
            p, {"contacts": {"schema": "contacts", **dict(raw["contacts_source"])}}, key="contacts_source"
        )
        contacts_source = found.get("contacts")

    holidays = tuple(_holidays(p, raw.get("holidays", [])))
    google = _section(p, raw, "google", GoogleSettings, rel)
    mail = _mail(p, raw.get("mail") or {}, rel)
    schedule = _schedule(p, raw.get("schedule") or {}, rel)
    strong, laos = _units(p, raw.get("units") or {}, province_code)
    forms = raw.get("forms") or {}
    if not isinstance(forms, Mapping):
        p.add("forms", "expected a mapping of form name to its settings")
        forms = {}

    if p.items:
        raise ConfigError(
            f"{len(p.items)} problem(s) in the settings:\n    " + "\n    ".join(p.items),
            where=str(path),
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
        contacts=contacts,
        contacts_source=contacts_source,
        holidays=holidays,
        google=google,
        mail=mail,
        schedule=schedule,
        model_laos=laos,
        strong_tambons=strong,
        forms={str(k): dict(v) for k, v in forms.items() if isinstance(v, Mapping)},
    )


def _check_calendar(p: _Problems, path: Path, province: str, fy: int | None) -> None:
    from pipeline.calendar import load_calendar

    try:
        cal = load_calendar(path)
    except ConfigError as exc:
        p.add("calendar", str(exc))
        return
    if province and cal.province.replace("จังหวัด", "").strip() != province:
        p.add(
            "calendar",
            f"{path.name} is for {cal.province}, the settings for {province}",
            "point 'calendar' at this province's file",
        )
    if fy is not None and cal.fiscal_year != fy:
        p.add(
            "calendar",
            f"{path.name} is for fiscal year {cal.fiscal_year}, the settings for {fy}",
            "point 'calendar' at this year's file",
        )


def _sources(p: _Problems, raw: object, key: str = "sources") -> dict[str, SourceSettings]:
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
        if schema != "contacts":
            try:
                load_schema(schema)
            except ConfigError as exc:
                p.add(f"{where}.schema", f"{exc.where}: {exc.message}" if exc.where else exc.message, exc.fix)
        try:
            sheet = spreadsheet_id_from(str(spec.get("spreadsheet") or "")) if spec.get("spreadsheet") else ""
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


def _holidays(p: _Problems, raw: object) -> list[str]:
    from pipeline.calendar import parse_be_date

    if not isinstance(raw, list):
        p.add("holidays", "expected a list of BE dates", "e.g. holidays: [2566-12-05, 2567-01-01]")
        return []
    out = []
    for i, item in enumerate(raw):
        try:
            out.append(parse_be_date(item, where=f"holidays[{i}]").isoformat())
        except ConfigError as exc:
            p.add(f"holidays[{i}]", exc.message, exc.fix)
    return out


def _section(
    p: _Problems, raw: Mapping[str, Any], key: str, cls: type[GoogleSettings], rel: Callable[[object], Path]
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


def _mail(p: _Problems, spec: Mapping[str, Any], rel: Callable[[object], Path]) -> MailSettings:
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


def _schedule(p: _Problems, spec: Mapping[str, Any], rel: Callable[[object], Path]) -> ScheduleSettings:
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
    p: _Problems, spec: Mapping[str, Any], province: str
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
        if tres.unit is None:
            p.add(
                f"units.strong_tambons[{i}]",
                tres.message or f"'{text}' is not a tambon of the province",
                "write อำเภอ/ตำบล, e.g. เชียงคำ/เวียง, or the 6-digit code",
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
            p.add(f"units.model_laos[{i}].district", dres.message or "not a district of the province")
            continue
        code = str(item.get("code") or f"{dres.unit.code}:{item['name']}")
        laos.append(ModelLao(code=code, name=str(item["name"]), district_code=dres.unit.code))
    return tuple(strong), tuple(laos)
