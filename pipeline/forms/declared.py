"""A form declared in its schema: the flow such a form follows, its rules module holding the rest.

The schema (sheets_schema/<form>.yaml) holds the fields, the `rules:` the form's
Rules dataclass types, the Thai `messages:` and the published `tables:`; the
rules module (pipeline/forms/<module>.py) holds a `Form` with `check` for one row
and `tables` for the rows that count, and overrides what else its form does its
own way. docs/adding-a-form.md says how to write one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import MISSING
from datetime import datetime
from types import UnionType
from typing import Any, ClassVar, TypeVar, get_args, get_origin, get_type_hints

from pipeline.calendar import Cutoff
from pipeline.columns import ColumnMap
from pipeline.errors import ConfigError
from pipeline.forms.base import (
    FormContext,
    FormResult,
    IssueLog,
    SheetRow,
    checked_timestamp,
    resolve_place,
    rows,
)
from pipeline.forms.engine import Entry as Entry  # the row every hook is given: a form's API
from pipeline.forms.engine import (
    RowLog,
    about,
    days_late,
    late_message,
    latest,
    messages_of,
    period_of,
    status,
)
from pipeline.forms.engine import message as message  # the schema's words: a form's API
from pipeline.models import Column, Document, Grid, Row, Table, UnitStatus
from pipeline.schema import FormSchema

T = TypeVar("T")


class Form:
    """What is a form's own, as `evaluate` asks it; a rules module overrides what its form does
    its own way (every default is what most forms do)."""

    undated: ClassVar[bool] = False  # a row without a time takes part in superseding, as the oldest
    other_provinces: ClassVar[bool] = False  # another province's row (a national sheet): said once, not read

    def keep(self, ctx: FormContext, cmap: ColumnMap, row: SheetRow) -> bool:
        """Whether a non-empty row is a report at all (not a blank line of the sheet's template)."""
        return True

    def begin(self, ctx: FormContext, log: IssueLog) -> None:
        """What is said once per sheet, before its rows."""

    def read(self, ctx: FormContext, log: IssueLog, row: SheetRow) -> Entry:
        """A row's place and who reports it: the schema's unit (a district or a tambon), resolved."""
        level = ctx.schema.unit
        district, tambon, ok = resolve_place(ctx, log, row, with_tambon=level == "tambon")
        return Entry(row, None, district, tambon, None, ok=ok, level=level)

    def when(self, ctx: FormContext, e: Entry, say: RowLog) -> datetime | None:
        """When the row was sent: the form's timestamp; an unreadable one is said, and keeps the row
        from counting."""
        raw = say.cell("timestamp")
        at, problem = checked_timestamp(ctx, raw)
        if at is None:
            say.error("bad_timestamp", problem, "timestamp")
        return at

    def check(self, ctx: FormContext, e: Entry, say: RowLog) -> None:
        """One row: e.values for the tables, say.error / say.warning; may set e.cutoff (a typed round)."""

    def settle(self, ctx: FormContext, entries: list[Entry], cutoffs: list[Cutoff]) -> None:
        """Once every row is read, before the late warnings (a report sent early for the next period)."""

    def group(self, ctx: FormContext, log: IssueLog, entries: list[Entry]) -> bool:
        """True when a report is several rows (the registry: one row per member) and the form itself
        groups them, marks the rows superseded and warns of a late report; else the latest row per
        unit and cut-off counts (or per part, `parts`)."""
        return False

    def about(self, ctx: FormContext, e: Entry) -> dict[str, object]:
        """The names the schema's `due` and `superseded` messages may use besides {title} and {row}."""
        return {}

    def parts(self, ctx: FormContext, e: Entry) -> Mapping[str, str] | None:
        """None: the row is one report, superseded whole. Else the parts it brings (the orders'
        documents: part key, the field its issue names -> {part} of the `superseded` message), each
        superseded alone by a later row of the unit bringing it; the row keeps its other issues,
        counts while any part does and is warned late only then."""
        return None

    def counts(self, ctx: FormContext, e: Entry) -> bool:
        """Whether the latest report of a unit counts (the unit is one that reports this form)."""
        return True

    def recheck(self, ctx: FormContext, e: Entry, say: RowLog) -> None:
        """A report that counts, judged again against what the forms before it found."""

    def finish(self, ctx: FormContext, log: IssueLog, entries: list[Entry], cutoffs: list[Cutoff]) -> None:
        """Once the reports that count are judged (`entries`: every row read, in sheet order; those that
        count are not superseded and, for a form in parts, keep one): what is said of the whole sheet."""

    def statuses(
        self, ctx: FormContext, log: IssueLog, counted: list[Entry], cutoffs: list[Cutoff]
    ) -> list[UnitStatus]:
        """Where each unit stands: by default, from its one report that counts."""
        out: list[UnitStatus] = []
        for e in counted:
            if e.unit and e.cutoff:
                said = [i.message for i in log.errors_for(e.row.number)]
                code = (e.district or e.unit).code
                out.append(status(ctx, e.cutoff, e.unit, code, e.at, said, rejected=not e.ok))
        return out

    def tables(self, ctx: FormContext, counted: list[Entry], cutoffs: list[Cutoff]) -> list[Table]:
        return []

    def facts(self, ctx: FormContext, entries: list[Entry], counted: list[Entry]) -> list[Any]:
        return []

    def documents(
        self, ctx: FormContext, log: IssueLog, counted: list[Entry], cutoffs: list[Cutoff]
    ) -> list[Document]:
        return []


def evaluate(ctx: FormContext, grid: Grid, form: Form) -> FormResult:
    """Read, judge, keep the latest per unit and cut-off, and tally: the whole of a declared form.
    Its cut-offs, earliest first, are as many as the schema's `calendar:` says (the settings do not
    load without them)."""
    cutoffs = ctx.calendar.for_form(ctx.source.key)
    cmap, data = rows(ctx, grid)
    data = [r for r in data if form.keep(ctx, cmap, r)]
    log = IssueLog(ctx, cmap)
    if data:
        form.begin(ctx, log)
    entries = [_read(ctx, log, row, cutoffs, form) for row in data]
    form.settle(ctx, entries, cutoffs)
    parts = {id(e): p for e in entries if (p := form.parts(ctx, e)) is not None}
    if parts:
        _supersede_parts(ctx, log, entries, parts, form)
    elif not form.group(ctx, log, entries):
        _warn_late(ctx, log, entries, form)
        _supersede(ctx, log, entries, form)
    counted = [
        e
        for e in entries
        if e.key is not None and not e.superseded_by and (e.kept or not parts) and form.counts(ctx, e)
    ]
    for e in counted:
        form.recheck(ctx, e, about(log, e))
    if parts:
        _warn_late(ctx, log, counted, form)
    form.finish(ctx, log, entries, cutoffs)
    return FormResult(
        form=ctx.source.key,
        rows_read=len(data),
        accepted=sum(1 for e in counted if e.ok),
        rejected=sum(1 for e in entries if not e.ok and not e.superseded_by),
        superseded=sum(1 for e in entries if e.superseded_by),
        statuses=form.statuses(ctx, log, counted, cutoffs),
        tables=form.tables(ctx, counted, cutoffs),
        facts=form.facts(ctx, entries, counted),
        documents=form.documents(ctx, log, counted, cutoffs),
        issues=list(log),  # the last: documents may say their PDF could not be made
    )


def _warn_late(ctx: FormContext, log: IssueLog, entries: list[Entry], form: Form) -> None:
    """A warning on each report that counts but came after its cut-off (then `e.late`); it shows the
    cell as typed, `e.shown`, when the form set it (a typed date rather than the form's stamp)."""
    has_due = "due" in messages_of(ctx.schema)
    for e in entries:
        if not e.ok or e.at is None or e.cutoff is None or not days_late(ctx, e.at, e.cutoff):
            continue
        due = message(ctx, "due", title=e.cutoff.title, **form.about(ctx, e)) if has_due else e.cutoff.title
        said = late_message(ctx, e.at, e.cutoff, due)
        shown = e.at.replace(tzinfo=None) if e.shown is None else e.shown
        about(log, e).warning("late", said, "timestamp", shown)
        e.late = True


def _supersede(ctx: FormContext, log: IssueLog, entries: list[Entry], form: Form) -> None:
    """Keep the latest report per unit and cut-off; an earlier one is marked superseded, its other
    issues dropped (its mistakes no longer matter) and a warning says so."""
    winners = latest(entries, undated=form.undated)
    for e in entries:
        winner = winners.get(e.key) if e.key is not None else None
        if winner is None or winner is e or (e.at is None and not form.undated):
            continue
        e.superseded_by = winner.row.number
        log.keep_only(e.row.number, "superseded")
        said = message(ctx, "superseded", row=winner.row.number, **form.about(ctx, e))
        about(log, e).warning("superseded", said)


def _supersede_parts(
    ctx: FormContext, log: IssueLog, entries: list[Entry], parts: dict[int, Mapping[str, str]], form: Form
) -> None:
    """Each part of a unit's report for a cut-off: the latest row bringing it counts; an earlier
    one is warned, keeps its other issues, and is superseded once none of its parts counts."""
    names = dict.fromkeys(p for e in entries for p in parts.get(id(e), {}))
    winners = {p: latest(e for e in entries if p in parts.get(id(e), {})) for p in names}
    for e in entries:
        by = 0
        for p, label in parts.get(id(e), {}).items():
            winner = winners[p].get(e.key) if e.key is not None else None
            if winner is e:
                e.kept.append(p)
            elif winner is not None:
                said = message(ctx, "superseded", row=winner.row.number, part=label, **form.about(ctx, e))
                about(log, e).warning("superseded", said, p, None)
                by = winner.row.number
        e.superseded_by = 0 if e.kept else by


def _read(ctx: FormContext, log: IssueLog, row: SheetRow, cutoffs: list[Cutoff], form: Form) -> Entry:
    e = form.read(ctx, log, row)
    last = log.items[-1] if log.items else None
    if form.other_provinces and last and last.row == row.number and last.code == "outside_province":
        e.ok, e.district, e.tambon = False, None, None  # its one issue says so; its answers are not ours
        return e
    say = about(log, e)
    e.at = form.when(ctx, e, say)
    e.cutoff = period_of(ctx, e.at, cutoffs) if e.at else None
    form.check(ctx, e, say)
    e.ok = e.ok and e.cutoff is not None
    return e


def rules_of(cls: type[T], schema: FormSchema) -> T:
    """The schema's `rules:` as the form's own dataclass: every key known, every value of its type
    (a list for a tuple, a whole number for a float, a mapping for a dataclass), whatever its
    __post_init__ refuses said, or a ConfigError naming the schema file, the key and the fix
    (check-config runs this too)."""
    where = f"sheets_schema/{schema.name}.yaml: rules"
    raw = (schema.extra or {}).get("rules") or {}
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    hints = get_type_hints(cls)
    if not isinstance(raw, Mapping) or set(raw) - set(fields):
        unknown = ", ".join(sorted(set(raw) - set(fields))) if isinstance(raw, Mapping) else str(raw)
        raise ConfigError(f"unknown rules: {unknown}", where=where, fix=f"use only: {', '.join(fields)}")
    missing = [n for n, f in fields.items() if n not in raw and f.default is f.default_factory is MISSING]
    if missing:
        raise ConfigError(
            f"missing rules: {', '.join(missing)}", where=where, fix=f"add {', '.join(missing)} under rules:"
        )
    values: dict[str, Any] = {}
    for name in (n for n in fields if n in raw):
        want, got = hints[name], raw[name]
        try:
            values[name] = _typed(want, got)
        except TypeError:
            raise ConfigError(
                f"rule '{name}' is {got!r}, not a {_named(want)}",
                where=f"{where}.{name}",
                fix=f"write a {_named(want)}, e.g. {_example(want, fields[name].default)}",
            ) from None
        except ValueError as exc:  # a nested dataclass's __post_init__
            raise ConfigError(f"rule '{name}' cannot be read: {exc}", where=f"{where}.{name}") from exc
    try:
        return cls(**values)
    except ValueError as exc:
        raise ConfigError(f"the rules cannot be read: {exc}", where=where) from exc


def _example(want: Any, default: Any) -> str:
    if dataclasses.is_dataclass(want):  # a mapping of its fields
        return "{" + ", ".join(f"{f.name}: …" for f in dataclasses.fields(want)) + "}"
    return repr(list(default) if isinstance(default, tuple) else default)


def _named(want: Any) -> str:
    """A rule's type as the schema's author writes it: "int", "list of str", "float (or blank)"."""
    args = [a for a in get_args(want) if a is not type(None)]
    if get_origin(want) is tuple:
        return f"list of {_named(args[0])}"
    if isinstance(want, UnionType) and len(args) == 1:
        return f"{_named(args[0])} (or blank)"
    return str(getattr(want, "__name__", want))


def _typed(want: Any, got: Any) -> Any:
    """`got` as a value of the type `want`, or TypeError."""
    args = [a for a in get_args(want) if a is not type(None)]
    if isinstance(want, UnionType) and len(args) == 1:  # X | None
        return None if got is None else _typed(args[0], got)
    if get_origin(want) is tuple and isinstance(got, list | tuple):
        return tuple(_typed(args[0], g) for g in got)
    if dataclasses.is_dataclass(want) and isinstance(want, type) and isinstance(got, Mapping):
        hints = get_type_hints(want)
        if set(got) - set(hints):
            raise TypeError(want)
        return want(**{k: _typed(hints[k], v) for k, v in got.items()})  # a field missing: TypeError
    if isinstance(got, bool) and want is not bool:
        raise TypeError(want)
    if want is float and isinstance(got, int):
        return float(got)
    if isinstance(want, type) and isinstance(got, want):
        return got
    raise TypeError(want)


def check_messages(schema: FormSchema, codes: str) -> None:
    """Every message the form's module says (`codes`, separated by spaces) is in its schema, or a
    ConfigError listing the missing."""
    texts = messages_of(schema)
    missing = [c for c in (*codes.split(), "late_counts", "superseded") if c not in texts]
    for f in schema.fields:  # what `engine.read` says of a field, as its kind and `blank:` ask
        said = [f"date_{f.key}", f"bad_{f.key} bad_date", "future_date"] if f.kind == "date" else []
        said += [f"bad_{f.key} bad_{f.kind}"] if f.kind in ("count", "baht", "yes_no") else []
        said += [f"missing_{f.key} missing_{f.kind}"] if f.blank == "missing" else []
        missing += [
            c.split()[0] for c in said if not set(c.split()) & set(texts) and c.split()[0] not in missing
        ]
    if missing:
        raise ConfigError(
            f"the schema has no Thai message for: {', '.join(missing)}",
            where=f"sheets_schema/{schema.name}.yaml: messages",
            fix="add them under messages: as code: ข้อความ, with {names} for the figures",
        )


KINDS = ("text", "int", "float", "date", "datetime", "level", "user")


def columns(schema: FormSchema, name: str) -> tuple[str, list[Column]]:
    """The title and columns of a published table, as the schema's `tables:` declares them:
    `name: {title: …, columns: [[key, หัวคอลัมน์, width, kind], …]}` (width and kind optional;
    "*" for where the columns the form makes go)."""
    where = f"sheets_schema/{schema.name}.yaml: tables.{name}"
    spec = ((schema.extra or {}).get("tables") or {}).get(name)
    fix = "declare it as {title: ชื่อแท็บ, columns: [[key, หัวคอลัมน์, 12, int], …]}"
    if not isinstance(spec, Mapping) or not isinstance(spec.get("columns"), list):
        raise ConfigError(f"the schema declares no table '{name}'", where=where, fix=fix)
    out: list[Column] = []
    for i, col in enumerate(spec["columns"]):
        if col == "*":  # where the columns made per province or per form go
            out.append(Column("*", "*"))
            continue
        ok = isinstance(col, list) and 2 <= len(col) <= 4 and (len(col) < 4 or col[3] in KINDS)
        if not ok or (len(col) > 2 and not isinstance(col[2], int)):
            raise ConfigError(f"column {i + 1} is {col!r}", where=f"{where}.columns", fix=fix)
        out.append(Column(str(col[0]), str(col[1]), *col[2:]))
    return str(spec.get("title", name)), out


def table(schema: FormSchema, name: str, rows: list[Row], extra: Sequence[Column] = ()) -> Table:
    """A published table with the columns its schema declares, and `extra` (made per province or
    from the schema) where it writes "*", else after them."""
    title, cols = columns(schema, name)
    at = next((i for i, c in enumerate(cols) if c.key == "*"), len(cols))
    return Table(name=name, title=title, columns=[*cols[:at], *extra, *cols[at + 1 :]], rows=rows)


def check_tables(schema: FormSchema) -> None:
    for name in (schema.extra or {}).get("tables") or {}:
        columns(schema, name)
