"""`make bench`: the speed and memory targets, beside the floor measured in the same run.

Prints its figures and asserts nothing. The machine is shared and noisy, so
the targets are ratios to a floor measured here, now: reading the same
response workbook with python-calamine and writing the same output tables
with xlsxwriter, nothing else. Neither timer counts importing the libraries that
do the work (the floor's reader and writer; the sync's, its PDF report's too):
start-up is what demo_cli measures.

- national: every tambon of the country (7,436) answering both rounds, in one
  response workbook, synced under one province's settings: a first sync, a
  rewrite over an existing output (the nightly case), an unchanged re-sync;
  peak memory of that process.
- demo_cli: `pipeline sync` of the demo province as a command, interpreter
  start included: first (fresh state) and unchanged; the median of 3.
- provinces_77: the whole country in one run (`provinces: all`), one
  response workbook per province, one output per province plus the roll-up;
  beside it, its own floor: calamine reading the 77 workbooks and xlsxwriter
  writing the same 78 outputs' tables.

The last line is one JSON object with every figure.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NATIONAL_PROVINCE = "30"  # Nakhon Ratchasima, the largest: its settings read the national workbook
TAB = "การตอบแบบฟอร์ม 1"
TARGETS = {"first": 2.0, "rewrite": 2.5, "unchanged": 0.3, "peak_mb": 400, "demo_first": 1.5}
TARGETS |= {"demo_unchanged": 0.5, "provinces_77": 2.0}

# Run in a child process (the current directory first on sys.path: the tree being measured).
# Every child imports the libraries it works with before its timer starts: the floor its reader
# and writer, the syncs (national, 77 provinces) these, the PDF report's too. Start-up is the
# demo_cli figure's.
SYNC_LIBRARIES = ("python_calamine", "xlsxwriter", "fpdf", "jinja2", "pythainlp.util")
SYNC_CHILD = r"""
import importlib, json, resource, sys, time, shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo
t0 = time.perf_counter()
from pipeline.run import sync_from_config
for library in sys.argv[3:]:
    importlib.import_module(library)
imports = time.perf_counter() - t0
cfg, state = Path(sys.argv[1]), Path(sys.argv[2])
now = datetime(2024, 7, 1, 12, tzinfo=ZoneInfo("Asia/Bangkok"))
cpu = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
out, statuses = {}, []
for phase in ("first", "rewrite", "unchanged"):
    if phase == "rewrite":
        shutil.rmtree(state)  # the output stays: the next sync rewrites it, as on a night with new answers
    c0, t0 = cpu(), time.perf_counter()
    s = sync_from_config(cfg, now=now)
    out[phase + "_s"], out[phase + "_cpu"] = time.perf_counter() - t0, cpu() - c0
    out.setdefault("rows", s.get("rows_read"))
    statuses.append(s["status"])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out | {"statuses": statuses, "peak_mb": peak, "imports_s": imports}))
"""

FLOOR_CHILD = r"""
import json, os, resource, sys, time
from python_calamine import CalamineWorkbook
import xlsxwriter
books_file, out, tab, sources = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
books = json.loads(open(books_file, encoding="utf-8").read())
cpu = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
c0, t0 = cpu(), time.perf_counter()
rows = sum(len(CalamineWorkbook.from_path(s).get_sheet_by_name(tab).to_python()) - 1 for s in sources)
for name, tables in books.items():
    wb = xlsxwriter.Workbook(os.path.join(out, name + ".xlsx"), {"constant_memory": True})
    for title, grid in tables.items():
        ws = wb.add_worksheet(title[:31])
        for r, row in enumerate(grid):
            ws.write_row(r, 0, row)
    wb.close()
print(json.dumps({"floor_s": time.perf_counter() - t0, "floor_cpu": cpu() - c0, "rows_read": rows,
                  "outputs": len(books)}))
"""

PROVINCES_CHILD = r"""
import importlib, json, resource, sys, time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo
from pipeline.run import sync_from_config
for library in sys.argv[2:]:
    importlib.import_module(library)
cpu = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
c0, t0 = cpu(), time.perf_counter()
s = sync_from_config(Path(sys.argv[1]), now=datetime(2024, 7, 1, 12, tzinfo=ZoneInfo("Asia/Bangkok")))
print(json.dumps({"wall_s": time.perf_counter() - t0, "cpu_s": cpu() - c0, "status": s["status"],
                  "provinces": len(s.get("provinces", {}))}))
"""


def child(code: str, *args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, check=False
    )
    if out.returncode:
        raise SystemExit(f"bench child failed:\n{out.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def write_grid(path: Path, grid: list[list[Any]]) -> None:
    """A response workbook as Google's "Download as .xlsx" gives it: dates as dates, text as text."""
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    when = wb.add_format({"num_format": "m/d/yyyy h:mm:ss"})
    ws = wb.add_worksheet(TAB)
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            if value is None:
                continue
            if hasattr(value, "hour"):
                ws.write_datetime(r, c, value, when)
            else:
                ws.write(r, c, value)
    wb.close()


def calendar_for(folder: Path, province_name: str) -> str:
    import yaml

    cal = yaml.safe_load((ROOT / "config/calendar/phayao-2567.yaml").read_text(encoding="utf-8"))
    cal["province"] = province_name
    name = f"cal-{province_name}.yaml"
    (folder / name).write_text(yaml.safe_dump(cal, allow_unicode=True), encoding="utf-8")
    return name


def settings_file(folder: Path, **raw: Any) -> Path:
    import yaml

    base = {"fiscal_year": 2567, "data_dir": "data", "state_db": "state/pipeline.sqlite"}
    path = folder / "pipeline.yaml"
    path.write_text(yaml.safe_dump(base | raw, allow_unicode=True), encoding="utf-8")
    return path


def assessment_source(spreadsheet: str) -> dict[str, Any]:
    return {"tambon_assessment": {"schema": "tambon_assessment", "spreadsheet": spreadsheet, "tab": TAB}}


def national(folder: Path) -> dict[str, Any]:
    from pipeline.demo.assessment import generate_country
    from pipeline.orgunits import OrgUnits

    grid = generate_country(random.Random(1))
    write_grid(folder / "data" / "national.xlsx", grid)
    province = OrgUnits.for_province(NATIONAL_PROVINCE).province.name
    cfg = settings_file(
        folder,
        province=NATIONAL_PROVINCE,
        calendar=calendar_for(folder, province),
        sources=assessment_source("national"),
        output={"spreadsheet": "out"},
    )
    figures = child(SYNC_CHILD, str(cfg), str(folder / "state"), *SYNC_LIBRARIES)
    return figures | floor_of(folder, [folder / "data" / "national.xlsx"], [folder / "data" / "out.xlsx"])


def floor_of(folder: Path, sources: list[Path], outputs: list[Path]) -> dict[str, Any]:
    """The floor of a run: calamine reading its response workbooks, xlsxwriter writing the very
    tables it published, nothing else."""
    from python_calamine import CalamineWorkbook

    books = {}
    for path in outputs:
        out = CalamineWorkbook.from_path(str(path))
        books[path.stem] = {name: out.get_sheet_by_name(name).to_python() for name in out.sheet_names}
    (folder / "floor").mkdir()
    tables = folder / "floor" / "tables.json"
    tables.write_text(json.dumps(books, default=str, ensure_ascii=False), encoding="utf-8")
    return child(FLOOR_CHILD, str(tables), str(folder / "floor"), TAB, *map(str, sources))


def demo_cli(folder: Path) -> dict[str, Any]:
    import yaml

    from pipeline.demo import write_demo
    from pipeline.settings_loader import load_settings

    bundled = next(p for p in (ROOT / "config/demo.yaml", ROOT / "config/pipeline.yaml") if p.exists())
    raw = yaml.safe_load(bundled.read_text(encoding="utf-8"))
    shutil.copytree(ROOT / "config", folder / "config")
    raw |= {"data_dir": "data", "state_db": "state/pipeline.sqlite", "reports_dir": "reports"}
    raw.setdefault("mail", {})["outbox"] = "outbox"
    cfg = folder / "config" / bundled.name
    cfg.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    write_demo(load_settings(cfg))
    command = [sys.executable, "-m", "pipeline.cli", "sync", "--config", str(cfg), "--today", "2024-07-01"]
    runs: dict[str, list[float]] = {"first_s": [], "unchanged_s": [], "first_cpu": [], "unchanged_cpu": []}
    for _ in range(3):
        shutil.rmtree(folder / "config" / "state", ignore_errors=True)
        (folder / "config" / "data" / "demo-summary.xlsx").unlink(missing_ok=True)
        shutil.rmtree(folder / "config" / "reports", ignore_errors=True)
        for which in ("first", "unchanged"):
            cpu0, t0 = _children_cpu(), time.perf_counter()
            subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
            runs[f"{which}_s"].append(time.perf_counter() - t0)
            runs[f"{which}_cpu"].append(_children_cpu() - cpu0)
    return {k: statistics.median(v) for k, v in runs.items()}


def _children_cpu() -> float:
    """CPU seconds of finished child processes: the part of a command's time a busy machine cannot inflate."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def provinces_77(folder: Path) -> dict[str, Any] | None:
    """The whole country in one run, one response workbook per province; None where settings cannot say so."""
    from pipeline.demo.assessment import generate_country
    from pipeline.provinces import province_codes

    shared = calendar_for(folder, "ทุกจังหวัด")
    for code in province_codes():
        write_grid(folder / "data" / f"assessment-{code}.xlsx", generate_country(random.Random(code), [code]))
    cfg = settings_file(
        folder,
        provinces="all",
        calendar=shared,
        sources=assessment_source("assessment-{code}"),
        output={"spreadsheet": "summary-{code}", "rollup": "summary-country"},
    )
    run = child(PROVINCES_CHILD, str(cfg), *SYNC_LIBRARIES)
    data = folder / "data"
    return run | floor_of(folder, sorted(data.glob("assessment-*.xlsx")), sorted(data.glob("summary-*.xlsx")))


def main() -> None:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        n = national(Path(tmp))
    results["national"] = {k: round(n[k], 2) for k in ("first_s", "rewrite_s", "unchanged_s", "floor_s")}
    results["national"] |= {"rows": n["rows"], "peak_mb": round(n["peak_mb"])}
    floor = n["floor_s"]
    print("== national workbook under one province's settings (local backend) ==")
    print(
        f"rows {n['rows']}, floor (calamine read + xlsxwriter write of the same tables) {floor:.2f} s "
        f"wall, {n['floor_cpu']:.2f} s CPU"
    )
    for key, label in (
        ("first", "first sync"),
        ("rewrite", "rewrite, output exists"),
        ("unchanged", "unchanged"),
    ):
        t, c = n[f"{key}_s"], n[f"{key}_cpu"]
        print(
            f"  {label:24} {t:6.2f} s  {t / floor:5.2f}x floor  (CPU {c:6.2f} s, "
            f"{c / n['floor_cpu']:5.2f}x)  target <= {TARGETS[key]}x"
        )
    print(
        f"  (before the timers: the pipeline and {', '.join(SYNC_LIBRARIES)} imported in {n['imports_s']:.2f} s)"
    )
    print(
        f"  peak memory {n['peak_mb']:.0f} MB (target <= {TARGETS['peak_mb']} MB); statuses {n['statuses']}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        d = demo_cli(Path(tmp))
    results["demo_cli"] = {k: round(d[k], 2) for k in ("first_s", "unchanged_s")}
    print("== the demo province as a command (`pipeline sync`, interpreter start included, median of 3) ==")
    for key, label in (("first", "first"), ("unchanged", "unchanged")):
        print(
            f"  {label:10} {d[f'{key}_s']:5.2f} s wall, {d[f'{key}_cpu']:5.2f} s CPU "
            f"(target <= {TARGETS[f'demo_{key}']} s)"
        )
    try:
        with tempfile.TemporaryDirectory() as tmp:
            p = provinces_77(Path(tmp))
    except (ImportError, SystemExit) as exc:
        p = None
        print(f"== 77 provinces in one run: not measured ({str(exc).strip().splitlines()[-1]}) ==")
    if p is not None:
        results["provinces_77"] = {"wall_s": round(p["wall_s"], 2), "floor_s": round(p["floor_s"], 2)}
        ratio = p["wall_s"] / n["first_s"]
        print("== 77 provinces in one run (one workbook each, an output each, the roll-up) ==")
        print(
            f"  its own floor (calamine read of the 77 workbooks + xlsxwriter write of the same "
            f"{p['outputs']} outputs' tables) {p['floor_s']:.2f} s = {p['floor_s'] / n['first_s']:.2f}x the national "
            f"first sync; the run is {p['wall_s'] / p['floor_s']:.2f}x its floor"
        )
        print(
            f"  {p['provinces']} provinces, {p['status']}: {p['wall_s']:.2f} s, {ratio:.2f}x the national first "
            f"sync (CPU {p['cpu_s']:.2f} s, {p['cpu_s'] / n['first_cpu']:.2f}x)  target <= {TARGETS['provinces_77']}x"
        )
    else:
        results["provinces_77"] = {"wall_s": None}
    google = ROOT / "bench" / "google_requests.py"
    if google.exists() and os.environ.get("BENCH_GOOGLE", "1") != "0":
        print("== Google API requests per sync ==", flush=True)
        subprocess.run([sys.executable, str(google)], check=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
