"""Who receives reminders: each district's head and responsible staff, and the provincial officers.

Contacts come from a YAML file (``settings.contacts``) or from the rows of a
contacts tab. Both have the same columns, in Thai or English:

| column                  | meaning                                                   |
| ----------------------- | --------------------------------------------------------- |
| อำเภอ / รหัสอำเภอ         | the district, by name ("เชียงคำ", "อ.เชียงคำ") or code (5603) |
| ชื่อ                     | the person's name, shown in the To: line                  |
| อีเมล                    | the address                                               |
| บทบาท                   | หัวหน้า (district head), ผู้รับผิดชอบ (staff), จังหวัด (province) |

Nothing is skipped in silence: an unusable row, a district left without any
valid contact, or a province without an officer is a ``Problem`` (Thai, with
where it is), listed by ``pipeline remind`` and in the provincial digest.
Addresses are checked strictly, and a name or address that contained a line
break is refused outright: such text could add headers to a message.

Pure, apart from reading the YAML file in ``load_contacts``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Literal

import yaml

from pipeline import yamlfile
from pipeline.errors import ConfigError
from pipeline.models import Grid
from pipeline.orgunits import OrgUnits
from pipeline.thai import clean_text, is_blank

__all__ = [
    "Contact",
    "Contacts",
    "Problem",
    "check_address",
    "contacts_from_grid",
    "contacts_from_records",
    "load_contacts",
]

Role = Literal["head", "staff", "province"]

_ROLES: dict[str, Role] = {
    "หัวหน้า": "head",
    "พัฒนาการอำเภอ": "head",
    "head": "head",
    "ผู้รับผิดชอบ": "staff",
    "เจ้าหน้าที่": "staff",
    "staff": "staff",
    "จังหวัด": "province",
    "province": "province",
}

# Column headers (tab) and keys (YAML) accepted for each field, compared without spaces and case.
_FIELDS: dict[str, tuple[str, ...]] = {
    "district_code": ("รหัสอำเภอ", "district_code"),
    "district": ("อำเภอ", "district"),
    "name": ("ชื่อ", "ชื่อ-สกุล", "ชื่อ-นามสกุล", "ชื่อสกุล", "name"),
    "email": ("อีเมล", "อีเมล์", "e-mail", "email"),
    "role": ("บทบาท", "role"),
}

_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDRESS = re.compile(rf"(?P<local>{_LOCAL})@(?P<domain>(?:{_LABEL}\.)+[A-Za-z]{{2,63}})")


@dataclass(frozen=True)
class Contact:
    name: str  # may be "": the address alone is shown
    email: str
    role: Role
    district_code: str = ""  # "" for provincial officers


@dataclass(frozen=True)
class Problem:
    where: str  # file and entry, or tab and row
    message: str  # Thai: what is wrong and how to fix it
    district: str = ""  # how the district failed to resolve ("unknown", "other_province"), if it did

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


@dataclass(frozen=True)
class Contacts:
    by_district: Mapping[str, tuple[Contact, ...]] = field(default_factory=dict)
    province: tuple[Contact, ...] = ()
    problems: tuple[Problem, ...] = ()

    def district(self, code: str) -> tuple[Contact, ...]:
        """The district's head(s) first, then its staff."""
        return self.by_district.get(code, ())


def check_address(text: str) -> str | None:
    """The address if it is a plain, valid one (domain in lower case), else None.

    Refuses display names, comments, quoted local parts, non-ASCII and any line break.
    """
    if "\r" in text or "\n" in text:
        return None
    addr = clean_text(text)
    match = _ADDRESS.fullmatch(addr)
    if match is None or len(addr) > 254 or len(match["local"]) > 64:
        return None
    if parseaddr(addr) != ("", addr):
        return None
    return f"{match['local']}@{match['domain'].lower()}"


def load_contacts(path: Path, org: OrgUnits) -> Contacts:
    """Contacts from a YAML file: a list of entries, or a mapping with a ``contacts:`` list."""
    where = str(path)
    try:
        raw = yamlfile.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError("contacts file not found", where=where, fix="check the 'contacts' setting") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the contacts file: {exc}", where=where) from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"not valid YAML: {exc}", where=where, fix="correct the YAML syntax") from exc
    entries = raw.get("contacts") if isinstance(raw, Mapping) else raw
    if not isinstance(entries, list) or not all(isinstance(e, Mapping) for e in entries):
        raise ConfigError(
            "expected a list of contacts",
            where=where,
            fix="write 'contacts:' followed by entries with district, name, email and role",
        )
    records = [(f"{where} รายการที่ {i}", _fields(entry)) for i, entry in enumerate(entries, start=1)]
    return contacts_from_records(records, org, source=where)


def contacts_from_grid(grid: Grid, org: OrgUnits, *, where: str) -> Contacts:
    """Contacts from a tab: a header row, then one contact per row (empty rows skipped)."""
    if not grid or not any(not is_blank(c) for c in grid[0]):
        raise ConfigError(
            "the contacts tab is empty", where=where, fix="add a header row: อำเภอ, ชื่อ, อีเมล, บทบาท"
        )
    columns: dict[str, int] = {}
    for i, header in enumerate(grid[0]):
        key = _field_of(str(header)) if header is not None else None
        if key is not None:
            columns.setdefault(key, i)
    missing = [name for name, keys in (("อีเมล", ("email",)), ("บทบาท", ("role",))) if keys[0] not in columns]
    if "district" not in columns and "district_code" not in columns:
        missing.insert(0, "อำเภอ (or รหัสอำเภอ)")
    if missing:
        raise ConfigError(
            f"the contacts tab has no column {', '.join(missing)}",
            where=where,
            fix="name the columns อำเภอ (or รหัสอำเภอ), ชื่อ, อีเมล, บทบาท in the first row",
        )
    records = []
    for number, row in enumerate(grid[1:], start=2):
        if all(is_blank(c) for c in row):
            continue
        values = {key: row[i] if i < len(row) else None for key, i in columns.items()}
        records.append((f"{where} แถวที่ {number}", values))
    return contacts_from_records(records, org, source=where)


def contacts_from_records(
    records: Sequence[tuple[str, Mapping[str, object]]], org: OrgUnits, *, source: str
) -> Contacts:
    """Contacts from (where, fields) pairs; fields keyed district / district_code / name / email / role."""
    problems: list[Problem] = []
    by_district: dict[str, list[Contact]] = {d.code: [] for d in org.districts()}
    province: list[Contact] = []
    for where, values in records:
        contact = _contact(where, values, org, problems)
        if contact is None:
            continue
        group = province if contact.role == "province" else by_district[contact.district_code]
        if all(c.email.lower() != contact.email.lower() for c in group):
            group.append(contact)
    for district in org.districts():
        if not by_district[district.code]:
            problems.append(
                Problem(
                    source,
                    f"อำเภอ{district.name} ({district.code}) ไม่มีผู้รับการแจ้งเตือนที่ใช้ได้ — "
                    "โปรดเพิ่มชื่อและอีเมลของพัฒนาการอำเภอหรือผู้รับผิดชอบ",
                )
            )
    if not province:
        problems.append(
            Problem(source, "ไม่มีเจ้าหน้าที่ระดับจังหวัดที่ใช้ได้ — โปรดเพิ่มรายชื่อที่มีบทบาท 'จังหวัด' อย่างน้อยหนึ่งคน")
        )
    ordered = {
        code: tuple(sorted(cs, key=lambda c: c.role != "head")) for code, cs in by_district.items() if cs
    }
    return Contacts(by_district=ordered, province=tuple(province), problems=tuple(problems))


def _field_of(label: str) -> str | None:
    key = re.sub(r"\s+", "", clean_text(label)).lower()
    for name, labels in _FIELDS.items():
        if key in labels:
            return name
    return None


def _fields(entry: Mapping[object, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in entry.items():
        name = _field_of(str(key))
        if name is not None:
            out[name] = value
    return out


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value)


def _contact(
    where: str, values: Mapping[str, object], org: OrgUnits, problems: list[Problem]
) -> Contact | None:
    raw_role = clean_text(_text(values.get("role"))).lower()
    role = _ROLES.get(raw_role)
    if role is None:
        shown = f"'{raw_role}' " if raw_role else ""
        problems.append(Problem(where, f"บทบาท {shown}ไม่ถูกต้อง — โปรดระบุเป็น หัวหน้า, ผู้รับผิดชอบ หรือ จังหวัด"))
        return None
    raw_name = _text(values.get("name"))
    if "\r" in raw_name or "\n" in raw_name:
        problems.append(Problem(where, "ชื่อมีการขึ้นบรรทัดใหม่ ซึ่งไม่อนุญาตในหัวจดหมาย — โปรดแก้ชื่อให้อยู่ในบรรทัดเดียว"))
        return None
    raw_email = _text(values.get("email"))
    if is_blank(raw_email):
        problems.append(Problem(where, "ไม่ได้กรอกอีเมล — โปรดกรอกอีเมลของผู้รับการแจ้งเตือน"))
        return None
    email = check_address(raw_email)
    if email is None:
        shown = clean_text(raw_email.replace("\r", " ").replace("\n", " "))
        problems.append(
            Problem(where, f"อีเมล '{shown}' ไม่ถูกต้อง — โปรดกรอกเพียงที่อยู่อีเมลเดียว เช่น name@example.org")
        )
        return None
    name = clean_text(raw_name)
    if role == "province":
        return Contact(name, email, role)
    raw_district = values.get("district_code")
    if is_blank(raw_district):
        raw_district = values.get("district")
    resolution = org.resolve_district(raw_district)
    if resolution.unit is None:
        problems.append(Problem(where, resolution.message, district=resolution.status))
        return None
    if resolution.status == "near":
        problems.append(Problem(where, resolution.message))
    return Contact(name, email, role, resolution.unit.code)
