"""Thai names an officer reads in place of the pipeline's English codes.

Form names come from the schemas' own titles; issue kinds from the table
below. The English codes stay in `pipeline export` and in the issues tab's
last column, for filtering.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from pipeline.errors import ConfigError

SEVERITY_TH = {"error": "ข้อผิดพลาด", "warning": "คำเตือน"}

# issue code -> what kind of problem it is, as a district officer would say it
ISSUE_KINDS: Mapping[str, str] = {
    "activities_units": "กิจกรรมไม่สอดคล้องกับจำนวนตำบล",
    "ambiguous_band": "คำตอบตรงช่วงที่เกณฑ์กำกวม",
    "announcement_after_submission": "วันที่ประกาศหลังวันส่ง",
    "announcement_mismatch": "วันที่ประกาศไม่ตรงกัน",
    "assessed_mismatch": "ไม่ตรงกับแบบประเมินที่ได้รับ",
    "bad_announcement_date": "วันที่ประกาศไม่ถูกต้อง",
    "bad_budget": "งบประมาณไม่ถูกต้อง",
    "bad_count": "จำนวนไม่ถูกต้อง",
    "bad_date": "วันที่ไม่ถูกต้อง",
    "bad_level": "ระดับไม่ถูกต้อง",
    "bad_month": "เดือนไม่ถูกต้อง",
    "bad_participants": "จำนวนผู้เข้าร่วมไม่ถูกต้อง",
    "bad_percent": "ร้อยละไม่ถูกต้อง",
    "bad_phone": "เบอร์โทรศัพท์ไม่ถูกต้อง",
    "bad_report_no": "รายงานครั้งที่ไม่ถูกต้อง",
    "bad_round": "ครั้งที่ประเมินไม่ถูกต้อง",
    "bad_timestamp": "วันเวลาที่ส่งอ่านไม่ได้",
    "bad_yes_no": "คำตอบ มี/ไม่มี ไม่ถูกต้อง",
    "banned_purchase": "รายการจัดซื้อที่ห้ามใช้งบ",
    "bpm_before_held": "วันประชุมก่อนวันจัดเวที",
    "bpm_before_disbursed": "บันทึก BPM ก่อนเบิกจ่าย",
    "bpm_late": "ประชุมล่าช้า",
    "bpm_missing": "ไม่มีการประชุม",
    "bpm_on": "วันที่ประชุม",
    "budget_projects": "จำนวนโครงการที่ได้งบไม่สอดคล้อง",
    "cell_too_long": "ข้อความยาวเกินที่ช่องรับได้",
    "committee_size": "จำนวนกรรมการไม่ตามเกณฑ์",
    "committees_units": "จำนวนคณะไม่เท่าจำนวนหน่วย",
    "count_above_units": "จำนวนเกินที่เป็นไปได้",
    "duplicate_member": "รายชื่อกรรมการซ้ำ",
    "few_participants": "ผู้เข้าร่วมน้อยกว่าเกณฑ์",
    "file_missing": "ไม่พบไฟล์ที่อัปโหลด",
    "fractional_count": "จำนวนไม่ใช่จำนวนเต็ม",
    "future_date": "วันที่ยังมาไม่ถึง",
    "held_on": "วันที่จัดกิจกรรม",
    "lao_kind_mismatch": "ประเภท อปท. ไม่ตรง",
    "lao_other_district": "อปท. อยู่ต่างอำเภอ",
    "late": "ส่งล่าช้า",
    "level_inferred": "ระดับคณะกรรมการอนุมานจากข้อมูล",
    "local_plan_projects": "โครงการในแผนท้องถิ่นไม่สอดคล้อง",
    "many_chairs": "มีประธานมากกว่าหนึ่งคน",
    "many_secretaries": "มีเลขานุการมากกว่าหนึ่งคน",
    "missing_announcement": "ไม่มีวันที่ประกาศรับรอง",
    "missing_answer": "ไม่ได้ตอบ",
    "missing_budget": "ไม่ได้กรอกงบประมาณ",
    "missing_count": "ไม่ได้กรอกจำนวน",
    "missing_district": "ไม่ได้ระบุอำเภอ",
    "missing_document": "เอกสารยังไม่ครบ",
    "missing_lao": "ไม่ได้ระบุ อปท.",
    "missing_lessons": "ยังไม่ได้กรอกบทเรียน",
    "missing_level": "ไม่ได้ระบุระดับ",
    "missing_name": "ไม่ได้กรอกชื่อ",
    "missing_participants": "ไม่ได้กรอกจำนวนผู้เข้าร่วม",
    "missing_project": "ไม่ได้ระบุโครงการ",
    "missing_report_date": "ไม่ได้กรอกวันที่ส่งรายงาน",
    "missing_reporter": "ไม่มีชื่อผู้รายงาน",
    "missing_tambon": "ไม่ได้ระบุตำบล",
    "more_than_base": "มากกว่าฐานที่ใช้คำนวณ",
    "near_match": "ชื่อใกล้เคียง",
    "negative_count": "จำนวนติดลบ",
    "no_band": "ไม่ตรงเกณฑ์ช่วงใด",
    "no_base": "ไม่มีฐานที่ใช้คำนวณ",
    "no_chair": "ไม่มีประธาน",
    "no_documents": "ไม่มีเอกสารแนบ",
    "no_report_date": "ไม่มีคอลัมน์วันที่รายงาน",
    "no_secretary": "ไม่มีเลขานุการ",
    "not_a_link": "ไม่ใช่ลิงก์ไฟล์",
    "not_done_with_count": "ยังไม่ดำเนินการแต่มีจำนวน",
    "not_model_lao": "ไม่ใช่ อปท. ต้นแบบ",
    "not_on_committee": "ไม่อยู่ในทะเบียนคณะกรรมการ",
    "not_pdf": "ไฟล์ไม่ใช่ PDF",
    "not_strong_tambon": "ไม่ใช่ตำบลเข้มแข็งของปีนี้",
    "outside_district": "ตำบลไม่อยู่ในอำเภอที่ระบุ",
    "outside_fiscal_year": "วันที่อยู่นอกปีงบประมาณ",
    "outside_province": "อยู่นอกจังหวัด",
    "over_budget": "ใช้งบเกินที่ได้รับ",
    "pdf_unavailable": "สร้างไฟล์ PDF ไม่ได้",
    "pdf_unchecked": "ยังไม่ได้ตรวจชนิดไฟล์",
    "people_range": "จำนวนคนไม่สอดคล้องกับจำนวนคณะ",
    "percent_mismatch": "ร้อยละไม่ตรงกับที่คำนวณได้",
    "percent_out_of_range": "ร้อยละเกินช่วง ๐–๑๐๐",
    "period_from_date": "นับเดือนตามวันที่ส่ง",
    "plan_not_handed": "ยังไม่ได้มอบแผน",
    "plan_without_committee": "มีแผนแต่ไม่มีคณะทำงาน",
    "registry_mismatch": "ไม่ตรงกับทะเบียนคณะกรรมการ",
    "report_date_column": "คอลัมน์ที่ใช้เป็นวันที่ส่ง",
    "report_no_mismatch": "ครั้งที่ไม่ตรงกับเดือนที่รายงาน",
    "representation_gap": "องค์ประกอบกรรมการไม่ครบ",
    "rows_unaccounted": "จำนวนแถวไม่ครบ",
    "sheet_timezone": "เขตเวลาของสเปรดชีตไม่ตรง",
    "source_unreadable": "อ่านแบบรายงานไม่ได้",
    "superseded": "ส่งซ้ำ ใช้คำตอบล่าสุด",
    "tambon_forum_on": "วันที่จัดเวทีระดับตำบล",
    "tambon_ignored": "ตำบลที่ระบุไม่ได้ใช้",
    "unknown_district": "ไม่พบชื่ออำเภอ",
    "unknown_position": "ไม่รู้จักตำแหน่ง",
    "unknown_represented": "ไม่รู้จักกลุ่มที่เป็นผู้แทน",
    "unknown_tambon": "ไม่พบชื่อตำบล",
    "unparseable_answer": "อ่านคำตอบไม่ได้",
    "villages_remaining": "ยังจัดเวทีไม่ครบทุกหมู่บ้าน",
    "work_plan": "แผนดำเนินงาน",
}

OTHER_KIND = "ปัญหาอื่น"


def issue_kind(code: str) -> str:
    """The Thai name of an issue code ("late" -> "ส่งล่าช้า"); codes without one read as "ปัญหาอื่น"."""
    if code.endswith("_unchecked"):  # "<file type>_unchecked": the type is a setting of the orders form
        return ISSUE_KINDS["pdf_unchecked"]
    return ISSUE_KINDS.get(code, OTHER_KIND)


@cache
def _schema_title(schema: str) -> str:
    from pipeline.schema import load_schema

    try:
        return load_schema(schema).title
    except ConfigError:
        return ""


def form_titles(sources: Mapping[str, str]) -> dict[str, str]:
    """Source key -> the Thai title of its form, from the schemas (source key -> schema name in)."""
    return {key: _schema_title(schema) or key for key, schema in sources.items()}
