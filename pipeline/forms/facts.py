"""What a form tells the forms processed after it, typed.

A form module declares the facts it `GIVES` and the ones it `NEEDS`; the order
in which the forms run follows from that (pipeline.forms.order). A form reads a
fact with `find(ctx, Kind)`; tables several forms feed are built from their
facts in the roll-up step (pipeline.forms.rollups), never by one form changing
another's table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from pipeline.forms.base import FormContext
from pipeline.models import Row

Level = Literal["tambon", "district", "province"]


@dataclass(frozen=True)
class Fact:
    source: str  # the settings' key of the form that gave it


@dataclass(frozen=True)
class Assessed(Fact):
    """The tambon assessments received: (tambon code, round period) -> counted without error."""

    by_tambon: Mapping[tuple[str, str], bool]
    # Rows whose tambon could not be read, per (district code, round period): a district's own
    # count may include them, and that is not a second mistake.
    unplaced: Mapping[tuple[str, str], int] = field(default_factory=dict)


@dataclass(frozen=True)
class CommitteeInfo:
    level: Level
    unit_code: str
    district_code: str
    members: int
    ok: bool
    unread: int = 0  # rows sent with this committee whose place could not be read


@dataclass(frozen=True)
class Committees(Fact):
    """The registered committees: (level, unit code) -> what later forms may check against."""

    by_unit: Mapping[tuple[Level, str], CommitteeInfo]


@dataclass(frozen=True)
class ActivityProgress(Fact):
    """One activity's progress per district: rows of the shared table pipeline.forms.rollups builds."""

    rows: tuple[Row, ...]


F = TypeVar("F", bound=Fact)


def find(ctx: FormContext, kind: type[F]) -> F | None:
    """The fact of this kind a form processed before this one gave, or None."""
    for result in ctx.results.values():
        for fact in result.facts:
            if isinstance(fact, kind):
                return fact
    return None
