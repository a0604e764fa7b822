from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from pipeline import files
from pipeline.backends.local import LocalBackend
from pipeline.errors import SourceError, StorageError
from pipeline.models import Column, Table


def _table(rows: list[list[object]], title: str = "คะแนน") -> Table:
    return Table(
        name="t",
        title=title,
        columns=[Column("a", "ก"), Column("b", "ข", kind="level")],
        rows=rows,  # type: ignore[arg-type]
    )


def test_a_google_download_is_read_unchanged(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "การตอบแบบฟอร์ม 1"
    ws.append(["ประทับเวลา", "ที่อยู่อีเมล", "อำเภอ"])
    ws.append([datetime(2023, 11, 20, 9, 30), "a@example.org", "อ.จุน", None, None])
    ws.append([None, None, None])
    wb.save(tmp_path / "resp.xlsx")
    grid = LocalBackend(tmp_path).read("resp", ["การตอบแบบฟอร์ม 1", ""])
    assert grid["การตอบแบบฟอร์ม 1"] == [
        ["ประทับเวลา", "ที่อยู่อีเมล", "อำเภอ"],
        [datetime(2023, 11, 20, 9, 30), "a@example.org", "อ.จุน"],
    ]
    assert grid[""] == grid["การตอบแบบฟอร์ม 1"]  # "" is the first tab


def test_missing_file_and_tab_say_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="resp.xlsx"):
        LocalBackend(tmp_path).read("resp", ["x"])
    LocalBackend(tmp_path).write("resp", [_table([[1, 2]])])
    with pytest.raises(SourceError, match=r"tab 'x' not found \(tabs: คะแนน\)"):
        LocalBackend(tmp_path).read("resp", ["x"])


def test_form_text_is_never_a_formula(tmp_path: Path) -> None:
    values = ["=1+1", "+66812345678", "-", "@SUM(A1)", '=HYPERLINK("http://x")']
    LocalBackend(tmp_path).write("out", [_table([[v, None] for v in values])])
    ws = load_workbook(tmp_path / "out.xlsx")["คะแนน"]
    for r, v in enumerate(values, start=2):
        assert ws.cell(r, 1).value == v
        assert ws.cell(r, 1).data_type == "s"
    # and LibreOffice/Excel see a string cell, not <f>
    import zipfile

    xml = zipfile.ZipFile(tmp_path / "out.xlsx").read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml


def test_rewrite_replaces_rows_and_keeps_other_tabs(tmp_path: Path) -> None:
    b = LocalBackend(tmp_path)
    b.write("out", [_table([[1, 1], [2, 2], [3, 3]]), _table([["x", 1]], "อื่น")])
    b.write("out", [_table([[9, 3]])])
    got = b.read("out", ["คะแนน", "อื่น"])
    assert got["คะแนน"] == [["ก", "ข"], [9, 3]]
    assert got["อื่น"] == [["ก", "ข"], ["x", 1]]
    ws = load_workbook(tmp_path / "out.xlsx")["คะแนน"]
    assert ws.freeze_panes == "A2"
    assert ws["B2"].fill.fgColor.rgb.endswith("C6EFCE")  # level 3 in green


def test_a_failure_mid_write_leaves_the_old_workbook_readable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    b = LocalBackend(tmp_path)
    b.write("out", [_table([["old", 1]])])
    before = (tmp_path / "out.xlsx").read_bytes()

    def full(src: str | Path, dst: str | Path) -> None:
        raise OSError(28, "No space left on device")  # the new file written, the disk full at the last step

    monkeypatch.setattr(files, "_replace", full)
    with pytest.raises(StorageError, match="No space left") as caught:
        b.write("out", [_table([["new", 2]])])
    assert caught.value.exit_code == 7 and f"disk holding {tmp_path} is full" in str(caught.value)
    assert "ดิสก์" in caught.value.thai
    monkeypatch.undo()
    assert (tmp_path / "out.xlsx").read_bytes() == before
    assert b.read("out", ["คะแนน"])["คะแนน"] == [["ก", "ข"], ["old", 1]]
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]  # no temporary file left behind


def test_a_damaged_workbook_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "resp.xlsx").write_bytes(b"not a zip")
    with pytest.raises(SourceError, match="Download"):
        LocalBackend(tmp_path).read("resp", [""])


def test_an_officers_own_tab_survives_a_rewrite_with_its_values_and_formulas(tmp_path: Path) -> None:
    b = LocalBackend(tmp_path)
    b.write("out", [_table([[1, 3]])])
    wb = load_workbook(tmp_path / "out.xlsx")
    notes = wb.create_sheet("บันทึกของฉัน")
    notes.append(["ตำบล", "หมายเหตุ", "รวม"])
    notes.append(["เวียง", "=ยังไม่ใช่สูตร", "=SUM(1,2)"])
    notes["B2"].data_type = "s"
    wb.save(tmp_path / "out.xlsx")
    assert b.own_tabs("out", ["คะแนน"]) == ["บันทึกของฉัน"]

    b.write("out", [_table([[2, 1]])])
    wb = load_workbook(tmp_path / "out.xlsx")
    assert wb.sheetnames == ["คะแนน", "บันทึกของฉัน"]
    kept = wb["บันทึกของฉัน"]
    assert [c.value for c in kept[1]] == ["ตำบล", "หมายเหตุ", "รวม"]
    assert kept["A2"].value == "เวียง"
    assert (kept["B2"].value, kept["B2"].data_type) == ("=ยังไม่ใช่สูตร", "s")  # text stays text
    assert (kept["C2"].value, kept["C2"].data_type) == ("=SUM(1,2)", "f")  # a formula stays a formula
    # the workbook as it was, formatting and all, is kept beside it
    before = load_workbook(b.previous_path("out"))
    assert "บันทึกของฉัน" in before.sheetnames
    # tabs the sync wrote itself are not the officer's, even when a later sync leaves them out
    b.write("out", [_table([[1, 1]]), _table([["x", 1]], "อื่น")])
    assert b.own_tabs("out", ["คะแนน"]) == ["บันทึกของฉัน"]


def test_generated_tabs_are_protected_without_a_password_and_print_on_a4(tmp_path: Path) -> None:
    LocalBackend(tmp_path).write("out", [_table([[1, 3]])])
    ws = load_workbook(tmp_path / "out.xlsx")["คะแนน"]
    assert ws.protection.sheet and ws.protection.password is None
    assert ws.protection.autoFilter is False  # False: filtering stays allowed on a protected sheet
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
