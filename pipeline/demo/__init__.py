"""A deterministic, realistic demo province, generated rather than committed.

`pipeline demo` writes one response workbook per form into the data folder of
the settings, with the mistakes district staff really make, then runs a sync.
Each form has a generator module here with `generate(settings, rng) -> Workbook rows`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from openpyxl import Workbook

from pipeline.backends.local import LocalBackend, _atomic_save
from pipeline.models import Grid
from pipeline.settings import Settings

# source key -> module under pipeline.demo with generate(settings, rng) -> Grid;
# "module:function" when one module generates several sources.
GENERATORS: dict[str, str] = {
    "tambon_assessment": "assessment",
    "committee_registry": "registry",
    "progress_assessment": "progress",
    "appointment_orders": "orders",
    "activity2": "activities:generate_activity2",
    "activity3": "activities:generate_activity3",
    "kpi32": "kpi32",
}

SEED = 2567


def generator(source: str) -> Callable[[Settings, random.Random], Grid]:
    module, _, name = GENERATORS[source].partition(":")
    fn: Callable[[Settings, random.Random], Grid] = getattr(
        import_module(f"pipeline.demo.{module}"), name or "generate"
    )
    return fn


def write_demo(settings: Settings) -> list[Path]:
    """Generate every configured source that has a generator; returns the files written."""
    backend = LocalBackend(settings.data_dir)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    by_sheet: dict[str, list[tuple[str, Grid]]] = {}
    for key, src in settings.sources.items():
        if key not in GENERATORS or not src.spreadsheet:
            continue
        # One generator, one seed: the same demo on every machine and every run.
        grid = generator(key)(settings, random.Random(f"{SEED}:{key}"))
        by_sheet.setdefault(src.spreadsheet, []).append((src.tab or "Form Responses 1", grid))
    written = []
    for sheet, tabs in by_sheet.items():
        wb = Workbook()
        assert wb.active is not None
        wb.remove(wb.active)
        for title, grid in tabs:
            ws = wb.create_sheet(title)
            for row in grid:
                ws.append(row)
                for cell in ws[ws.max_row]:
                    if isinstance(cell.value, str) and cell.value.startswith("="):
                        cell.data_type = "s"  # a respondent's "=..." is text, as Google exports it
        path = backend.path(sheet)
        _atomic_save(wb, path)
        written.append(path)
    return written
