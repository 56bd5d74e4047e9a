"""End-to-end tests of the dbt project (dbt_project/) on the small raw dataset of dbt_fixture.

`dbt build` and `dbt docs generate` run in-process ONCE per module against a fresh DuckDB file;
the tests then read the marts with their own read-only connection. dbt's artifacts and logs go
to a temporary directory so concurrent runs in the working tree are not disturbed.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from dbt.cli.main import dbtRunner, dbtRunnerResult

from tests.dbt_fixture import (
    DUPLICATE_DOC,
    LOADED_DOCS,
    MASKED_DOC,
    PINGSHAN_2020_DOC,
    PINGSHAN_2021_DOC,
    REJECTED_DOC,
    XIANGQIAO_DOC,
    make_raw_db,
)
from warehouse.contract import YOY_COLUMNS
from warehouse.transform import BUILD, close_dbt_connections

PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"
FACT_MARTS = [
    "fct_disputes_mediated",
    "fct_legal_aid_cases",
    "fct_enforcement_personnel",
    "fct_admin_review_litigation",
    "fct_stated_changes",
]


@dataclass(frozen=True)
class Built:
    db: Path
    target: Path
    logs: Path
    build: dbtRunnerResult
    docs: dbtRunnerResult


def run_dbt(args: list[str], target: Path, logs: Path) -> dbtRunnerResult:
    """Invoke dbt in-process on the project; always release DuckDB's file lock afterwards."""
    try:
        return dbtRunner().invoke(
            [
                *args,
                "--project-dir",
                str(PROJECT_DIR),
                "--profiles-dir",
                str(PROJECT_DIR),
                "--target-path",
                str(target),
                "--log-path",
                str(logs),
            ]
        )
    finally:
        close_dbt_connections()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    tmp = tmp_path_factory.mktemp("dbt")
    db = tmp / "fazhi.duckdb"
    target, logs = tmp / "target", tmp / "logs"
    make_raw_db(db)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FAZHI_DB", str(db.resolve()))
        mp.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
        build = run_dbt(["build"], target, logs)
        docs = run_dbt(["docs", "generate"], target, logs)
        yield Built(db=db, target=target, logs=logs, build=build, docs=docs)


@pytest.fixture(scope="module")
def con(built: Built) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(built.db), read_only=True)
    yield connection
    connection.close()


def rows(con: duckdb.DuckDBPyConnection, sql: str, *params: Any) -> list[dict[str, Any]]:
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# --- the build -------------------------------------------------------------------------------


def test_build_succeeds_with_all_tests_passing(built: Built) -> None:
    assert built.build.exception is None
    results = built.build.result.results
    bad = [
        (r.node.name, str(r.status), r.message)
        for r in results
        if str(r.status) not in ("success", "pass", "no-op")
    ]
    assert built.build.success, bad
    assert bad == []
    kinds = {r.node.resource_type for r in results}
    assert {"model", "test", "unit_test"} <= {str(k) for k in kinds}


def test_schemas_are_named_by_layer(con: duckdb.DuckDBPyConnection) -> None:
    found = rows(
        con,
        "select table_schema, table_name, table_type from information_schema.tables "
        "where table_schema not in ('raw', 'information_schema', 'pg_catalog')",
    )
    schemas = {r["table_schema"] for r in found}
    assert schemas == {"staging", "intermediate", "marts"}
    by_name = {r["table_name"]: (r["table_schema"], r["table_type"]) for r in found}
    assert by_name["stg_raw__facts"] == ("staging", "VIEW")
    assert by_name["int_facts__annual"] == ("intermediate", "BASE TABLE")
    for name in [
        *FACT_MARTS,
        "dim_report",
        "dim_jurisdiction",
        "dim_metric",
        "dim_document",
        "rpt_metric_yoy",
    ]:
        assert by_name[name] == ("marts", "BASE TABLE"), name
    assert by_name["rpt_legal_aid_yoy"] == ("marts", "VIEW")


# --- marts contents --------------------------------------------------------------------------


def test_pingshan_legal_aid_cases_by_group(con: duckdb.DuckDBPyConnection) -> None:
    got = rows(
        con,
        "select breakdown, value from marts.fct_legal_aid_cases "
        "where jurisdiction = '坪山区' and period = 2021 and metric = 'legal_aid.cases'",
    )
    assert {r["breakdown"]: r["value"] for r in got} == {
        "total": 685,
        "migrant_workers": 126,
        "group": 20,
        "women": 195,
        "elderly": 6,
        "minors": 45,
    }


def test_fact_marts_have_analyst_columns(con: duckdb.DuckDBPyConnection) -> None:
    expected = [
        "fact_id",
        "doc",
        "jurisdiction_key",
        "jurisdiction",
        "parent",
        "province",
        "level",
        "report_year",
        "period",
        "metric",
        "metric_label",
        "breakdown",
        "value",
        "unit",
        "qualifier",
        "evidence",
        "evidence_start",
        "evidence_end",
    ]
    for mart in FACT_MARTS:
        cols = [r[0] for r in con.execute(f"describe marts.{mart}").fetchall()]
        assert cols[: len(expected)] == expected, mart
    metrics = {
        r["metric"] for r in rows(con, "select distinct metric from marts.fct_stated_changes")
    }
    assert metrics == {"stated_change"}


def test_yoy_arithmetic(con: duckdb.DuckDBPyConnection) -> None:
    cols = [r[0] for r in con.execute("describe marts.rpt_metric_yoy").fetchall()]
    assert tuple(cols[:8]) == YOY_COLUMNS
    got = {
        (r["breakdown"], r["year"]): r
        for r in rows(
            con,
            "select * from marts.rpt_metric_yoy "
            "where jurisdiction = '坪山区' and metric = 'legal_aid.cases'",
        )
    }
    first = got[("total", 2020)]
    assert first["value"] == 600  # the 2020 report's own figure beats the 2021 restatement
    assert first["prior_value"] is None and first["abs_change"] is None
    assert first["pct_change"] is None
    second = got[("total", 2021)]
    assert (second["value"], second["prior_value"], second["abs_change"]) == (685, 600, 85)
    assert second["pct_change"] == 14.17
    from_zero = got[("group", 2021)]
    assert (from_zero["prior_value"], from_zero["abs_change"]) == (0, 20)
    assert from_zero["pct_change"] is None
    assert got[("women", 2021)]["prior_value"] is None
    # stated_change never enters the year-over-year report
    assert rows(con, "select * from marts.rpt_metric_yoy where metric = 'stated_change'") == []


def test_domain_yoy_views_partition_the_report(con: duckdb.DuckDBPyConnection) -> None:
    total = con.execute("select count(*) from marts.rpt_metric_yoy").fetchone()[0]
    parts = sum(
        con.execute(f"select count(*) from marts.{view}").fetchone()[0]
        for view in (
            "rpt_disputes_yoy",
            "rpt_legal_aid_yoy",
            "rpt_enforcement_yoy",
            "rpt_admin_review_litigation_yoy",
        )
    )
    assert total == parts > 0
    metrics = rows(con, "select distinct metric from marts.rpt_legal_aid_yoy")
    assert all(r["metric"].startswith("legal_aid.") for r in metrics)


def test_duplicates_and_rejected_never_reach_marts(con: duckdb.DuckDBPyConnection) -> None:
    for mart in [*FACT_MARTS, "dim_report"]:
        docs = {r["doc"] for r in rows(con, f"select distinct doc from marts.{mart}")}
        assert DUPLICATE_DOC not in docs and REJECTED_DOC not in docs, mart
    assert {r["doc"] for r in rows(con, "select doc from marts.dim_report")} == set(LOADED_DOCS)
    audit = {r["doc"]: r for r in rows(con, "select * from marts.dim_document")}
    assert audit[DUPLICATE_DOC]["status"] == "duplicate"
    assert audit[DUPLICATE_DOC]["duplicate_of"] == PINGSHAN_2021_DOC
    assert audit[REJECTED_DOC]["status"] == "rejected"
    assert audit[REJECTED_DOC]["error"]
    assert not audit[DUPLICATE_DOC]["has_report"]


def test_jurisdictions(con: duckdb.DuckDBPyConnection) -> None:
    dims = {r["jurisdiction"]: r for r in rows(con, "select * from marts.dim_jurisdiction")}
    assert set(dims) == {"**区", "坪山区", "湘桥街道"}
    assert dims["**区"]["jurisdiction_key"] == f"doc:{MASKED_DOC}"
    assert dims["**区"]["masked"] is True
    pingshan = dims["坪山区"]
    assert pingshan["report_count"] == 2
    assert (pingshan["first_report_year"], pingshan["last_report_year"]) == (2020, 2021)
    assert pingshan["level"] == "district"  # the 2021 report is a department's account
    assert (pingshan["parent"], pingshan["province"]) == ("深圳市", "广东省")
    assert dims["湘桥街道"]["parent"] == "湘桥区"
    assert dims["湘桥街道"]["level"] == "street"


def test_metric_catalog(con: duckdb.DuckDBPyConnection) -> None:
    catalog = {r["metric"]: r for r in rows(con, "select * from marts.dim_metric")}
    assert len(catalog) == 25
    assert catalog["legal_aid.cases"]["fact_model"] == "fct_legal_aid_cases"
    assert catalog["legal_aid.cases"]["fact_count"] == 12  # 5 (2020) + 6 (2021) + 1 restated
    assert "group" in catalog["legal_aid.cases"]["breakdowns"]


def test_annual_value_flag(con: duckdb.DuckDBPyConnection) -> None:
    got = rows(
        con,
        "select value, is_annual_value from marts.fct_legal_aid_cases "
        "where jurisdiction = '坪山区' and period = 2020 and metric = 'legal_aid.cases' "
        "and breakdown = 'total' order by value",
    )
    assert [(r["value"], r["is_annual_value"]) for r in got] == [(600, True), (610, False)]


# --- docs ------------------------------------------------------------------------------------


def test_docs_generate(built: Built) -> None:
    assert built.docs.success, built.docs.exception
    for artifact in ("index.html", "manifest.json", "catalog.json"):
        assert (built.target / artifact).is_file(), artifact


def undocumented(manifest: dict[str, Any], catalog: dict[str, Any]) -> list[str]:
    """Models of the project (and their columns, as built) that lack a description."""
    missing = []
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] != "model" or node["package_name"] != "fazhi":
            continue
        if not node["description"].strip():
            missing.append(f"{node['name']}: model description")
        documented = {name.lower(): col for name, col in node["columns"].items()}
        built_columns = catalog["nodes"].get(unique_id, {}).get("columns", {})
        if not built_columns:
            missing.append(f"{node['name']}: not in catalog.json")
        for column in built_columns:
            col = documented.get(column.lower())
            if col is None or not col["description"].strip():
                missing.append(f"{node['name']}.{column}: column description")
        for column in documented:
            if built_columns and column not in {c.lower() for c in built_columns}:
                missing.append(f"{node['name']}.{column}: documented but not built")
    return missing


def test_every_model_and_column_is_described(built: Built) -> None:
    manifest = json.loads((built.target / "manifest.json").read_text())
    catalog = json.loads((built.target / "catalog.json").read_text())
    assert undocumented(manifest, catalog) == []
    models = [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]
    assert len(models) >= 22
    marts = {n["name"] for n in models if n["schema"] == "marts"}
    assert {"dim_metric", "rpt_metric_yoy", *FACT_MARTS} <= marts
    assert manifest["docs"]["doc.fazhi.__overview__"]["block_contents"].strip()
    exposures = list(manifest["exposures"].values())
    assert exposures and exposures[0]["owner"]["name"] == "fazhi maintainers"


def test_description_check_catches_a_gap(built: Built) -> None:
    manifest = json.loads((built.target / "manifest.json").read_text())
    catalog = json.loads((built.target / "catalog.json").read_text())
    node = manifest["nodes"]["model.fazhi.fct_legal_aid_cases"]
    node["columns"]["value"]["description"] = ""
    manifest["nodes"]["model.fazhi.dim_metric"]["description"] = " "
    assert set(undocumented(manifest, catalog)) == {
        "fct_legal_aid_cases.value: column description",
        "dim_metric: model description",
    }


# --- failing data makes the build fail --------------------------------------------------------


def test_error_level_test_failure_fails_build(built: Built, tmp_path: Path) -> None:
    db = tmp_path / "broken.duckdb"
    shutil.copy(built.db, db)
    bad = duckdb.connect(str(db))
    try:
        bad.execute(
            "insert into raw.facts values ('bad-0001', ?, 'disputes.mediated_success', 'total', "
            "99999, 'case', 'exact', 2021, '调解成功99999件', 5000, 5011)",
            [PINGSHAN_2021_DOC],
        )
        # as the loader does when a document's facts change: a new version of its row
        bad.execute(
            "update raw.documents set run_id = 'run-bad' where doc = ?", [PINGSHAN_2021_DOC]
        )
    finally:
        bad.close()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FAZHI_DB", str(db.resolve()))
        mp.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
        result = run_dbt(
            ["build", "--select", "+assert_mediated_success_le_mediated"],
            tmp_path / "target",
            tmp_path / "logs",
        )
    assert not result.success
    failed = [r.node.name for r in result.result.results if str(r.status) == "fail"]
    assert failed == ["assert_mediated_success_le_mediated"]
    assert os.environ.get("FAZHI_DB") != str(db.resolve())


# --- incremental models ----------------------------------------------------------------------

_NEW_RUN = "run-20250301-0002"


def _add_report(
    con: duckdb.DuckDBPyConnection,
    doc: str,
    place: tuple[str, str | None, str | None],
    year: int,
    published: str,
    facts: list[tuple[str, str, float, int]],
) -> None:
    """A new loaded document with its report row and facts (metric, breakdown, value, period)."""
    jurisdiction, parent, province = place
    con.execute(
        "insert into raw.documents values "
        "(?, ?, ?, 1000, 'utf-8', 'text', 'loaded', null, null, '0.1.0', ?, now())",
        [doc, f"/data/in/{doc}", doc.ljust(64, "0")[:64], _NEW_RUN],
    )
    con.execute(
        "insert into raw.reports values (?, null, ?, ?, ?, 'district', ?, ?, null, false, 900)",
        [doc, jurisdiction, parent, province, year, published],
    )
    for i, (metric, breakdown, value, period) in enumerate(facts):
        evidence = f"{metric} {value}"
        con.execute(
            "insert into raw.facts values (?, ?, ?, ?, ?, 'case', 'exact', ?, ?, ?, ?)",
            [
                f"{doc[:3]}-{i:04d}",
                doc,
                metric,
                breakdown,
                value,
                period,
                evidence,
                10 * i,
                10 * i + len(evidence),
            ],
        )


def _change_raw_round_1(db: Path) -> None:
    with duckdb.connect(str(db)) as con:
        # re-extracted with fewer facts
        con.execute(
            "delete from raw.facts where doc = ? and fact_id in "
            "(select fact_id from raw.facts where doc = ? order by fact_id limit 3)",
            [PINGSHAN_2021_DOC, PINGSHAN_2021_DOC],
        )
        con.execute(
            "update raw.documents set run_id = ? where doc = ?", [_NEW_RUN, PINGSHAN_2021_DOC]
        )
        # now rejected: the loader drops its report and facts
        con.execute(
            "update raw.documents set status = 'rejected', error = 'empty file', run_id = ? "
            "where doc = ?",
            [_NEW_RUN, XIANGQIAO_DOC],
        )
        for table in ("reports", "facts"):
            con.execute(f"delete from raw.{table} where doc = ?", [XIANGQIAO_DOC])
        # a later 2020 report of 坪山区 wins the 2020 criminal cases cell from 010
        _add_report(
            con,
            "020_pingshan_2020_revised.txt",
            ("坪山区", "深圳市", "广东省"),
            2020,
            "2021-06-30",
            [("legal_aid.cases", "criminal", 151, 2020)],
        )
        # a place without its province: keyed '||东区' until another report names it
        _add_report(
            con,
            "021_dongqu_2021.txt",
            ("东区", None, None),
            2021,
            "2022-01-10",
            [("legal_aid.cases", "total", 40, 2021), ("legal_aid.cases", "total", 35, 2020)],
        )


def _change_raw_round_2(db: Path) -> None:
    with duckdb.connect(str(db)) as con:
        # lends 021 its parent and province: 021's facts change jurisdiction_key
        _add_report(
            con,
            "022_dongqu_2022.txt",
            ("东区", "某市", "某省"),
            2022,
            "2023-01-10",
            [("legal_aid.cases", "total", 44, 2022)],
        )


def _tables(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    with duckdb.connect(str(db), read_only=True) as con:
        names = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema in ('intermediate', 'marts') order by 1"
        ).fetchall()
        return {
            name: con.execute(f"select * from {name} order by all").fetchall() for (name,) in names
        }


def _build(db: Path, tmp: Path, *extra: str) -> dbtRunnerResult:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FAZHI_DB", str(db.resolve()))
        mp.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
        result = run_dbt([*BUILD, *extra], tmp / "target", tmp / "logs")
    assert result.success, [(r.node.name, r.message) for r in result.result.results if r.message]
    return result


def test_incremental_builds_equal_a_full_rebuild(built: Built, tmp_path: Path) -> None:
    db = tmp_path / "incremental.duckdb"
    shutil.copy(built.db, db)
    _change_raw_round_1(db)
    first = _build(db, tmp_path)
    compiled = {r.node.name: getattr(r.node, "compiled_code", "") for r in first.result.results}
    assert "built.document_run_id" in compiled["int_facts__enriched"]  # ran incrementally
    assert "built.document_run_id" in compiled["fct_legal_aid_cases"]
    _change_raw_round_2(db)
    _build(db, tmp_path)
    incremental = _tables(db)

    _build(db, tmp_path, "--full-refresh")
    assert _tables(db) == incremental

    with duckdb.connect(str(db), read_only=True) as con:
        annual = con.execute(
            "select doc, value, is_annual_value from marts.fct_legal_aid_cases "
            "where breakdown = 'criminal' and period = 2020 order by doc"
        ).fetchall()
        keys = con.execute(
            "select distinct jurisdiction_key from marts.fct_legal_aid_cases "
            "where doc like '02_\\_dongqu%' escape '\\'"
        ).fetchall()
    assert annual == [
        (PINGSHAN_2020_DOC, 150.0, False),
        ("020_pingshan_2020_revised.txt", 151.0, True),
    ]
    assert keys == [("某省|某市|东区",)]
    assert XIANGQIAO_DOC not in {row[1] for row in incremental["marts.fct_legal_aid_cases"]}
