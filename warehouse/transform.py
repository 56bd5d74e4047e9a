"""Running the dbt project against a given DuckDB file.

dbt's profiles.yml reads the database path from $FAZHI_DB; this module points it at
the file being built (the work copy during a run) and closes dbt-duckdb's
connections afterwards, so the file can be published or reopened by another process.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse.config import DB_ENV, DBT_PROJECT_DIR

DBT_ENV_DEFAULTS = {
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
    "DBT_PROJECT_DIR": str(DBT_PROJECT_DIR),
}


BUILD = ["build", "--exclude-resource-type", "unit_test"]
"""The pipeline's dbt build: every model and data test. Unit tests check the models' SQL
on fixed inputs, not the data, so they run with the test suite (tests/test_dbt_project.py),
not on every load."""

BUILD_STATE = "raw.dbt_state"
"""One row: the digest of the dbt project whose models last built the warehouse's marts."""


def project_digest() -> str:
    """A digest of everything that shapes the models' rows: SQL files and dbt_project.yml."""
    digest = hashlib.sha256()
    sql = (
        path
        for folder in ("models", "macros")
        for path in (DBT_PROJECT_DIR / folder).rglob("*.sql")
    )
    files = [*sorted(sql), DBT_PROJECT_DIR / "dbt_project.yml"]
    for path in files:
        digest.update(path.relative_to(DBT_PROJECT_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def build_args(db: Path, full_refresh: bool = False) -> list[str]:
    """The pipeline's build of `db`: incremental models update in place, unless asked, or
    unless `db` was last built by another version of the dbt project (or never); then every
    model is rebuilt from scratch (--full-refresh), as an incremental model cannot know how
    an edit of its SQL should apply to rows built before."""
    if full_refresh or _built_digest(db) != project_digest():
        return [*BUILD, "--full-refresh"]
    return BUILD


def record_build(db: Path) -> None:
    """Remember in `db` which dbt project built it (after a successful build)."""
    with duckdb.connect(str(db)) as con:
        con.execute(f"CREATE TABLE IF NOT EXISTS {BUILD_STATE} (project_digest VARCHAR NOT NULL)")
        con.execute(f"DELETE FROM {BUILD_STATE}")
        con.execute(f"INSERT INTO {BUILD_STATE} VALUES (?)", [project_digest()])


def _built_digest(db: Path) -> str | None:
    with duckdb.connect(str(db), read_only=True) as con:
        try:
            row = con.execute(f"SELECT project_digest FROM {BUILD_STATE}").fetchone()
        except duckdb.CatalogException:
            return None
    return row[0] if row else None


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
    """Close dbt-duckdb's shared connection (profiles.yml keeps it open for a command)."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    # close_all_connections() only drops the reference; close explicitly so the file is
    # released now rather than whenever the environment is garbage-collected.
    with DuckDBConnectionManager._LOCK:
        environment = DuckDBConnectionManager._ENV
        if environment is not None and hasattr(environment, "close"):
            environment.close()
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
