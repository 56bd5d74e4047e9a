"""The scheduled deployment: its objects, and (slow) a schedule that really fires a run."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from flows.deploy import api_url, build_deployment, ensure_server
from warehouse.config import SEEDS_DIR


def test_deployment_carries_cron_and_parameters(tmp_path: Path) -> None:
    deployment = build_deployment(SEEDS_DIR, tmp_path / "w.duckdb", cron="0 2 * * *")
    assert deployment.name == "fazhi-nightly"
    assert deployment.flow_name == "fazhi-etl"
    assert deployment.parameters == {
        "input_dir": str(SEEDS_DIR.resolve()),
        "db": str((tmp_path / "w.duckdb").resolve()),
    }
    (schedule,) = deployment.schedules
    assert schedule.schedule.cron == "0 2 * * *"
    assert schedule.active


def test_interval_replaces_cron(tmp_path: Path) -> None:
    deployment = build_deployment(SEEDS_DIR, tmp_path / "w.duckdb", interval=timedelta(minutes=5))
    (schedule,) = deployment.schedules
    assert schedule.schedule.interval == timedelta(minutes=5)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SERVE = """
import sys
from datetime import timedelta
from pathlib import Path
from flows.deploy import build_deployment
from prefect import serve
deployment = build_deployment(
    Path(sys.argv[1]), Path(sys.argv[2]), interval=timedelta(seconds=10),
    docs=False, dbt_node_tasks=False,
)
serve(deployment, limit=1)
"""


@pytest.mark.slow
def test_short_interval_schedule_fires_a_run(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    monkeypatch.setenv("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    port = _free_port()
    server = ensure_server(port)
    assert os.environ["PREFECT_API_URL"] == api_url(port)
    db = tmp_path / "scheduled.duckdb"
    env = {**os.environ, "DBT_LOG_LEVEL": "warn"}
    runner = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(SEEDS_DIR), str(db)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and not db.exists():
            time.sleep(2)
        assert db.exists(), "no scheduled run published the warehouse within 5 minutes"
    finally:
        runner.terminate()
        runner.wait(timeout=60)
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
