"""End-to-end fixtures: one hermetic Prefect API for the session, a scratch input dir."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

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
