"""How often Python's cycle collector runs: rarely, while a run holds its many objects.

A sync holds a few hundred thousand objects at once (place names, cells, tables), and
each collection at the default thresholds walks the young ones again: a sixth of a
national sync's time. The few cycles a run makes are still collected, later.

What a run has loaded before its work (settings, every province's place names, modules) lives to
its end: set aside, no collection walks it again meanwhile (a third of the collector's time in a
77-province run), and it is collectable again once the run ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

RARE = (100_000, 50, 50)  # thresholds of generations 0, 1 and 2


@contextmanager
def rare_collections() -> Iterator[None]:
    """The cycle collector run rarely for the length of a block; its thresholds restored after."""
    before = gc.get_threshold()
    ours = not _SETTING_ASIDE and gc.get_freeze_count() == 0  # never thaw what another froze
    _SETTING_ASIDE.append(ours)
    gc.set_threshold(*RARE)
    try:
        yield
    finally:
        if _SETTING_ASIDE.pop():
            gc.unfreeze()
        gc.set_threshold(*before)


def set_aside_loaded() -> None:
    """Everything alive now left out of collections until the enclosing rare_collections ends;
    nothing is done outside one, or inside one that found objects frozen already."""
    if _SETTING_ASIDE and _SETTING_ASIDE[-1]:
        gc.freeze()


_SETTING_ASIDE: list[bool] = []  # per rare_collections block entered: whether it may freeze and thaw
