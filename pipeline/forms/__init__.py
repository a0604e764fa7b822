"""One module per report form: rows of a response sheet in, tables and issues out. Pure."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import import_module
from types import ModuleType

from pipeline.forms import declared
from pipeline.forms.base import FormContext, FormResult
from pipeline.models import Grid
from pipeline.schema import FormSchema

Processor = Callable[[FormContext, Grid], FormResult]

# schema `form:` name -> module under pipeline.forms with `process(ctx, grid)`, and the
# facts it GIVES and NEEDS (pipeline.forms.facts), from which the processing order follows.
PROCESSORS: dict[str, str] = {
    "tambon_assessment": "assessment",
    "committee_registry": "registry",
    "progress_assessment": "progress",
    "appointment_orders": "orders",
    "activity2": "activities",
    "activity3": "activities",
    "kpi32": "kpi32",
    "activity1": "workshop",
}


def check_schema(schema: FormSchema) -> None:
    """Parse the form's own rules in its schema (committee sizes, layout, criteria), its Thai messages
    and its tables, or raise ConfigError: a schema `check-config` accepts is one every run accepts.

    A form module reads its rules with `read_rules(schema)`, or has a flat `Rules` dataclass the
    engine types from the schema's `rules:`; `MESSAGES` lists the codes its schema must say.
    """
    module = _module(schema.name)
    if hasattr(module, "read_rules"):
        module.read_rules(schema)
    elif hasattr(module, "Rules"):
        declared.rules_of(module.Rules, schema)
    codes = getattr(module, "MESSAGES", None)
    if codes is not None:  # per form when a module serves several
        declared.check_messages(schema, codes[schema.name] if isinstance(codes, dict) else codes)
    declared.check_tables(schema)


def processor(form: str) -> Processor:
    fn: Processor = _module(form).process
    return fn


def _module(form: str) -> ModuleType:
    return import_module(f"pipeline.forms.{PROCESSORS[form]}")


@cache
def _processing_order() -> list[str]:
    """Every form after the forms whose facts it needs; otherwise as PROCESSORS lists them."""
    gives = {form: set(getattr(_module(form), "GIVES", ())) for form in PROCESSORS}
    needs = {form: set(getattr(_module(form), "NEEDS", ())) for form in PROCESSORS}
    out: list[str] = []
    while len(out) < len(PROCESSORS):
        ready = [
            f
            for f in PROCESSORS
            if f not in out and all(not (needs[f] & gives[g]) for g in PROCESSORS if g not in out and g != f)
        ]
        if not ready:
            raise RuntimeError(
                f"the forms need each other's facts in a circle: {sorted(set(PROCESSORS) - set(out))}"
            )
        out.append(ready[0])
    return out


def order(form: str) -> int:
    names = _processing_order()
    return names.index(form) if form in names else len(names)
