"""The in-memory store runs a whole sync: the layers above the Backend need nothing more than it."""

from __future__ import annotations

from pathlib import Path

from pipeline.backends.memory import MemoryBackend
from pipeline.run import sync
from pipeline.settings_loader import load_settings
from pipeline.state import State
from tests.test_forms_workshop import HEADER, NOW, row, write_config


def test_a_sync_on_the_memory_store(tmp_path: Path) -> None:
    settings = load_settings(write_config(tmp_path))
    backend = MemoryBackend({"activity1": {"กิจกรรมที่ 1": [HEADER, row(), row(district="บางปะกง", people=4)]}})
    with State(settings.state_db) as state:
        summary = sync(settings, backend, state, now=NOW)
        assert (summary["status"], summary["accepted"], summary["warnings"]) == ("ok", 2, 1)
        tabs = backend.spreadsheets[settings.output_spreadsheet]
        assert [r[1] for r in tabs["กิจกรรมที่ ๑ ประชุม ศอช.อ."][1:3]] == ["เมืองฉะเชิงเทรา", "บางคล้า"]
        assert sync(settings, backend, state, now=NOW)["status"] == "unchanged"  # the same sheets again
