"""`make bench`: speed and memory of a sync, and Google API requests per sync.

Prints its figures; asserts nothing. Sizes: the demo province (Phayao, 68
tambons), the largest province (Nakhon Ratchasima, 32 districts, 287 tambons)
with every tambon resubmitting several times (about 20,000 rows).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = r"""
import json, resource, sys, time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo
from pipeline.run import sync_from_config
cfg = Path(sys.argv[1])
t0 = time.perf_counter()
s = sync_from_config(cfg, now=datetime(2024, 7, 1, 12, tzinfo=ZoneInfo("Asia/Bangkok")))
t1 = time.perf_counter()
s2 = sync_from_config(cfg, now=datetime(2024, 7, 2, 12, tzinfo=ZoneInfo("Asia/Bangkok")))
t2 = time.perf_counter()
print(json.dumps({"rows": s["rows_read"], "first": t1 - t0, "unchanged": t2 - t1, "status2": s2["status"],
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def make_province(folder: Path, province: str, copies: int) -> Path:
    import yaml
    from openpyxl import Workbook

    from pipeline.backends.local import _atomic_save
    from pipeline.config import load_settings
    from pipeline.demo.assessment import generate
    from pipeline.orgunits import OrgUnits

    org = OrgUnits.for_province(province)
    cal = yaml.safe_load((ROOT / "config/calendar/phayao-2567.yaml").read_text(encoding="utf-8"))
    cal["province"] = org.province.name
    (folder / "cal.yaml").write_text(yaml.safe_dump(cal, allow_unicode=True), encoding="utf-8")
    cfg = folder / "pipeline.yaml"
    cfg.write_text(
        yaml.safe_dump(
            {
                "province": org.province.code,
                "fiscal_year": 2567,
                "calendar": "cal.yaml",
                "data_dir": "data",
                "state_db": "state.sqlite",
                "sources": {
                    "tambon_assessment": {"schema": "tambon_assessment", "spreadsheet": "resp", "tab": "r"}
                },
                "output": {"spreadsheet": "out"},
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    settings = load_settings(cfg)
    grid = generate(settings, random.Random(1))
    header, rows = grid[0], grid[1:]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "r"
    ws.append(header)
    for k in range(copies):  # resubmissions: the same tambons again, later
        for r in rows:
            r2 = list(r)
            if k and hasattr(r2[0], "replace"):
                r2[0] = r2[0].replace(minute=(k * 7) % 60)
            ws.append(r2)
    (folder / "data").mkdir(exist_ok=True)
    _atomic_save(wb, folder / "data" / "resp.xlsx")
    return cfg


def main() -> None:
    print("== sync speed and memory (local backend, .xlsx in and out) ==")
    for province, copies in (("56", 1), ("30", 1), ("30", 40)):
        with tempfile.TemporaryDirectory() as tmp:
            cfg = make_province(Path(tmp), province, copies)
            out = subprocess.run(
                [sys.executable, "-c", CHILD, str(cfg)], capture_output=True, text=True, check=True
            )
            f = json.loads(out.stdout)
            print(
                f"province {province}: {f['rows']:>6} rows  first sync {f['first']:6.2f} s "
                f"({f['rows'] / f['first']:7.0f} rows/s)  unchanged re-sync {f['unchanged']:5.2f} s ({f['status2']})  "
                f"peak RSS {f['maxrss_mb']:.0f} MB"
            )
    google = ROOT / "bench" / "google_requests.py"
    if google.exists():
        print("\n== Google API requests per sync ==", flush=True)
        subprocess.run([sys.executable, str(google)], check=True)


if __name__ == "__main__":
    main()
