"""pipeline export: print a published table for other tools."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import date, datetime
from typing import Any

from pipeline.cli import add_config_argument
from pipeline.errors import ConfigError
from pipeline.labels import SEVERITY_TH
from pipeline.models import Cell
from pipeline.settings_loader import load_settings
from pipeline.state import State

_SEVERITY_EN = {th: en for en, th in SEVERITY_TH.items()}

# A spreadsheet opening the CSV runs a cell starting with one of these as a formula
# (OWASP "CSV Injection"): such text gets a leading apostrophe, which shows it as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


HELP = "print a published table as CSV or JSON"


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("table", help="scores, districts, issues, runs, … (pipeline export --list)", nargs="?")
    p.add_argument("--list", action="store_true", help="list the tables that can be exported")
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    add_config_argument(p)


def _plain(key: str, value: Cell) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if key == "severity" and isinstance(value, str):
        return _SEVERITY_EN.get(value, value)
    return value


def csv_safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, made inert; numbers (-5 included) stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def main(args: argparse.Namespace) -> int:
    """Print a table of the last sync with stable English keys.

    Example: pipeline export scores --format csv > scores.csv
    """
    settings = load_settings(args.config)
    with State(settings.state_db) as state:
        names = state.published_names()
        if args.list or not args.table:
            print("\n".join(names))
            return 0
        table = state.published(args.table)
    if table is None:
        raise ConfigError(
            f"no published table named '{args.table}'",
            fix=f"run 'pipeline sync' first; tables: {', '.join(names) or '(none yet)'}",
        )
    records = [{k: _plain(k, v) for k, v in r.items()} for r in table.records()]
    if args.format == "json":
        json.dump(records, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        writer = csv.DictWriter(
            sys.stdout, fieldnames=[c.key for c in table.columns], lineterminator="\r\n"
        )  # RFC 4180; a CR inside a cell is then quoted
        writer.writeheader()
        writer.writerows({k: csv_safe(v) for k, v in r.items()} for r in records)
    return 0
