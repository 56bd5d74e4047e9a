"""Helpers of the end-to-end robustness tests: real `fazhi run` subprocesses, process
control (kill -9 of a whole run, SIGSTOP/SIGCONT), flock observation, table snapshots.

No test hooks live in production code: the tests watch what a run visibly does (its log
lines, `<db>.work.duckdb`, dbt's target directory, /proc/locks) and act on that.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from tests.fixtures_inputs import REPORT
from warehouse.config import PROJECT_ROOT
from warehouse.load import lock_path, work_path
from warehouse.synth import PLACES

__all__ = ["REPORT"]

FAZHI = PROJECT_ROOT / ".venv" / "bin" / "fazhi"
POLL = 0.02
"""Seconds between two looks at a running process (the brief: ~20 ms)."""

BOOKKEEPING = ("run_id", "ingested_at", "document_run_id")
"""Columns that name the run which wrote a row; a repaired warehouse and a clean one differ
only there (load.py keeps them stable for unchanged documents, so re-runs keep them)."""

SCHEMAS = ("raw", "marts")
SKIPPED_TABLES = ("raw.runs",)
"""raw.runs gains one row per run by design; compared separately."""


# ---------------------------------------------------------------------------- inputs


def synthetic_report(index: int) -> str:
    """A short report whose figures are mutually consistent (success ≤ mediated, rates in
    0–100) and whose jurisdiction × year is unique for index < 300, so any number of them
    passes the staging contract and the error-level dbt tests."""
    _, city, district = PLACES[index % len(PLACES)]
    year = 2001 + (index // len(PLACES)) % 25
    mediated = 500 + 7 * index
    success = mediated - 3 - index % 11
    rate = round(100 * success / mediated, 1)
    return (
        f"{district}{year}年法治政府建设工作报告\n"
        f"{year}年，{district}全面推进依法行政，法治政府建设取得新进展。\n"
        f"全区各级人民调解组织共调解矛盾纠纷{mediated}件，调解成功{success}件，"
        f"调解成功率达{rate}%。\n"
        f"受理法律援助案件{100 + index}件，接待来电来访咨询{2000 + 3 * index}余人次。\n"
        f"收到行政复议申请{20 + index % 40}件。\n"
        f"{city}{district}人民政府\n"
        f"{year + 1}年2月{1 + index % 27}日\n"
    )


def write_synthetic(root: Path, count: int) -> list[Path]:
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = root / f"synthetic_{i:05d}.txt"
        path.write_text(synthetic_report(i), "utf-8")
        paths.append(path)
    return paths


# ---------------------------------------------------------------------------- runs


CODE = ("warehouse", "flows", "dbt_project", "seeds")


def freeze_code(dest: Path) -> Path:
    """A copy of the project's code, dbt project and seeds (no dbt target/logs) that runs
    import instead of the working tree (PYTHONPATH precedes the editable install's finder).

    Other engineers edit the tree while tests run; an edit of the extractor or its catalog
    changes EXTRACTOR_VERSION and legitimately re-extracts everything, which would make two
    runs of one module disagree for reasons that are not the ones under test."""
    ignore = shutil.ignore_patterns("target", "logs", "__pycache__", "*.pyc", ".*")
    for name in CODE:
        shutil.copytree(PROJECT_ROOT / name, dest / name, ignore=ignore, symlinks=True)
    return dest


def run_env(
    prefect_home: Path, scratch: Path, code: Path | None = None, api_url: str | None = None
) -> dict[str, str]:
    """The environment of a real run: its own Prefect home, dbt target and log directories
    (so parallel runs never share dbt's target/ or the sqlite of Prefect's ephemeral server),
    INFO logs on stderr (the stage signals), nothing inherited that points elsewhere.

    With `api_url` the run reports to that Prefect API (the test session's harness) instead
    of starting an ephemeral server of its own, which halves the time of a run."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PREFECT_", "DBT_", "FAZHI_", "PYTEST_", "PYTHONPATH"))
    }
    if code is not None:
        env["PYTHONPATH"] = str(code)
    if api_url is not None:
        env["PREFECT_API_URL"] = api_url
    env |= {
        "PREFECT_HOME": str(prefect_home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "DBT_TARGET_PATH": str(scratch / "dbt-target"),
        "DBT_LOG_PATH": str(scratch / "dbt-logs"),
        "PREFECT_LOGGING_LEVEL": "INFO",
        # Parallel runs on a busy machine: Prefect's default of 20 s is not always enough.
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
        "DO_NOT_TRACK": "1",
    }
    return env


@dataclass
class Run:
    """One `fazhi run` subprocess, in a session of its own so all its children can be found."""

    name: str
    proc: subprocess.Popen[bytes]
    db: Path
    scratch: Path
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None
    ended_wall: float | None = None

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def dbt_target(self) -> Path:
        return self.scratch / "dbt-target"

    def output(self) -> str:
        """stdout + stderr so far."""
        parts = []
        for name in ("stdout", "stderr"):
            with contextlib.suppress(FileNotFoundError):
                parts.append((self.scratch / name).read_text("utf-8", errors="replace"))
        return "\n".join(parts)

    def alive(self) -> bool:
        if self.proc.poll() is None:
            return True
        if self.ended is None:
            self.ended, self.ended_wall = time.monotonic(), time.time()
        return False

    def wait(self, timeout: float = 300) -> int:
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(
                f"{self.name}: no exit within {timeout} s\n{self.tail()}"
            ) from None
        self.alive()
        return rc

    @property
    def elapsed(self) -> float:
        return (self.ended or time.monotonic()) - self.started

    def kill(self) -> None:
        """SIGKILL the run and every process it started (Prefect's ephemeral server)."""
        pids = [self.pid, *descendants(self.pid)]
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.proc.wait(30)
        self.alive()

    def pause(self) -> None:
        os.kill(self.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.pid, signal.SIGCONT)

    def tail(self, chars: int = 4000) -> str:
        return self.output()[-chars:]

    def wait_until(self, what: str, condition: Callable[[], bool], timeout: float = 180) -> None:
        """Poll `condition` every POLL seconds while the run is alive."""
        deadline = time.monotonic() + timeout
        while not condition():
            if not self.alive():
                raise AssertionError(
                    f"{self.name} exited ({self.proc.returncode}) before {what}\n{self.tail()}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: no {what} within {timeout} s\n{self.tail()}")
            time.sleep(POLL)


class Runner:
    """Starts real runs, each with a scratch dir and a Prefect home of its own.

    Runs report to `api_url` when given; a run started with `own_server` (or any run when
    there is no `api_url`) starts Prefect's ephemeral server, as `fazhi run` does on a
    machine without a configured API; its own home means it never shares a sqlite file."""

    def __init__(self, base: Path, code: Path | None = None, api_url: str | None = None) -> None:
        self.base = base
        self.code = code
        self.api_url = api_url
        self.runs: list[Run] = []
        self.closed = False
        self._n = 0

    def start(
        self,
        name: str,
        input_dir: Path,
        db: Path,
        *,
        wait: bool = False,
        batch_size: int | None = None,
        own_server: bool = False,
    ) -> Run:
        if self.closed:
            raise RuntimeError(f"not starting {name}: the runner was closed")
        self._n += 1
        scratch = self.base / f"{self._n:02d}-{name}"
        scratch.mkdir(parents=True)
        home = scratch / "prefect-home"
        api_url = None if own_server else self.api_url
        home.mkdir()
        args = [str(FAZHI), "run", "--input", str(input_dir), "--db", str(db)]
        args += ["--no-docs", "--no-dbt-tasks"]
        if wait:
            args.append("--wait")
        if batch_size:
            args += ["--batch-size", str(batch_size)]
        with open(scratch / "stdout", "wb") as out, open(scratch / "stderr", "wb") as err:
            proc = subprocess.Popen(
                args,
                cwd=PROJECT_ROOT,
                env=run_env(home, scratch, self.code, api_url),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )
        run = Run(name, proc, db, scratch)
        self.runs.append(run)
        return run

    def run(self, name: str, input_dir: Path, db: Path, **kwargs: object) -> Run:
        """A run to completion; fails the test with its output unless it exits 0."""
        run = self.start(name, input_dir, db, **kwargs)  # type: ignore[arg-type]
        rc = run.wait()
        assert rc == 0, f"{name} exited {rc}\n{run.tail()}"
        return run

    def kill_all(self) -> None:
        """Start nothing more; kill every run still going (a test gave up on it)."""
        self.closed = True
        for run in self.runs:
            if run.alive():
                with contextlib.suppress(ProcessLookupError):
                    run.resume()
                run.kill()


def descendants(pid: int) -> list[int]:
    """Every live process below `pid`, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    out, pending = [], [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            out.append(child)
            pending.append(child)
    return out


# ---------------------------------------------------------------------------- the lock


def _flocks(path: Path) -> list[tuple[bool, int]]:
    """(blocked, pid) of every flock on `path` in /proc/locks."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return []
    device = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    out = []
    for line in Path("/proc/locks").read_text().splitlines():
        parts = line.split()
        blocked = len(parts) > 1 and parts[1] == "->"
        if blocked:
            parts = parts[:1] + parts[2:]
        if len(parts) >= 6 and parts[1] == "FLOCK" and parts[5] == device:
            out.append((blocked, int(parts[4])))
    return out


def lock_holders(db: Path) -> set[int]:
    return {pid for blocked, pid in _flocks(lock_path(db)) if not blocked}


def lock_waiters(db: Path) -> set[int]:
    return {pid for blocked, pid in _flocks(lock_path(db)) if blocked}


def lock_is_free(db: Path) -> bool:
    """Try the warehouse lock the way a run takes it (non-blocking), and let it go at once.
    Only for a warehouse no run is working on."""
    path = lock_path(db)
    if not path.exists():
        return True
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


def work_exists(db: Path) -> bool:
    return work_path(db).exists()


def dbt_nodes_ran(run: Run) -> int:
    """Files dbt wrote under target/run: one per node it executed against the work copy."""
    run_dir = run.dbt_target / "run"
    if not run_dir.exists():
        return 0
    return sum(len(files) for _, _, files in os.walk(run_dir))


# ---------------------------------------------------------------------------- snapshots

Snapshot = dict[str, list[tuple]]


@contextlib.contextmanager
def read_only(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        yield con
    finally:
        con.close()


def table_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select table_schema || '.' || table_name from information_schema.tables "
        "where table_schema in ('raw', 'marts') order by 1"
    ).fetchall()
    return [name for (name,) in rows if name not in SKIPPED_TABLES]


def snapshot(db: Path, bookkeeping: bool = True) -> Snapshot:
    """Every row of every raw and marts table and view (raw.runs aside), sorted; without
    `bookkeeping`, the columns naming the run that wrote a row are left out."""
    out: Snapshot = {}
    with read_only(db) as con:
        for table in table_names(con):
            columns = [c for (c, *_) in con.execute(f"describe {table}").fetchall()]
            keep = [c for c in columns if bookkeeping or c not in BOOKKEEPING]
            select = ", ".join(f'"{c}"' for c in keep)
            rows = con.execute(f"select {select} from {table}").fetchall()
            out[table] = sorted(rows, key=repr)
    return out


def runs_rows(db: Path) -> list[tuple]:
    with read_only(db) as con:
        return con.execute("select * from raw.runs order by started_at").fetchall()


def count(db: Path, sql: str) -> int:
    with read_only(db) as con:
        row = con.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


def columns(db: Path, table: str) -> list[str]:
    with read_only(db) as con:
        return [c for (c, *_) in con.execute(f"describe {table}").fetchall()]


def differences(before: Snapshot, after: Snapshot) -> dict[str, tuple[list[tuple], list[tuple]]]:
    """table → (rows gone, rows new), for the tables that changed."""
    out = {}
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table, []), after.get(table, [])
        old_set, new_set = set(map(repr, old)), set(map(repr, new))
        gone = [r for r in old if repr(r) not in new_set]
        added = [r for r in new if repr(r) not in old_set]
        if gone or added or len(old) != len(new):
            out[table] = (gone, added)
    return out


def describe_differences(before: Snapshot, after: Snapshot, limit: int = 3) -> str:
    lines = []
    for table, (gone, added) in differences(before, after).items():
        lines.append(f"{table}: {len(gone)} rows gone, {len(added)} new")
        lines += [f"  - {r!r}"[:300] for r in gone[:limit]]
        lines += [f"  + {r!r}"[:300] for r in added[:limit]]
    return "\n".join(lines) or "no differences"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
