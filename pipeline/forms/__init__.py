"""One module per report form: rows of a response sheet in, tables and issues out. Pure."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from pipeline.forms.base import FormContext, FormResult
from pipeline.models import Grid

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


def processor(form: str) -> Processor:
    module = import_module(f"pipeline.forms.{PROCESSORS[form]}")
    fn: Processor = module.process
    return fn


def order(form: str) -> int:
    names = list(PROCESSORS)
    return names.index(form) if form in names else len(names)
