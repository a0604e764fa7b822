"""pipeline remind: email the reminders, overdue notices and digest due today."""

from __future__ import annotations

import argparse
import json

from pipeline.commands._common import add_run_options, parse_today
from pipeline.errors import MailError
from pipeline.reminder_run import RemindReport, remind
from pipeline.settings_loader import load_settings

HELP = "email the reminders due today (before and after each cut-off) and the digest"


def arguments(p: argparse.ArgumentParser) -> None:
    add_run_options(
        p,
        dry_run="list what would be sent; send and record nothing",
        today="the day to remind for, YYYY-MM-DD (default: today in the settings' timezone)",
        json="print a machine-readable report",
    )


def main(args: argparse.Namespace) -> int:
    """Send the mail due on a day: a reminder to each district with reports still missing or rejected
    before a cut-off, an overdue notice after it, and a digest to the provincial officers. A message
    already sent to a recipient is never sent again; failed ones are retried on the next run. With
    --dry-run nothing is sent or recorded, on any date.

    Example: pipeline remind --dry-run --today 2023-11-17
    """
    settings = load_settings(args.config)
    now = parse_today(args.today, settings.timezone)
    report = remind(settings, now=now, dry_run=args.dry_run)
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
