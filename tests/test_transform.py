"""When the pipeline's dbt build runs incrementally and when it rebuilds from scratch."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from warehouse import transform
from warehouse.transform import BUILD, build_args, project_digest, record_build

FULL = [*BUILD, "--full-refresh"]


def test_first_build_is_full_then_incremental(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    duckdb.connect(str(db)).close()
    assert build_args(db) == FULL  # never built
    duckdb.connect(str(db)).execute("create schema raw").close()
    record_build(db)
    assert build_args(db) == BUILD
    assert build_args(db, full_refresh=True) == FULL
    record_build(db)  # one row, whatever the number of builds
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(f"select count(*) from {transform.BUILD_STATE}").fetchall() == [(1,)]


def test_editing_a_model_forces_a_full_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "dbt_project"
    for part in ("models", "macros", "dbt_project.yml"):
        source = transform.DBT_PROJECT_DIR / part
        copy = shutil.copytree if source.is_dir() else shutil.copy
        copy(source, project / part)
    monkeypatch.setattr(transform, "DBT_PROJECT_DIR", project)
    db = tmp_path / "w.duckdb"
    duckdb.connect(str(db)).execute("create schema raw").close()
    record_build(db)
    assert build_args(db) == BUILD

    (project / "models" / "docs" / "overview.md").write_text("docs only\n")
    assert build_args(db) == BUILD  # documentation does not change rows

    model = project / "macros" / "fact_mart.sql"
    model.write_text(model.read_text() + "\n-- edited\n")
    before = project_digest()
    assert build_args(db) == FULL
    record_build(db)
    assert build_args(db) == BUILD and project_digest() == before
