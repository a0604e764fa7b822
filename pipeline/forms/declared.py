"""A form declared in its schema: the flow such a form follows, its rules module holding the rest.

The schema (sheets_schema/<form>.yaml) holds the fields, the `rules:` the form's
Rules dataclass types, the Thai `messages:` and the published `tables:`; the
rules module (pipeline/forms/<module>.py) holds `check` for one row and `tables`
for the rows that count. docs/adding-a-form.md says how to write one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeVar, get_type_hints

from pipeline.calendar import Cutoff
from pipeline.errors import ConfigError
from pipeline.forms.base import (
    Document,
    FormContext,
    FormResult,
    IssueLog,
    SheetRow,
    form_cutoffs,
    read_timestamp,
    resolve_place,
    rows,
    th_num,
)
from pipeline.forms.engine import RowLog, about, period_of, status, supersede, tally, warn_late
from pipeline.models import Cell, Column, Grid, Row, Table
from pipeline.orgunits import Unit
from pipeline.schema import FormSchema

T = TypeVar("T")


@dataclass
class Entry:
    """A row read the usual way: its place, time and cut-off, and what the form's rules read from it."""

    row: SheetRow
    at: datetime | None
    district: Unit | None
    tambon: Unit | None
    cutoff: Cutoff | None
    ok: bool = True
    superseded_by: int = 0
    values: dict[str, Any] = field(default_factory=dict)  # set by the rules module
    flags: list[str] = field(default_factory=list)  # the circular's rules not met: short Thai words
    late: bool = False
    shown: Cell = None  # the cell the late warning shows; None: the time itself

    @property
    def unit(self) -> Unit | None:
        return self.tambon or self.district

    @property
    def key(self) -> tuple[str, str] | None:
        return (self.unit.code, self.cutoff.period) if self.unit and self.cutoff else None


class Rules(Protocol):
    """What is a form's own: how one entry is judged, and the tables made of those that count."""

    def check(self, ctx: FormContext, e: Entry, say: RowLog) -> None: ...

    def tables(self, ctx: FormContext, counted: list[Entry], cutoffs: list[Cutoff]) -> list[Table]: ...


class Form:
    """What is a form's own, as `evaluate` asks it; a rules module overrides what its form does its
    own way (a class with only `check` and `tables` will do: the others are called when present)."""

    def check(self, ctx: FormContext, e: Entry, say: RowLog) -> None:
        """One row: e.values for the tables, say.error / say.warning."""

    def recheck(self, ctx: FormContext, e: Entry, say: RowLog) -> None:
        """A report that counts, judged again against what the forms before it found."""

    def tables(self, ctx: FormContext, counted: list[Entry], cutoffs: list[Cutoff]) -> list[Table]:
        return []

    def documents(
        self, ctx: FormContext, log: IssueLog, counted: list[Entry], cutoffs: list[Cutoff]
    ) -> list[Document]:
        return []


def message(ctx: FormContext, code: str, **values: object) -> str:
    """The schema's Thai message for `code`, filled in (numbers in Thai digits)."""
    texts = (ctx.schema.extra or {}).get("messages") or {}
    filled = {
        k: th_num(v) if isinstance(v, int | float) and not isinstance(v, bool) else v
        for k, v in values.items()
    }
    return str(texts[code]).format(**filled)


def evaluate(ctx: FormContext, grid: Grid, rules: Rules) -> FormResult:
    """Read, judge, keep the latest per unit and cut-off, and tally: the whole of a declared form."""
    cutoffs = form_cutoffs(ctx, f"its due date with units: {ctx.schema.unit}s")
    cmap, data = rows(ctx, grid)
    log = IssueLog(ctx, cmap)
    entries: list[Entry] = []
    for row in data:
        district, tambon, ok = resolve_place(ctx, log, row, cmap, with_tambon=ctx.schema.unit == "tambon")
        at = read_timestamp(ctx, log, cmap, row, district=district, tambon=tambon)
        cutoff = period_of(ctx, at, cutoffs) if at else None
        e = Entry(row, at, district, tambon, cutoff, ok=ok and at is not None)
        rules.check(ctx, e, about(log, e))
        if e.cutoff is not None:
            e.late = warn_late(
                ctx, log, e, e.cutoff, e.cutoff.title, message(ctx, "late_counts"), value=e.shown
            )
        entries.append(e)
    supersede(log, entries, lambda e: e.key, lambda _, kept: message(ctx, "superseded", row=kept.row.number))
    counted = [e for e in entries if e.key is not None and not e.superseded_by]
    recheck, documents = getattr(rules, "recheck", None), getattr(rules, "documents", None)
    if recheck is not None:
        for e in counted:
            recheck(ctx, e, about(log, e))
    result = tally(ctx, len(data), entries, counted)
    result.statuses = [
        status(ctx, log, e, e.cutoff, e.unit, e.district.code if e.district else e.unit.code)
        for e in counted
        if e.unit and e.cutoff
    ]
    result.tables = rules.tables(ctx, counted, cutoffs)
    result.documents = documents(ctx, log, counted, cutoffs) if documents is not None else []
    result.issues = list(log)
    return result


def rules_of(cls: type[T], schema: FormSchema) -> T:
    """The schema's `rules:` as the form's own dataclass: every key known, every value of its type,
    or a ConfigError naming the schema file, the key and the fix (check-config runs this too)."""
    where = f"sheets_schema/{schema.name}.yaml: rules"
    raw = (schema.extra or {}).get("rules") or {}
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    hints = get_type_hints(cls)
    if not isinstance(raw, Mapping) or set(raw) - set(fields):
        unknown = ", ".join(sorted(set(raw) - set(fields))) if isinstance(raw, Mapping) else str(raw)
        raise ConfigError(f"unknown rules: {unknown}", where=where, fix=f"use only: {', '.join(fields)}")
    values: dict[str, Any] = {}
    for name in fields:
        if name not in raw:
            continue
        want, got = hints[name], raw[name]
        ok = (
            isinstance(got, want) and not isinstance(got, bool)
            if want in (int, float)
            else isinstance(got, want)
        )
        if want is float and isinstance(got, int) and not isinstance(got, bool):
            got, ok = float(got), True
        if not ok:
            raise ConfigError(
                f"rule '{name}' is {got!r}, not a {want.__name__}",
                where=f"{where}.{name}",
                fix=f"write a {want.__name__}, e.g. {fields[name].default!r}",
            )
        values[name] = got
    return cls(**values)


def check_messages(schema: FormSchema, codes: Sequence[str]) -> None:
    """Every message the form's module says is in its schema, or a ConfigError listing the missing."""
    texts = (schema.extra or {}).get("messages") or {}
    missing = [c for c in (*codes, "late_counts", "superseded") if c not in texts]
    if missing:
        raise ConfigError(
            f"the schema has no Thai message for: {', '.join(missing)}",
            where=f"sheets_schema/{schema.name}.yaml: messages",
            fix="add them under messages: as code: ข้อความ, with {names} for the figures",
        )


KINDS = ("text", "int", "float", "date", "datetime", "level", "user")


def columns(schema: FormSchema, name: str) -> tuple[str, list[Column]]:
    """The title and columns of a published table, as the schema's `tables:` declares them:
    `name: {title: …, columns: [[key, หัวคอลัมน์, width, kind], …]}` (width and kind optional)."""
    where = f"sheets_schema/{schema.name}.yaml: tables.{name}"
    spec = ((schema.extra or {}).get("tables") or {}).get(name)
    fix = "declare it as {title: ชื่อแท็บ, columns: [[key, หัวคอลัมน์, 12, int], …]}"
    if not isinstance(spec, Mapping) or not isinstance(spec.get("columns"), list):
        raise ConfigError(f"the schema declares no table '{name}'", where=where, fix=fix)
    out: list[Column] = []
    for i, col in enumerate(spec["columns"]):
        ok = isinstance(col, list) and 2 <= len(col) <= 4 and (len(col) < 4 or col[3] in KINDS)
        if not ok or (len(col) > 2 and not isinstance(col[2], int)):
            raise ConfigError(f"column {i + 1} is {col!r}", where=f"{where}.columns", fix=fix)
        out.append(Column(str(col[0]), str(col[1]), *col[2:]))
    return str(spec.get("title", name)), out


def table(
    schema: FormSchema, name: str, rows: list[Row], extra: Sequence[Column] = (), at: int | None = None
) -> Table:
    """A published table with the columns its schema declares, and `extra` (made per province or
    from the form's rules) after the first `at` of them (default: at the end)."""
    title, cols = columns(schema, name)
    at = len(cols) if at is None else at
    return Table(name=name, title=title, columns=[*cols[:at], *extra, *cols[at:]], rows=rows)


def check_tables(schema: FormSchema) -> None:
    for name in (schema.extra or {}).get("tables") or {}:
        columns(schema, name)
