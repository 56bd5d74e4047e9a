"""Where things are: the project, the dbt project, the seed corpus and the DuckDB file.

One place resolves paths so the CLI, the flows, dbt's profile and the tests agree.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
SEEDS_DIR = PROJECT_ROOT / "seeds"
DATA_DIR = PROJECT_ROOT / "data"

DB_ENV = "FAZHI_DB"
"""Environment variable holding the absolute DuckDB path; dbt's profiles.yml reads it too."""

MAX_BYTES_ENV = "FAZHI_MAX_BYTES"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def db_path(override: str | os.PathLike[str] | None = None) -> Path:
    """The warehouse file: an explicit path, else $FAZHI_DB, else data/fazhi.duckdb."""
    if override is not None:
        return Path(override).expanduser().resolve()
    if env := os.environ.get(DB_ENV):
        return Path(env).expanduser().resolve()
    return DATA_DIR / "fazhi.duckdb"


def max_bytes() -> int:
    """Largest input file accepted; larger files are rejected as oversized."""
    return int(os.environ.get(MAX_BYTES_ENV, DEFAULT_MAX_BYTES))
