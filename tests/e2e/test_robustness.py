"""Real `fazhi run` processes: idempotent re-runs, kill -9 at every stage, concurrent runs,
readers during a run, and a failing error-level dbt test.

One baseline warehouse (the seeds) is built once; every scenario works on a copy of it.
The scenarios are independent processes, so they run side by side in a thread pool while
the tests wait for the one they check: the module takes ~3 minutes instead of ~8.

Stages are recognised from outside, without hooks in production code:
- extraction: an `extract-batch` task has finished (INFO log) and `<db>.work.duckdb`
  does not exist yet (the lock is taken first; the work copy is made after extraction);
- load: `<db>.work.duckdb` exists and dbt has not executed any node yet;
- dbt: dbt has written files under its (per-run) target/run directory.
"""

from __future__ import annotations

import collections
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from warehouse.load import work_path

from .helpers import (
    REPORT,
    Run,
    Runner,
    Snapshot,
    columns,
    count,
    dbt_nodes_ran,
    descendants,
    describe_differences,
    differences,
    freeze_code,
    lock_holders,
    lock_is_free,
    lock_waiters,
    read_only,
    runs_rows,
    sha256,
    snapshot,
    work_exists,
    write_synthetic,
)

pytestmark = pytest.mark.slow

SYNTHETIC = 300
"""Synthetic reports added to the seeds for the "big" input: extraction in batches of
BATCH reports then lasts long enough (~1-3 s) to be killed in the middle of it."""
BATCH = 4

NEW_DOC = "zz_new_report.txt"
NEW_PLACE = "滨湖区"
"""The added report is REPORT moved to a place no seed reports on."""
GATE_TEXT = (
    "西湖区2019年法治政府建设工作报告\n"
    "2019年，全区共调解案件10件，调解成功20件。\n"
    "杭州市西湖区人民政府\n"
    "2020年2月1日\n"
)
"""More disputes mediated successfully than mediated: assert_mediated_success_le_mediated."""
GATE_TEST = "assert_mediated_success_le_mediated"

FACTS = "select count(*) from raw.facts"


# --------------------------------------------------------------------------- the world


@dataclass
class Baseline:
    db: Path
    sha256: str
    full: Snapshot  # with run bookkeeping columns
    plain: Snapshot  # without
    runs: list[tuple]
    facts: int
    first_reader: Reader


@dataclass
class World:
    tmp: Path
    runner: Runner
    seeds: Path
    big: Path
    base: Baseline
    seeds_copy: Path
    pool: ThreadPoolExecutor
    scenarios: dict[str, Future] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def copy_base(self, name: str) -> Path:
        folder = self.tmp / "warehouses" / name
        folder.mkdir(parents=True)
        db = folder / "fazhi.duckdb"
        shutil.copyfile(self.base.db, db)
        return db

    def submit(self, name: str, fn: Callable[[World], object]) -> None:
        def timed() -> object:
            start = time.monotonic()
            try:
                return fn(self)
            finally:
                self.timings[name] = time.monotonic() - start

        self.scenarios[name] = self.pool.submit(timed)

    def result(self, name: str) -> object:
        return self.scenarios[name].result(timeout=900)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    start = time.monotonic()
    tmp = tmp_path_factory.mktemp("robustness")
    code = freeze_code(tmp / "code")
    runner = Runner(tmp / "runs", code, harness_api_url())
    seeds = tmp / "input-seeds"
    shutil.copytree(code / "seeds", seeds)
    big = tmp / "input-big"
    shutil.copytree(code / "seeds", big)
    write_synthetic(big, SYNTHETIC)

    db = tmp / "baseline" / "fazhi.duckdb"
    db.parent.mkdir()
    first_reader = Reader(db)  # the warehouse does not exist yet
    first_reader.start()
    try:
        runner.run("baseline", seeds, db)
    finally:
        first_reader.stop()
    base = Baseline(
        db=db,
        sha256=sha256(db),
        full=snapshot(db),
        plain=snapshot(db, bookkeeping=False),
        runs=runs_rows(db),
        facts=count(db, FACTS),
        first_reader=first_reader,
    )
    pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="scenario")
    w = World(tmp, runner, seeds, big, base, code / "seeds", pool)
    w.timings["baseline"] = time.monotonic() - start
    # Longest first; each is a function of the world returning what its tests check.
    w.submit("kills", scenario_kills)
    w.submit("concurrency", scenario_concurrency)
    w.submit("rerun", scenario_rerun_and_add_one)
    w.submit("clean_big", scenario_clean_big)
    w.submit("gate", scenario_gate)
    try:
        yield w
    finally:
        runner.kill_all()
        pool.shutdown(wait=True, cancel_futures=True)
        w.timings["module"] = time.monotonic() - start
        print("\nrobustness timings (s):", {k: round(v, 1) for k, v in w.timings.items()})


def harness_api_url() -> str | None:
    """The API of the session's Prefect test harness (tests/e2e/conftest.py), if any."""
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value() or None


# --------------------------------------------------------------------------- scenarios


@dataclass
class CleanBig:
    db: Path
    plain: Snapshot
    facts: int


def scenario_clean_big(w: World) -> CleanBig:
    """The reference: the big input on the baseline, nothing killed."""
    db = w.copy_base("clean-big")
    w.runner.run("clean-big", w.big, db, batch_size=BATCH)
    return CleanBig(db, snapshot(db, bookkeeping=False), count(db, FACTS))


@dataclass
class Rerun:
    after_rerun: Snapshot
    runs_after_rerun: list[tuple]
    after_add: Snapshot
    runs_after_add: list[tuple]
    new_doc_metrics: set[str]


def scenario_rerun_and_add_one(w: World) -> Rerun:
    """The seeds again on the baseline (same input directory), then the seeds plus one."""
    db = w.copy_base("rerun")
    w.runner.run("rerun", w.seeds, db)
    after_rerun, runs_after_rerun = snapshot(db), runs_rows(db)
    (w.seeds / NEW_DOC).write_text(REPORT.replace("新吴区", NEW_PLACE), "utf-8")
    w.runner.run("add-one", w.seeds, db)
    with read_only(db) as con:
        metrics = con.execute("select distinct metric from raw.facts where doc = ?", [NEW_DOC])
        new_doc_metrics = {m for (m,) in metrics.fetchall()}
    return Rerun(
        after_rerun,
        runs_after_rerun,
        snapshot(db),
        runs_rows(db),
        new_doc_metrics,
    )


@dataclass
class Killed:
    stage: str
    at: float  # seconds after the run started
    work_before: bool  # <db>.work.duckdb existed just before the kill
    dbt_nodes_before: int
    lock_held_before: bool
    work_after: bool  # the killed run's work copy was left behind
    same_bytes: bool
    full: Snapshot
    runs: list[tuple]
    lock_free: bool
    survivors: list[int]
    output: str


@dataclass
class Kills:
    killed: dict[str, Killed]
    repair: Run
    repaired: Snapshot
    runs: list[tuple]
    work_left: bool


def scenario_kills(w: World) -> Kills:
    """Three runs of the big input killed with SIGKILL, one per stage, on the same
    warehouse; then one ordinary run of the same input."""
    db = w.copy_base("killed")
    signs: dict[str, Callable[[Run], bool]] = {
        "extraction": lambda r: "Task run 'extract-batch" in r.output(),
        "load": lambda r: work_exists(db),
        "dbt": lambda r: dbt_nodes_ran(r) >= 3,
    }
    killed = {}
    for stage, sign in signs.items():
        run = w.runner.start(f"kill-{stage}", w.big, db, batch_size=BATCH)
        run.wait_until(f"the {stage} stage", lambda run=run, sign=sign: sign(run))
        work_before, nodes_before = work_exists(db), dbt_nodes_ran(run)
        held_before = run.pid in lock_holders(db)
        family = [run.pid, *descendants(run.pid)]
        run.kill()
        killed[stage] = Killed(
            stage=stage,
            at=run.elapsed,
            work_before=work_before,
            dbt_nodes_before=nodes_before,
            lock_held_before=held_before,
            work_after=work_exists(db),
            same_bytes=sha256(db) == w.base.sha256,
            full=snapshot(db),
            runs=runs_rows(db),
            lock_free=lock_is_free(db),
            survivors=[p for p in family if Path(f"/proc/{p}").exists() and not _zombie(p)],
            output=run.tail(),
        )
    repair = w.runner.start("repair", w.big, db, batch_size=BATCH)  # no --wait
    repair.wait()
    return Kills(
        killed, repair, snapshot(db, bookkeeping=False), runs_rows(db), work_path(db).exists()
    )


def _zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


class Reader(threading.Thread):
    """Opens the warehouse read-only in a loop and counts raw.facts."""

    def __init__(self, db: Path) -> None:
        super().__init__(daemon=True)
        self.db = db
        self.counts: collections.Counter[int] = collections.Counter()
        self.errors: list[str] = []
        self.missing = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            try:
                with read_only(self.db) as con:
                    row = con.execute(FACTS).fetchone()
                assert row is not None
                self.counts[int(row[0])] += 1
            except duckdb.IOException as err:
                if "does not exist" in str(err):
                    self.missing += 1
                else:
                    self.errors.append(repr(err))
            except Exception as err:
                self.errors.append(repr(err))
            time.sleep(0.01)

    def looks(self) -> int:
        return sum(self.counts.values()) + self.missing + len(self.errors)

    def stop(self) -> None:
        """Stop after one more look at the warehouse as it is now."""
        seen, deadline = self.looks(), time.monotonic() + 10
        while self.looks() < seen + 2 and self.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        self.done.set()
        self.join(30)


@dataclass
class Concurrency:
    db: Path
    a: Run
    a_rc: int
    busy: Run
    busy_rc: int
    busy_after_flow_start: float | None
    db_untouched_while_a_paused: bool
    waiter: Run
    waiter_rc: int
    waiter_blocked: bool
    a_held_lock_while_waiter_blocked: bool
    final: Snapshot
    runs: list[tuple]
    reader: Reader


def scenario_concurrency(w: World) -> Concurrency:
    """Run A (big input) is paused (SIGSTOP) while it holds the lock; run B without --wait
    must give up with exit 3, run B with --wait must block on the lock and finish after A.
    A reader counts raw.facts read-only throughout."""
    db = w.copy_base("concurrent")
    reader = Reader(db)
    reader.start()
    a = w.runner.start("A", w.big, db, batch_size=BATCH)
    try:
        a.wait_until("A holding the lock", lambda: a.pid in lock_holders(db))
        a.pause()
        try:
            busy = w.runner.start("B-no-wait", w.big, db, batch_size=BATCH)
            waiter = w.runner.start("B-wait", w.big, db, wait=True, batch_size=BATCH)
            busy_rc = busy.wait()
            untouched = sha256(db) == w.base.sha256
            waiter.wait_until("B-wait blocked on the lock", lambda: waiter.pid in lock_waiters(db))
            blocked = waiter.pid in lock_waiters(db)
            a_held = a.pid in lock_holders(db)
        finally:
            a.resume()
        a_rc = a.wait()
        waiter_rc = waiter.wait()
    finally:
        reader.stop()
    return Concurrency(
        db=db,
        a=a,
        a_rc=a_rc,
        busy=busy,
        busy_rc=busy_rc,
        busy_after_flow_start=_seconds_after_flow_start(busy),
        db_untouched_while_a_paused=untouched,
        waiter=waiter,
        waiter_rc=waiter_rc,
        waiter_blocked=blocked,
        a_held_lock_while_waiter_blocked=a_held,
        final=snapshot(db, bookkeeping=False),
        runs=runs_rows(db),
        reader=reader,
    )


def _seconds_after_flow_start(run: Run) -> float | None:
    """Seconds from the flow's first log line ('Beginning flow run') to the process exit."""
    for line in run.output().splitlines():
        if "Beginning flow run" in line and run.ended_wall is not None:
            stamp = datetime.strptime(line.split(" | ")[0].strip(), "%H:%M:%S.%f").time()
            ended = datetime.fromtimestamp(run.ended_wall)
            began = datetime.combine(ended.date(), stamp)
            return round((ended - began).total_seconds(), 1)
    return None


@dataclass
class Gate:
    run: Run
    rc: int
    same_bytes: bool
    full: Snapshot
    lock_free: bool
    work_left: bool


def scenario_gate(w: World) -> Gate:
    """The seeds plus a report whose facts break an error-level dbt test."""
    db = w.copy_base("gate")
    root = w.tmp / "input-gate"
    shutil.copytree(w.seeds_copy, root)
    (root / "gate.txt").write_text(GATE_TEXT, "utf-8")
    # The one run that starts Prefect's ephemeral server itself, as on a bare machine.
    run = w.runner.start("gate", root, db, own_server=True)
    rc = run.wait()
    return Gate(
        run, rc, sha256(db) == w.base.sha256, snapshot(db), lock_is_free(db), work_exists(db)
    )


def _last_message(run: Run, start: str) -> str:
    """The run's last stderr message beginning with `start`, rich's line wrapping undone."""
    err = run.scratch.joinpath("stderr").read_text("utf-8", errors="replace")
    at = err.rfind(start)
    assert at >= 0, f"{run.name}: no {start!r} message\n{err[-3000:]}"
    lines = err[at:].splitlines()
    message = [lines[0]]
    for line in lines[1:]:  # continuation lines until a log line or a blank
        if not line.strip() or " | " in line:
            break
        message.append(line)
    return "".join(message)


# --------------------------------------------------------------------------- idempotency


def test_rerun_on_same_input_changes_no_row(world: World) -> None:
    result = world.result("rerun")
    assert isinstance(result, Rerun)
    # Run bookkeeping included: unchanged documents keep run_id and ingested_at.
    assert result.after_rerun == world.base.full, describe_differences(
        world.base.full, result.after_rerun
    )
    assert result.runs_after_rerun[: len(world.base.runs)] == world.base.runs
    assert len(result.runs_after_rerun) == len(world.base.runs) + 1


def test_adding_one_file_changes_only_what_it_brings(world: World) -> None:
    result = world.result("rerun")
    assert isinstance(result, Rerun)
    assert result.new_doc_metrics, "the new report should bring facts"
    before, after = result.after_rerun, result.after_add
    changed = differences(before, after)
    assert "raw.documents" in changed and "raw.facts" in changed
    problems = []
    for table, (gone, added) in changed.items():
        cols = columns(world.base.db, table)
        if "doc" in cols:
            i = cols.index("doc")
            ok = not gone and all(row[i] == NEW_DOC for row in added)
        elif "jurisdiction" in cols:
            i = cols.index("jurisdiction")
            ok = not gone and all(row[i] == NEW_PLACE for row in added)
        elif table == "marts.dim_metric":
            i, j = cols.index("metric"), cols.index("fact_count")
            ok = all(r[i] in result.new_doc_metrics for r in gone + added)
            ok = ok and _without(gone, j) == _without(added, j)
        else:
            ok = False
        if not ok:
            problems.append(table)
    assert not problems, describe_differences(
        {t: before[t] for t in problems}, {t: after[t] for t in problems}
    )
    assert len(result.runs_after_add) == len(result.runs_after_rerun) + 1


def _without(rows: list[tuple], column: int) -> list[tuple]:
    return sorted((r[:column] + r[column + 1 :] for r in rows), key=repr)


# --------------------------------------------------------------------------- kill -9


@pytest.mark.parametrize("stage", ["extraction", "load", "dbt"])
def test_kill_leaves_previous_warehouse_readable_and_complete(world: World, stage: str) -> None:
    result = world.result("kills")
    assert isinstance(result, Kills)
    k = result.killed[stage]
    # The kill happened in the stage it is named after.
    if stage == "extraction":
        assert not k.work_before and k.lock_held_before, k.output
    elif stage == "load":
        assert k.work_before and k.dbt_nodes_before == 0 and k.lock_held_before, k.output
    else:
        assert k.work_before and k.dbt_nodes_before >= 3 and k.lock_held_before, k.output
    # A stale work copy after a kill under the lock: the next run must cope with it.
    assert k.work_after == (stage != "extraction")
    # Nothing of the killed run is left running, and the warehouse is the baseline.
    assert not k.survivors
    assert k.same_bytes
    assert k.full == world.base.full, describe_differences(world.base.full, k.full)
    assert k.runs == world.base.runs
    assert k.lock_free, "a killed run's lock must not stop the next run"


def test_next_run_after_kills_repairs_everything(world: World) -> None:
    result = world.result("kills")
    assert isinstance(result, Kills)
    clean = world.result("clean_big")
    assert isinstance(clean, CleanBig)
    assert result.repair.proc.returncode == 0, result.repair.tail()
    assert result.repaired == clean.plain, describe_differences(clean.plain, result.repaired)
    assert result.runs[: len(world.base.runs)] == world.base.runs
    assert len(result.runs) == len(world.base.runs) + 1, "killed runs must leave no run row"
    assert not result.work_left


# --------------------------------------------------------------------------- concurrency


def test_second_run_without_wait_exits_busy_naming_the_db(world: World) -> None:
    c = world.result("concurrency")
    assert isinstance(c, Concurrency)
    out = c.busy.output()
    assert c.busy_rc == 3, out[-3000:]
    message = _last_message(c.busy, "another fazhi run")  # the CLI's own line
    assert str(c.db) in message and "--wait" in message, message
    assert f"pid {c.a.pid}" in message, message
    assert "Traceback" not in c.busy.scratch.joinpath("stdout").read_text()
    assert c.db_untouched_while_a_paused
    print(
        f"\nB without --wait: exit 3 after {c.busy.elapsed:.1f} s "
        f"({c.busy_after_flow_start} s after its flow began)"
    )


def test_second_run_without_wait_gives_up_before_extracting(world: World) -> None:
    c = world.result("concurrency")
    assert isinstance(c, Concurrency)
    assert c.busy_rc == 3
    assert "extract-batch" not in c.busy.output(), "B extracted before finding the lock taken"


def test_second_run_with_wait_completes_after_the_first(world: World) -> None:
    c = world.result("concurrency")
    assert isinstance(c, Concurrency)
    clean = world.result("clean_big")
    assert isinstance(clean, CleanBig)
    assert c.waiter_blocked and c.a_held_lock_while_waiter_blocked
    assert c.a_rc == 0, c.a.tail()
    assert c.waiter_rc == 0, c.waiter.tail()
    assert c.a.ended is not None and c.waiter.ended is not None
    assert c.waiter.ended > c.a.ended
    assert c.final == clean.plain, describe_differences(clean.plain, c.final)
    assert len(c.runs) == len(world.base.runs) + 2  # A and the waiting B, not the busy B


def test_readers_see_the_old_or_the_new_state(world: World) -> None:
    c = world.result("concurrency")
    assert isinstance(c, Concurrency)
    clean = world.result("clean_big")
    assert isinstance(clean, CleanBig)
    reader = c.reader
    assert not reader.errors, reader.errors[:5]
    assert reader.missing == 0
    assert set(reader.counts) <= {world.base.facts, clean.facts}, reader.counts
    assert reader.counts[world.base.facts] > 0 and reader.counts[clean.facts] > 0


def test_readers_during_the_first_run_see_no_file_or_the_new_state(world: World) -> None:
    reader = world.base.first_reader
    assert not reader.errors, reader.errors[:5]
    assert set(reader.counts) <= {world.base.facts}, reader.counts
    assert reader.missing > 0 and reader.counts[world.base.facts] > 0


# --------------------------------------------------------------------------- dbt gate


def test_failing_error_level_dbt_test_fails_run_and_names_it(world: World) -> None:
    g = world.result("gate")
    assert isinstance(g, Gate)
    out = g.run.output()
    assert g.rc == 1, out[-3000:]
    message = _last_message(g.run, "run failed, warehouse unchanged")
    assert GATE_TEST in message, out[-3000:]
    assert g.same_bytes
    assert g.full == world.base.full
    assert g.lock_free and not g.work_left
