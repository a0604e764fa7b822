"""pipeline sync: read, validate, score and publish."""

from __future__ import annotations

import argparse
import json
from typing import Any

from pipeline.commands._common import add_run_options, parse_today
from pipeline.intake import CATEGORIES
from pipeline.run import sync_from_config
from pipeline.settings_loader import load_provinces

HELP = "read the responses, validate and score them, publish the summary tabs"


def arguments(p: argparse.ArgumentParser) -> None:
    add_run_options(
        p,
        dry_run="do everything but write the outputs and the state",
        today="the date the run sees, YYYY-MM-DD (default: now)",
        json="print a machine-readable summary",
    )


def main(args: argparse.Namespace) -> int:
    """Read every source, validate and score, and publish the summary tabs. Exit code 0 even when
    responses were rejected (they are listed in the issues tab); non-zero when the run itself failed.

    Example: pipeline sync --today 2023-11-25
    """
    group = load_provinces(args.config)
    now = parse_today(args.today, group.settings[0].timezone)
    summary = sync_from_config(args.config, now=now, dry_run=args.dry_run, group=group)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2, default=str))
    else:
        print(one_line(summary))
    return 3 if summary.get("status") == "partial" else 0


def one_line(s: dict[str, Any]) -> str:
    if "provinces" in s:
        counts = ", ".join(f"{n} {status}" for status, n in sorted(s["by_status"].items()))
        line = f"sync {s['status']}: {len(s['provinces'])} provinces ({counts}), {s['rows_read']} rows read"
        if s.get("rollup"):
            line += f"; roll-up {'published to' if s['rollup_changed'] else 'unchanged at'} {s['rollup']}"
        if s.get("failed_provinces"):
            line += f"; see the issues tab of: {', '.join(s['failed_provinces'])}"
        return line
    if s["status"] == "unchanged":
        return "sync: unchanged — no source changed since the last sync; nothing rewritten"
    what = (
        "would publish" if s.get("dry_run") else ("published" if s.get("changed") else "no change to publish")
    )
    line = (
        f"sync {s['status']}: {s.get('rows_read', 0)} rows read, {s.get('accepted', 0)} counted, "
        f"{s.get('rejected', 0)} rejected, {s.get('superseded', 0)} superseded; "
        f"{s.get('errors', 0)} errors and {s.get('warnings', 0)} warnings listed; {what} to {s.get('output', '?')}"
    )
    if s.get("failed_sources"):
        line += f"; could not read: {', '.join(s['failed_sources'])}"
    return "\n".join([line, *(accounting_line(k, a) for k, a in s.get("forms", {}).items())])


def accounting_line(form: str, a: dict[str, int]) -> str:
    """rows read = counted + rejected + superseded (+ named categories), for one form."""
    parts = [f"{a['accepted']} counted", f"{a['rejected']} rejected", f"{a['superseded']} superseded"]
    parts += [f"{a[k]} {label}" for k, label in CATEGORIES.items() if a.get(k)]
    line = f"  {form}: {a['rows']} read = " + " + ".join(parts)
    if a.get("unaccounted"):
        line += f" — {a['unaccounted']} ROWS IN NO CATEGORY (listed in the issues tab)"
    return line
