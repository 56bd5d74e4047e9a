"""Extraction on a 2-worker Dask LocalCluster gives the same warehouse as threads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from flows.etl import run_etl
from warehouse.config import SEEDS_DIR


@pytest.mark.slow
def test_dask_cluster_matches_single_process(tmp_path: Path, snapshot) -> None:
    root = tmp_path / "input"
    shutil.copytree(SEEDS_DIR, root)
    shutil.copy(root / "002_39ab342cec40676a.txt", root / "copy.txt")
    threads, dask = tmp_path / "threads.duckdb", tmp_path / "dask.duckdb"
    common = {"input_dir": str(root), "docs": False, "dbt_node_tasks": False, "batch_size": 2}
    run_etl(db=str(threads), **common)
    summary = run_etl(db=str(dask), workers=2, **common)
    assert summary.loaded == 5 and len(summary.duplicates) == 1
    assert snapshot(dask) == snapshot(threads)
