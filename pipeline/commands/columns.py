"""pipeline columns SOURCE: which column of the sheet each field of the form was read from."""

from __future__ import annotations

import argparse
import json

from pipeline.backends import open_backend
from pipeline.cli import add_config_argument
from pipeline.columns import Plan, plan
from pipeline.columns import column_letter as letter
from pipeline.errors import ConfigError
from pipeline.models import Grid
from pipeline.run import read_form
from pipeline.schema import FormSchema, load_schema
from pipeline.settings import Settings, SourceSettings
from pipeline.settings_loader import load_settings

HELP = "show which sheet column each field of a source was matched to"


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("source", help="the source's key under sources: in the settings, e.g. kpi32")
    add_config_argument(p)


def main(args: argparse.Namespace) -> int:
    """Read a source's header row and print, for every field of its form, the column it was matched to and
    how (explicit map, number, title, parts, similar title with its score), the columns left over, and for
    the fields not placed a ready-to-paste 'columns:' map with the best candidates. Exits 3 when a
    required field has no column.

    Example: pipeline columns kpi32
    """
    settings = load_settings(args.config)
    src = settings.sources.get(args.source)
    if src is None:
        raise ConfigError(
            f"no source named '{args.source}'",
            where=f"{settings.path}: sources",
            fix=f"use one of: {', '.join(settings.sources)}",
        )
    schema = load_schema(src.schema)
    grid = _read(settings, src)
    where = f"{settings.path}: sources.{src.key}.columns"
    found = plan(grid[0] if grid else [], schema, src.columns, where=where)
    print("\n".join(report(src, schema, found)))
    return 3 if found.missing else 0


def _read(settings: Settings, src: SourceSettings) -> Grid:
    backend = open_backend(settings)
    try:
        if src.form_id:
            return read_form(settings, backend, src)
        return list(backend.read(src.spreadsheet, [src.tab])[src.tab])
    finally:
        backend.close()


def _title(schema: FormSchema, key: str) -> str:
    for f in schema.fields:
        if f.key == key:
            return f.titles[0]
    return next((f"ตัวชี้วัดที่ {i.no} {i.title}" for i in schema.indicators if i.key == key), key)


def report(src: SourceSettings, schema: FormSchema, found: Plan) -> list[str]:
    headers = found.cmap.headers
    where = (
        f"form {src.form_id}" if src.form_id else f"spreadsheet {src.spreadsheet}, tab {src.tab or '(first)'}"
    )
    lines = [
        f"source {src.key} ({schema.title}) — {where}: {sum(1 for h in headers if h.strip())} columns",
        "",
    ]
    keys = [f.key for f in schema.fields] + [i.key for i in schema.indicators]
    width = max((len(k) for k in keys), default=10)
    for key in keys:
        m = found.cmap.how(key)
        if m is None:
            state = "NOT FOUND (required)" if key in found.missing else "not found (optional)"
            lines.append(f"  {key:<{width}}  {state}: {_title(schema, key)}")
            continue
        how = f"similar title, score {m.score:.2f}" if m.how == "similar" else m.how
        lines.append(f"  {key:<{width}}  [{letter(m.pos)}] {headers[m.pos]}  ({how})")
    leftover = found.leftover
    lines.append("")
    lines.append(
        "columns left over: " + (", ".join(f"[{letter(p)}] {headers[p]}" for p in leftover) or "none")
    )
    todo = [*found.missing, *found.unplaced]
    if not todo:
        return lines
    lines += [
        "",
        "# Paste under the source in the settings; check each column against the sheet.",
        "# Optional fields are commented out: remove the '#' to map them.",
        "sources:",
        f"  {src.key}:",
        "    columns:",
    ]
    for key, title in src.columns.items():
        lines.append(f"      {key}: {json.dumps(title, ensure_ascii=False)}")
    for key in todo:
        cands = found.candidates.get(key, ())
        hash_ = "" if key in found.missing else "# "
        if cands:
            best = json.dumps(headers[cands[0][0]], ensure_ascii=False)
            others = "; ".join(f"[{letter(p)}] {headers[p]} ({s:.2f})" for p, s in cands)
            lines.append(f"      {hash_}{key}: {best}   # {_title(schema, key)} — candidates: {others}")
        else:
            lines.append(f'      {hash_}{key}: ""   # {_title(schema, key)} — no similar column on the sheet')
    return lines
