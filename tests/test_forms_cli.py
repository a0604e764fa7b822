"""`pipeline forms build | check | template` against the fake Google server, and the round trips through sync."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from pipeline.backends.forms_editor import FormsEditor, forms_editor
from pipeline.backends.google import GoogleBackend
from pipeline.backends.local import LocalBackend
from pipeline.backends.oauth import FORMS_BUILD_SCOPES
from pipeline.calendar import load_calendar
from pipeline.cli import main
from pipeline.commands.forms import build_form, design_for
from pipeline.errors import PipelineError
from pipeline.formdesign.design import FormDesign
from pipeline.formdesign.drift import check_form
from pipeline.models import Cell
from pipeline.orgunits import OrgUnits
from pipeline.run import sync
from pipeline.schema import load_schema
from pipeline.settings import Settings, SourceSettings
from pipeline.settings_loader import load_settings
from pipeline.state import State
from tests.conftest import write_settings
from tests.fake_google import FakeGoogle, Fault, forms_admin

NOW = datetime(2024, 7, 1, 12, tzinfo=ZoneInfo("Asia/Bangkok"))
TAB = "การตอบแบบฟอร์ม 1"
BKK = ZoneInfo("Asia/Bangkok")


@pytest.fixture
def fake() -> Iterator[FakeGoogle]:
    with FakeGoogle() as server:
        yield server


@pytest.fixture
def config(tmp_path: Path, fake: FakeGoogle) -> Path:
    key = fake.service_account(tmp_path / "key.json")
    google = {"credentials": str(key), "sheets_url": fake.url, "drive_url": fake.url, "forms_url": fake.url}
    return write_settings(
        tmp_path,
        backend="google",
        google={**google, "timeout": 5},
        sources={"tambon_assessment": {"schema": "tambon_assessment", "spreadsheet": "resp", "tab": TAB}},
    )


def build(config: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    argv = ["forms", "build", "tambon_assessment", "--editor", "officer@example.org", "--config", str(config)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    found = re.search(r"form_id: (\S+)", out)
    assert found, out
    return found[1], out


def test_build_creates_publishes_and_prints_what_to_paste(
    config: Path, fake: FakeGoogle, capsys: pytest.CaptureFixture[str]
) -> None:
    form_id, out = build(config, capsys)
    assert fake.kinds() == {
        "oauth.token": 1,
        "forms.create": 1,
        "forms.batchUpdate": 2,
        "forms.setPublishSettings": 1,
        "drive.permissions.create": 1,
        "forms.get": 1,
    }
    assert fake.forms.permissions[form_id][0]["emailAddress"] == "officer@example.org"
    assert "editors (Google sends each an e-mail): officer@example.org" in out
    # the build asks for its own scopes only: forms.body and drive.file
    assert fake.authority.grants[-1].scopes == frozenset(FORMS_BUILD_SCOPES)
    create = next(r for r in fake.requests if r.kind == "forms.create")
    assert create.query["unpublished"] == ["true"]
    form = fake.forms.forms[form_id]
    assert form["publishSettings"]["publishState"]["isAcceptingResponses"] is True
    assert form["info"]["description"].startswith("การประเมินผลการจัดระดับการพัฒนา ศอช.ต.")
    assert f"respondent link (send to the districts): {form['responderUri']}" in out
    assert f"https://docs.google.com/forms/d/{form_id}/edit" in out
    assert f"sources:\n  tambon_assessment:\n    schema: tambon_assessment\n    form_id: {form_id}\n" in out
    assert "config" not in {p.name for p in config.parent.iterdir()}  # it writes nothing by itself
    assert "form_id" not in config.read_text(encoding="utf-8")


def test_build_lists_the_file_uploads_to_add_by_hand(
    config: Path, fake: FakeGoogle, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = load_settings(config)
    sources = {"appointment_orders": {"schema": "appointment_orders", "spreadsheet": "o", "tab": TAB}}
    path = write_settings(config.parent, backend="google", google=_google(cfg), sources=sources)
    assert (
        main(["forms", "build", "appointment_orders", "--editor", "a@example.org", "--config", str(path)])
        == 0
    )
    out = capsys.readouterr().out
    assert "The Forms API cannot create file-upload questions" in out
    assert out.count('"File upload" question titled exactly') == 5
    assert "once they are added: pipeline forms check appointment_orders" in out


def test_a_years_forms_are_built_in_one_command(
    config: Path, fake: FakeGoogle, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = {
        "tambon_assessment": {"schema": "tambon_assessment", "spreadsheet": "a", "tab": TAB},
        "progress_assessment": {"schema": "progress_assessment", "spreadsheet": "p", "tab": TAB},
        "kpi32": {"schema": "kpi32", "spreadsheet": "k", "tab": TAB},
    }
    path = write_settings(
        config.parent, backend="google", google=_google(load_settings(config)), sources=sources
    )
    argv = ["forms", "build", *sources, "--editor", "a@example.org", "--config", str(path)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.count("built and published:") == 3 and len(fake.forms.forms) == 3
    block = out[out.index("sources:\n") :]
    ids = re.findall(r"form_id: (\S+)", block)
    assert sorted(ids) == sorted(fake.forms.forms)
    assert [k for k in sources if f"  {k}:\n    schema: {k}\n    form_id: " in block] == list(sources)


def _google(settings: Settings) -> dict[str, Any]:
    g = settings.google
    return {
        "credentials": str(g.credentials),
        "sheets_url": g.sheets_url,
        "drive_url": g.drive_url,
        "forms_url": g.forms_url,
        "timeout": 5,
    }


def test_check_passes_a_built_form_and_fails_an_edited_one(
    config: Path, fake: FakeGoogle, capsys: pytest.CaptureFixture[str]
) -> None:
    form_id, _ = build(config, capsys)
    argv = ["forms", "check", "tambon_assessment", "--form-id", form_id, "--config", str(config)]
    assert main(argv) == 0
    assert "the form matches its schema" in capsys.readouterr().out
    item = next(i for i in fake.forms.forms[form_id]["items"] if i["title"].startswith("6. "))
    item["questionItem"]["question"]["choiceQuestion"]["options"][2]["value"] = "มีกองทุนมาก"
    assert main(argv) == 2
    out = capsys.readouterr().out
    assert 'ตัวเลือก "มีกองทุนมาก" ไม่ตรงกับเกณฑ์ใดในหนังสือเวียน' in out
    assert 'แก้ไข: แก้ตัวเลือกให้ตรงกับที่หนังสือเวียนพิมพ์: "ไม่มีกองทุน" / "มีกองทุน" /' in out
    # a form id that cannot be read is a clean error, never a traceback
    assert main(["forms", "check", "tambon_assessment", "--form-id", "nope", "--config", str(config)]) == 3
    assert "the form cannot be read" in capsys.readouterr().err


def test_build_with_a_service_account_needs_an_editor(
    config: Path, fake: FakeGoogle, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["forms", "build", "tambon_assessment", "--config", str(config)]) == 2
    assert "--editor" in capsys.readouterr().err
    assert "forms.create" not in fake.kinds()  # refused before anything was created


def test_check_without_a_form_id_says_where_to_find_it(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["forms", "check", "tambon_assessment", "--config", str(config)]) == 2
    assert "pass --form-id" in capsys.readouterr().err


def test_build_refused_for_lack_of_scope_says_how_to_sign_in(
    tmp_path: Path, fake: FakeGoogle, capsys: pytest.CaptureFixture[str]
) -> None:
    login = fake.user_login(frozenset({"https://www.googleapis.com/auth/forms.body.readonly"}))
    token = tmp_path / "token.json"
    import json

    token.write_text(json.dumps(login), encoding="utf-8")
    google = {"token_cache": str(token), "sheets_url": fake.url, "forms_url": fake.url, "drive_url": fake.url}
    cfg = write_settings(tmp_path, backend="google", google={**google, "timeout": 5, "token_url": fake.url})
    code = main(["forms", "build", "tambon_assessment", "--config", str(cfg)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "pipeline auth login --forms" in err


# ---------------------------------------------------------------- round trips


def answers(seed: str) -> list[dict[str, Any]]:
    """Responses a form can carry: one per tambon and round, some resubmitted later, some late."""
    rng = random.Random(seed)
    schema = load_schema("tambon_assessment")
    org = OrgUnits.for_province("พะเยา")
    out = []
    starts = {1: datetime(2023, 11, 6, 8, tzinfo=BKK), 2: datetime(2024, 6, 3, 8, tzinfo=BKK)}
    for rnd, start in starts.items():
        for d in org.districts():
            for t in org.tambons(d.code):
                if rng.random() < 0.1:
                    continue
                at = start + timedelta(minutes=rng.randint(0, 60 * 24 * 25))
                labels = [rng.choice(i.bands).label for i in schema.indicators]
                out.append({"at": at, "round": rnd, "district": d, "tambon": t, "labels": labels})
                if rng.random() < 0.05:
                    again = [rng.choice(i.bands).label for i in schema.indicators]
                    out.append({**out[-1], "at": at + timedelta(hours=2), "labels": again})
    return sorted(out, key=lambda a: a["at"])


def response_grid(rows: list[dict[str, Any]], *, date_title: str = "ประทับเวลา") -> list[list[Cell]]:
    schema = load_schema("tambon_assessment")
    header: list[Cell] = [date_title, "ครั้งที่", "อำเภอ", "ตำบล"] + [
        f"{i.no}. {i.title}" for i in schema.indicators
    ]
    body: list[list[Cell]] = [
        [
            a["at"].replace(tzinfo=None),
            f"ครั้งที่ {a['round']}",
            a["district"].name,
            a["tambon"].name,
            *a["labels"],
        ]
        for a in rows
    ]
    return [header, *body]


def published(settings: Settings) -> dict[str, Any]:
    with State(settings.state_db) as st:
        return {n: st.published(n).records() for n in st.published_names() if n != "runs"}  # type: ignore[union-attr]


def sync_local(settings: Settings, folder: Path, grid: list[list[Cell]], name: str) -> dict[str, Any]:
    from openpyxl import Workbook

    settings = replace(
        settings,
        backend="local",
        data_dir=folder,
        state_db=folder / "state.sqlite",
        sources={"tambon_assessment": SourceSettings("tambon_assessment", "tambon_assessment", name, TAB)},
    )
    folder.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = TAB
    for row in grid:
        ws.append(row)
    wb.save(folder / f"{name}.xlsx")
    with State(settings.state_db) as st:
        assert sync(settings, LocalBackend(folder), st, now=NOW)["status"] == "ok"
    return published(settings)


def test_round_trip_build_answer_sync_gives_the_workbooks_scores(
    config: Path, fake: FakeGoogle, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    form_id, _ = build(config, capsys)
    form = fake.forms.forms[form_id]
    ids = {}  # (title, district section) -> questionId
    section = ""
    sections = {}
    for item in form["items"]:
        if "pageBreakItem" in item:
            section = item["itemId"]
            sections[item["title"]] = section
        elif "questionItem" in item:
            ids[(item["title"], section if item["title"] == "ตำบล" else "")] = item["questionItem"][
                "question"
            ]["questionId"]
    rows = answers("round-trip")
    schema = load_schema("tambon_assessment")
    from pipeline import thai

    for n, a in enumerate(rows):
        given = {
            ids[("ครั้งที่", "")]: f"ครั้งที่ {thai.to_thai_digits(str(a['round']))}",
            ids[("อำเภอ", "")]: a["district"].name,
            ids[("ตำบล", sections[f"อำเภอ{a['district'].name}"])]: a["tambon"].name,
        }
        for ind, label in zip(schema.indicators, a["labels"], strict=True):
            given[ids[(f"{ind.no}. {ind.title}", "")]] = label
        stamp = a["at"].astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        forms_admin.respond(
            fake.forms, form_id, f"r{n}", stamp, given, email=f"cdd.{a['district'].code}@example.org"
        )
    # a respondent cannot pick a tambon of another district: the form has no way to say it
    with pytest.raises(ValueError, match="ตำบล. is not answered"):
        other = rows[0]
        wrong = next(k for k in sections if k != f"อำเภอ{other['district'].name}")
        forms_admin.respond(
            fake.forms,
            form_id,
            "x",
            "2023-11-07T01:00:00Z",
            {
                ids[("ครั้งที่", "")]: "ครั้งที่ ๑",
                ids[("อำเภอ", "")]: other["district"].name,
                ids[("ตำบล", sections[wrong])]: "เวียง",
            },
        )

    settings = load_settings(config)
    fake.add_spreadsheet(settings.output_spreadsheet, {"Sheet1": []})
    source = SourceSettings("tambon_assessment", "tambon_assessment", form_id=form_id)
    gsettings = replace(settings, sources={"tambon_assessment": source})
    with GoogleBackend(settings.google) as backend, State(settings.state_db) as st:
        summary = sync(gsettings, backend, st, now=NOW)
    assert summary["status"] == "ok" and summary["rejected"] == 0, summary
    from_form = published(gsettings)
    from_workbook = sync_local(settings, tmp_path / "local", response_grid(rows), "resp")
    # the same warnings (late, superseded) on the same rows; only the tab differs: a form has none
    assert {i["tab"] for i in from_form["issues"]} == {"(แท็บแรก)"}
    for issue in from_form["issues"]:
        issue["tab"] = TAB
    assert from_form == from_workbook
    assert {i["code"] for i in from_form["issues"]} == {"late", "superseded"}
    assert len(from_form["scores"]) == len({(a["tambon"].code, a["round"]) for a in rows})


def test_template_has_the_forms_drop_downs_and_syncs_like_a_response_workbook(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "entry" / "assessment-entry.xlsx"
    assert (
        main(["forms", "template", "tambon_assessment", "--output", str(out), "--config", str(config)]) == 0
    )
    assert str(out) in capsys.readouterr().out
    wb = load_workbook(out)
    ws = wb[TAB]
    header = [c.value for c in ws[1]]
    assert header[:5] == ["วันที่ส่ง", "ครั้งที่", "ผู้รายงาน", "อำเภอ", "ตำบล"]
    rules = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    assert rules["D2"].formula1 == "'รายการ'!$A$1:$A$9"
    assert "OFFSET('รายการ'!$C$1,MATCH(D2," in str(rules["E2"].formula1)
    lists = wb["รายการ"]
    band_col = str(rules["F2"].formula1).split("!$")[1].split("$")[0]
    assert [lists[f"{band_col}{n}"].value for n in (1, 2, 3)] == ["น้อยกว่า ๔๐%", "๔๐-๗๐%", "มากกว่า ๗๐%"]
    # a district fills it and sends it back: the sync reads it like a response workbook
    rows = answers("template")[:40]
    for a in rows:
        ws.append(
            [
                a["at"].replace(tzinfo=None),
                f"ครั้งที่ {a['round']}",
                None,
                a["district"].name,
                a["tambon"].name,
                *a["labels"],
            ]
        )
    wb.save(out)
    settings = load_settings(config)
    local = replace(
        settings,
        backend="local",
        data_dir=out.parent,
        state_db=tmp_path / "t.sqlite",
        sources={
            "tambon_assessment": SourceSettings("tambon_assessment", "tambon_assessment", out.stem, TAB)
        },
    )
    with State(local.state_db) as st:
        summary = sync(local, LocalBackend(out.parent), st, now=NOW)
    assert summary["status"] == "ok" and summary["rejected"] == 0, summary
    expected = sync_local(settings, tmp_path / "ref", response_grid(rows, date_title="วันที่ส่ง"), "ref")
    assert published(local)["scores"] == expected["scores"]


# ---------------------------------------------------------------- faults


def editor_for(config: Path, fake: FakeGoogle, sleeps: list[float]) -> tuple[FormsEditor, FormDesign]:
    settings = load_settings(config)
    editor = forms_editor(settings.google, scopes=FORMS_BUILD_SCOPES, sleep=sleeps.append)
    return editor, design_for(settings, "tambon_assessment")


def test_a_lost_answer_to_the_item_batch_adds_no_item_twice(config: Path, fake: FakeGoogle) -> None:
    sleeps: list[float] = []
    editor, design = editor_for(config, fake, sleeps)
    # the first batch is applied, but its answer never reaches the client
    fake.inject(Fault(at=1, kind="forms.batchUpdate", lost=True))
    with editor:
        form_id, built = build_form(editor, design, ["officer@example.org"])
    assert len(sleeps) == 1  # one retry, refused for its stale revision, then the form was read
    # 3 first-page questions, 9 district sections of one tambon list, 5 categories of 23 indicators
    assert len(built["items"]) == len(fake.forms.forms[form_id]["items"]) == 3 + 9 * 2 + 5 + 23
    assert len(fake.forms.forms) == 1
    org = OrgUnits.for_province("พะเยา")
    calendar = load_calendar(load_settings(config).calendar)
    assert check_form(built, design, org, calendar) == []


@pytest.mark.parametrize(
    "kind",
    [
        "oauth.token",
        "forms.create",
        "forms.batchUpdate",
        "forms.setPublishSettings",
        "drive.permissions.create",
        "forms.get",
    ],
)
def test_a_quota_refusal_anywhere_in_a_build_is_retried(config: Path, fake: FakeGoogle, kind: str) -> None:
    sleeps: list[float] = []
    editor, design = editor_for(config, fake, sleeps)
    fake.inject(Fault(at=1, kind=kind, status=429, retry_after="2"))
    with editor:
        form_id, built = build_form(editor, design, ["officer@example.org"])
    assert sleeps == [2.0]
    assert list(fake.forms.forms) == [form_id]
    assert built["publishSettings"]["publishState"]["isAcceptingResponses"] is True


def test_a_refused_step_names_the_half_built_form(config: Path, fake: FakeGoogle) -> None:
    editor, design = editor_for(config, fake, [])
    fake.inject(Fault(at=1, kind="forms.setPublishSettings", status=500, times=10))
    with editor, pytest.raises(PipelineError) as failed:
        build_form(editor, design, [])
    (form_id,) = fake.forms.forms
    assert f"the form {form_id} was created but not finished: delete it in Google Drive" in failed.value.fix
