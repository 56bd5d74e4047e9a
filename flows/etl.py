"""The ETL flow: discover → read and extract (parallel tasks) → stage → load → dbt build → docs.

All logic lives in `warehouse`; this module only wires it into Prefect tasks.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner
from prefect_dbt import PrefectDbtRunner, PrefectDbtSettings

from warehouse import config, pipeline
from warehouse.config import DBT_PROJECT_DIR
from warehouse.frames import Staged
from warehouse.load import RunRecord, exclusive_lock, known_documents, load_frames, work_copy
from warehouse.pipeline import Batch, RunSummary
from warehouse.sources import Previous
from warehouse.transform import build_args, dbt_target, docs_site, record_build, run_dbt


class BatchInput:
    """One extraction task's files and what earlier runs learned about them.

    A plain class on purpose: Prefect walks the lists, dicts and dataclasses given to a task
    in search of futures (seconds per run at 100,000 files); it passes other objects as is.
    """

    __slots__ = ("paths", "previous")

    def __init__(self, paths: list[Path], previous: Mapping[str, Previous]) -> None:
        self.paths = paths
        self.previous = previous


# NO_CACHE: what is re-extracted is decided by content hashes in the warehouse, not by
# Prefect hashing the task's inputs.
@task(name="extract-batch", retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def extract_batch(batch: BatchInput, root: Path, max_bytes: int, out: Path) -> Batch:
    return pipeline.extract_batch(batch.paths, root, max_bytes, batch.previous, out)


@task(name="load-raw")
def load_raw(work: Path, staged: Staged, run: RunRecord, replace_docs: set[str]) -> dict[str, int]:
    with duckdb.connect(str(work)) as con:
        load_frames(con, staged, run, replace_docs)
        return pipeline.count_facts_by_domain(con)


@task(name="dbt-build")
def dbt_build(work: Path, node_tasks: bool = True, full_refresh: bool = False) -> None:
    """dbt build; with `node_tasks` every model and test is a Prefect task of its own
    (lineage and test results in the UI) at the price of ~0.2 s per node."""
    args = build_args(work, full_refresh)
    if node_tasks:
        settings = PrefectDbtSettings(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
        with dbt_target(work):
            PrefectDbtRunner(settings=settings, raise_on_failure=True).invoke(args)
    else:
        run_dbt(args, work)
    record_build(work)


@task(name="dbt-docs")
def dbt_docs(work: Path) -> None:
    # Plain dbt: docs generation has no nodes worth a Prefect task each.
    run_dbt(["docs", "generate", "--static"], work)


def _extract(
    work_plan: pipeline.Plan, previous: Mapping[str, Previous], stage_dir: Path
) -> list[Batch]:
    futures = [
        extract_batch.submit(
            BatchInput(paths, pipeline.batch_subset(previous, work_plan.root, paths)),
            work_plan.root,
            config.max_bytes(),
            stage_dir / f"batch-{i:06d}",
        )
        for i, paths in enumerate(work_plan.batches)
    ]
    return [f.result() for f in futures]


# One thread: extraction is pure Python, so more threads only contend for the interpreter
# lock (at 100,000 files, 50 threads made reading three times slower). Parallel runs use
# processes: --workers / --dask (run_etl).
@flow(
    name="fazhi-etl",
    log_prints=True,
    task_runner=ThreadPoolTaskRunner(max_workers=1),  # type: ignore[arg-type]  # Prefect's stub
)
def etl(
    input_dir: str | None = None,
    db: str | None = None,
    batch_size: int | None = None,
    wait: bool = False,
    docs: bool = True,
    dbt_node_tasks: bool = True,
    full_refresh: bool = False,
) -> RunSummary:
    """Ingest every report under `input_dir` into the DuckDB warehouse at `db`.

    The writer lock is taken first, so a second run gives up (or waits) before reading
    anything; the warehouse file itself is replaced only when dbt has built and tested it.
    """
    root = Path(input_dir or config.SEEDS_DIR).resolve()
    db_path = config.db_path(db)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    run_id, started_at, timings = pipeline.new_run_id(), datetime.now(UTC), {}
    clock = time.perf_counter()

    with exclusive_lock(db_path, wait), pipeline.staging_area(db_path.parent) as stage_dir:
        known = known_documents(db_path)
        previous = pipeline.previous_versions(known, db_path)
        batches = _extract(pipeline.plan(root, batch_size), previous, stage_dir)
        timings["extract"], clock = time.perf_counter() - clock, time.perf_counter()
        with work_copy(db_path) as work:
            staged, replace_docs, documents = pipeline.stage(batches, known, run_id)
            run = RunRecord.from_staged(run_id, started_at, str(root), staged)
            by_domain = load_raw(work, staged, run, replace_docs)
            timings["load"], clock = time.perf_counter() - clock, time.perf_counter()
            dbt_build(work, dbt_node_tasks, full_refresh)
            timings["dbt_build"], clock = time.perf_counter() - clock, time.perf_counter()
            if docs:
                dbt_docs(work)
                timings["dbt_docs"] = time.perf_counter() - clock
        pipeline.write_file_index(db_path, documents)  # published: remember sizes and mtimes

    cached = sum(len(b.cached) for b in batches)
    summary = pipeline.summarise(run_id, root, db_path, documents, cached, by_domain)
    summary.stage_seconds = timings
    summary.docs_site = str(docs_site()) if docs else None
    create_markdown_artifact(markdown=summary.to_markdown(), key="fazhi-run-summary")
    return summary


def run_etl(
    input_dir: str | None = None,
    db: str | None = None,
    workers: int | None = None,
    dask_address: str | None = None,
    **kwargs: Any,
) -> RunSummary:
    """Run the flow on threads (default), a local Dask cluster, or a remote Dask scheduler."""
    runner = _task_runner(workers, dask_address)
    flow_fn = etl.with_options(task_runner=runner) if runner else etl
    return flow_fn(input_dir=input_dir, db=db, **kwargs)


def _task_runner(workers: int | None, dask_address: str | None) -> Any:
    """A DaskTaskRunner, or None for Prefect's default thread pool."""
    if dask_address is None and workers is None:
        return None
    from prefect_dask import DaskTaskRunner

    if dask_address:
        return DaskTaskRunner(address=dask_address)
    return DaskTaskRunner(
        cluster_kwargs={"n_workers": workers, "processes": True, "dashboard_address": None}
    )
