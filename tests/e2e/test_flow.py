"""The ETL flow end to end on the seeds plus bad inputs, into a temporary DuckDB."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from flows.etl import etl
from tests.e2e import helpers
from warehouse.contract import YOY_COLUMNS
from warehouse.transform import BUILD, build_args


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, object]:
    from warehouse.config import SEEDS_DIR

    root = tmp_path_factory.mktemp("e2e") / "input"
    shutil.copytree(SEEDS_DIR, root)
    (root / "empty.txt").write_bytes(b"")
    (root / "scan.txt").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    shutil.copy(root / "002_39ab342cec40676a.txt", root / "copy_of_002.txt")
    db = root.parent / "fazhi.duckdb"
    summary = etl(input_dir=str(root), db=str(db), docs=False)
    return root, db, summary


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.sql(sql).fetchall()


def test_summary_accounts_for_every_file(warehouse) -> None:
    _, _, summary = warehouse
    assert summary.files_seen == 8
    assert summary.loaded == 5
    assert {doc for doc, _ in summary.rejected} == {"empty.txt", "scan.txt"}
    assert summary.duplicates == [("copy_of_002.txt", "002_39ab342cec40676a.txt")]
    assert summary.facts_by_domain["legal_aid"] > 0


def test_legal_aid_by_group_is_one_short_query(warehouse) -> None:
    _, db, _ = warehouse
    rows = dict(
        query(
            db,
            "select breakdown, value from marts.fct_legal_aid_cases "
            "where jurisdiction = '坪山区' and period = 2021 and metric = 'legal_aid.cases'",
        )
    )
    assert rows["total"] == 685
    assert rows["migrant_workers"] == 126


def test_rejected_files_are_recorded_with_reasons(warehouse) -> None:
    _, db, _ = warehouse
    rows = dict(query(db, "select doc, error from marts.dim_document where status = 'rejected'"))
    assert set(rows) == {"empty.txt", "scan.txt"}
    assert "empty" in rows["empty.txt"]


def test_duplicates_do_not_double_facts(warehouse) -> None:
    _, db, _ = warehouse
    (n,) = query(
        db, "select count(*) from marts.fct_legal_aid_cases where doc = 'copy_of_002.txt'"
    )[0]
    assert n == 0


def test_facts_keep_provenance(warehouse) -> None:
    root, db, _ = warehouse
    rows = query(
        db, "select doc, evidence, evidence_start, evidence_end from marts.fct_disputes_mediated"
    )
    assert rows
    for doc, evidence, start, end in rows:
        assert (root / doc).read_text("utf-8")[start:end] == evidence


def test_yoy_columns(warehouse) -> None:
    _, db, _ = warehouse
    with duckdb.connect(str(db), read_only=True) as con:
        columns = [c[0] for c in con.sql("describe marts.rpt_metric_yoy").fetchall()]
    assert tuple(columns[:8]) == YOY_COLUMNS


def test_rerun_is_idempotent(warehouse, snapshot) -> None:
    root, db, _ = warehouse
    before = snapshot(db)
    summary = etl(input_dir=str(root), db=str(db), docs=False)
    assert summary.cached == 5
    assert snapshot(db) == before


NEW_REPORT = """东溪县2022年法治政府建设年度报告

2022年，东溪县深入推进法治政府建设。全县共办理法律援助案件1,234件，其中刑事案件310件；
各级人民调解组织共调解矛盾纠纷3,456件，调解成功3,401件。全县持证行政执法人员1,020人。
"""


def test_incremental_run_equals_a_fresh_run(seed_input: Path, tmp_path: Path) -> None:
    db = tmp_path / "incremental.duckdb"
    etl(input_dir=str(seed_input), db=str(db), docs=False, dbt_node_tasks=False)
    (seed_input / "east_2022.txt").write_text(NEW_REPORT, encoding="utf-8")
    changed = seed_input / "003_224163a7fd249734.txt"
    changed.write_text(
        changed.read_text("utf-8") + "\n全年共受理法律援助案件2,468件。\n", encoding="utf-8"
    )
    summary = etl(input_dir=str(seed_input), db=str(db), docs=False, dbt_node_tasks=False)
    assert (summary.cached, summary.loaded) == (4, 6)
    assert build_args(db) == BUILD  # the next run's dbt build is incremental

    fresh = tmp_path / "fresh.duckdb"
    etl(input_dir=str(seed_input), db=str(fresh), docs=False, dbt_node_tasks=False)
    got, want = helpers.snapshot(db, False), helpers.snapshot(fresh, False)
    assert got == want, helpers.describe_differences(want, got)
