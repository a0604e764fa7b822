"""How often Python's cycle collector runs: rarely, while a run holds its many objects.

A sync holds a few hundred thousand objects at once (place names, cells, tables), and
each collection at the default thresholds walks the young ones again: a sixth of a
national sync's time. The few cycles a run makes are still collected, later.
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
    gc.set_threshold(*RARE)
    try:
        yield
    finally:
        gc.set_threshold(*before)
