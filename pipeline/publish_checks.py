"""What a sync tells the office about the spreadsheets themselves, and where each table goes.

Pure: the source spreadsheets' time zones (as the store read them), cells too long
for the store, and which output spreadsheet each table is published to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pipeline.models import Issue, Table
from pipeline.settings import Settings

MEMBER_TABLES = frozenset({"registry_members"})  # published to output.members_spreadsheet when set


def source_zones(settings: Settings, zones: Mapping[str, str]) -> dict[str, str]:
    """Source key -> the time zone of its spreadsheet, for sources read from a spreadsheet the store named."""
    return {
        key: zones[src.spreadsheet]
        for key, src in settings.sources.items()
        if src.spreadsheet and zones.get(src.spreadsheet)
    }


def zone_warnings(settings: Settings, zones: Mapping[str, str]) -> list[Issue]:
    """One warning per source (`zones` as `source_zones` gives) not in the province's time zone."""
    out = []
    for key, zone in sorted(zones.items()):
        if zone == settings.timezone:
            continue
        src = settings.sources[key]
        out.append(
            Issue(
                source=key,
                tab=src.tab,
                row=1,
                severity="warning",
                code="sheet_timezone",
                message=f"สเปรดชีตคำตอบนี้ตั้งเขตเวลาเป็น {zone} ไม่ใช่ {settings.timezone} "
                "ระบบแปลงเวลาประทับจากเขตเวลาของสเปรดชีตให้แล้ว แต่เวลาที่เห็นในชีตจะคลาดไป "
                "โปรดแก้ที่สเปรดชีตนั้น: ไฟล์ > การตั้งค่า > เขตเวลา เลือก (GMT+07:00) Bangkok",
                field="timeZone",
                value=zone,
            )
        )
    return out


def long_cell_warnings(tables: Sequence[Table], limit: int | None) -> list[Issue]:
    """A warning for every text cell the store must cut to `limit` characters (None: no limit)."""
    if limit is None:
        return []
    out = []
    for table in tables:
        for number, row in enumerate(table.rows, start=2):
            for column, value in zip(table.columns, row, strict=True):
                if isinstance(value, str) and len(value) > limit:
                    out.append(
                        Issue(
                            source=table.name,
                            tab=table.title,
                            row=number,
                            severity="warning",
                            code="cell_too_long",
                            message=f"ข้อความในช่องนี้ยาว {len(value):,} ตัวอักษร เกินที่ Google Sheets รับได้ "
                            f"({limit:,} ตัวอักษรต่อช่อง) จึงตัดให้เหลือ {limit:,} ตัวอักษรและทำเครื่องหมาย "
                            "[ตัดเหลือ …] ไว้ท้ายข้อความ ข้อความเต็มดูได้ในแบบฟอร์มต้นทาง",
                            field=column.header,
                            value=value[:100] + "…",
                        )
                    )
    return out


def by_spreadsheet(settings: Settings, tables: Sequence[Table]) -> dict[str, list[Table]]:
    """Output spreadsheet id -> its tables: the member list apart when output.members_spreadsheet is set.

    The main output spreadsheet comes last, so its run log is written once the rest is published.
    """
    members = settings.members_spreadsheet
    out: dict[str, list[Table]] = {}
    if members:
        out[members] = [t for t in tables if t.name in MEMBER_TABLES]
    out[settings.output_spreadsheet] = [t for t in tables if not (members and t.name in MEMBER_TABLES)]
    return {sheet: group for sheet, group in out.items() if group}
