"""One module per report form: rows of a response sheet in, tables and issues out. Pure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from pipeline.forms.base import FormContext, FormResult
from pipeline.models import Grid
from pipeline.schema import FormSchema

Processor = Callable[[FormContext, Grid], FormResult]

# schema `form:` name -> module under pipeline.forms with `process(ctx, grid)`.
# Listed in processing order: later forms cross-check earlier ones.
PROCESSORS: dict[str, str] = {
    "tambon_assessment": "assessment",
    "committee_registry": "registry",
    "progress_assessment": "progress",
    "appointment_orders": "orders",
    "activity2": "activities",
    "activity3": "activities",
    "kpi32": "kpi32",
}


@dataclass(frozen=True)
class Needs:
    """What a form needs from the calendar, checked when the settings are loaded."""

    units: str  # the `units:` of its cut-offs: who reports it
    cutoffs: str  # "one": a single cut-off; "rounds": numbered rounds (round: 1, 2); "some": one or more


NEEDS: dict[str, Needs] = {
    "tambon_assessment": Needs("tambons", "rounds"),
    "committee_registry": Needs("districts", "some"),
    "progress_assessment": Needs("districts", "some"),
    "appointment_orders": Needs("districts", "one"),
    "activity2": Needs("tambons", "one"),
    "activity3": Needs("strong_tambons", "one"),
    "kpi32": Needs("model_laos", "some"),
}


def check_schema(schema: FormSchema) -> None:
    """Parse the form's own rules in its schema (committee sizes, layout, criteria) or raise ConfigError.

    The form modules parse these again on every run; parsing them here too means
    a schema `check-config` accepts is one every run accepts.
    """
    where = f"sheets_schema/{schema.name}.yaml"
    module = import_module(f"pipeline.forms.{PROCESSORS[schema.name]}")
    if schema.name == "committee_registry":
        module.Rules.from_schema(schema)
    elif schema.name == "progress_assessment":
        module.Layout.from_schema(schema)
    elif schema.name == "appointment_orders":
        module.documents_of(schema)
    elif schema.name in ("activity2", "activity3"):
        module.Rules.of(schema.extra, f"{where}: rules")
    elif schema.name == "kpi32":
        module.Criteria.of(schema.extra, where)


def processor(form: str) -> Processor:
    module = import_module(f"pipeline.forms.{PROCESSORS[form]}")
    fn: Processor = module.process
    return fn


def order(form: str) -> int:
    names = list(PROCESSORS)
    return names.index(form) if form in names else len(names)
