"""End-to-end fixtures: one hermetic Prefect API for the session, a scratch input dir."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from warehouse.config import SEEDS_DIR


@pytest.fixture(scope="session", autouse=True)
def prefect_harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    os.environ["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect-home"))
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "False"
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield


@pytest.fixture
def seed_input(tmp_path: Path) -> Path:
    """A copy of the seed corpus the test may add files to."""
    root = tmp_path / "input"
    shutil.copytree(SEEDS_DIR, root)
    return root


TABLES = (
    "raw.documents",
    "raw.reports",
    "raw.facts",
    "marts.dim_report",
    "marts.dim_jurisdiction",
    "marts.dim_metric",
    "marts.dim_document",
    "marts.fct_disputes_mediated",
    "marts.fct_legal_aid_cases",
    "marts.fct_enforcement_personnel",
    "marts.fct_admin_review_litigation",
    "marts.fct_stated_changes",
    "marts.rpt_metric_yoy",
)


BOOKKEEPING = {"run_id", "ingested_at", "document_run_id"}


def table_rows(db: Path) -> dict[str, list[tuple]]:
    """Every row of the warehouse tables, sorted, without run bookkeeping columns."""
    with duckdb.connect(str(db), read_only=True) as con:
        out = {}
        for table in TABLES:
            columns = [c[0] for c in con.sql(f"describe {table}").fetchall()]
            keep = ", ".join(f'"{c}"' for c in columns if c not in BOOKKEEPING)
            out[table] = sorted(con.sql(f"select {keep} from {table}").fetchall(), key=repr)
        return out


@pytest.fixture
def snapshot() -> Callable[[Path], dict[str, list[tuple]]]:
    return table_rows
