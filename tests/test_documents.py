"""The PDF reports: shaped-text widths remembered across documents change no byte of them."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from pipeline import documents
from pipeline.forms.assessment import process
from tests.test_forms_assessment import HEADER, LOW, TOP, ctx, row


def test_remembered_widths_render_the_same_pdf_as_fresh_shaping(settings_file: Path) -> None:
    rows = [
        HEADER,
        row(datetime(2023, 11, 20, 9), "เมืองพะเยา", "เวียง", "1", TOP),
        row(datetime(2023, 11, 20, 9), "เมืองพะเยา", "แม่ต๋ำ", "1", LOW),
        row(datetime(2023, 11, 21, 9), "จุน", "ลอ", "1", TOP[:10] + LOW[10:]),
    ]
    pdf = next(d for d in process(ctx(settings_file), rows).documents if d.filename.endswith("-1.pdf"))
    documents._WIDTHS.clear()
    fresh = pdf.data()  # every width shaped by HarfBuzz
    remembered = sum(len(m) for m in documents._WIDTHS.values())
    assert remembered > 100
    again = pdf.data()  # every width from the memo
    assert again == fresh
    assert sum(len(m) for m in documents._WIDTHS.values()) == remembered


def test_the_memo_starts_over_when_full(settings_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "_WIDTHS_KEPT", 50)
    rows = [HEADER, row(datetime(2023, 11, 20, 9), "เมืองพะเยา", "เวียง", "1", TOP)]
    pdf = next(d for d in process(ctx(settings_file), rows).documents if d.filename.endswith(".pdf"))
    documents._WIDTHS.clear()
    first = pdf.data()
    assert all(0 < len(m) <= 50 for m in documents._WIDTHS.values())
    assert pdf.data() == first


def test_a_report_loads_fpdf_without_its_image_and_signing_dependencies() -> None:
    code = """
import sys
import subprocess
import sys
from datetime import datetime
from pipeline.documents import ThaiPdf
page = ThaiPdf("รายงาน", datetime(2024, 7, 1, 12))
page.para("ผลการประเมิน ๑๒ ตำบล")
assert page.output().startswith(b"%PDF")
print(sorted({m.split(".")[0] for m in sys.modules} & {"numpy", "cryptography"}))
import numpy, cryptography.hazmat  # held off only while fpdf loads, importable after
print("later", numpy.__name__, cryptography.__name__)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["[]", "later numpy cryptography"]
