"""warehouse.export: one file per mart, complete, readable back, from a read-only connection."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import duckdb
import polars as pl
import polars.selectors as cs
import pytest

from warehouse import export
from warehouse.export import UTF8_BOM, export_marts, quote_identifier

MARTS = {
    "dim_document",
    "dim_jurisdiction",
    "dim_metric",
    "dim_report",
    "fct_admin_review_litigation",
    "fct_disputes_mediated",
    "fct_enforcement_personnel",
    "fct_legal_aid_cases",
    "fct_stated_changes",
    "rpt_admin_review_litigation_yoy",
    "rpt_disputes_yoy",
    "rpt_enforcement_yoy",
    "rpt_legal_aid_yoy",
    "rpt_metric_yoy",
}


@pytest.fixture(scope="module")
def con(fixture_warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(fixture_warehouse), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def exported(
    fixture_warehouse: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[Path]]:
    out = tmp_path_factory.mktemp("export")
    return {fmt: export_marts(fixture_warehouse, out / fmt, fmt) for fmt in ("parquet", "csv")}


def count(con: duckdb.DuckDBPyConnection, name: str) -> int:
    [(n,)] = con.execute(f"select count(*) from marts.{quote_identifier(name)}").fetchall()
    return int(n)


def utc(frame: pl.DataFrame) -> pl.DataFrame:
    """DuckDB says `Etc/UTC` where Parquet says `UTC`: the same instants, compared as UTC."""
    return frame.with_columns(cs.datetime(time_zone="*").dt.convert_time_zone("UTC"))


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_one_file_per_mart(exported: dict[str, list[Path]], fmt: str) -> None:
    paths = exported[fmt]
    assert {p.name for p in paths} == {f"{name}.{fmt}" for name in MARTS}
    assert all(p.is_file() and p.stat().st_size > 0 for p in paths)
    assert sorted(p.name for p in paths[0].parent.iterdir()) == sorted(p.name for p in paths)


def test_parquet_round_trips_with_polars(
    exported: dict[str, list[Path]], con: duckdb.DuckDBPyConnection
) -> None:
    for path in exported["parquet"]:
        frame = pl.read_parquet(path)
        expected = con.sql(f"select * from marts.{quote_identifier(path.stem)}").pl()
        assert frame.height == count(con, path.stem) > 0, path.name
        assert utc(frame).equals(utc(expected)), path.name


def test_csv_is_utf8_with_bom_header_and_all_rows(
    exported: dict[str, list[Path]], con: duckdb.DuckDBPyConnection
) -> None:
    for path in exported["csv"]:
        assert path.read_bytes()[:3] == UTF8_BOM
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header, *rows = list(csv.reader(handle))
        columns = [
            d[0] for d in con.execute(f"select * from marts.{path.stem} limit 0").description
        ]
        assert header == columns, path.name
        assert len(rows) == count(con, path.stem), path.name


def test_csv_keeps_chinese_text(exported: dict[str, list[Path]]) -> None:
    path = next(p for p in exported["csv"] if p.stem == "fct_legal_aid_cases")
    frame = pl.read_csv(path)
    assert "受理法律援助案件685宗" in frame["evidence"].to_list()
    assert frame.columns[0] == "fact_id"  # the BOM is not glued to the first column name


def test_connection_is_read_only_and_closed(read_only_check) -> None:
    read_only_check(export, lambda db: export_marts(db, db.parent / "out", "csv"))


def test_unknown_format_is_refused(fixture_warehouse: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unsupported export format"):
        export_marts(fixture_warehouse, tmp_path, "xlsx")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_relation_names_never_become_paths(tmp_path: Path) -> None:
    db = tmp_path / "evil.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute('create schema marts; create table marts."../x""y" (a int)')
    with pytest.raises(ValueError, match="unsafe file name"):
        export_marts(db, tmp_path / "out", "parquet")
    assert not (tmp_path / "x").exists()
    assert list((tmp_path / "out").iterdir()) == []


def test_quote_identifier_doubles_quotes() -> None:
    assert quote_identifier('a"b') == '"a""b"'
