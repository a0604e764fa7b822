"""pipeline forms build | check | template: a source's form made from its schema, and checked against it."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from pipeline.calendar import load_calendar
from pipeline.cli import add_config_argument
from pipeline.config import load_settings
from pipeline.errors import ConfigError, PipelineError
from pipeline.formdesign.design import FormDesign, design_form
from pipeline.orgunits import OrgUnits
from pipeline.schema import load_schema
from pipeline.settings import Settings

EDIT_LINK = "https://docs.google.com/forms/d/{}/edit"


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "forms",
        help="build a source's Google Form from its schema, check a form for drift, or write an entry workbook",
        description="Forms made from sheets_schema/, the province's districts and tambons and the calendar, "
        "so a district can only pick what the circular allows (docs/forms.md). "
        "Example: pipeline forms build tambon_assessment --editor cdd.phayao@gmail.com; "
        "pipeline forms check tambon_assessment; pipeline forms template tambon_assessment --output entry.xlsx",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    build = actions.add_parser(
        "build",
        help="create the Google Form (needs the forms.body and drive.file scopes), publish it, "
        "print its links and the sources: block to paste",
    )
    build.add_argument("form", help="the source's key under sources: in the settings, e.g. tambon_assessment")
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
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    design = _design(settings, args.form)
    if args.action == "build":
        return _build(settings, design, dry_run=args.dry_run, editors=args.editor)
    if args.action == "check":
        return _check(settings, design, args.form_id)
    return _template(settings, design, args.output)


def _design(settings: Settings, key: str) -> FormDesign:
    source = settings.sources.get(key)
    if source is None:
        raise ConfigError(
            f"no source named '{key}'",
            where=f"{settings.path}: sources",
            fix=f"use one of: {', '.join(settings.sources)}",
        )
    org = OrgUnits.for_province(settings.province_code)
    return design_form(key, load_schema(source.schema), org, load_calendar(settings.calendar), settings)


def _build(settings: Settings, design: FormDesign, *, dry_run: bool, editors: list[str]) -> int:
    from pipeline.formdesign.api import create_body, item_requests, publish_body

    if dry_run:
        plan = {
            "create": create_body(design),
            "batchUpdate": item_requests(design),
            "publish": publish_body(),
        }
        print(json.dumps(plan, ensure_ascii=False, indent=2))
        _print_manual(design)
        return 0
    from pipeline.backends.google import FORMS_BUILD_SCOPES, forms_editor
    from pipeline.formdesign.api import navigation_requests
    from pipeline.formdesign.drift import check_form

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
        form_id = str(editor.create(create_body(design))["formId"])
        try:
            reply = editor.batch_update(form_id, item_requests(design))
            editor.batch_update(form_id, navigation_requests(design, reply.get("replies", [])))
            editor.set_publish_settings(form_id, publish_body())
            for email in editors:
                editor.share(form_id, email.strip())
            built = editor.get(form_id)
        except PipelineError as exc:
            exc.fix = f"the form {form_id} was created but not finished: delete it in Google Drive, then " + (
                exc.fix or "run `pipeline forms build` again"
            )
            raise
    org = OrgUnits.for_province(settings.province_code)
    # The questions left to add by hand would be reported missing; check those forms after adding them.
    problems = (
        []
        if design.manual_steps
        else check_form(built, design.source, design.schema, org, load_calendar(settings.calendar))
    )
    print(f"built and published: {design.title}")
    print(f"  respondent link (send to the districts): {built.get('responderUri', '')}")
    print(f"  edit link (province staff only):        {EDIT_LINK.format(form_id)}")
    if editors:
        print(f"  editors (Google sends each an e-mail): {', '.join(editors)}")
    _print_manual(design)
    for p in problems:
        print(f"  check: {p.question}: {p.what} — {p.fix}")
    print(
        "\nPaste into the settings (replacing this source's spreadsheet/tab), then run `pipeline check-config`:"
    )
    source = settings.sources[design.source]
    print(f"sources:\n  {design.source}:\n    schema: {source.schema}\n    form_id: {form_id}")
    if design.manual_steps:
        print(f"\nOnce the questions above are added: pipeline forms check {design.source}")
    return 0 if not problems else 2


def _print_manual(design: FormDesign) -> None:
    steps = design.manual_steps
    if not steps:
        return
    print("\nThe Forms API cannot create file-upload questions. Add them by hand in the form editor:")
    for n, step in enumerate(steps, 1):
        print(f"  {n}. {step}")


def _check(settings: Settings, design: FormDesign, form_id: str | None) -> int:
    from pipeline.backends.google import SCOPES, forms_editor
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
    org = OrgUnits.for_province(settings.province_code)
    problems = check_form(form, design.source, design.schema, org, load_calendar(settings.calendar))
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
    org = OrgUnits.for_province(settings.province_code)
    rows = write_entry_workbook(path, design, org, tab=source.tab or "การตอบแบบฟอร์ม 1")
    print(f"wrote {path}: {design.title}; drop-down lists ready on {rows} rows")
    print(
        "A district fills it offline and sends it back; put it in the data folder and point a source at it "
        f"(spreadsheet: {path.stem}, tab: {source.tab or 'การตอบแบบฟอร์ม 1'}), or paste its rows under the "
        "response sheet's."
    )
    return 0
