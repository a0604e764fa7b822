"""pipeline check-config: load and check the settings, calendar and schemas, nothing else."""

from __future__ import annotations

import argparse

from pipeline.calendar import load_calendar
from pipeline.cli import add_config_argument
from pipeline.schema import load_schema
from pipeline.settings_loader import load_provinces, load_settings

HELP = "check the settings, calendar and schemas without reading any form"


def arguments(p: argparse.ArgumentParser) -> None:
    add_config_argument(p)


def main(args: argparse.Namespace) -> int:
    """Load and check the settings file, its calendar and the schemas it names; every problem is listed
    with the file, the key and the fix.

    Example: pipeline check-config
    """
    group = load_provinces(args.config)
    if group.state_db is not None:  # several provinces: each was checked as its own settings
        print(f"settings OK: {group.path}")
        print(f"  {len(group.settings)} provinces, fiscal year {group.settings[0].fiscal_year}")
        for one in group.settings:
            sheets = ", ".join(sorted({src.spreadsheet or src.form_id for src in one.sources.values()}))
            print(
                f"  {one.province_code} {one.province_name}: reads {sheets}; writes {one.output_spreadsheet}"
            )
        print(f"  roll-up spreadsheet: {group.rollup or '(none: add output.rollup)'}")
        for note in dict.fromkeys(n for one in group.settings for n in one.notes):
            print(f"  note: {note}")
        return 0
    s = load_settings(args.config)
    cal = load_calendar(s.calendar)
    print(f"settings OK: {s.path}")
    print(
        f"  province {s.province_name} ({s.province_code}), fiscal year {s.fiscal_year}, backend {s.backend}"
    )
    for src in s.sources.values():
        schema = load_schema(src.schema)
        where = (
            f"form {src.form_id}"
            if src.form_id
            else f"spreadsheet {src.spreadsheet}, tab {src.tab or '(first)'}"
        )
        print(f"  source {src.key}: {schema.title} — {where}")
    print(f"  calendar {cal.path.name}: {len(cal.cutoffs)} cut-offs")
    for c in cal.cutoffs:
        print(f"    {c.due.isoformat()}  {c.id}: {c.title} ({c.units})")
    print(f"  output spreadsheet: {s.output_spreadsheet}")
    for note in s.notes:
        print(f"  note: {note}")
    return 0
