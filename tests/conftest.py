"""Shared fixtures. Each fixture here is self-contained; add new ones below, do not merge them."""

from __future__ import annotations

import atexit
import shutil
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import duckdb
import pytest

from tests.dbt_fixture import make_raw_db
from warehouse.teardown import silence_teardown


@pytest.fixture(scope="session")
def fixture_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DuckDB file built ONCE per session: dbt_fixture's raw tables plus `dbt build`.

    dbt's artifacts and logs go to the temporary directory, not dbt_project/target. Tests must
    open the file read-only and close their connections (dbt may reopen it read-write).
    """
    from warehouse.transform import run_dbt

    tmp = tmp_path_factory.mktemp("fixture_warehouse")
    db = tmp / "fazhi.duckdb"
    make_raw_db(db)
    run_dbt(["build", "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs")], db)
    return db


@pytest.fixture
def read_only_check(
    fixture_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[[ModuleType, Callable[[Path], object]], None]:
    """Check that `action(db)` opens the warehouse once, read-only, through `module.duckdb`,
    and closes it again (a read-write open afterwards would fail otherwise)."""

    def check(module: ModuleType, action: Callable[[Path], object]) -> None:
        copy = tmp_path / "read-only-check.duckdb"
        shutil.copyfile(fixture_warehouse, copy)
        calls: list[dict[str, Any]] = []
        real_connect = duckdb.connect

        def spy(*args: Any, **kwargs: Any) -> duckdb.DuckDBPyConnection:
            calls.append(kwargs)
            return real_connect(*args, **kwargs)

        monkeypatch.setattr(module.duckdb, "connect", spy)
        action(copy)
        assert calls == [{"read_only": True}]
        real_connect(str(copy)).close()

    return check


def pytest_unconfigure(config: pytest.Config) -> None:
    """Keep duckdb's teardown noise out of the session's report. At exit, not now: pytest
    restores the original stderr after its unconfigure hooks."""
    atexit.register(silence_teardown)
