"""The registry demo generator at a large province's size: every committee, unique names, no endless draw."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

from pipeline.demo import registry
from pipeline.orgunits import OrgUnits
from pipeline.settings_loader import load_settings

ROOT = Path(__file__).resolve().parent.parent


def test_a_nakhon_ratchasima_registry_has_every_committee_and_unique_people() -> None:
    org = OrgUnits.for_province("นครราชสีมา")
    settings = dataclasses.replace(
        load_settings(ROOT / "config" / "pipeline.yaml"),
        province_code=org.province.code,
        province_name=org.province.name,
    )
    committees = registry.build(settings, random.Random("2567:committee_registry"))
    tambons = [c for c in committees if c.level == "tambon"]
    assert len(tambons) == sum(len(org.tambons(d.code)) for d in org.districts()) > 280
    new_people = {s.person.name for c in tambons for s in c.seats}
    assert len(new_people) == sum(len(c.seats) for c in tambons) > 4000  # more than the 1,568 plain names
    grid = registry.generate(settings, random.Random("2567:committee_registry"))
    assert len(grid) > len(new_people)


def test_the_demo_province_keeps_its_planted_mistakes() -> None:
    settings = load_settings(ROOT / "config" / "pipeline.yaml")
    committees = registry.committees_as_sent(settings, random.Random("2567:committee_registry"))
    jun = next(c for c in committees if c.tambon and c.tambon.code == "560202")
    assert len(jun.seats) == 8  # ต.จุน: the committee of eight
