"""An in-memory model of the Sheets API v4 subset the pipeline (and plain gspread) uses.

Cells hold typed values (str, int, float, bool, or a Formula); dates are
numbers with a date format, as in Google Sheets. Every mutating call works on
a copy and replaces the spreadsheet only when all of it succeeded, so a
batchUpdate is atomic as Google documents. Errors are `ApiError`s carrying
Google's JSON shape.
"""

from __future__ import annotations

import ast
import copy
import itertools
import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

EPOCH = datetime(1899, 12, 30)
STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    502: "BAD_GATEWAY",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


class ApiError(Exception):
    """An error answer. `reason` adds Google's errors[] entry (Drive v3 and older APIs carry
    the reason there); `info` adds a google.rpc.ErrorInfo detail with that reason."""

    def __init__(
        self,
        code: int,
        message: str,
        status: str | None = None,
        *,
        reason: str = "",
        domain: str = "global",
        info: str = "",
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or STATUS_NAMES.get(code, "UNKNOWN")
        self.reason = reason
        self.domain = domain
        self.info = info

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message, "status": self.status}
        if self.reason:
            error["errors"] = [{"message": self.message, "domain": self.domain, "reason": self.reason}]
        if self.info:
            error["details"] = [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": self.info,
                    "domain": "googleapis.com",
                }
            ]
        return {"error": error}


@dataclass(frozen=True)
class Formula:
    text: str

    def evaluate(self) -> float | str:
        """Plain arithmetic only ("=1+1" -> 2); anything else renders as #ERROR!."""
        ops: dict[type, Callable[..., float]] = {
            ast.Add: operator.add,
            ast.Sub: operator.sub,
            ast.Mult: operator.mul,
            ast.Div: operator.truediv,
            ast.USub: operator.neg,
            ast.UAdd: operator.pos,
        }

        def walk(node: ast.AST) -> float:
            if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
                return float(node.value)
            if isinstance(node, ast.BinOp) and type(node.op) in ops:
                return ops[type(node.op)](walk(node.left), walk(node.right))
            if isinstance(node, ast.UnaryOp) and type(node.op) in ops:
                return ops[type(node.op)](walk(node.operand))
            raise ValueError(node)

        try:
            return walk(ast.parse(self.text[1:], mode="eval").body)
        except (ValueError, SyntaxError, ZeroDivisionError):
            return "#ERROR!"


Value = str | int | float | bool | Formula


@dataclass
class Sheet:
    sheet_id: int
    title: str
    index: int = 0
    rows: int = 1000
    cols: int = 26
    frozen_rows: int = 0
    frozen_cols: int = 0
    hidden: bool = False
    values: dict[tuple[int, int], Value] = field(default_factory=dict)
    formats: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    col_widths: dict[int, int] = field(default_factory=dict)
    basic_filter: dict[str, Any] | None = None
    developer_metadata: list[dict[str, Any]] = field(default_factory=list)
    charts: list[dict[str, Any]] = field(default_factory=list)
    protected_ranges: list[dict[str, Any]] = field(default_factory=list)
    banded_ranges: list[dict[str, Any]] = field(default_factory=list)

    def properties(self) -> dict[str, Any]:
        grid: dict[str, Any] = {"rowCount": self.rows, "columnCount": self.cols}
        if self.frozen_rows:
            grid["frozenRowCount"] = self.frozen_rows
        if self.frozen_cols:
            grid["frozenColumnCount"] = self.frozen_cols
        props: dict[str, Any] = {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": self.index,
            "sheetType": "GRID",
            "gridProperties": grid,
        }
        if self.hidden:
            props["hidden"] = True
        return props

    def resource(self) -> dict[str, Any]:
        out: dict[str, Any] = {"properties": self.properties()}
        if self.developer_metadata:
            out["developerMetadata"] = copy.deepcopy(self.developer_metadata)
        for key, items in (
            ("charts", self.charts),
            ("protectedRanges", self.protected_ranges),
            ("bandedRanges", self.banded_ranges),
        ):
            if items:
                out[key] = copy.deepcopy(items)
        return out

    def resize(self, rows: int, cols: int) -> None:
        if rows < 1 or cols < 1:
            raise ApiError(400, "Invalid grid size: a sheet needs at least one row and one column.")
        self.rows, self.cols = rows, cols
        for store in (self.values, self.formats):
            for key in [k for k in store if k[0] >= rows or k[1] >= cols]:
                del store[key]
        self.col_widths = {c: w for c, w in self.col_widths.items() if c < cols}
        self.check_frozen()

    def check_frozen(self) -> None:
        if self.frozen_rows >= self.rows and self.frozen_rows:
            raise ApiError(400, "You can't freeze all visible rows on the sheet.")
        if self.frozen_cols >= self.cols and self.frozen_cols:
            raise ApiError(400, "You can't freeze all visible columns on the sheet.")

    def grid(self) -> list[list[Value | None]]:
        """Every stored value as rows, trailing empties trimmed (for assertions in tests)."""
        if not self.values:
            return []
        height = max(r for r, _ in self.values) + 1
        out: list[list[Value | None]] = []
        for r in range(height):
            row = [self.values.get((r, c)) for c in range(self.cols)]
            while row and row[-1] is None:
                row.pop()
            out.append(row)
        return out


@dataclass
class Spreadsheet:
    spreadsheet_id: str
    title: str
    sheets: list[Sheet]
    time_zone: str = "Asia/Bangkok"  # File > Settings > Time zone: what its serial timestamps mean

    def metadata(self) -> dict[str, Any]:
        return {
            "spreadsheetId": self.spreadsheet_id,
            "properties": {
                "title": self.title,
                "locale": "th_TH",
                "timeZone": self.time_zone,
                "autoRecalc": "ON_CHANGE",
            },
            "sheets": [s.resource() for s in sorted(self.sheets, key=lambda s: s.index)],
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_id}/edit",
        }

    def by_title(self, title: str) -> Sheet:
        for sheet in self.sheets:
            if sheet.title.casefold() == title.casefold():
                return sheet
        raise ApiError(400, f"Unable to parse range: {title}")

    def by_id(self, sheet_id: int) -> Sheet:
        for sheet in self.sheets:
            if sheet.sheet_id == sheet_id:
                return sheet
        raise ApiError(400, f"Invalid requests: No grid with id: {sheet_id}")

    def first(self) -> Sheet:
        return min(self.sheets, key=lambda s: s.index)

    def cells(self) -> int:
        """Cells counted against Google's 10 million: every tab's whole grid, empty or not."""
        return sum(s.rows * s.cols for s in self.sheets)

    def reindex(self) -> None:
        for i, sheet in enumerate(sorted(self.sheets, key=lambda s: s.index)):
            sheet.index = i


# ---------------------------------------------------------------- A1 notation


def column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def column_letters(number: int) -> str:
    out = ""
    while number:
        number, rest = divmod(number - 1, 26)
        out = chr(65 + rest) + out
    return out


_CELL = re.compile(r"^([A-Za-z]*)(\d*)$")


@dataclass(frozen=True)
class Area:
    sheet: Sheet
    r0: int
    c0: int
    r1: int  # exclusive
    c1: int  # exclusive

    def a1(self) -> str:
        first = f"{column_letters(self.c0 + 1)}{self.r0 + 1}"
        return f"{quote_title(self.sheet.title)}!{first}:{column_letters(self.c1)}{self.r1}"


def quote_title(title: str) -> str:
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", title):
        return title
    return "'" + title.replace("'", "''") + "'"


def parse_range(book: Spreadsheet, text: str) -> Area:
    """'Title'!A1:C3, Title!A:C, Title, A1:B2 (first sheet), 'It''s'!A2."""
    sheet_part, cells = None, text
    if text.startswith("'"):
        i, title = 1, ""
        while i < len(text):
            if text[i] == "'":
                if text[i + 1 : i + 2] == "'":
                    title += "'"
                    i += 2
                    continue
                break
            title += text[i]
            i += 1
        rest = text[i + 1 :]
        if rest and not rest.startswith("!"):
            raise ApiError(400, f"Unable to parse range: {text}")
        sheet_part, cells = title, rest[1:]
    elif "!" in text:
        sheet_part, cells = text.rsplit("!", 1)
    elif not re.fullmatch(r"[A-Za-z]*\d*(:[A-Za-z]*\d*)?", text) or not text:
        sheet_part, cells = text, ""
    sheet = book.by_title(sheet_part) if sheet_part is not None else book.first()
    if not cells:
        return Area(sheet, 0, 0, sheet.rows, sheet.cols)
    first, _, last = cells.partition(":")
    m1, m2 = _CELL.match(first), _CELL.match(last or first)
    if not m1 or not m2:
        raise ApiError(400, f"Unable to parse range: {text}")
    c0 = column_number(m1.group(1)) - 1 if m1.group(1) else 0
    r0 = int(m1.group(2)) - 1 if m1.group(2) else 0
    c1 = column_number(m2.group(1)) if m2.group(1) else sheet.cols
    r1 = int(m2.group(2)) if m2.group(2) else sheet.rows
    if not last and m1.group(1) and m1.group(2):
        c1, r1 = c0 + 1, r0 + 1
    return Area(sheet, r0, c0, r1, c1)


# ---------------------------------------------------------------- rendering values


def _date_pattern(fmt: Mapping[str, Any] | None) -> str | None:
    number_format = (fmt or {}).get("numberFormat") or {}
    if number_format.get("type") in ("DATE", "DATE_TIME", "TIME"):
        return str(number_format.get("pattern") or "yyyy-mm-dd")
    return None


def format_serial(value: float, pattern: str) -> str:
    moment = EPOCH + timedelta(days=value)
    py = (
        pattern.replace("yyyy", "%Y")
        .replace("hh", "%H")
        .replace("mm:", "%M:")
        .replace(":mm", ":%M")
        .replace("ss", "%S")
        .replace("mm", "%m")
        .replace("dd", "%d")
    )
    return moment.strftime(py)


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


def render(value: Value | None, fmt: Mapping[str, Any] | None, how: str, dates: str) -> Any:
    if value is None:
        return ""
    if isinstance(value, Formula):
        if how == "FORMULA":
            return value.text
        value = value.evaluate()
    if isinstance(value, bool):
        return value if how != "FORMATTED_VALUE" else ("TRUE" if value else "FALSE")
    if isinstance(value, int | float):
        pattern = _date_pattern(fmt)
        if pattern and (how == "FORMATTED_VALUE" or dates == "FORMATTED_STRING"):
            return format_serial(float(value), pattern)
        if how == "FORMATTED_VALUE":
            number_format = (fmt or {}).get("numberFormat") or {}
            if number_format.get("pattern") == "0.00":
                return f"{value:.2f}"
            return str(_number(value))
        return _number(value)
    return value


def read_area(area: Area, how: str = "FORMATTED_VALUE", dates: str = "SERIAL_NUMBER") -> list[list[Any]]:
    sheet = area.sheet
    rows: list[list[Any]] = []
    for r in range(area.r0, min(area.r1, sheet.rows)):
        row = [
            render(sheet.values.get((r, c)), sheet.formats.get((r, c)), how, dates)
            for c in range(area.c0, min(area.c1, sheet.cols))
        ]
        while row and row[-1] == "":
            row.pop()
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    return rows


# ---------------------------------------------------------------- writing values


def parse_user_entered(value: Any) -> Value | None:
    if not isinstance(value, str):
        return value  # type: ignore[no-any-return]
    if value.startswith("'"):
        return value[1:]
    if value.startswith("="):
        return Formula(value)
    if value.upper() in ("TRUE", "FALSE"):
        return value.upper() == "TRUE"
    try:
        number = float(value.replace(",", ""))
    except ValueError:
        return value
    return _number(number) if math.isfinite(number) else value


def write_area(area: Area, values: list[list[Any]], input_option: str) -> tuple[int, int]:
    if input_option not in ("RAW", "USER_ENTERED"):
        raise ApiError(400, "Invalid valueInputOption: must be RAW or USER_ENTERED")
    sheet = area.sheet
    height = len(values)
    width = max((len(r) for r in values), default=0)
    need_rows, need_cols = area.r0 + height, area.c0 + width
    if need_rows > sheet.rows or need_cols > sheet.cols:
        sheet.resize(max(sheet.rows, need_rows), max(sheet.cols, need_cols))
    for i, row in enumerate(values):
        for j, raw in enumerate(row):
            key = (area.r0 + i, area.c0 + j)
            if raw is None:
                continue  # null leaves the cell as it is
            value = raw if input_option == "RAW" else parse_user_entered(raw)
            if isinstance(value, str):
                _text(value)
            if value is None or value == "":
                sheet.values.pop(key, None)
            else:
                sheet.values[key] = value
    return height, width


def clear_area(area: Area) -> None:
    for key in list(area.sheet.values):
        if area.r0 <= key[0] < area.r1 and area.c0 <= key[1] < area.c1:
            del area.sheet.values[key]


def typed(value: Any) -> tuple[Value | None, dict[str, Any] | None]:
    """A Python value as stored by the fake, with the format a date gets in Sheets."""
    if isinstance(value, datetime):
        delta = value - EPOCH
        return delta.days + delta.seconds / 86400, {
            "numberFormat": {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm:ss"}
        }
    if isinstance(value, date):
        return (value - EPOCH.date()).days, {"numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}}
    if value == "":
        return None, None
    return value, None


# ---------------------------------------------------------------- spreadsheets:batchUpdate


def mask(fields: str) -> set[str]:
    """A field mask as dotted paths: "a(b,c),d.e" -> {"a.b", "a.c", "d.e"}."""
    out: set[str] = set()
    prefix: list[str] = []
    token = ""
    for ch in fields.replace(" ", "") + ",":
        if ch == "(":
            prefix.append(token)
            token = ""
        elif ch in ",)":
            if token:
                out.add(".".join([*prefix, token]))
            token = ""
            if ch == ")":
                prefix.pop()
        else:
            token += ch
    return out


def _covers(paths: set[str], name: str) -> bool:
    return "*" in paths or any(p == name or p.startswith(name + ".") for p in paths)


def _merge(target: dict[str, Any], source: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(target)
    for key, value in source.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _grid_range(book: Spreadsheet, spec: Mapping[str, Any]) -> Area:
    sheet = book.by_id(int(spec.get("sheetId", 0)))
    r1 = int(spec.get("endRowIndex", sheet.rows))
    c1 = int(spec.get("endColumnIndex", sheet.cols))
    if r1 > sheet.rows or c1 > sheet.cols:
        raise ApiError(
            400,
            f"Invalid requests: Range ('{sheet.title}'!R{r1}C{c1}) exceeds grid limits. "
            f"Max rows: {sheet.rows}, max columns: {sheet.cols}",
        )
    return Area(sheet, int(spec.get("startRowIndex", 0)), int(spec.get("startColumnIndex", 0)), r1, c1)


CELL_CHARS = 50_000
SPREADSHEET_CELLS = 10_000_000


def _text(value: str) -> str:
    if len(value) > CELL_CHARS:
        raise ApiError(
            400, f"Your input contains more than the maximum of {CELL_CHARS} characters in a single cell."
        )
    return value


def check_cells(book: Spreadsheet) -> None:
    if book.cells() > SPREADSHEET_CELLS:
        raise ApiError(
            400,
            f"This action would increase the number of cells in the workbook above the limit of {SPREADSHEET_CELLS} cells.",
        )


def _extended_value(cell: Mapping[str, Any]) -> Value | None:
    entered = cell.get("userEnteredValue")
    if not entered:
        return None
    if "stringValue" in entered:
        return _text(str(entered["stringValue"])) or None
    if "numberValue" in entered:
        return _number(float(entered["numberValue"]))
    if "boolValue" in entered:
        return bool(entered["boolValue"])
    if "formulaValue" in entered:
        return Formula(str(entered["formulaValue"]))
    raise ApiError(400, f"Invalid userEnteredValue: {entered}")


def _set_cell(
    sheet: Sheet, key: tuple[int, int], cell: Mapping[str, Any], paths: set[str], replace: bool
) -> None:
    if _covers(paths, "userEnteredValue"):
        value = _extended_value(cell)
        if value is None:
            sheet.values.pop(key, None)
        else:
            sheet.values[key] = value
    if _covers(paths, "userEnteredFormat"):
        fmt = cell.get("userEnteredFormat") or {}
        new = dict(fmt) if replace else _merge(sheet.formats.get(key, {}), fmt)
        if new:
            sheet.formats[key] = new
        else:
            sheet.formats.pop(key, None)


class BatchUpdate:
    """Applies one spreadsheets:batchUpdate body to a copy of a spreadsheet."""

    def __init__(self, book: Spreadsheet, new_sheet_id: Callable[[], int]) -> None:
        self.book = copy.deepcopy(book)
        self.new_sheet_id = new_sheet_id

    def apply(self, requests: Iterable[Mapping[str, Any]]) -> tuple[Spreadsheet, list[dict[str, Any]]]:
        replies: list[dict[str, Any]] = []
        for number, request in enumerate(requests):
            if len(request) != 1:
                raise ApiError(400, f"Invalid requests[{number}]: exactly one kind of request expected")
            ((name, body),) = request.items()
            handler = getattr(self, f"_{name}", None)
            if handler is None:
                raise ApiError(400, f"Invalid requests[{number}]: unknown request {name!r}")
            try:
                replies.append(handler(body) or {})
            except ApiError as exc:
                raise ApiError(exc.code, f"Invalid requests[{number}].{name}: {exc.message}") from exc
        self.book.reindex()
        return self.book, replies

    def _addSheet(self, body: Mapping[str, Any]) -> dict[str, Any]:
        props = body.get("properties", {})
        title = props.get("title") or f"Sheet{len(self.book.sheets) + 1}"
        if any(s.title.casefold() == str(title).casefold() for s in self.book.sheets):
            raise ApiError(400, f'A sheet with the name "{title}" already exists. Please enter another name.')
        sheet_id = int(props["sheetId"]) if "sheetId" in props else self.new_sheet_id()
        if any(s.sheet_id == sheet_id for s in self.book.sheets):
            raise ApiError(400, f"A sheet with the id {sheet_id} already exists.")
        grid = props.get("gridProperties", {})
        index = int(props.get("index", len(self.book.sheets)))
        for sheet in self.book.sheets:
            if sheet.index >= index:
                sheet.index += 1
        sheet = Sheet(
            sheet_id,
            str(title),
            index=index,
            rows=int(grid.get("rowCount", 1000)),
            cols=int(grid.get("columnCount", 26)),
            frozen_rows=int(grid.get("frozenRowCount", 0)),
            frozen_cols=int(grid.get("frozenColumnCount", 0)),
            hidden=bool(props.get("hidden", False)),
        )
        sheet.check_frozen()
        self.book.sheets.append(sheet)
        self.book.reindex()
        return {"addSheet": {"properties": sheet.properties()}}

    def _deleteSheet(self, body: Mapping[str, Any]) -> None:
        sheet = self.book.by_id(int(body["sheetId"]))
        if len(self.book.sheets) == 1:
            raise ApiError(400, "You can't remove all the sheets in a document.")
        self.book.sheets.remove(sheet)
        self.book.reindex()

    def _updateSheetProperties(self, body: Mapping[str, Any]) -> None:
        props = body.get("properties", {})
        paths = mask(str(body.get("fields", "")))
        if not paths:
            raise ApiError(400, "At least one field must be specified in 'fields'.")
        sheet = self.book.by_id(int(props.get("sheetId", 0)))
        grid = props.get("gridProperties", {})
        if _covers(paths, "title"):
            title = str(props.get("title", ""))
            if not title or any(
                s is not sheet and s.title.casefold() == title.casefold() for s in self.book.sheets
            ):
                raise ApiError(
                    400, f'A sheet with the name "{title}" already exists. Please enter another name.'
                )
            sheet.title = title
        if _covers(paths, "index"):
            order = [s for s in sorted(self.book.sheets, key=lambda s: s.index) if s is not sheet]
            order.insert(min(int(props.get("index", 0)), len(order)), sheet)
            for i, each in enumerate(order):
                each.index = i
        if _covers(paths, "hidden"):
            sheet.hidden = bool(props.get("hidden", False))
        rows = (
            int(grid.get("rowCount", sheet.rows)) if _covers(paths, "gridProperties.rowCount") else sheet.rows
        )
        cols = (
            int(grid.get("columnCount", sheet.cols))
            if _covers(paths, "gridProperties.columnCount")
            else sheet.cols
        )
        if _covers(paths, "gridProperties.frozenRowCount"):
            sheet.frozen_rows = int(grid.get("frozenRowCount", 0))
        if _covers(paths, "gridProperties.frozenColumnCount"):
            sheet.frozen_cols = int(grid.get("frozenColumnCount", 0))
        sheet.resize(rows, cols)

    def _updateDimensionProperties(self, body: Mapping[str, Any]) -> None:
        spec = body.get("range", {})
        sheet = self.book.by_id(int(spec.get("sheetId", 0)))
        if spec.get("dimension") != "COLUMNS":
            return  # row heights are not modelled
        start, end = int(spec.get("startIndex", 0)), int(spec.get("endIndex", sheet.cols))
        if end > sheet.cols:
            raise ApiError(
                400, f"Invalid requests: column index {end} exceeds grid limits ({sheet.cols} columns)"
            )
        if _covers(mask(str(body.get("fields", ""))), "pixelSize"):
            for c in range(start, end):
                sheet.col_widths[c] = int(body.get("properties", {}).get("pixelSize", 100))

    def _repeatCell(self, body: Mapping[str, Any]) -> None:
        area = _grid_range(self.book, body.get("range", {}))
        paths = mask(str(body.get("fields", "")))
        for key in itertools.product(range(area.r0, area.r1), range(area.c0, area.c1)):
            _set_cell(area.sheet, key, body.get("cell", {}), paths, replace=False)

    def _updateCells(self, body: Mapping[str, Any]) -> None:
        paths = mask(str(body.get("fields", "")))
        if not paths:
            raise ApiError(400, "At least one field must be specified in 'fields'.")
        rows = body.get("rows", [])
        if "range" in body:
            area = _grid_range(self.book, body["range"])
            for key in itertools.product(range(area.r0, area.r1), range(area.c0, area.c1)):
                _set_cell(area.sheet, key, {}, paths, replace=True)
            sheet, r0, c0 = area.sheet, area.r0, area.c0
        else:
            start = body.get("start", {})
            sheet = self.book.by_id(int(start.get("sheetId", 0)))
            r0, c0 = int(start.get("rowIndex", 0)), int(start.get("columnIndex", 0))
        height = r0 + len(rows)
        width = c0 + max((len(r.get("values", [])) for r in rows), default=0)
        if height > sheet.rows or width > sheet.cols:
            raise ApiError(
                400,
                f"Range ('{sheet.title}'!R{height}C{width}) exceeds grid limits. "
                f"Max rows: {sheet.rows}, max columns: {sheet.cols}",
            )
        for i, row in enumerate(rows):
            for j, cell in enumerate(row.get("values", [])):
                _set_cell(sheet, (r0 + i, c0 + j), cell, paths, replace=True)

    def _copyPaste(self, body: Mapping[str, Any]) -> None:
        if body.get("pasteType", "PASTE_NORMAL") != "PASTE_NORMAL":
            raise ApiError(400, "only PASTE_NORMAL is modelled")
        source = _grid_range(self.book, body.get("source", {}))
        target = _grid_range(self.book, body.get("destination", {}))
        height, width = source.r1 - source.r0, source.c1 - source.c0
        if (target.r1 - target.r0, target.c1 - target.c0) != (height, width):
            raise ApiError(400, "the destination must be the size of the source (tiling is not modelled)")
        values = {
            k: v
            for k, v in source.sheet.values.items()
            if source.r0 <= k[0] < source.r1 and source.c0 <= k[1] < source.c1
        }
        formats = {
            k: v
            for k, v in source.sheet.formats.items()
            if source.r0 <= k[0] < source.r1 and source.c0 <= k[1] < source.c1
        }
        for store, copied in ((target.sheet.values, values), (target.sheet.formats, formats)):
            for key in [k for k in store if target.r0 <= k[0] < target.r1 and target.c0 <= k[1] < target.c1]:
                del store[key]
            for (r, c), v in copied.items():
                store[(r - source.r0 + target.r0, c - source.c0 + target.c0)] = copy.deepcopy(v)

    def _createDeveloperMetadata(self, body: Mapping[str, Any]) -> dict[str, Any]:
        meta = dict(body.get("developerMetadata", {}))
        location = meta.get("location", {})
        if "sheetId" not in location:
            raise ApiError(400, "only sheet locations are modelled")
        sheet = self.book.by_id(int(location["sheetId"]))
        if not meta.get("metadataKey") or meta.get("visibility") not in ("DOCUMENT", "PROJECT"):
            raise ApiError(400, "developerMetadata needs a metadataKey and a visibility")
        meta["metadataId"] = self.new_sheet_id()
        meta["location"] = {"locationType": "SHEET", "sheetId": sheet.sheet_id}
        sheet.developer_metadata.append(meta)
        return {"createDeveloperMetadata": {"developerMetadata": copy.deepcopy(meta)}}

    def _deleteDeveloperMetadata(self, body: Mapping[str, Any]) -> None:
        lookup = body.get("dataFilter", {}).get("developerMetadataLookup", {})
        if "metadataId" not in lookup:
            raise ApiError(400, "only lookups by metadataId are modelled")
        found = False
        for sheet in self.book.sheets:
            kept = [m for m in sheet.developer_metadata if m["metadataId"] != int(lookup["metadataId"])]
            found |= len(kept) != len(sheet.developer_metadata)
            sheet.developer_metadata = kept
        if not found:
            raise ApiError(400, f"No developer metadata with ID: {lookup['metadataId']}")

    def _setBasicFilter(self, body: Mapping[str, Any]) -> None:
        spec = body.get("filter", {})
        area = _grid_range(self.book, spec.get("range", {}))
        area.sheet.basic_filter = copy.deepcopy(dict(spec))

    # Charts, protections and bandings: stored as sent, with the checks Google makes that matter here.

    def _addChart(self, body: Mapping[str, Any]) -> dict[str, Any]:
        chart = copy.deepcopy(dict(body.get("chart", {})))
        anchor = chart.get("position", {}).get("overlayPosition", {}).get("anchorCell", {})
        sheet = self.book.by_id(int(anchor.get("sheetId", -1)))
        if int(anchor.get("rowIndex", 0)) >= sheet.rows or int(anchor.get("columnIndex", 0)) >= sheet.cols:
            raise ApiError(400, "the chart's anchor cell is outside the grid")
        basic = chart.get("spec", {}).get("basicChart", {})
        for part in [*basic.get("domains", []), *basic.get("series", [])]:
            inner = part.get("domain") or part.get("series") or {}
            for source in inner.get("sourceRange", {}).get("sources", []):
                _grid_range(self.book, source)  # raises when outside the grid
            if (
                "series" in part
                and basic.get("chartType") == "BAR"
                and part.get("targetAxis") != "BOTTOM_AXIS"
            ):
                raise ApiError(400, "a bar chart's series must target BOTTOM_AXIS")
        chart["chartId"] = self.new_sheet_id()
        sheet.charts.append(chart)
        return {"addChart": {"chart": copy.deepcopy(chart)}}

    def _deleteEmbeddedObject(self, body: Mapping[str, Any]) -> None:
        object_id = int(body.get("objectId", -1))
        for sheet in self.book.sheets:
            kept = [c for c in sheet.charts if c["chartId"] != object_id]
            if len(kept) != len(sheet.charts):
                sheet.charts = kept
                return
        raise ApiError(400, f"No object with id: {object_id}")

    def _addProtectedRange(self, body: Mapping[str, Any]) -> dict[str, Any]:
        protected = copy.deepcopy(dict(body.get("protectedRange", {})))
        area = _grid_range(self.book, protected.get("range", {}))
        protected["protectedRangeId"] = self.new_sheet_id()
        area.sheet.protected_ranges.append(protected)
        return {"addProtectedRange": {"protectedRange": copy.deepcopy(protected)}}

    def _deleteProtectedRange(self, body: Mapping[str, Any]) -> None:
        range_id = int(body.get("protectedRangeId", -1))
        for sheet in self.book.sheets:
            kept = [p for p in sheet.protected_ranges if p["protectedRangeId"] != range_id]
            if len(kept) != len(sheet.protected_ranges):
                sheet.protected_ranges = kept
                return
        raise ApiError(400, f"No protected range with id: {range_id}")

    def _addBanding(self, body: Mapping[str, Any]) -> dict[str, Any]:
        banded = copy.deepcopy(dict(body.get("bandedRange", {})))
        area = _grid_range(self.book, banded.get("range", {}))
        if area.sheet.banded_ranges:
            raise ApiError(
                400, "You cannot add alternating background colors to a range that already has them."
            )
        banded["bandedRangeId"] = self.new_sheet_id()
        area.sheet.banded_ranges.append(banded)
        return {"addBanding": {"bandedRange": copy.deepcopy(banded)}}

    def _deleteBanding(self, body: Mapping[str, Any]) -> None:
        banded_id = int(body.get("bandedRangeId", -1))
        for sheet in self.book.sheets:
            kept = [b for b in sheet.banded_ranges if b["bandedRangeId"] != banded_id]
            if len(kept) != len(sheet.banded_ranges):
                sheet.banded_ranges = kept
                return
        raise ApiError(400, f"No banded range with id: {banded_id}")

    def _clearBasicFilter(self, body: Mapping[str, Any]) -> None:
        self.book.by_id(int(body.get("sheetId", 0))).basic_filter = None
