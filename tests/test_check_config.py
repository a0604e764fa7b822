"""check-config is the whole truth: each mistake in the demo settings is reported with file, key and fix.

Every case mutates a private copy of the demo settings (or its calendar or
contacts), runs `pipeline check-config` and `pipeline sync` as a user would,
and expects exit 2 with the problem named, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from pipeline.cli import main
from tests.conftest import write_settings

CAL = "calendar/demo-phayao-2567.yaml"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _settings(folder: Path, **changes: object) -> Path:
    path = write_settings(folder)
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        node = raw
        for key in parents:
            node = node[key]
        if value is None:
            node.pop(last)
        else:
            node[last] = value
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _calendar(old: str, new: str) -> Callable[[Path], Path]:
    def mutate(folder: Path) -> Path:
        path = write_settings(folder)
        _edit(folder / CAL, old, new)
        return path

    return mutate


def _contacts(old: str, new: str) -> Callable[[Path], Path]:
    def mutate(folder: Path) -> Path:
        path = write_settings(folder)
        _edit(folder / "contacts.yaml", old, new)
        return path

    return mutate


def _drop_kpi32_cutoffs(folder: Path) -> Path:
    path = write_settings(folder)
    cal = folder / CAL
    text = cal.read_text(encoding="utf-8")
    cal.write_text(text[: text.index("  - id: kpi32")], encoding="utf-8")
    return path


CASES: dict[str, tuple[Callable[[Path], Path], str, str, str]] = {
    # name: (mutation, file, key, fix) — each must appear in the message
    "calendar form typo": (
        _calendar("form: tambon_assessment", "form: tambon_assesment"),
        CAL,
        "cutoffs 'assessment-1'.form",
        "did you mean 'tambon_assessment'?",
    ),
    "source without a cut-off": (
        _drop_kpi32_cutoffs,
        CAL,
        "no cut-off for the source 'kpi32'",
        "add a cut-off with form: kpi32, units: model_laos",
    ),
    "impossible due date": (
        _calendar("due: 2566-12-25", "due: 2567-13-25"),
        CAL,
        "cutoffs[4].due",
        "correct the date",
    ),
    "cut-off before the fiscal year": (
        _calendar("due: 2566-12-25", "due: 2565-12-25"),
        CAL,
        "cut-off 'orders': due 2565-12-25 is outside fiscal year 2567",
        "fiscal year 2567 runs 2566-10-01 – 2567-09-30",
    ),
    "cut-off after the fiscal year": (
        _calendar("due: 2567-07-31", "due: 2567-10-31"),
        CAL,
        "cut-off 'activity3': due 2567-10-31 is outside fiscal year 2567",
        "write this fiscal year's dates in BE",
    ),
    "forwarding date far after the year": (
        _calendar("to_department: 2567-06-28", "to_department: 2568-02-28"),
        CAL,
        "to_department 2568-02-28 must lie between its due date 2567-06-21 and 2567-12-31",
        "write this fiscal year's dates",
    ),
    "assessment cut-off without a round": (
        _calendar("    round: 2\n", ""),
        CAL,
        "cutoffs 'assessment-2'.round",
        "write round: 1 (or 2, …)",
    ),
    "two cut-offs of one round": (
        _calendar("round: 2", "round: 1"),
        CAL,
        "cut-offs 'assessment-1' and 'assessment-2' are both form tambon_assessment with round 1",
        "give each cut-off of a form its own round",
    ),
    "reported by the wrong units": (
        _calendar("units: strong_tambons", "units: districts"),
        CAL,
        "cutoffs 'activity3'.units",
        "write units: strong_tambons",
    ),
    "calendar of another province": (
        lambda f: _settings(f, calendar="calendar/chiangrai-2568.yaml"),
        "pipeline.yaml",
        "calendar: chiangrai-2568.yaml is for เชียงราย, the settings for พะเยา",
        "point 'calendar' at พะเยา's file",
    ),
    "contacts of another province": (
        _contacts('district: "5601"', 'district: "5701"'),
        "contacts.yaml",
        "contacts รายการที่ 3",
        "list the district offices of พะเยา",
    ),
    "contact of an unknown district": (
        _contacts('district: "5602"', "district: เมืองพะเยาใหม่"),
        "contacts.yaml",
        "contacts รายการที่ 5",
        "write one of พะเยา's districts",
    ),
    "strong tambon of another province": (
        lambda f: _settings(f, units__strong_tambons=["เมืองเชียงราย/เวียง", "เชียงคำ/ร่มเย็น"]),
        "pipeline.yaml",
        "units.strong_tambons[0]",
        "these units are another province's",
    ),
    "strong tambon by the code of another province": (
        lambda f: _settings(f, units__strong_tambons=["570101"]),
        "pipeline.yaml",
        "units.strong_tambons[0]",
        "these units are another province's",
    ),
    "model LAO of another province": (
        lambda f: _settings(f, units__model_laos=[{"name": "เทศบาลตำบลบ้านดู่", "district": "เมืองเชียงราย"}]),
        "pipeline.yaml",
        "units.model_laos[0].district",
        "these units are another province's",
    ),
    "activity 3 without strong tambons": (
        lambda f: _settings(f, units__strong_tambons=None),
        "pipeline.yaml",
        "units.strong_tambons",
        "list them under units: strong_tambons:",
    ),
    "KPI 3.2 without model LAOs": (
        lambda f: _settings(f, units__model_laos=None),
        "pipeline.yaml",
        "units.model_laos",
        "list them under units: model_laos:",
    ),
    "last year's holidays": (
        lambda f: _settings(f, holidays=["2565-12-05", "2567-01-01"]),
        "pipeline.yaml",
        "holidays[0]: 2565-12-05 is not in fiscal year 2567",
        "list the public holidays of fiscal year 2567",
    ),
    "impossible holiday": (
        lambda f: _settings(f, holidays=["2567-02-30"]),
        "pipeline.yaml",
        "holidays[0]",
        "correct the date",
    ),
    "form link of an unknown form": (
        lambda f: _settings(f, mail__form_links={"tambon_assesment": "https://forms.gle/x"}),
        "pipeline.yaml",
        "mail.form_links.tambon_assesment",
        "did you mean 'tambon_assessment'?",
    ),
    "sender of another province": (
        lambda f: _settings(f, mail__sender_name="สำนักงานพัฒนาชุมชนจังหวัดเชียงราย"),
        "pipeline.yaml",
        "mail.sender_name",
        "สำนักงานพัฒนาชุมชนจังหวัดพะเยา",
    ),
    "per-form settings that nothing reads": (
        lambda f: _settings(f, forms={"committee_registry": {"committee_size": {"min": 7}}}),
        "pipeline.yaml",
        "forms.committee_registry",
        "sheets_schema/committee_registry.yaml",
    ),
    "source of a form without processing": (
        lambda f: _settings(f, sources__kpi32={"schema": "contacts", "spreadsheet": "x"}),
        "pipeline.yaml",
        "sources.kpi32.schema",
        "use one of",
    ),
    "a Google Form on the local backend": (
        lambda f: _settings(f, sources__kpi32={"schema": "kpi32", "form_id": "1FAIpQLabc"}),
        "pipeline.yaml",
        "sources.kpi32.form_id",
        "use backend: google",
    ),
    "mail templates folder missing": (
        lambda f: _settings(f, mail__templates="our-templates"),
        "pipeline.yaml",
        "mail.templates",
        "create it with the templates to override",
    ),
    "local file name with a line break": (
        lambda f: _settings(f, output={"spreadsheet": "สรุป\nผล"}),
        "pipeline.yaml",
        "output.spreadsheet",
        "write the workbook's file name on one line",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_check_config_reports_the_mistake_with_file_key_and_fix(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mutate, file, key, fix = CASES[case]
    config = mutate(tmp_path)
    assert main(["check-config", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    line = next((ln for ln in err.splitlines() if key in ln), "")
    assert line, f"{key!r} not in:\n{err}"
    assert str(tmp_path / file) in line or (tmp_path / file).name in line, line
    assert "fix:" in err and fix in err, err
    # What check-config refuses, a run refuses the same way, before reading anything.
    assert main(["sync", "--config", str(config), "--today", "2024-07-01"]) == 2
    again = capsys.readouterr()
    assert key in again.err and "Traceback" not in again.err
    assert not (tmp_path / "data" / "demo-summary.xlsx").exists()


def test_what_check_config_accepts_every_command_accepts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_settings(tmp_path)
    assert main(["check-config", "--config", str(config)]) == 0
    assert main(["demo", "--config", str(config)]) == 0
    assert main(["remind", "--config", str(config), "--dry-run", "--today", "2024-06-18"]) == 0
    assert main(["schedule", "--config", str(config), "--print"]) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_contacts_problems_that_do_not_stop_a_run_are_shown_as_notes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_settings(tmp_path)
    _edit(tmp_path / "contacts.yaml", "email: kanokwan.p@example.org", "email: kanokwan.p@")
    assert main(["check-config", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "note:" in out and "kanokwan.p@" in out
