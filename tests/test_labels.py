"""Every issue code the forms can raise has a Thai name; form names come from the schemas."""

from __future__ import annotations

import ast
from itertools import pairwise
from pathlib import Path

from pipeline.labels import ISSUE_KINDS, OTHER_KIND, form_titles, issue_kind

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"


def raised_codes() -> set[str]:
    """String codes written beside a severity ("error", "bad_round", …), as code=…, or first to a flag(...),
    say.error(...) or say.warning(...)."""
    codes: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            args = node.args
            for a, b in pairwise(args):
                if (
                    isinstance(a, ast.Constant)
                    and a.value in ("error", "warning")
                    and isinstance(b, ast.Constant)
                ):
                    codes.add(str(b.value))
            for k in node.keywords:
                if k.arg in ("code", "error_code", "warning_code") and isinstance(k.value, ast.Constant):
                    codes.add(str(k.value.value))
            func = node.func
            name = getattr(func, "id", "")
            if isinstance(func, ast.Attribute) and getattr(func.value, "id", "") == "say":
                # a row's say.error(code, …) / say.warning(code, …); say.add(severity, code, …) is a pair above,
                # say.cell(key) / say.text(key) read an answer
                name = "say" if func.attr in ("error", "warning") else ""
            if name in ("flag", "say") and args and isinstance(args[0], ast.Constant):
                codes.add(str(args[0].value))
    return {c for c in codes if c}


def test_every_code_raised_has_a_thai_name() -> None:
    codes = raised_codes()
    assert len(codes) > 40
    assert sorted(codes - set(ISSUE_KINDS)) == []


def test_unknown_codes_still_read_in_thai() -> None:
    assert issue_kind("late") == "ส่งล่าช้า"
    assert issue_kind("something_new") == OTHER_KIND


def test_form_titles_come_from_the_schemas() -> None:
    titles = form_titles({"tambon_assessment": "tambon_assessment", "kpi": "kpi32", "x": "no_such_schema"})
    assert titles["tambon_assessment"] == "การประเมินผลการจัดระดับการพัฒนา ศอช.ต."
    assert titles["kpi"].startswith("รายงานผลการดำเนินงานตัวชี้วัดที่ ๓.๒")
    assert titles["x"] == "x"  # a source without a schema keeps its key rather than vanish
