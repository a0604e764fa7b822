"""The offline twin of a built form: an .xlsx entry workbook with the same questions and drop-downs.

The first tab is laid out like the form's response sheet (one column per
question, under the same titles, so the sync reads a returned workbook like
any response workbook); a "รายการ" tab holds the lists the drop-downs offer:
districts, each district's tambons (the tambon drop-down of a row lists only
the tambons of the district chosen in that row), band labels, rounds.
Drop-downs are data validations: a cell's value stays the text chosen, never
a formula.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from pipeline.errors import BackendError
from pipeline.formdesign.design import FormDesign, Question
from pipeline.orgunits import OrgUnits

ROWS = 1000  # rows ready for entry: more than any province's tambons
LISTS = "รายการ"
DATE_TITLE = "วันที่ส่ง"  # a timestamp title the sync knows; Google fills it in a form, the district here
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def columns(design: FormDesign) -> list[Question]:
    """The entry columns: one per question title (the per-district tambon lists become one column)."""
    seen: set[str] = set()
    out = []
    for q in design.questions():
        if q.title not in seen:
            seen.add(q.title)
            out.append(q)
    return out


def write_entry_workbook(path: Path, design: FormDesign, org: OrgUnits, *, tab: str) -> int:
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = tab[:31]
    lists = wb.create_sheet(LISTS)
    lists_ref = quote_sheetname(LISTS)
    questions = columns(design)
    sheet.append([DATE_TITLE, *(q.title for q in questions)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    last = ROWS + 1
    dates = DataValidation(type="date", allow_blank=True, operator="greaterThan", formula1="DATE(2000,1,1)")
    dates.error = "กรอกวันที่ส่ง เช่น 24/11/2566"
    sheet.add_data_validation(dates)
    dates.add(f"A2:A{last}")
    sheet.column_dimensions["A"].width = 14

    # The lists tab: A = districts; B/C = district, tambon pairs sorted by district; then one column per list.
    districts = org.districts()
    for n, d in enumerate(districts, start=1):
        lists.cell(n, 1, d.name)
    pairs = [(d.name, t.name) for d in districts for t in org.tambons(d.code)]
    for n, (d_name, t_name) in enumerate(pairs, start=1):
        lists.cell(n, 2, d_name)
        lists.cell(n, 3, t_name)
    next_list = 4
    district_col = ""
    for index, q in enumerate(questions, start=2):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 24 if q.options else 18
        area = f"{letter}2:{letter}{last}"
        if q.key == "district":
            district_col = letter
            rule = DataValidation(type="list", formula1=f"{lists_ref}!$A$1:$A${len(districts)}")
        elif q.key == "tambon" and district_col:
            # The tambons of the row's district: the run of column C whose column B is that district.
            first = f"{district_col}2"
            rule = DataValidation(
                type="list",
                formula1=f"OFFSET({lists_ref}!$C$1,MATCH({first},{lists_ref}!$B$1:$B${len(pairs)},0)-1,0,"
                f"COUNTIF({lists_ref}!$B$1:$B${len(pairs)},{first}),1)",
            )
        elif q.options:
            col = get_column_letter(next_list)
            next_list += 1
            for n, choice in enumerate(q.options, start=1):
                lists.cell(n, next_list - 1, choice.value)
            rule = DataValidation(type="list", formula1=f"{lists_ref}!${col}$1:${col}${len(q.options)}")
        elif q.kind == "number":
            rule = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0")
        else:
            continue
        rule.error = f'เลือกจากรายการ หรือกรอกให้ถูกต้อง: "{q.title}"'
        rule.showErrorMessage = True
        rule.allow_blank = not q.required
        sheet.add_data_validation(rule)
        rule.add(area)
    sheet.freeze_panes = "B2"
    lists.sheet_state = "hidden"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        wb.save(path)
    except OSError as exc:
        raise BackendError(
            f"cannot write the entry workbook ({exc})", where=str(path), fix="choose another --output"
        ) from exc
    return ROWS
