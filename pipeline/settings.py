"""Typed settings: the types only, as built by `pipeline.settings_loader` from config/pipeline.yaml.

Plain frozen dataclasses: every other module takes these, never raw YAML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from pathlib import Path


@dataclass(frozen=True)
class SourceSettings:
    """One form's responses: a tab of a spreadsheet, or a Google Form read through the Forms API."""

    key: str  # the source's name in the config, e.g. "tambon_assessment"
    schema: str  # name of a file in sheets_schema/ without .yaml
    spreadsheet: str = ""  # spreadsheet id (a full URL in the YAML is reduced to its id)
    tab: str = ""  # tab title; "" means the first tab
    form_id: str = ""  # set instead of spreadsheet/tab to read through the Forms API
    columns: dict[str, str] = field(default_factory=dict)  # explicit field -> header map
    score_columns: bool = False  # True when indicator columns hold scores (1-3), not raw answers


@dataclass(frozen=True)
class GoogleSettings:
    credentials: Path | None = (
        None  # service-account key; else GOOGLE_APPLICATION_CREDENTIALS, else OAuth token
    )
    oauth_client: Path | None = None  # OAuth desktop client secrets, for `pipeline auth login`
    token_cache: Path | None = None  # where `pipeline auth login` keeps the token (mode 0600)
    # Base URLs are settings so tests can point the real clients at a local server.
    sheets_url: str = "https://sheets.googleapis.com"
    drive_url: str = "https://www.googleapis.com"
    forms_url: str = "https://forms.googleapis.com"
    token_url: str = ""  # replaces https://oauth2.googleapis.com for a saved OAuth login (tests)
    timeout: float = 60.0
    max_attempts: int = 6
    # Largest request body sent; Google refuses over 10 MB and advises 2 MB.
    max_body_bytes: int = 2_000_000


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    security: str = "starttls"  # "starttls" | "ssl" | "none"
    sender: str = ""
    user_env: str = "PIPELINE_SMTP_USER"  # names of environment variables, never the secrets
    password_env: str = "PIPELINE_SMTP_PASSWORD"
    ca_file: Path | None = None
    timeout: float = 30.0


@dataclass(frozen=True)
class MailSettings:
    sender: str = "noreply@localhost"
    sender_name: str = ""
    outbox: Path = Path("outbox")
    smtp: SmtpSettings | None = None
    before_days: tuple[int, ...] = (7, 3, 1, 0)
    after_days: tuple[int, ...] = (1, 3)
    thai_digits: bool = True
    digest: bool = True
    templates: Path | None = None  # a province's own templates, overriding the bundled ones
    form_links: dict[str, str] = field(default_factory=dict)  # form key -> link shown in mail


@dataclass(frozen=True)
class ScheduleSettings:
    sync_at: time = time(1, 0)
    remind_at: time = time(8, 0)
    misfire_grace_seconds: int = 3600
    jobstore: Path = Path("state/scheduler.sqlite")


@dataclass(frozen=True)
class ModelLao:
    """A model municipality/TAO of KPI 3.2 (one per district)."""

    code: str  # the LAO's own code if configured, else "<district code>:<name>"
    name: str  # e.g. "เทศบาลตำบลบ้านถิ่น"
    district_code: str


@dataclass(frozen=True)
class Settings:
    path: Path  # the config file itself; relative paths below are resolved against its folder
    province_code: str  # DOPA 2-digit code
    province_name: str  # Thai name
    fiscal_year: int  # BE, e.g. 2567
    timezone: str
    backend: str  # "local" | "google"
    data_dir: Path
    state_db: Path
    calendar: Path
    sources: dict[str, SourceSettings]
    output_spreadsheet: str
    output_thai_digits: bool = False  # Thai digits in the dates of the summary tabs (output.thai_digits)
    members_spreadsheet: str = ""  # the committee member list's own spreadsheet; "" = the output one
    reports_dir: Path | None = None  # rendered documents; default: <data_dir>/reports
    contacts: Path | None = None
    contacts_source: SourceSettings | None = None  # a contacts tab, instead of a YAML file
    holidays: tuple[str, ...] = ()  # ISO dates
    google: GoogleSettings = GoogleSettings()
    mail: MailSettings = MailSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    model_laos: tuple[ModelLao, ...] = ()
    strong_tambons: tuple[str, ...] = ()  # tambon codes: this year's strong tambons (activity 3)
    demo: bool = False  # the bundled demo's settings: `pipeline demo` writes sample responses only into these
    notes: tuple[str, ...] = ()  # what check-config shows without refusing (e.g. a contact's bad address)
