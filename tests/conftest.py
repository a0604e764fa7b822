"""Shared fixtures: a private copy of the bundled settings, pointed at a temporary folder."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def write_settings(folder: Path, **overrides: Any) -> Path:
    """config/demo.yaml with every path inside `folder`; keys in `overrides` replace the bundled ones."""
    raw = yaml.safe_load((ROOT / "config" / "demo.yaml").read_text(encoding="utf-8"))
    shutil.copytree(ROOT / "config" / "calendar", folder / "calendar", dirs_exist_ok=True)
    if raw.get("contacts"):
        shutil.copy(ROOT / "config" / raw["contacts"], folder / "contacts.yaml")
        raw["contacts"] = "contacts.yaml"
    raw.update(data_dir="data", state_db="state/pipeline.sqlite")
    raw.setdefault("mail", {})["outbox"] = "outbox"
    raw.setdefault("schedule", {})["jobstore"] = "state/scheduler.sqlite"
    raw.update(overrides)
    path = folder / "pipeline.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def write_province_settings(folder: Path, calendar: str, **raw: Any) -> Path:
    """A province's own settings (not the demo's), on the local backend with every path inside
    `folder`, its calendar copied from config/calendar/; `raw` gives province, fiscal year, sources."""
    shutil.copy(ROOT / "config" / "calendar" / calendar, folder / "calendar.yaml")
    settings = {
        **raw,
        "backend": "local",
        "data_dir": "data",
        "state_db": "state/pipeline.sqlite",
        "calendar": "calendar.yaml",
        "output": {"spreadsheet": "summary"},
        "mail": {"outbox": "outbox"},
        "schedule": {"jobstore": "state/scheduler.sqlite"},
    }
    path = folder / "settings.yaml"
    path.write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    return write_settings(tmp_path)


def write_workbook(
    path: Path, header: list[Any], rows: list[list[Any]], tab: str = "การตอบแบบฟอร์ม 1"
) -> None:
    """A response workbook as Google gives it: one tab, the header row, then the rows."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = tab
    ws.append(header)
    for row in rows:
        ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
