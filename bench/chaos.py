"""The chaos campaign: what a real office's mistakes and faults do to the pipeline.

    make chaos            # python bench/chaos.py --seed 8 --kills 30

Runs everything in a temporary folder, as a user runs it (`python -m pipeline.cli`
in a subprocess), and prints one table, one row per group of cases:

- sync killed (-9) at random points, the input flipping between two versions:
  the summary workbook and reports must read as the old or the new ones;
- remind killed at random points and right after the SMTP server (a real
  aiosmtpd started here) accepted a message: nothing lost, and a message sent
  twice carries the same Message-ID both times;
- every corrupt input and corrupt state database of the issue;
- read-only and full filesystems (bind mounts and small tmpfs: root only);
- fuzzed cells: formula strings, CR/LF, zero-width and RTL marks, emoji, 1 MB
  strings, odd numbers and dates, merged cells, duplicate headers, 20,000 rows.

Every column but "cases" must read 0. The last line is one JSON object with the
totals, for scripts. Seeded; each group is bounded by the number of its cases.
"""

from __future__ import annotations

import argparse
import contextlib
import email
import email.policy
import hashlib
import io
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from traceback import format_exc
from typing import Any

import yaml
from openpyxl import Workbook, load_workbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TODAY = "2024-07-01"
TAB = "การตอบแบบฟอร์ม 1"
DOCUMENTED = {0, 2, 3, 4, 5, 6, 7, 75}  # README's exit codes
RUN_LOG = "บันทึกการทำงาน"
COLUMNS = (
    ("cases", "cases"),
    ("tracebacks", "tracebacks"),
    ("unaccounted", "rows unaccounted"),
    ("formulas", "formulas written"),
    ("torn", "outputs neither old nor new"),
    ("lost", "reminders lost"),
    ("dupes", "duplicates without the same Message-ID"),
)


@dataclass
class Tally:
    name: str
    cases: int = 0
    tracebacks: int = 0
    unaccounted: int = 0
    formulas: int = 0
    torn: int = 0
    lost: int = 0
    dupes: int = 0
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        self.notes.append(f"{self.name}: {text}")


# ---------------------------------------------------------------------------
# A province in a folder, and the CLI as a user runs it


def province(folder: Path, sources: tuple[str, ...], **mail: Any) -> Path:
    """The bundled settings with these demo sources, every path inside ``folder``; demo data written."""
    from pipeline.demo import write_demo
    from pipeline.settings_loader import load_settings

    folder.mkdir(parents=True, exist_ok=True)
    raw = yaml.safe_load((ROOT / "config" / "demo.yaml").read_text(encoding="utf-8"))
    shutil.copytree(ROOT / "config" / "calendar", folder / "calendar", dirs_exist_ok=True)
    shutil.copy(ROOT / "config" / raw["contacts"], folder / "contacts.yaml")
    raw["contacts"] = "contacts.yaml"
    raw["sources"] = {k: v for k, v in raw["sources"].items() if k in sources}
    raw.update(data_dir="data", state_db="state/pipeline.sqlite", reports_dir="reports")
    raw["mail"] = {**raw.get("mail", {}), "outbox": "outbox", **mail}
    raw.setdefault("schedule", {})["jobstore"] = "state/scheduler.sqlite"
    cfg = folder / "pipeline.yaml"
    cfg.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    write_demo(load_settings(cfg))
    return cfg


def command(cfg: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline.cli", *args, "--config", str(cfg)]


def run(cfg: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`pipeline ARGS --config CFG` in this process (no start-up cost); an escaping exception is a traceback.

    Only the kills need a process of their own.
    """
    from pipeline.cli import main as pipeline

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = pipeline([*args, "--config", str(cfg)])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
        except Exception:
            err.write(format_exc())
            code = 1
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def sync(cfg: Path) -> subprocess.CompletedProcess[str]:
    return run(cfg, "sync", "--today", TODAY, "--json")


def traceback(out: subprocess.CompletedProcess[str]) -> bool:
    return "Traceback" in out.stderr or out.returncode not in DOCUMENTED


def summary(out: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    try:
        parsed = json.loads(out.stdout)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


ACCOUNTED = ("accepted", "rejected", "superseded", "ignored", "outside_fiscal_year", "duplicates")


def unaccounted(s: dict[str, Any]) -> int:
    """Rows read that no named category holds, over every form of a sync summary."""
    if not s or "rows_read" not in s:
        return 0
    forms = s.get("forms") or {}
    if forms and all(isinstance(f, dict) and "unaccounted" in f for f in forms.values()):
        return sum(int(f["unaccounted"]) for f in forms.values())
    return int(s["rows_read"]) - sum(int(s.get(k) or 0) for k in ACCOUNTED)


def workbook(cfg: Path) -> Path:
    return cfg.parent / "data" / "demo-summary.xlsx"


def tabs_digest(path: Path) -> str | None:
    """The values of every tab but the run log; None when the file is missing or unreadable."""
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception:
        return None
    try:
        h = hashlib.sha256()
        for ws in wb.worksheets:
            if ws.title == RUN_LOG:
                continue
            h.update(ws.title.encode())
            for row in ws.iter_rows(values_only=True):
                h.update(repr(row).encode())
        return h.hexdigest()
    except Exception:
        return None
    finally:
        wb.close()


def files_digest(folder: Path) -> dict[str, str]:
    if not folder.exists():
        return {}
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()}


def formulas(path: Path) -> int:
    """Cells of the output that a spreadsheet would run as formulas."""
    try:
        wb = load_workbook(path)
    except Exception:
        return 0
    return sum(1 for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f")


def check_sync(t: Tally, cfg: Path, out: subprocess.CompletedProcess[str]) -> None:
    t.cases += 1
    if traceback(out):
        t.tracebacks += 1
        t.note(f"exit {out.returncode}: {out.stderr.strip().splitlines()[-1:] or ''}")
    t.unaccounted += unaccounted(summary(out))
    t.formulas += formulas(workbook(cfg))


# ---------------------------------------------------------------------------
# kill -9 during sync


def sync_kills(folder: Path, rng: random.Random, kills: int) -> Tally:
    t = Tally("sync killed at random points")
    cfg = province(folder, ("tambon_assessment", "progress_assessment"))
    source = cfg.parent / "data" / "demo-assessment-responses.xlsx"
    versions = {"a": source.read_bytes()}
    wb = load_workbook(source)
    ws = wb[TAB]
    ws.append(list(next(ws.iter_rows(min_row=2, max_row=2, values_only=True))))  # a resubmission
    wb.save(source)
    versions["b"] = source.read_bytes()
    # The outputs each version publishes, from clean runs.
    expect: dict[str, tuple[str | None, dict[str, str]]] = {}
    for v in ("a", "b"):
        source.write_bytes(versions[v])
        check_sync(t, cfg, sync(cfg))
        expect[v] = (tabs_digest(workbook(cfg)), files_digest(cfg.parent / "reports"))
    # How long a whole sync takes as cron starts it: kills fall anywhere within it.
    source.write_bytes(versions["a"])
    start = time.monotonic()
    clean = subprocess.run(command(cfg, "sync", "--today", TODAY), capture_output=True, text=True, cwd=ROOT)
    span = (time.monotonic() - start) * 1.1
    t.cases += 1
    t.tracebacks += traceback(clean)
    current = "a"
    for _ in range(kills):
        current = "a" if current == "b" else "b"
        source.write_bytes(versions[current])
        proc = subprocess.Popen(
            command(cfg, "sync", "--today", TODAY),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=ROOT,
        )
        time.sleep(rng.uniform(0.05, span))
        proc.kill()
        _, err = proc.communicate()
        t.cases += 1
        if "Traceback" in (err or b"").decode(errors="replace"):
            t.tracebacks += 1
        book = tabs_digest(workbook(cfg))
        reports = files_digest(cfg.parent / "reports")
        if book not in (expect["a"][0], expect["b"][0]):
            t.torn += 1
            t.note("summary workbook neither old nor new")
        for name, digest in reports.items():
            if digest not in (expect["a"][1].get(name), expect["b"][1].get(name)):
                t.torn += 1
                t.note(f"report {name} neither old nor new")
    final = sync(cfg)
    check_sync(t, cfg, final)
    if tabs_digest(workbook(cfg)) != expect[current][0]:
        t.torn += 1
        t.note("the run after the kills did not converge")
    leftovers = [p.name for p in cfg.parent.rglob(".*.tmp")]
    if leftovers:
        t.torn += len(leftovers)
        t.note(f"temp files left: {leftovers}")
    with sqlite3.connect(cfg.parent / "state" / "pipeline.sqlite") as db:
        running = db.execute("SELECT COUNT(*) FROM runs WHERE status = 'running'").fetchone()[0]
    if running:
        t.note(f"{running} run(s) still 'running' after recovery")
        t.torn += running
    return t


# ---------------------------------------------------------------------------
# kill -9 during remind, against a real SMTP server


class Inbox:
    """aiosmtpd handler: keeps (key, recipients, Message-ID) of every accepted message; may kill the sender."""

    def __init__(self) -> None:
        self.received: list[tuple[str, tuple[str, ...], str]] = []
        self.victim: int | None = None
        self.kill_at: int | None = None
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        to = tuple(sorted(a.addr_spec for h in ("To", "Cc") for v in msg.get_all(h, []) for a in v.addresses))
        self.received.append((str(msg["X-Pipeline-Key"]), to, str(msg["Message-ID"])))
        self.count += 1
        if self.victim is not None and self.count == self.kill_at:
            # accepted, and the sender dies before it hears so: the window a crash can hit
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.victim, signal.SIGKILL)
        return "250 Message accepted for delivery"


@contextlib.contextmanager
def smtp_server(inbox: Inbox) -> Iterator[int]:
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


REMIND_DAYS = (
    "2023-11-17",
    "2023-11-21",
    "2023-11-23",
    "2023-11-24",
    "2023-11-25",
    "2023-11-27",
    "2024-06-14",
    "2024-06-18",
    "2024-06-20",
    "2024-06-21",
    "2024-06-22",
    "2024-06-24",
)


def remind_kills(folder: Path, rng: random.Random, kills: int) -> Tally:
    t = Tally("remind killed (aiosmtpd)")
    inbox = Inbox()
    with smtp_server(inbox) as port:
        smtp = {"host": "127.0.0.1", "port": port, "security": "none", "timeout": 30}
        cfg = province(folder, ("tambon_assessment", "progress_assessment"), smtp=smtp)
        check_sync(t, cfg, sync(cfg))
        per_day = -(-kills // len(REMIND_DAYS))
        for day in REMIND_DAYS:
            plan = run(cfg, "remind", "--dry-run", "--today", day, "--json")
            want = {
                (f"{d['cutoff_id']} {d['unit_code']} {d['step']}", d["recipient"])
                for d in json.loads(plan.stdout)["deliveries"]
                if d["status"] == "dry-run"
            }
            first = len(inbox.received)
            for k in range(per_day):
                proc = subprocess.Popen(
                    command(cfg, "remind", "--today", day),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    cwd=ROOT,
                )
                inbox.count = 0
                if k % 2 == 0 and want:  # right after the server accepted a message
                    inbox.victim, inbox.kill_at = proc.pid, rng.randint(1, max(1, len(want) // 2))
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        proc.wait(timeout=120)
                else:  # anywhere
                    time.sleep(rng.uniform(0.05, 2.5))
                proc.kill()
                _, err = proc.communicate()
                inbox.victim = inbox.kill_at = None
                t.cases += 1
                if "Traceback" in (err or b"").decode(errors="replace"):
                    t.tracebacks += 1
            last = run(cfg, "remind", "--today", day)
            t.cases += 1
            if traceback(last) or last.returncode != 0:
                t.tracebacks += traceback(last)
                t.note(f"{day}: exit {last.returncode} {last.stderr.strip()[-200:]}")
            got: dict[tuple[str, str], set[str]] = {}
            for key, to, mid in inbox.received[first:]:
                for address in to:
                    got.setdefault((key, address), set()).add(mid)
            lost = want - set(got)
            t.lost += len(lost)
            if lost:
                t.note(f"{day}: lost {sorted(lost)[:3]}")
            t.dupes += sum(1 for ids in got.values() if len(ids) > 1)
    return t


# ---------------------------------------------------------------------------
# Corrupt inputs and corrupt state


def rewrite(path: Path, edit: Any) -> None:
    wb = load_workbook(path)
    edit(wb[TAB])
    wb.save(path)


def broken_xml(path: Path) -> None:
    data = path.read_bytes()
    out = Path(str(path) + ".new")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename.startswith("xl/worksheets/"):
                body = body[: len(body) // 2] + b"<row><c"  # a sheet cut off mid-element
            dst.writestr(item, body)
    out.replace(path)
    assert path.read_bytes() != data


def cell_case(column: int, value: object) -> Any:
    def edit(ws: Any) -> None:
        ws.cell(row=2, column=column, value=value)

    return edit


INPUT_CASES: dict[str, Any] = {
    "missing workbook": lambda p: p.unlink(),
    "zero-byte workbook": lambda p: p.write_bytes(b""),
    "truncated workbook": lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
    "not a zip": lambda p: p.write_text("ประทับเวลา,อำเภอ\n", encoding="utf-8"),
    "broken XML": broken_xml,
    "password-protected": lambda p: p.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 4096),
    "duplicate column titles": lambda p: rewrite(
        p, lambda ws: ws.cell(row=1, column=3, value=ws.cell(1, 2).value)
    ),
    "round 1e+20": lambda p: rewrite(p, cell_case(4, 1e20)),
    "round -2": lambda p: rewrite(p, cell_case(4, -2)),
    "round 2.5": lambda p: rewrite(p, cell_case(4, 2.5)),
    "timestamp 9999-12-31": lambda p: rewrite(p, cell_case(1, datetime(9999, 12, 31))),
    "timestamp -1": lambda p: rewrite(p, cell_case(1, -1)),
    "timestamp of an earlier year": lambda p: rewrite(p, cell_case(1, datetime(2022, 12, 10, 9))),
    "empty sheet": lambda p: rewrite(p, lambda ws: ws.delete_rows(1, ws.max_row)),
}


def corrupt_inputs(folder: Path) -> Tally:
    t = Tally("corrupt inputs")
    base = province(folder / "base", ("tambon_assessment", "progress_assessment"))
    for i, (name, corrupt) in enumerate(INPUT_CASES.items()):
        case = folder / f"in{i}"
        shutil.copytree(base.parent, case)
        cfg = case / "pipeline.yaml"
        corrupt(case / "data" / "demo-assessment-responses.xlsx")
        out = sync(cfg)
        check_sync(t, cfg, out)
        if out.returncode not in (0, 3):
            t.note(f"{name}: exit {out.returncode} (the other form should still be published)")
    return t


def zero_pages(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page:] = bytes(len(data) - page)
    path.write_bytes(bytes(data))


STATE_CASES: dict[str, Any] = {
    "page-corrupted": zero_pages,
    "garbage": lambda p: p.write_bytes(b"not a database " * 500),
    "half a file": lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
    "zero bytes": lambda p: p.write_bytes(b""),
}


def corrupt_state(folder: Path) -> Tally:
    t = Tally("corrupt or locked state")
    base = province(folder / "base", ("tambon_assessment",))
    t.cases += 1
    sync(base)
    for i, (name, corrupt) in enumerate(STATE_CASES.items()):
        for what in ("sync", "remind"):
            case = folder / f"st{i}{what}"
            shutil.copytree(base.parent, case)
            cfg = case / "pipeline.yaml"
            corrupt(case / "state" / "pipeline.sqlite")
            out = sync(cfg) if what == "sync" else run(cfg, "remind", "--today", "2024-06-18")
            t.cases += 1
            if traceback(out):
                t.tracebacks += 1
                t.note(f"{name} ({what}): exit {out.returncode}")
    # Held by another program (a database browser with a write pending): exit 75 after the wait.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3,sys,time\n"
            "db=sqlite3.connect(sys.argv[1],isolation_level=None)\n"
            "db.execute('BEGIN EXCLUSIVE')\nprint('held',flush=True)\ntime.sleep(60)",
            str(base.parent / "state" / "pipeline.sqlite"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    holder.stdout.readline()
    try:
        out = sync(base)
    finally:
        holder.kill()
        holder.wait()
    t.cases += 1
    if traceback(out) or out.returncode != 75:
        t.tracebacks += traceback(out)
        t.note(f"locked: exit {out.returncode}")
    return t


# ---------------------------------------------------------------------------
# Read-only and full filesystems (root only)


def mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


def filesystems(folder: Path) -> Tally:
    t = Tally("read-only and full filesystems")
    if os.geteuid() != 0 or not mount("-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder.parent / "probe")):
        t.note("skipped: needs root and mount (bind mounts and a small tmpfs)")
        return t
    subprocess.run(["umount", str(folder.parent / "probe")], capture_output=True)
    base = province(folder / "base", ("tambon_assessment", "progress_assessment"))
    sync(base)
    for what in ("data", "state", "reports"):
        for fault in ("read-only", "full"):
            case = folder / f"fs-{what}-{fault}"
            shutil.copytree(base.parent, case)
            cfg = case / "pipeline.yaml"
            target = case / what
            workbook(cfg).unlink()  # so the run must write
            saved = case / f"{what}.saved"
            shutil.copytree(target, saved)
            if fault == "read-only":
                ok = mount("--bind", str(target), str(target)) and mount("-o", "remount,ro,bind", str(target))
            else:
                ok = mount("-t", "tmpfs", "-o", "size=4m", "tmpfs", str(target))
                if ok:
                    shutil.copytree(saved, target, dirs_exist_ok=True)
                    with contextlib.suppress(OSError), open(target / "filler", "wb") as fh:
                        while True:
                            fh.write(b"\0" * 65536)
            if not ok:
                t.note(f"{what} {fault}: mount failed, skipped")
                continue
            try:
                out = sync(cfg)
            finally:
                subprocess.run(["umount", "-l", str(target)], capture_output=True)
            t.cases += 1
            if traceback(out):
                t.tracebacks += 1
                t.note(f"{what} {fault}: exit {out.returncode} {out.stderr.strip()[-200:]}")
            elif out.returncode not in (0, 7):
                t.note(f"{what} {fault}: exit {out.returncode}")
            (target / "filler").unlink(missing_ok=True)
            again = sync(cfg)  # the disk is fixed: the next run catches up
            if traceback(again):
                t.note(f"{what} {fault}, next run: {again.stderr.strip()[-600:]}")
            check_sync(t, cfg, again)
            if again.returncode != 0 or tabs_digest(workbook(cfg)) is None:
                t.torn += 1
                t.note(f"{what} {fault}: no recovery (exit {again.returncode})")
    return t


# ---------------------------------------------------------------------------
# Fuzzed cells


ODD_TEXT = (
    '=HYPERLINK("http://evil.example","คลิก")',
    "+66 81 234 5678",
    "-1+1",
    "@SUM(A1:A9)",
    "\tแท็บ",
    "บรรทัด\r\nที่สอง",
    "ต\u200bำ\u200cบ\u200dล\ufeff",
    "\u202eลวงตา\u202c",
    "🏡🇹🇭👍🏽",
    "",
    " ",
)
ODD_VALUES: tuple[object, ...] = (
    *ODD_TEXT,
    0,
    -0.0,
    1e308,
    -5,
    3.14159,
    10**20,
    datetime(1900, 1, 1),
    datetime(9999, 12, 31, 23, 59),
    True,
)


def fuzz(folder: Path, rng: random.Random, rows: int) -> Tally:
    t = Tally("fuzzed cells")
    cfg = province(folder / "fuzz", ("tambon_assessment", "committee_registry"))
    for name in ("demo-assessment-responses", "demo-registry-responses"):
        path = cfg.parent / "data" / f"{name}.xlsx"
        src = load_workbook(path)[TAB]
        header = [c.value for c in src[1]]
        body = [list(r) for r in src.iter_rows(min_row=2, values_only=True)]
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.title = TAB
        ws.append(header)
        for i in range(rows if name.endswith("assessment-responses") else len(body) * 2):
            row = list(body[i % len(body)])
            for _ in range(rng.randint(0, 3)):
                col = rng.randrange(len(row))
                row[col] = rng.choice(ODD_VALUES)
            if i % 997 == 0:
                row[rng.randrange(1, len(row))] = "ก" * 1_000_000  # a 1 MB answer
            for col, value in enumerate(row, start=1):  # ws[i] would scan every cell: quadratic
                cell = ws.cell(row=i + 2, column=col, value=value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # typed text, as a Google export gives it
        ws.merge_cells(start_row=3, start_column=2, end_row=4, end_column=3)
        wb.save(path)
    check_sync(t, cfg, sync(cfg))
    # the same, with the header repeated (two columns of one title)
    path = cfg.parent / "data" / "demo-assessment-responses.xlsx"
    rewrite(path, lambda ws: ws.cell(row=1, column=ws.max_column + 1, value=ws.cell(1, 3).value))
    check_sync(t, cfg, sync(cfg))
    return t


# ---------------------------------------------------------------------------


def table(tallies: list[Tally]) -> list[str]:
    width = max(len(t.name) for t in [*tallies, Tally("total")])
    heads = [h for _, h in COLUMNS]
    lines = [" | ".join(["group".ljust(width), *heads])]
    lines.append("-+-".join(["-" * width, *("-" * len(h) for h in heads)]))
    rows = [*tallies, total(tallies)]
    for t in rows:
        cells = [str(getattr(t, k)).rjust(len(h)) for k, h in COLUMNS]
        lines.append(" | ".join([t.name.ljust(width), *cells]))
    return lines


def total(tallies: list[Tally]) -> Tally:
    out = Tally("total")
    for k, _ in COLUMNS:
        setattr(out, k, sum(getattr(t, k) for t in tallies))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--kills", type=int, default=30, help="kills of sync, and of remind (>= 30 each)")
    parser.add_argument("--rows", type=int, default=20_000, help="rows of the fuzzed response sheet")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--only", nargs="*", help="run only these groups: sync remind inputs state fs fuzz")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    folder = Path(tempfile.mkdtemp(prefix="pipeline-chaos-"))
    (folder / "probe").mkdir()
    started = time.monotonic()
    tallies: list[Tally] = []
    try:
        for name, step in (
            ("sync", lambda: sync_kills(folder / "sync", rng, args.kills)),
            ("remind", lambda: remind_kills(folder / "remind", rng, args.kills)),
            ("inputs", lambda: corrupt_inputs(folder / "inputs")),
            ("state", lambda: corrupt_state(folder / "state")),
            ("fs", lambda: filesystems(folder / "fs")),
            ("fuzz", lambda: fuzz(folder / "fuzz", rng, args.rows)),
        ):
            if args.only and name not in args.only:
                continue
            began = time.monotonic()
            tallies.append(step())
            print(f"# {name}: {time.monotonic() - began:.0f} s", file=sys.stderr, flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    for line in table(tallies):
        print(line)
    for t in tallies:
        for note in t.notes:
            print(f"note: {note}")
    totals = {h: getattr(total(tallies), k) for k, h in COLUMNS}
    totals["seconds"] = round(time.monotonic() - started)
    print(json.dumps(totals, ensure_ascii=False))
    return 0 if all(v == 0 for k, v in totals.items() if k not in ("cases", "seconds")) else 1


if __name__ == "__main__":
    sys.exit(main())
