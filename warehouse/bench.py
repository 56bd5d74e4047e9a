"""Benchmarks: extraction throughput against a bare scan, and full and incremental runs.

Figures, not assertions: `fazhi bench` prints them and BENCHMARKS.md records them.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import duckdb

from warehouse.pipeline import extract_document
from warehouse.sources import read_document
from warehouse.synth import NUMBER, write_corpus

YOY_QUERIES = {
    "yoy_one_jurisdiction": "select * from marts.rpt_metric_yoy where jurisdiction = ? "
    "order by metric, breakdown, year",
    "yoy_top_changes": "select jurisdiction, metric, year, pct_change from marts.rpt_metric_yoy "
    "where pct_change is not null order by abs(pct_change) desc limit 20",
}


@dataclass
class BenchResult:
    docs: int
    workers: int
    megabytes: float
    scan_mb_s: float
    extract_mb_s: float
    ratio_to_scan: float
    parallel_mb_s: float
    facts: int
    run_seconds: dict[str, float] = field(default_factory=dict)
    incremental_seconds: float | None = None
    incremental_stages: dict[str, float] = field(default_factory=dict)
    incremental_cli_seconds: float | None = None
    query_seconds: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def bare_scan(texts: Sequence[str]) -> int:
    """The floor: one pass of one compiled number pattern over every text."""
    return sum(1 for text in texts for _ in NUMBER.finditer(text))


def extract_all(items: Sequence[tuple[str, str]]) -> int:
    return sum(len(extract_document(text, doc)[1]) for doc, text in items)


def _extract_paths(paths: Sequence[Path]) -> int:
    items = []
    for path in paths:
        document = read_document(path, path.parent, 1 << 30)
        if document.text is not None:
            items.append((document.doc, document.text))
    return extract_all(items)


def parallel_extract(paths: Sequence[Path], workers: int, chunk: int = 256) -> int:
    batches = [paths[i : i + chunk] for i in range(0, len(paths), chunk)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return sum(pool.map(_extract_paths, batches))


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def time_queries(db: Path) -> dict[str, float]:
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute("select jurisdiction from marts.rpt_metric_yoy limit 1").fetchone()
        name = row[0] if row else ""
        out = {}
        for label, sql in YOY_QUERIES.items():
            params = [name] if "?" in sql else []
            out[label], _ = _timed(partial(_fetch, con, sql, params))
        return out


def _fetch(con: duckdb.DuckDBPyConnection, sql: str, params: list[str]) -> list[tuple[Any, ...]]:
    return con.execute(sql, params).fetchall()


def run_bench(docs: int, workers: int, full_run: bool, work_dir: Path | None = None) -> BenchResult:
    with tempfile.TemporaryDirectory(dir=work_dir) as tmp:
        root = Path(tmp) / "corpus"
        paths = list(write_corpus(root, docs))
        megabytes, scan_s, extract_s, facts = _single_process(paths)
        parallel_s, _ = _timed(lambda: parallel_extract(paths, workers))
        result = BenchResult(
            docs=docs,
            workers=workers,
            megabytes=round(megabytes, 2),
            scan_mb_s=round(megabytes / scan_s, 1),
            extract_mb_s=round(megabytes / extract_s, 1),
            ratio_to_scan=round(extract_s / scan_s, 2),
            parallel_mb_s=round(megabytes / parallel_s, 1),
            facts=facts,
        )
        if full_run:
            _bench_runs(result, root, Path(tmp) / "bench.duckdb", workers)
        result.peak_rss_mb = round(peak_rss_mb(), 1)
        return result


def _single_process(paths: Sequence[Path]) -> tuple[float, float, float, int]:
    """MB read, seconds of the bare scan and of extraction, facts: one file at a time, so
    the corpus is never held in memory (peak RSS then reflects the run, not the harness)."""
    megabytes = scan_s = extract_s = 0.0
    facts = 0
    for path in paths:
        text = path.read_text("utf-8")
        megabytes += len(text.encode("utf-8")) / 1e6
        seconds, _ = _timed(partial(bare_scan, [text]))
        scan_s += seconds
        seconds, found = _timed(partial(extract_all, [(path.name, text)]))
        extract_s += seconds
        facts += found
    return megabytes, scan_s, extract_s, facts


def _bench_runs(result: BenchResult, root: Path, db: Path, workers: int) -> None:
    from flows.etl import run_etl

    total, summary = _timed(
        lambda: run_etl(
            input_dir=str(root), db=str(db), workers=workers, docs=False, dbt_node_tasks=False
        )
    )
    result.run_seconds = {"total": round(total, 2)} | {
        k: round(v, 2) for k, v in summary.stage_seconds.items()
    }
    _add_report(root, "added_report.txt", seed=99)
    seconds, summary = _timed(
        lambda: run_etl(input_dir=str(root), db=str(db), docs=False, dbt_node_tasks=False)
    )
    result.incremental_seconds = round(seconds, 2)
    result.incremental_stages = {k: round(v, 2) for k, v in summary.stage_seconds.items()}
    _add_report(root, "added_by_cli.txt", seed=98)
    result.incremental_cli_seconds = round(_cli_run(root, db), 2)
    result.query_seconds = {k: round(v, 4) for k, v in time_queries(db).items()}


def _add_report(root: Path, name: str, seed: int) -> None:
    extra = next(write_corpus(root.parent / f"extra-{seed}", 1, seed=seed))
    extra.rename(root / name)


def _cli_run(root: Path, db: Path) -> float:
    """Seconds of `fazhi run` in a new process: imports and a Prefect server start included."""
    command = [sys.executable, "-m", "warehouse.cli", "run", "--input", str(root), "--db", str(db)]
    seconds, _ = _timed(
        lambda: subprocess.run(
            [*command, "--no-docs", "--no-dbt-tasks"], check=True, capture_output=True
        )
    )
    return seconds
