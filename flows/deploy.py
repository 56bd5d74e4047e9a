"""A scheduled deployment of the ETL flow, served by a local Prefect server.

An ephemeral Prefect server cannot schedule runs, so `serve` starts (or reuses) a
real server on 127.0.0.1 and points the Prefect client at it before serving.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import cast

from prefect.deployments.runner import RunnerDeployment

from flows.etl import etl
from warehouse import config

DEPLOYMENT_NAME = "fazhi-nightly"
DEFAULT_PORT = 4200


def build_deployment(
    input_dir: Path,
    db: Path,
    cron: str | None = "0 2 * * *",
    interval: timedelta | None = None,
    name: str = DEPLOYMENT_NAME,
    **flow_parameters: object,
) -> RunnerDeployment:
    """The ETL flow on `input_dir` into `db`, on a cron (or interval) schedule.

    `flow_parameters` are further parameters of the `etl` flow (e.g. docs=False).
    """
    deployment = etl.to_deployment(
        name=name,
        cron=None if interval else cron,
        interval=interval,
        parameters={
            "input_dir": str(input_dir.resolve()),
            "db": str(config.db_path(db)),
            **flow_parameters,
        },
        description="Ingest the reports the scrapers dropped into the input folder.",
        tags=["fazhi", "etl"],
    )
    return cast(RunnerDeployment, deployment)  # to_deployment is sync here, not a coroutine


def api_url(port: int) -> str:
    return f"http://127.0.0.1:{port}/api"


def server_healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def ensure_server(
    port: int = DEFAULT_PORT, timeout: float = 90.0
) -> subprocess.Popen[bytes] | None:
    """Use $PREFECT_API_URL if set, else a server on 127.0.0.1:port, starting one if needed.

    Returns the server process when this call started it (the caller stops it).
    """
    if os.environ.get("PREFECT_API_URL"):
        return None
    url = api_url(port)
    os.environ["PREFECT_API_URL"] = url
    if server_healthy(url):
        return None
    prefect = Path(sys.executable).with_name("prefect")
    process = subprocess.Popen(
        [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server_healthy(url):
            return process
        if process.poll() is not None:
            raise RuntimeError(f"prefect server exited with code {process.returncode}")
        time.sleep(1)
    process.terminate()
    raise TimeoutError(f"prefect server on {url} did not become healthy in {timeout:.0f} s")


def serve(deployment: RunnerDeployment, port: int = DEFAULT_PORT) -> None:
    """Serve the deployment until interrupted; runs appear in the UI at 127.0.0.1:port.

    One run at a time: a run that would overlap the previous one waits for it.
    """
    from prefect import serve as prefect_serve

    server = ensure_server(port)
    try:
        prefect_serve(deployment, limit=1)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
