"""One contract, every Backend: what the rest of the pipeline may rely on, whichever store it has."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.backends.base import Backend
from pipeline.backends.google import GoogleBackend
from pipeline.backends.local import LocalBackend
from pipeline.backends.memory import MemoryBackend
from pipeline.errors import FormsUnavailable, SourceError
from pipeline.models import Cell, Column, Grid, Row, Table
from tests.fake_google import FakeGoogle


@dataclass
class Store:
    backend: Backend
    spreadsheet: str
    remote: bool


@pytest.fixture(params=["memory", "local", "google"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "memory":  # the reference twin: what the interface promises, nothing more
        yield Store(MemoryBackend(), "output", remote=False)
        return
    if request.param == "local":
        yield Store(LocalBackend(tmp_path / "data"), "output", remote=False)
        return
    with FakeGoogle() as fake:
        fake.add_spreadsheet("output-id", {"Sheet1": []})  # a Google spreadsheet is created by a person, once
        backend = GoogleBackend(
            fake.settings(credentials=fake.service_account(tmp_path / "key.json")), sleep=lambda _: None
        )
        try:
            yield Store(backend, "output-id", remote=True)
        finally:
            backend.close()


COLUMNS = [
    Column("district", "อำเภอ", kind="text"),
    Column("count", "จำนวน", kind="int"),
    Column("score", "คะแนน", kind="float"),
    Column("note", "หมายเหตุ", kind="user"),
    Column("extra", "อื่น ๆ", kind="user"),
]
ROWS: list[Row] = [
    ["เมืองพะเยา", 12, 2.75, "=1+1", "+66 81 234 5678"],
    ["เชียงคำ", 0, -1.5, None, "-"],
    ["ดอกคำใต้", 7, 3.0, "@ทีม", None],
    ["ภูกามยาว", None, None, "ตำบลแม่อิง ๒", "'ไม่ใช่สูตร"],
]


def table(rows: list[Row], title: str = "คะแนนรายตำบล", name: str = "scores") -> Table:
    return Table(name, title, COLUMNS, rows)


def expected(t: Table) -> Grid:
    """Header plus rows, trailing empty cells dropped, as every backend reads them back."""
    out: Grid = []
    header: Row = [c.header for c in t.columns]
    for row in [header, *t.rows]:
        cells: list[Cell] = list(row)
        while cells and cells[-1] is None:
            cells.pop()
        out.append(cells)
    return out


def test_round_trip_of_mixed_cells(store: Store) -> None:
    t = table(ROWS)
    store.backend.write(store.spreadsheet, [t])
    grid = store.backend.read(store.spreadsheet, [t.title])[t.title]
    assert grid == expected(t)
    for row in grid[1:]:
        for cell in row:
            assert cell is None or isinstance(cell, str | int | float)
    assert isinstance(grid[1][3], str)  # "=1+1" stayed text


def test_missing_tab_raises_source_error(store: Store) -> None:
    store.backend.write(store.spreadsheet, [table(ROWS)])
    with pytest.raises(SourceError) as caught:
        store.backend.read(store.spreadsheet, ["ไม่มีแท็บนี้"])
    assert "ไม่มีแท็บนี้" in str(caught.value)
    assert caught.value.fix


def test_rewrite_replaces_rows(store: Store) -> None:
    store.backend.write(store.spreadsheet, [table(ROWS)])
    shorter = table(ROWS[:1])
    store.backend.write(store.spreadsheet, [shorter])
    assert store.backend.read(store.spreadsheet, [shorter.title])[shorter.title] == expected(shorter)
    empty = table([])
    store.backend.write(store.spreadsheet, [empty])
    assert store.backend.read(store.spreadsheet, [empty.title])[empty.title] == expected(empty)


def test_several_tabs_in_one_write(store: Store) -> None:
    first = table(ROWS, "คะแนนรายตำบล", "scores")
    second = Table("issues", "รายการที่ต้องแก้ไข", [Column("message", "ข้อความ")], [["ตำบลไม่ถูกต้อง"], ["ส่งซ้ำ"]])
    third = table(ROWS[2:], "สรุปรายอำเภอ", "districts")
    store.backend.write(store.spreadsheet, [first, second, third])
    grids = store.backend.read(store.spreadsheet, [third.title, first.title, second.title])
    assert grids == {t.title: expected(t) for t in (first, second, third)}


def test_other_tabs_are_left_alone(store: Store) -> None:
    store.backend.write(store.spreadsheet, [table(ROWS, "เก็บไว้", "kept")])
    store.backend.write(store.spreadsheet, [table(ROWS[:1])])
    assert store.backend.read(store.spreadsheet, ["เก็บไว้"])["เก็บไว้"] == expected(table(ROWS))


def test_request_counts(store: Store) -> None:
    store.backend.write(store.spreadsheet, [table(ROWS)])
    counts = store.backend.request_counts()
    assert bool(counts) == store.remote
    assert all(isinstance(v, int) and v > 0 for v in counts.values())


def test_tab_titles_of_a_written_spreadsheet(store: Store) -> None:
    store.backend.write(
        store.spreadsheet, [table(ROWS, "คะแนนรายตำบล"), table(ROWS, "สรุปรายอำเภอ", "districts")]
    )
    titles = store.backend.tab_titles(store.spreadsheet)
    if store.remote:  # the cheap check that a Google output is whole
        assert titles is not None and {"คะแนนรายตำบล", "สรุปรายอำเภอ"} <= set(titles)
    else:  # a local output is checked by its file marker instead
        assert titles is None


def test_forms_drive_and_limits_where_the_store_has_none(store: Store) -> None:
    if store.remote:
        assert store.backend.cell_limit == 50_000
        return
    assert store.backend.cell_limit is None
    assert store.backend.check_files(["file-1"]) is None
    with pytest.raises(FormsUnavailable) as caught:
        store.backend.read_form("form-1")
    assert "form-1" in str(caught.value) and caught.value.fix


def test_timezones_name_only_spreadsheets_read(store: Store) -> None:
    store.backend.write(store.spreadsheet, [table(ROWS)])
    store.backend.read(store.spreadsheet, [table(ROWS).title])
    assert set(store.backend.timezones) <= {store.spreadsheet}


def test_close_releases_and_may_be_called_again(store: Store) -> None:
    store.backend.write(store.spreadsheet, [table(ROWS)])
    store.backend.close()
    if not store.remote:  # nothing held open: the store still works
        assert store.backend.read(store.spreadsheet, [table(ROWS).title])


def test_no_own_tabs_in_an_output_the_pipeline_wrote_alone(store: Store) -> None:
    t = table(ROWS)
    store.backend.write(store.spreadsheet, [t])
    assert store.backend.own_tabs(store.spreadsheet, [t.title]) == []
    if store.remote or isinstance(store.backend, MemoryBackend):  # nothing is copied aside
        assert store.backend.previous_path(store.spreadsheet) is None
