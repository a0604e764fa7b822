"""pipeline demo: generate the demo province's responses and run a sync on them."""

from __future__ import annotations

import argparse
from typing import Any

from pipeline.cli import DEMO_CONFIG
from pipeline.commands._common import add_run_options, parse_today
from pipeline.commands.sync import one_line
from pipeline.demo import write_demo
from pipeline.errors import ConfigError
from pipeline.run import sync_from_config
from pipeline.settings_loader import load_settings

DEMO_TODAY = "2024-07-01"  # after both assessment rounds of FY2567
HELP = "generate the demo province's responses and sync them"


def arguments(p: argparse.ArgumentParser) -> None:
    add_run_options(
        p,
        config=DEMO_CONFIG,
        today=f"the date the sync sees (default {DEMO_TODAY})",
        today_default=DEMO_TODAY,
    )


def main(args: argparse.Namespace) -> int:
    """Write deterministic demo responses (Phayao, FY2567: 9 districts, 68 tambons, both rounds, with
    realistic mistakes) into the local data folder, then run a full sync.

    Example: pipeline demo
    """
    settings = load_settings(args.config)
    if not settings.demo:
        # The demo overwrites the response workbooks and syncs made-up rows into the state.
        raise ConfigError(
            "these are a province's settings, not the demo's: the demo would overwrite its response "
            "workbooks and sync made-up rows into its state",
            where=str(settings.path),
            fix=f"run the demo on its own settings: pipeline demo --config {DEMO_CONFIG}",
            thai=f"ไฟล์ตั้งค่านี้เป็นของจังหวัด ไม่ใช่ของข้อมูลตัวอย่าง ระบบจึงไม่เขียนข้อมูลตัวอย่างทับ — "
            f"ใช้ pipeline demo --config {DEMO_CONFIG}",
        )
    if settings.backend != "local":
        raise ConfigError(
            "the demo writes local workbooks, but these settings use the Google backend",
            where=str(settings.path),
            fix=f"run the demo with the bundled {DEMO_CONFIG} (backend: local)",
        )
    for path in write_demo(settings):
        print(f"demo responses written: {path}")
    summary = sync_from_config(args.config, now=parse_today(args.today, settings.timezone))
    print(one_line(summary))
    print(f"summary workbook: {summary.get('output')}")
    print(f"tabs: {', '.join(_tabs(summary))}")
    for doc in summary.get("documents", []):
        print(f"report for the department: {doc}")
    print(f"state database: {settings.state_db}")
    config = f"--config {args.config}"
    print(f"preview the reminders of a day: .venv/bin/pipeline remind {config} --dry-run --today 2024-06-18")
    print(f"export a table: .venv/bin/pipeline export scores {config} --format csv")
    return 0


def _tabs(summary: dict[str, Any]) -> list[str]:
    from openpyxl import load_workbook

    wb = load_workbook(summary["output"], read_only=True)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()
