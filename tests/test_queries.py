"""docs/queries.sql: every analyst query parses, runs on the fixture warehouse and answers right."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

QUERIES_FILE = Path(__file__).resolve().parent.parent / "docs" / "queries.sql"
_HEADER = re.compile(r"^-- name: (?P<name>\S+)\n-- question: (?P<question>.+)$", re.MULTILINE)

EXPECTED_COLUMNS = {
    "legal-aid-cases-pingshan-2021-by-group": [
        "breakdown",
        "value",
        "unit",
        "qualifier",
        "evidence",
        "doc",
    ],
    "disputes-mediated-yoy": [
        "jurisdiction",
        "province",
        "year",
        "value",
        "prior_value",
        "abs_change",
        "pct_change",
    ],
    "mediation-success-rate-ranking": [
        "jurisdiction",
        "year",
        "stated_rate",
        "mediated",
        "mediated_success",
        "computed_rate",
    ],
    "enforcement-certification-coverage": [
        "jurisdiction",
        "year",
        "personnel",
        "certified",
        "certified_pct",
    ],
    "reconsideration-vs-litigation": [
        "jurisdiction",
        "year",
        "reconsideration_received",
        "litigation_cases",
        "review_per_lawsuit",
    ],
    "stated-change-vs-computed-yoy": [
        "jurisdiction",
        "year",
        "subject",
        "metric",
        "stated_pct",
        "computed_pct",
        "sign_agrees",
        "evidence",
    ],
    "report-coverage-by-province-year": [
        "province",
        "report_year",
        "reports",
        "jurisdictions",
        "levels",
    ],
    "non-exact-figures": [
        "jurisdiction",
        "period",
        "metric",
        "breakdown",
        "value",
        "unit",
        "qualifier",
        "evidence",
        "doc",
    ],
    "restated-figures": [
        "jurisdiction",
        "period",
        "metric",
        "breakdown",
        "value",
        "qualifier",
        "report_year",
        "doc",
        "is_annual_value",
        "evidence",
    ],
    "rejected-and-duplicate-files": ["doc", "status", "reason", "bytes", "path"],
}


@dataclass(frozen=True)
class Query:
    name: str
    question: str
    sql: str


def parse_queries(text: str) -> list[Query]:
    """Split the file at its `-- name:` / `-- question:` headers; the SQL runs to the next one."""
    headers = list(_HEADER.finditer(text))
    ends = [h.start() for h in headers[1:]] + [len(text)]
    return [
        Query(h["name"], h["question"].strip(), text[h.end() : end].strip())
        for h, end in zip(headers, ends, strict=True)
    ]


QUERIES = parse_queries(QUERIES_FILE.read_text(encoding="utf-8"))
BY_NAME = {q.name: q for q in QUERIES}


@pytest.fixture(scope="module")
def con(fixture_warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(fixture_warehouse), read_only=True)
    yield connection
    connection.close()


def run(con: duckdb.DuckDBPyConnection, name: str) -> tuple[list[str], list[dict[str, Any]]]:
    cursor = con.execute(BY_NAME[name].sql)
    columns = [d[0] for d in cursor.description]
    return columns, [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def test_file_holds_the_documented_queries() -> None:
    assert [q.name for q in QUERIES] == list(EXPECTED_COLUMNS)
    for query in QUERIES:
        assert re.search(r"[\u4e00-\u9fff]", query.question), f"{query.name}: no Chinese"
        assert re.search(r"[A-Za-z]{3,}", query.question), f"{query.name}: no English"
        assert query.sql.rstrip().endswith(";") and query.sql.count(";") == 1, query.name
        assert "marts." in query.sql, query.name


def test_parser_splits_at_headers() -> None:
    text = (
        "-- intro\n-- name: a\n-- question: A? / 甲?\nselect 1;\n\n"
        "-- name: b\n-- question: B\nselect 2;\n"
    )
    assert parse_queries(text) == [
        Query("a", "A? / 甲?", "select 1;"),
        Query("b", "B", "select 2;"),
    ]


@pytest.mark.parametrize("name", list(EXPECTED_COLUMNS))
def test_query_runs_with_expected_columns(con: duckdb.DuckDBPyConnection, name: str) -> None:
    columns, _ = run(con, name)
    assert columns == EXPECTED_COLUMNS[name]


def test_pingshan_2021_legal_aid_by_group(con: duckdb.DuckDBPyConnection) -> None:
    _, rows = run(con, "legal-aid-cases-pingshan-2021-by-group")
    got = {r["breakdown"]: r["value"] for r in rows}
    assert got == {
        "total": 685,
        "women": 195,
        "migrant_workers": 126,
        "minors": 45,
        "group": 20,
        "elderly": 6,
    }
    assert rows[0]["breakdown"] == "total"


def test_disputes_mediated_yoy(con: duckdb.DuckDBPyConnection) -> None:
    _, rows = run(con, "disputes-mediated-yoy")
    pingshan = [(r["year"], r["value"], r["prior_value"], r["pct_change"]) for r in rows]
    assert (2021, 3763, 3200, 17.59) in pingshan
    assert (2020, 3200, None, None) in pingshan


def test_mediation_success_rate_ranking(con: duckdb.DuckDBPyConnection) -> None:
    _, rows = run(con, "mediation-success-rate-ranking")
    top = rows[0]
    assert (top["jurisdiction"], top["year"], top["stated_rate"]) == ("**区", 2015, 96.8)
    assert top["computed_rate"] == 96.8
    assert {r["jurisdiction"] for r in rows} == {"**区", "坪山区"}  # 湘桥街道 states no rate


def test_reconsideration_vs_litigation(con: duckdb.DuckDBPyConnection) -> None:
    _, rows = run(con, "reconsideration-vs-litigation")
    assert [(r["jurisdiction"], r["year"], r["review_per_lawsuit"]) for r in rows] == [
        ("坪山区", 2020, 0.5),
        ("坪山区", 2021, 0.53),
    ]


def test_stated_change_vs_computed_yoy(con: duckdb.DuckDBPyConnection) -> None:
    _, rows = run(con, "stated-change-vs-computed-yoy")
    assert [(r["subject"], r["stated_pct"], r["computed_pct"], r["sign_agrees"]) for r in rows] == [
        ("法律援助案件", 14.17, 14.17, True)
    ]


def test_non_exact_figures(con: duckdb.DuckDBPyConnection) -> None:
    _, rows = run(con, "non-exact-figures")
    assert sorted((r["metric"], r["qualifier"]) for r in rows) == [
        ("disputes.amount", "approx"),
        ("legal_aid.cases", "approx"),
        ("legal_aid.consultations", "at_least"),
        ("legal_aid.recovered", "approx"),
    ]


def test_restated_figures_keep_the_years_own_report(con: duckdb.DuckDBPyConnection) -> None:
    _, rows = run(con, "restated-figures")
    assert [(r["value"], r["report_year"], r["is_annual_value"]) for r in rows] == [
        (600, 2020, True),
        (610, 2021, False),
    ]


def test_rejected_and_duplicate_files(con: duckdb.DuckDBPyConnection) -> None:
    _, rows = run(con, "rejected-and-duplicate-files")
    assert [(r["doc"], r["status"], r["reason"]) for r in rows] == [
        ("005_copy_of_002.txt", "duplicate", "duplicate of 002_39ab342cec40676a.txt"),
        ("006_scan.pdf", "rejected", "unsupported file type: .pdf"),
    ]


def test_report_coverage_by_province_year(con: duckdb.DuckDBPyConnection) -> None:
    _, rows = run(con, "report-coverage-by-province-year")
    got = [(r["province"], r["report_year"], r["reports"], r["levels"]) for r in rows]
    assert got == [
        ("(unknown)", 2015, 1, "district"),
        ("广东省", 2020, 2, "district, street"),
        ("广东省", 2021, 1, "department"),
    ]
