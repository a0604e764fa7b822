"""pipeline remind: email the reminders, overdue notices and digest due today."""

from __future__ import annotations

import argparse
import json
from typing import Any

from pipeline.cli import add_config_argument
from pipeline.commands._common import parse_today
from pipeline.errors import MailError
from pipeline.reminder_run import RemindReport, remind
from pipeline.settings_loader import load_settings


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "remind",
        help="email the reminders due today (before and after each cut-off) and the digest",
        description="Send the mail due on a day: a reminder to each district with reports still missing "
        "or rejected before a cut-off, an overdue notice after it, and a digest to the provincial officers. "
        "A message already sent to a recipient is never sent again; failed ones are retried on the next run. "
        "With --dry-run nothing is sent or recorded, on any date. "
        "Example: pipeline remind --dry-run --today 2023-11-17",
    )
    add_config_argument(p)
    p.add_argument("--dry-run", action="store_true", help="list what would be sent; send and record nothing")
    p.add_argument(
        "--today", help="the day to remind for, YYYY-MM-DD (default: today in the settings' timezone)"
    )
    p.add_argument("--json", action="store_true", help="print a machine-readable report")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    now = parse_today(args.today, settings.timezone)
    report = remind(settings, today=now.date(), now=now, dry_run=args.dry_run)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        if args.dry_run:
            for line in listing(report):
                print(line)
        print(report.one_line())
    return MailError.exit_code if report.failed else 0


def listing(report: RemindReport) -> list[str]:
    """One line per message that would go: key, recipients, subject."""
    groups: dict[tuple[str, str, str], list[str]] = {}
    subjects: dict[tuple[str, str, str], str] = {}
    for d in report.deliveries:
        if d.status == "dry-run":
            groups.setdefault(d.key, []).append(d.recipient)
            subjects[d.key] = d.subject
    return [f"{' '.join(key)} -> {', '.join(to)}: {subjects[key]}" for key, to in groups.items()]
