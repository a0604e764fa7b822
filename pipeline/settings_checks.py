"""Cross-checks of the settings against the calendar, the forms, the contacts and the province.

`load_settings` runs them all, so a run never meets a settings problem that
`check-config` let through: each problem names the file, the key and the fix.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.calendar import Calendar, forwarding_deadline, parse_be_date
from pipeline.errors import ConfigError
from pipeline.settings import MailSettings, SourceSettings

if TYPE_CHECKING:
    from pipeline.orgunits import OrgUnits


class Problems:
    """Every problem found, each as `file: key: message — fix: …`; notes are shown but do not stop a run."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.items: list[str] = []
        self.notes: list[str] = []

    def add(self, key: str, message: str, fix: str = "", *, file: Path | None = None) -> None:
        self.items.append(f"{file or self.path}: {key}: {message}" + (f" — fix: {fix}" if fix else ""))

    def note(self, key: str, message: str, *, file: Path | None = None) -> None:
        self.notes.append(f"{file or self.path}: {key}: {message}")

    def error(self, key: str, exc: ConfigError, *, file: Path | None = None) -> None:
        self.add(key, f"{exc.where}: {exc.message}" if exc.where else exc.message, exc.fix, file=file)

    def mapping(self, key: str, value: object) -> Mapping[str, Any]:
        """A section that must be a mapping; anything else is a problem (and read as empty)."""
        if isinstance(value, Mapping):
            return value
        if value not in (None, ""):
            self.add(
                key,
                f"expected a mapping of keys to values, got {value!r}",
                f"see config/pipeline.yaml for {key}:",
            )
        return {}

    def listed(self, key: str, value: object, example: str) -> list[Any]:
        """A value that must be a list; anything else is a problem (and read as empty)."""
        if isinstance(value, list):
            return value
        if value not in (None, ""):
            self.add(key, f"expected a list, got {value!r}", f"e.g. {example}")
        return []

    def unknown_keys(self, where: str, got: Mapping[str, Any], known: set[str]) -> None:
        for k in got:
            if k not in known:
                self.add(f"{where}{k}", "unknown key", did_you_mean(str(k), known, "known keys"))


def did_you_mean(name: str, known: Iterable[str], what: str) -> str:
    choices = sorted(known)
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else f"{what}: {', '.join(choices)}"


def check_forms(p: Problems, sources: Mapping[str, SourceSettings], calendar: Calendar) -> None:
    """Each source is a form the pipeline processes, with the schema rules and cut-offs it needs."""
    from pipeline import forms
    from pipeline.schema import SCHEMA_DIR, load_schema

    cal = calendar.path
    for src in sources.values():
        try:
            schema = load_schema(src.schema)
        except ConfigError:
            continue  # already reported under sources.<key>.schema
        needs = schema.calendar
        if schema.name not in forms.PROCESSORS:
            p.add(
                f"sources.{src.key}.schema",
                f"no processing is defined for the form '{schema.name}'",
                f"use one of: {', '.join(forms.PROCESSORS)}",
            )
            continue
        if needs is None:
            p.add(
                "calendar",
                f"the form '{schema.name}' does not say who reports it or how many cut-offs it has",
                "add e.g. calendar: {units: districts, cutoffs: one} (cutoffs: one, rounds or some)",
                file=SCHEMA_DIR / f"{src.schema}.yaml",
            )
            continue
        try:
            forms.check_schema(schema)
        except ConfigError as exc:
            p.error(f"sources.{src.key}.schema", exc)
        cutoffs = calendar.for_form(src.key)
        example = f"form: {src.key}, units: {needs.units}"
        if not cutoffs:
            p.add(
                "cutoffs",
                f"no cut-off for the source '{src.key}' of the settings: its reports could not be "
                "dated on time or late",
                f"add a cut-off with {example}"
                + (", round: 1 (one per round)" if needs.cutoffs == "rounds" else ""),
                file=cal,
            )
        elif needs.cutoffs == "one" and len(cutoffs) > 1:
            p.add(
                "cutoffs",
                f"the form '{src.key}' is reported once a year, and {len(cutoffs)} cut-offs name it "
                f"({', '.join(c.id for c in cutoffs)})",
                "keep one of them",
                file=cal,
            )
        for c in cutoffs:
            if c.units != needs.units:
                p.add(
                    f"cutoffs '{c.id}'.units",
                    f"'{c.units}' — the form '{src.key}' is reported by {needs.units}",
                    f"write units: {needs.units}",
                    file=cal,
                )
            if needs.cutoffs == "rounds" and not c.period.isdigit():
                p.add(
                    f"cutoffs '{c.id}'.round",
                    f"the form '{src.key}' is assessed in numbered rounds, and this cut-off has "
                    + (f"round '{c.period}'" if c.period else "none"),
                    "write round: 1 (or 2, …) on each of its cut-offs",
                    file=cal,
                )


def check_calendar_forms(p: Problems, sources: Mapping[str, SourceSettings], calendar: Calendar) -> None:
    """Each cut-off names a source of the settings: reminders go out for every cut-off."""
    from pipeline import forms

    for c in calendar.cutoffs:
        if c.form in sources or c.units == "province":
            continue  # a province's own report (e.g. lessons learned) has no response sheet to read
        if c.form in forms.PROCESSORS:
            # A form the office tracks by other means: allowed, but said, since no response is read.
            p.note(
                f"cutoffs '{c.id}'.form",
                f"form '{c.form}' is not among the sources of {p.path.name}: its responses are not read, "
                f"so no reminder goes out for it; add sources.{c.form} or remove "
                "this cut-off",
                file=calendar.path,
            )
            continue
        p.add(
            f"cutoffs '{c.id}'.form",
            f"form '{c.form}' is neither a source of the settings nor a known form",
            did_you_mean(c.form, [*sources, *forms.PROCESSORS], "the sources are"),
            file=calendar.path,
        )


def check_units_needed(
    p: Problems,
    sources: Mapping[str, SourceSettings],
    calendar: Calendar,
    strong: tuple[str, ...],
    laos: tuple[object, ...],
) -> None:
    """Activity 3 needs the year's strong tambons, KPI 3.2 the model LAOs."""
    kinds = {c.units for c in calendar.cutoffs if c.form in sources}
    if "strong_tambons" in kinds and not strong:
        p.add(
            "units.strong_tambons",
            "a source is reported by this year's strong tambons, and the settings list none",
            "list them under units: strong_tambons: as อำเภอ/ตำบล, e.g. เชียงคำ/เวียง",
        )
    if "model_laos" in kinds and not laos:
        p.add(
            "units.model_laos",
            "a source is reported by the model LAOs, and the settings list none",
            "list them under units: model_laos: as {name: เทศบาลตำบล…, district: …}",
        )


def check_contacts(p: Problems, path: Path, org: OrgUnits) -> None:
    """The contacts file reads, and every district in it is one of this province's."""
    from pipeline.contacts import load_contacts

    try:
        contacts = load_contacts(path, org)
    except ConfigError as exc:
        p.error("contacts", exc)
        return
    outside = [x for x in contacts.problems if x.district]
    for x in outside:
        p.add(
            f"contacts {x.where.replace(str(path), '').strip()}",
            x.message,
            f"list the district offices of {org.province.name} (name or 4-digit code)"
            if x.district == "other_province"
            else f"write one of {org.province.name}'s districts: {', '.join(d.name for d in org.districts())}",
            file=path,
        )
    if not contacts.by_district and not outside:
        p.add(
            "contacts",
            f"no contact is of a district of {org.province.name}",
            "list each district office's head and staff with district, name, email and role",
            file=path,
        )
    for x in contacts.problems:
        if not x.district:
            p.note("contacts", str(x), file=path)
    everyone = [c for cs in contacts.by_district.values() for c in cs] + list(contacts.province)
    examples = sum(c.email.endswith("@example.org") for c in everyone)
    if examples:
        p.note("contacts", f"{examples} of {len(everyone)} addresses are examples (@example.org)", file=path)


def check_mail(p: Problems, mail: MailSettings, known_forms: set[str], province: str) -> None:
    for key in mail.form_links:
        if key not in known_forms:
            p.add(
                f"mail.form_links.{key}",
                "not a source of the settings nor a form of the calendar, so no reminder shows this link",
                did_you_mean(str(key), known_forms, "the forms are"),
            )
    for key, link in mail.form_links.items():
        if "your-" in link:
            p.note(
                f"mail.form_links.{key}", f"{link} is still the template's placeholder: put the form's link"
            )
    if mail.sender.endswith("@example.org"):
        p.note("mail.sender", f"{mail.sender} is an example address: put the office's own")
    named = re.search(r"จังหวัด\s*(\S+)", mail.sender_name)
    if province and named and named[1] != province:
        p.add(
            "mail.sender_name",
            f"'{mail.sender_name}' names จังหวัด{named[1]}, and the settings are for จังหวัด{province}",
            f"write this office's name, e.g. สำนักงานพัฒนาชุมชนจังหวัด{province}",
        )


def holidays(p: Problems, raw: object, fy: int | None) -> list[str]:
    """The holidays as ISO dates; each must fall in the fiscal year (or the quarter after it)."""
    from pipeline.calendar import fiscal_year_span

    if not isinstance(raw, list):
        p.add("holidays", "expected a list of BE dates", "e.g. holidays: [2566-12-05, 2567-01-01]")
        return []
    out = []
    for i, item in enumerate(raw):
        try:
            day = parse_be_date(item, where=f"holidays[{i}]")
        except ConfigError as exc:
            p.add(f"holidays[{i}]", exc.message, exc.fix)
            continue
        if fy is not None:
            start, _ = fiscal_year_span(fy)
            if not start <= day <= forwarding_deadline(fy):
                p.add(
                    f"holidays[{i}]",
                    f"{item} is not in fiscal year {fy}",
                    f"list the public holidays of fiscal year {fy} (from {start.year + 543}-10-01)",
                )
                continue
        out.append(day.isoformat())
    return out
