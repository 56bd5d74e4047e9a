"""Running the dbt project against a given DuckDB file.

dbt's profiles.yml reads the database path from $FAZHI_DB; this module points it at
the file being built (the work copy during a run) and closes dbt-duckdb's
connections afterwards, so the file can be published or reopened by another process.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from warehouse.config import DB_ENV, DBT_PROJECT_DIR

DBT_ENV_DEFAULTS = {
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
    "DBT_PROJECT_DIR": str(DBT_PROJECT_DIR),
}


class DbtFailed(RuntimeError):
    """A dbt command failed; the message names the failing models or tests."""


@contextmanager
def dbt_target(db: Path) -> Iterator[None]:
    """Point dbt at `db` for the duration of the block; close its connections after."""
    saved: dict[str, str | None] = {k: os.environ.get(k) for k in (DB_ENV, *DBT_ENV_DEFAULTS)}
    os.environ[DB_ENV] = str(db.resolve())
    for key, value in DBT_ENV_DEFAULTS.items():
        os.environ.setdefault(key, value)
    try:
        yield
    finally:
        close_dbt_connections()
        for key, previous in saved.items():
            if previous is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = previous


def close_dbt_connections() -> None:
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    DuckDBConnectionManager.close_all_connections()


def project_args() -> list[str]:
    return ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]


def failures(result: object) -> list[str]:
    """'model.x: error message' lines for the failed nodes of a dbt result."""
    nodes = getattr(getattr(result, "result", None), "results", None) or []
    return [
        f"{r.node.resource_type} {r.node.name}: {r.status} {r.message or ''}".strip()
        for r in nodes
        if str(r.status) in {"error", "fail", "runtime error"}
    ]


def run_dbt(args: list[str], db: Path) -> object:
    """Invoke dbt in-process on `db` without Prefect (benchmarks, scripts, tests)."""
    from dbt.cli.main import dbtRunner

    with dbt_target(db):
        result = dbtRunner().invoke([*args, *project_args(), "--log-level", "warn"])
    if not result.success:
        detail = "; ".join(failures(result)) or str(result.exception)
        raise DbtFailed(f"dbt {' '.join(args)} failed: {detail}")
    return result


def docs_site() -> Path:
    return DBT_PROJECT_DIR / "target" / "index.html"


def static_docs_site() -> Path:
    return DBT_PROJECT_DIR / "target" / "static_index.html"
