"""The outputs a sync leaves, and whether they are still as it left them.

Report documents are written beside the workbook and drawn again only when
their inputs changed; each output's marker (a file's size and time, a Google
spreadsheet's tabs) lets the next sync see a deleted or edited output cheaply.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.backends.base import Backend
from pipeline.errors import PipelineError
from pipeline.files import file_marker, write_bytes
from pipeline.fingerprints import DOCUMENT, digest
from pipeline.models import Document, Table
from pipeline.publish_checks import by_spreadsheet
from pipeline.settings import Settings
from pipeline.state import State, dumps


def save_documents(
    settings: Settings, documents: list[Document], state: State, config: str
) -> tuple[list[Path], dict[str, str]]:
    """Each document's file, and the digests of their inputs to remember. A document whose inputs
    (its key, the settings, the code) are those of the file already there, untouched since it was
    written, is not rendered again."""
    folder = reports_folder(settings)
    stored, markers = state.fingerprints(), state.output_markers()
    keys: dict[str, str] = {}
    out = []
    for doc in documents:
        path = folder / Path(doc.filename).name
        key = DOCUMENT + path.name
        keys[key] = digest(doc.key, config) if doc.key else ""
        kept = keys[key] and stored.get(key) == keys[key] and markers.get(f"file:{path}") == file_marker(path)
        if not kept:
            write_bytes(path, doc.data())  # atomic: a reader never opens half a PDF
        out.append(path)
    return out, {k: v for k, v in keys.items() if v}


def reports_folder(settings: Settings) -> Path:
    return settings.reports_dir or settings.data_dir / "reports"


def keep_runs(state: State, tables: list[Table]) -> list[Table]:
    # Nothing was rewritten: the state keeps the tables as they stand on the sheet.
    runs = state.published("runs")
    return [*tables, *([runs] if runs else [])]


def output_markers(
    settings: Settings, backend: Backend, tables: list[Table], documents: list[str]
) -> dict[str, str]:
    """What the outputs look like right after this run: the unchanged check compares against it."""
    out = {f"file:{d}": file_marker(Path(d)) for d in documents}
    if settings.backend == "local":
        from pipeline.backends.local import workbook_path

        for spreadsheet in by_spreadsheet(settings, tables):
            path = workbook_path(settings.data_dir, spreadsheet)
            out[f"file:{path}"] = file_marker(path)
    else:  # checked later through the store's tab_titles
        for spreadsheet, group in by_spreadsheet(settings, tables).items():
            out["tabs:" + spreadsheet] = dumps(sorted({t.title for t in group}))
    return out


def outputs_intact(settings: Settings, backend: Backend, state: State) -> bool:
    """Whether every output still holds what the state says was published, checked cheaply.

    A local file (workbook, report) must be as this pipeline left it (size and
    modification time); a Google spreadsheet must still have every tab published
    (one metadata request). Nothing recorded yet counts as not intact.
    """
    recorded = state.output_markers()
    if not recorded:
        return False
    here = {str(reports_folder(settings))}
    if settings.backend == "local":
        if "file:" + output_location(settings) not in recorded:
            return False  # written elsewhere (the folder was moved or copied): rebuild here
        here.add(str(Path(output_location(settings)).parent))
        if settings.members_spreadsheet:
            from pipeline.backends.local import workbook_path

            here.add(str(workbook_path(settings.data_dir, settings.members_spreadsheet).parent))
    for key, marker in recorded.items():
        kind, _, name = key.partition(":")
        if kind == "file" and (str(Path(name).parent) not in here or file_marker(Path(name)) != marker):
            return False
        if kind == "tabs":
            try:
                titles = backend.tab_titles(name)
            except PipelineError:
                return False
            if titles is not None and not set(json.loads(marker)) <= set(titles):
                return False
    return True


def output_location(settings: Settings) -> str:
    if settings.backend == "local":
        from pipeline.backends.local import workbook_path

        return str(workbook_path(settings.data_dir, settings.output_spreadsheet))
    return f"https://docs.google.com/spreadsheets/d/{settings.output_spreadsheet}"
