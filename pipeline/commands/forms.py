"""pipeline forms build | check | template: a source's form made from its schema, and checked against it."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.cli import add_config_argument
from pipeline.errors import ConfigError, PipelineError

# Imported when a forms command runs, not when `pipeline --help` lists it.
if TYPE_CHECKING:
    from pipeline.backends.forms_editor import FormsEditor
    from pipeline.calendar import Calendar
    from pipeline.formdesign.design import FormDesign
    from pipeline.orgunits import OrgUnits
    from pipeline.settings import Settings

EDIT_LINK = "https://docs.google.com/forms/d/{}/edit"


HELP = "build a source's Google Form from its schema, check a form for drift, or write an entry workbook"


def arguments(p: argparse.ArgumentParser) -> None:
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    build = actions.add_parser(
        "build",
        help="create the Google Form (needs the forms.body and drive.file scopes), publish it, "
        "print its links and the sources: block to paste",
    )
    build.add_argument(
        "form",
        nargs="+",
        help="the source's key under sources: in the settings, e.g. tambon_assessment; "
        "several build a fiscal year's forms in one run",
    )
    build.add_argument("--dry-run", action="store_true", help="print the Forms API requests; send nothing")
    build.add_argument(
        "--editor",
        action="append",
        default=[],
        metavar="EMAIL",
        help="make this Google account an editor of the new form (repeatable); needed to open the edit "
        "link when the credentials are a service account",
    )
    check = actions.add_parser(
        "check", help="read a form (forms.get) and list what no longer matches its schema; exit 2 if anything"
    )
    check.add_argument("form", help="the source's key under sources: in the settings")
    check.add_argument("--form-id", help="the form to check (default: the source's form_id)")
    template = actions.add_parser(
        "template", help="write an .xlsx entry workbook with the same questions and drop-down lists"
    )
    template.add_argument("form", help="the source's key under sources: in the settings")
    template.add_argument("--output", type=Path, help="where to write it (default: <form>-entry.xlsx)")
    for action in (build, check, template):
        add_config_argument(action)


def main(args: argparse.Namespace) -> int:
    """Forms made from sheets_schema/, the province's districts and tambons and the calendar, so a
    district can only pick what the circular allows (docs/forms.md).

    Example: pipeline forms build tambon_assessment --editor cdd.phayao@gmail.com; pipeline forms check tambon_assessment; pipeline forms template tambon_assessment --output entry.xlsx
    """
    from pipeline.settings_loader import load_settings

    settings = load_settings(args.config)
    if args.action == "build":
        designs = [design_for(settings, key) for key in dict.fromkeys(args.form)]
        return _build(settings, designs, dry_run=args.dry_run, editors=args.editor)
    design = design_for(settings, args.form)
    if args.action == "check":
        return _check(settings, design, args.form_id)
    return _template(settings, design, args.output)


def _province(settings: Settings) -> tuple[OrgUnits, Calendar]:
    from pipeline.calendar import load_calendar
    from pipeline.orgunits import OrgUnits

    return OrgUnits.for_province(settings.province_code), load_calendar(settings.calendar)


def design_for(settings: Settings, key: str) -> FormDesign:
    from pipeline.formdesign.design import design_form
    from pipeline.schema import load_schema

    source = settings.sources.get(key)
    if source is None:
        raise ConfigError(
            f"no source named '{key}'",
            where=f"{settings.path}: sources",
            fix=f"use one of: {', '.join(settings.sources)}",
        )
    org, calendar = _province(settings)
    return design_form(key, load_schema(source.schema), org, calendar, settings)


def _build(settings: Settings, designs: list[FormDesign], *, dry_run: bool, editors: list[str]) -> int:
    if dry_run:
        from pipeline.formdesign.api import create_body, item_requests, publish_body

        for design in designs:
            plan = {
                "create": create_body(design),
                "batchUpdate": item_requests(design),
                "publish": publish_body(),
            }
            print(json.dumps(plan, ensure_ascii=False, indent=2))
            _print_manual(design)
        return 0
    from pipeline.backends.forms_editor import forms_editor
    from pipeline.backends.oauth import FORMS_BUILD_SCOPES
    from pipeline.formdesign.drift import check_form

    org, calendar = _province(settings)
    built: list[tuple[FormDesign, str]] = []
    problems = 0
    with forms_editor(settings.google, scopes=FORMS_BUILD_SCOPES) as editor:
        if editor.service_account and not editors:
            # A form a service account creates is in its Drive: nobody else could open the edit link.
            raise ConfigError(
                f"the credentials are the service account {editor.service_account}: the form would be "
                "editable by it alone",
                where="pipeline forms build",
                fix="add --editor with the Google account of each province officer who edits the form, "
                "e.g. --editor cdd.phayao@gmail.com",
            )
        for design in designs:
            try:
                form_id, form = build_form(editor, design, editors)
            except PipelineError:
                _print_sources(settings, built)  # the forms already built are not lost
                raise
            built.append((design, form_id))
            print(f"built and published: {design.title}")
            print(f"  respondent link (send to the districts): {form.get('responderUri', '')}")
            print(f"  edit link (province staff only):        {EDIT_LINK.format(form_id)}")
            if editors:
                print(f"  editors (Google sends each an e-mail): {', '.join(editors)}")
            _print_manual(design)
            if design.manual_steps:
                # Until the questions are added by hand the check would only say they are missing.
                print(f"  once they are added: pipeline forms check {design.source}")
                continue
            for p in check_form(form, design, org, calendar):
                problems += 1
                print(f"  check: {p.question}: {p.what} — {p.fix}")
    _print_sources(settings, built)
    return 0 if not problems else 2


def _print_sources(settings: Settings, built: list[tuple[FormDesign, str]]) -> None:
    if not built:
        return
    print(
        "\nPaste into the settings (replacing each source's spreadsheet/tab), then run `pipeline check-config`:"
    )
    print("sources:")
    for design, form_id in built:
        schema = settings.sources[design.source].schema
        print(f"  {design.source}:\n    schema: {schema}\n    form_id: {form_id}")


def build_form(editor: FormsEditor, design: FormDesign, editors: Sequence[str]) -> tuple[str, dict[str, Any]]:
    """Create, fill, publish and share the form; its id and its forms.get document."""
    from pipeline.formdesign.api import create_body, item_requests, navigation_requests, publish_body

    created = editor.create(create_body(design))
    form_id = str(created["formId"])
    try:
        replies = editor.add_items(
            form_id, item_requests(design), revision=str(created.get("revisionId", ""))
        )
        editor.batch_update(form_id, navigation_requests(design, replies))
        editor.set_publish_settings(form_id, publish_body())
        for email in editors:
            editor.share(form_id, email.strip())
        return form_id, editor.get(form_id)
    except PipelineError as exc:
        exc.fix = f"the form {form_id} was created but not finished: delete it in Google Drive, then " + (
            exc.fix or "run `pipeline forms build` again"
        )
        raise


def _print_manual(design: FormDesign) -> None:
    steps = design.manual_steps
    if not steps:
        return
    print("  The Forms API cannot create file-upload questions. Add them by hand in the form editor:")
    for n, step in enumerate(steps, 1):
        print(f"    {n}. {step}")


def _check(settings: Settings, design: FormDesign, form_id: str | None) -> int:
    from pipeline.backends.forms_editor import forms_editor
    from pipeline.backends.oauth import SCOPES
    from pipeline.formdesign.drift import check_form

    source = settings.sources[design.source]
    form_id = form_id or source.form_id
    if not form_id:
        raise ConfigError(
            f"the source '{design.source}' names no form_id",
            where=f"{settings.path}: sources.{design.source}",
            fix="pass --form-id with the id from the form's editing address (…/forms/d/<id>/edit)",
        )
    with forms_editor(settings.google, scopes=SCOPES) as editor:
        form = editor.get(form_id)
    org, calendar = _province(settings)
    problems = check_form(form, design, org, calendar, score_columns=source.score_columns)
    title = (form.get("info") or {}).get("title", form_id)
    if not problems:
        print(f"forms check: {title}: the form matches its schema; the sync can read it as it is")
        return 0
    print(f"forms check: {title}: {len(problems)} problem(s) to fix before the cut-off")
    for n, p in enumerate(problems, 1):
        print(f"  {n}. {p.question + ': ' if p.question else ''}{p.what}\n     แก้ไข: {p.fix}")
    return 2


def _template(settings: Settings, design: FormDesign, output: Path | None) -> int:
    from pipeline.backends.entry_workbook import write_entry_workbook

    source = settings.sources[design.source]
    path = output or Path(f"{design.source}-entry.xlsx")
    org, _ = _province(settings)
    rows = write_entry_workbook(path, design, org, tab=source.tab or "การตอบแบบฟอร์ม 1")
    print(f"wrote {path}: {design.title}; drop-down lists ready on {rows} rows")
    print(
        "A district fills it offline and sends it back; put it in the data folder and point a source at it "
        f"(spreadsheet: {path.stem}, tab: {source.tab or 'การตอบแบบฟอร์ม 1'}), or paste its rows under the "
        "response sheet's."
    )
    return 0
