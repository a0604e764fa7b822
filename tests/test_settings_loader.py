from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.settings_loader import load_settings

ROOT = Path(__file__).resolve().parent.parent


def test_bundled_settings_load() -> None:
    s = load_settings(ROOT / "config" / "pipeline.yaml")
    assert (s.province_code, s.province_name, s.fiscal_year) == ("56", "พะเยา", 2567)
    assert s.backend == "local"
    assert s.data_dir == (ROOT / "var" / "data").resolve()
    assert "tambon_assessment" in s.sources
    assert s.schedule.sync_at.hour == 1


def _settings(tmp_path: Path, text: str) -> Path:
    cal = (ROOT / "config" / "calendar" / "phayao-2567.yaml").read_text(encoding="utf-8")
    (tmp_path / "cal.yaml").write_text(cal, encoding="utf-8")
    path = tmp_path / "pipeline.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """
province: "56"
fiscal_year: 2567
calendar: cal.yaml
sources:
  tambon_assessment:
    schema: tambon_assessment
    spreadsheet: https://docs.google.com/spreadsheets/d/1AbC-d_9/edit#gid=0
  committee_registry: {schema: committee_registry, spreadsheet: registry}
  progress_assessment: {schema: progress_assessment, spreadsheet: progress}
output: {spreadsheet: out}
"""


def test_urls_reduce_to_ids_and_paths_are_relative_to_the_file(tmp_path: Path) -> None:
    s = load_settings(_settings(tmp_path, GOOD))
    assert s.sources["tambon_assessment"].spreadsheet == "1AbC-d_9"
    assert s.calendar == tmp_path / "cal.yaml"
    assert s.data_dir == tmp_path / "data"


def test_every_problem_is_listed_with_its_key_and_fix(tmp_path: Path) -> None:
    bad = """
province: พะยา
fiscal_year: 2024
backend: excel
calendar: cal.yaml
sourcse: {}
sources:
  tambon_assessment: {schema: tambon_assesment, spreadsheet: x}
schedule: {sync_at: "25:00"}
mail: {before_days: [7, -1]}
"""
    with pytest.raises(ConfigError) as err:
        load_settings(_settings(tmp_path, bad))
    text = str(err.value)
    for expected in [
        "province: unknown province",
        "fiscal_year: 2024 is not a BE year",
        "write it in BE, e.g. 2567",
        "backend: 'excel' is not a backend",
        "sourcse: unknown key — fix: did you mean 'sources'?",
        "sources.tambon_assessment.schema: ",
        "output.spreadsheet: missing",
        "schedule.sync_at: '25:00' is not a time of day",
        "mail.before_days: expected a list of whole days",
    ]:
        assert expected in text, expected
    assert str(tmp_path / "pipeline.yaml") in text


def test_calendar_of_another_year_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="fiscal year 2567, the settings for 2568"):
        load_settings(_settings(tmp_path, GOOD.replace("2567", "2568")))


def test_missing_file_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--config"):
        load_settings(tmp_path / "nope.yaml")


def test_a_form_respondent_link_is_refused_with_the_fix(tmp_path: Path) -> None:
    text = GOOD.replace(
        "spreadsheet: https://docs.google.com/spreadsheets/d/1AbC-d_9/edit#gid=0",
        "form_id: https://docs.google.com/forms/d/e/1FAIpQLSf/viewform",
    )
    with pytest.raises(ConfigError, match="sources.tambon_assessment"):
        load_settings(_settings(tmp_path, text))


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ("mail: x", "mail"),
        ("schedule: x", "schedule"),
        ("units: x", "units"),
        ("google: x", "google"),
        ("contacts_source: x", "contacts_source"),
        ("schedule: {misfire_grace_seconds: an hour}", "schedule.misfire_grace_seconds"),
        ("units: {strong_tambons: เวียง}", "units.strong_tambons"),
        ("mail: {sender: 5}", "mail.sender"),
        ("mail: {sender_name: 5}", "mail.sender_name"),
        ("mail: {form_links: {tambon_assessment: 5}}", "mail.form_links"),
        ("mail: {smtp: {host: 5}}", "mail.smtp.host"),
        ("mail: {smtp: {host: smtp.example.org, port: submission}}", "mail.smtp.port"),
        ("google: {timeout: a minute}", "google.timeout"),
        ("contacts: [{role: จังหวัด, email: a@example.org}]", "contacts"),
        ("data_dir: {a: 1}", "data_dir"),
        ("state_db: [a, b]", "state_db"),
        ("google: {credentials: [a]}", "google.credentials"),
        ("mail: {outbox: {a: 1}}", "mail.outbox"),
        ("schedule: {jobstore: [a]}", "schedule.jobstore"),
    ],
)
def test_a_section_of_the_wrong_shape_is_named_not_a_traceback(
    tmp_path: Path, section: str, key: str
) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(_settings(tmp_path, GOOD + section + "\n"))
    assert f"pipeline.yaml: {key}: " in err.value.message


def test_another_config_file_passed_as_the_settings_says_which_to_pass(tmp_path: Path) -> None:
    # config/contacts.yaml given to --config: its `contacts:` list is no file path
    with pytest.raises(ConfigError) as err:
        load_settings(ROOT / "config" / "contacts.yaml")
    text = err.value.message + " " + (err.value.fix or "")
    assert "contacts: expected a file path" in text
    assert "province: missing" in text
