"""The sections of a settings file, each read and checked on its own: sources, google, mail,
schedule, units, and the calendar the settings point at.

Each reader adds what is wrong to `Problems` and returns what it could build, so the
loader (`pipeline.settings_loader`) reports every problem at once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import MISSING
from datetime import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.backends.ids import form_id_from, spreadsheet_id_from
from pipeline.errors import ConfigError, PipelineError
from pipeline.settings import (
    GoogleSettings,
    MailSettings,
    ModelLao,
    ScheduleSettings,
    SmtpSettings,
    SourceSettings,
)
from pipeline.settings_checks import Problems

if TYPE_CHECKING:
    from pipeline.calendar import Calendar
    from pipeline.orgunits import OrgUnits

SOURCE_KEYS = {"schema", "spreadsheet", "tab", "form_id", "columns", "score_columns"}
BACKENDS = ("local", "google")
# A calendar whose province is one of these serves every province (the department sets the dates).
SHARED_CALENDAR = {"ทุกจังหวัด", "ทั่วประเทศ", "all"}


def read_calendar(p: Problems, path: Path, province: str, fy: int | None) -> Calendar | None:
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


def spreadsheet_id(text: str, *, local: bool) -> str:
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


def read_output(p: Problems, output: object, *, local: bool, rollup: bool) -> tuple[str, str, bool]:
    """output: the summary spreadsheet, the member list's own one, and Thai digits in the tabs' dates."""
    out_id = members_id = ""
    if not isinstance(output, Mapping) or not output.get("spreadsheet"):
        p.add(
            "output.spreadsheet",
            "missing",
            "the spreadsheet the summary tabs are written to, e.g. output: {spreadsheet: summary}",
        )
    else:
        known = {"spreadsheet", "members_spreadsheet", "thai_digits"} | ({"rollup"} if rollup else set())
        p.unknown_keys("output.", output, known)
        try:
            out_id = spreadsheet_id(str(output["spreadsheet"]), local=local)
            if output.get("members_spreadsheet"):
                members_id = spreadsheet_id(str(output["members_spreadsheet"]), local=local)
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
    thai_digits = bool(output.get("thai_digits", False)) if isinstance(output, Mapping) else False
    return out_id, members_id, thai_digits


def read_sources(
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
            sheet = spreadsheet_id(str(spec["spreadsheet"]), local=local) if spec.get("spreadsheet") else ""
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


# A field's annotation -> the YAML values it takes, and what to call them in a message.
_PLAIN: dict[str, tuple[tuple[type, ...], str]] = {
    "str": ((str,), "text"),
    "int": ((int,), "a whole number"),
    "float": ((int, float), "a number"),
    "bool": ((bool,), "true or false"),
    "Path": ((str,), "a file path"),
    "Path | None": ((str,), "a file path"),
}


def read_path(
    p: Problems, key: str, value: object, default: str, rel: Callable[[object], Path], fix: str = ""
) -> Path | None:
    """A file path the settings give under `key`, relative to the settings file; left out or blank,
    `default` ("" for none). A list or mapping is a problem, and `default` stands for it."""
    if value is not None and value != "" and not isinstance(value, str):
        fix = fix or f'write the path as text, e.g. {key}: "{default or key}"'
        p.add(key, f"expected a file path, got {kind_of(value)}", fix)
        value = None
    chosen = value or default
    return rel(chosen) if chosen else None


def kind_of(value: object) -> str:
    """A YAML value as a message names it: a list or mapping by its kind, not its whole text."""
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _fields(p: Problems, prefix: str, spec: Mapping[str, Any], cls: type[Any]) -> dict[str, Any]:
    """The values of `spec` for the fields of the settings class `cls`: an unknown key, or a text,
    number or true/false of the wrong kind, is a problem (and left out)."""
    fields = cls.__dataclass_fields__
    p.unknown_keys(prefix, spec, set(fields))
    values: dict[str, Any] = {}
    for k, v in spec.items():
        if k not in fields or v is None:
            continue
        kinds, label = _PLAIN.get(str(fields[k].type), ((object,), ""))
        if not isinstance(v, kinds) or (isinstance(v, bool) and bool not in kinds):
            default = fields[k].default
            shown = str(default) if isinstance(default, Path) else default
            example = f": {json.dumps(shown, ensure_ascii=False)}" if default not in (MISSING, None) else ""
            p.add(
                f"{prefix}{k}",
                f"expected {label}, got {kind_of(v)}",
                f"write {label}, e.g. {prefix}{k}{example}",
            )
            continue
        values[k] = v
    return values


def read_google(p: Problems, spec: Mapping[str, Any], rel: Callable[[object], Path]) -> GoogleSettings:
    values = _fields(p, "google.", spec, GoogleSettings)
    for k in ("credentials", "oauth_client", "token_cache"):
        if k in values:
            values[k] = rel(values[k])
    cap = values.get("max_body_bytes", GoogleSettings.max_body_bytes)
    if isinstance(cap, bool) or not isinstance(cap, int) or not 262_144 <= cap <= 10_000_000:
        p.add(
            "google.max_body_bytes",
            f"{cap!r} is not a whole number of bytes between 262144 and 10000000",
            "leave it out (2000000, as Google advises) or lower it if a proxy refuses large requests",
        )
        values.pop("max_body_bytes", None)
    if values.get("credentials") and not Path(values["credentials"]).exists():
        p.add(
            "google.credentials",
            f"key file {values['credentials']} not found",
            "download the service-account key (docs/google-setup.md)",
        )
    return GoogleSettings(**values)


def read_mail(p: Problems, spec: Mapping[str, Any], rel: Callable[[object], Path]) -> MailSettings:
    values = _fields(p, "mail.", spec, MailSettings)
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
    links = values.get("form_links")
    if links is not None and not (
        isinstance(links, Mapping) and all(isinstance(v, str) for v in links.values())
    ):
        p.add("mail.form_links", "expected a mapping of form name to link")
        values.pop("form_links")
    smtp = values.pop("smtp", None)
    if smtp is not None:
        if not isinstance(smtp, Mapping) or not smtp.get("host"):
            p.add(
                "mail.smtp.host", "missing", "the mail server, e.g. smtp: {host: smtp.gmail.com, port: 587}"
            )
        else:
            sv = _fields(p, "mail.smtp.", smtp, SmtpSettings)
            if sv.get("security", "starttls") not in ("starttls", "ssl", "none"):
                p.add("mail.smtp.security", f"'{sv['security']}' is not known", "use starttls, ssl or none")
            if "ca_file" in sv:
                sv["ca_file"] = rel(sv["ca_file"])
            sv.setdefault("sender", values.get("sender", ""))
            if "host" in sv:  # else already said: a host that is not text
                values["smtp"] = SmtpSettings(**sv)
    return MailSettings(**values)


def read_schedule(p: Problems, spec: Mapping[str, Any], rel: Callable[[object], Path]) -> ScheduleSettings:
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
        try:
            values["misfire_grace_seconds"] = int(spec["misfire_grace_seconds"])
        except (TypeError, ValueError):
            p.add(
                "schedule.misfire_grace_seconds",
                f"{spec['misfire_grace_seconds']!r} is not a whole number of seconds",
                "e.g. misfire_grace_seconds: 3600 (a run missed by up to an hour is made up)",
            )
    values["jobstore"] = read_path(
        p, "schedule.jobstore", spec.get("jobstore"), "state/scheduler.sqlite", rel
    )
    return ScheduleSettings(**values)


def _time(value: object) -> time | None:
    if isinstance(value, int):  # YAML 1.1 reads an unquoted 01:00 as 60 (sexagesimal minutes)
        return time(value // 60, value % 60) if 0 <= value < 24 * 60 else None
    m = re.fullmatch(r"\s*(\d{1,2})[:.](\d{2})\s*", str(value))
    if not m or int(m[1]) > 23 or int(m[2]) > 59:
        return None
    return time(int(m[1]), int(m[2]))


def read_units(
    p: Problems, spec: Mapping[str, Any], province: str
) -> tuple[tuple[str, ...], tuple[ModelLao, ...]]:
    p.unknown_keys("units.", spec, {"strong_tambons", "model_laos"})
    if not province:
        return (), ()
    from pipeline.orgunits import OrgUnits

    org = OrgUnits.for_province(province)
    strong: list[str] = []
    strong_listed = p.listed(
        "units.strong_tambons", spec.get("strong_tambons"), "strong_tambons: [เชียงคำ/เวียง]"
    )
    for i, item in enumerate(strong_listed):
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
    example = "model_laos: [{name: เทศบาลตำบลบ้านถิ่น, district: เมืองแพร่}]"
    for i, item in enumerate(p.listed("units.model_laos", spec.get("model_laos"), example)):
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
