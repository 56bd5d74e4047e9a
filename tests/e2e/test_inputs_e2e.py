"""Every input kind through the whole flow (in-process, under the session's Prefect harness):
statuses and reasons in raw.documents and marts.dim_document, the run summary, duplicates
not counted twice, decoded-text offsets for GBK/GB18030/Big5/HTML, idempotent re-runs."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rich.console import Console

from flows.etl import etl
from tests.fixtures_inputs import (
    EXPECTED_NOTES,
    REPORT,
    REPORT_TRADITIONAL,
    SMALL_LIMIT,
    write_all_kinds,
)
from warehouse.pipeline import RunSummary
from warehouse.sources import read_document

from .helpers import describe_differences, read_only, snapshot

NAMED_TRADITIONAL = (
    "深圳市坪山區2021年法治政府建設年度報告\n" + REPORT_TRADITIONAL.split("\n", 1)[1]
)
"""REPORT_TRADITIONAL names no place the extractor recognises, which fails the whole run
(see test_a_report_without_a_jurisdiction_does_not_fail_the_run); this one names its city."""

FACT_MARTS = (
    "marts.fct_disputes_mediated",
    "marts.fct_legal_aid_cases",
    "marts.fct_enforcement_personnel",
    "marts.fct_admin_review_litigation",
    "marts.fct_stated_changes",
)


@dataclass
class Kinds:
    root: Path
    db: Path
    expected: dict[str, str]
    summary: RunSummary
    first: dict[str, list[tuple]]
    rerun_summary: RunSummary | None = None

    def decoded(self, doc: str) -> str:
        document = read_document(self.root / doc, self.root, SMALL_LIMIT)
        assert document.text is not None, (doc, document.status, document.error)
        return document.text

    def rows(self, sql: str, *params: object) -> list[tuple]:
        with read_only(self.db) as con:
            return con.execute(sql, list(params)).fetchall()


def _run(root: Path, db: Path) -> RunSummary:
    return etl(input_dir=str(root), db=str(db), docs=False, dbt_node_tasks=False)


@pytest.fixture(scope="module")
def kinds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kinds]:
    tmp = tmp_path_factory.mktemp("inputs")
    root = tmp / "input"
    expected = write_all_kinds(root)
    (root / "big5.txt").write_bytes(NAMED_TRADITIONAL.encode("big5"))
    db = tmp / "fazhi.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FAZHI_MAX_BYTES", str(SMALL_LIMIT))
        summary = _run(root, db)
        yield Kinds(root, db, expected, summary, snapshot(db))


def by_status(expected: dict[str, str], status: str) -> set[str]:
    return {doc for doc, s in expected.items() if s == status}


# --------------------------------------------------------------------------- statuses


def test_every_entry_has_one_document_row_with_its_status(kinds: Kinds) -> None:
    rows = dict(kinds.rows("select doc, status from raw.documents"))
    assert rows == kinds.expected


def test_marts_dim_document_mirrors_raw_documents(kinds: Kinds) -> None:
    raw = kinds.rows("select doc, status, error, duplicate_of from raw.documents order by doc")
    mart = kinds.rows(
        "select doc, status, error, duplicate_of from marts.dim_document order by doc"
    )
    assert mart == raw


def test_rejected_and_skipped_entries_carry_a_readable_reason(kinds: Kinds) -> None:
    errors = dict(kinds.rows("select doc, error from marts.dim_document"))
    for doc, status in kinds.expected.items():
        if status == "loaded":
            assert errors[doc] is None, doc
            continue
        reason = errors[doc]
        assert reason and reason.strip(), f"{doc} ({status}) has no reason"
        assert reason.isprintable(), f"{doc}: {reason!r}"
        if doc in EXPECTED_NOTES:
            assert EXPECTED_NOTES[doc] in reason, f"{doc}: {reason!r}"


def test_run_summary_lists_rejected_skipped_and_duplicates(kinds: Kinds) -> None:
    summary = kinds.summary
    assert summary.files_seen == len(kinds.expected)
    assert summary.loaded == len(by_status(kinds.expected, "loaded"))
    assert {doc for doc, _ in summary.rejected} == by_status(kinds.expected, "rejected")
    assert {doc for doc, _ in summary.skipped} == by_status(kinds.expected, "skipped")
    assert dict(summary.duplicates) == dict.fromkeys(
        by_status(kinds.expected, "duplicate"), "utf8.txt"
    )
    reasons = dict(kinds.rows("select doc, error from raw.documents"))
    assert all(reasons[doc] == why for doc, why in summary.rejected)
    markdown = summary.to_markdown()
    for doc in by_status(kinds.expected, "rejected"):
        assert f"`{doc}`" in markdown


def test_printed_summary_names_every_rejected_file(kinds: Kinds) -> None:
    from warehouse.summary import print_summary

    buffer = io.StringIO()
    print_summary(Console(file=buffer, width=200, color_system=None), kinds.summary)
    printed = buffer.getvalue()
    for doc in by_status(kinds.expected, "rejected") | by_status(kinds.expected, "skipped"):
        assert doc in printed, doc


# --------------------------------------------------------------------------- duplicates


def test_duplicates_point_at_the_first_and_bring_no_rows(kinds: Kinds) -> None:
    duplicates = by_status(kinds.expected, "duplicate")
    rows = dict(
        kinds.rows("select doc, duplicate_of from raw.documents where status = 'duplicate'")
    )
    assert rows == dict.fromkeys(duplicates, "utf8.txt")
    for table in ("raw.reports", "raw.facts", "marts.dim_report", *FACT_MARTS):
        found = kinds.rows(f"select distinct doc from {table}")
        assert not duplicates & {doc for (doc,) in found}, table
    counts = dict(kinds.rows("select doc, fact_count from marts.dim_document"))
    assert all(counts[doc] == 0 for doc in duplicates)


def test_duplicates_are_not_counted_twice_in_marts(kinds: Kinds) -> None:
    (raw,) = kinds.rows(
        "select count(*) from raw.facts where doc = 'utf8.txt' and metric like 'disputes.%'"
    )[0]
    (mart,) = kinds.rows("select count(*) from marts.fct_disputes_mediated where doc = 'utf8.txt'")[
        0
    ]
    assert raw > 0 and mart == raw
    (dim,) = kinds.rows("select fact_count from marts.dim_document where doc = 'utf8.txt'")[0]
    (total,) = kinds.rows("select count(*) from raw.facts where doc = 'utf8.txt'")[0]
    assert dim == total


# --------------------------------------------------------------------------- encodings


ENCODED = {
    "utf8_bom.txt": None,
    "gbk.txt": "gb",
    "gb18030.txt": "gb18030",
    "big5.txt": "big5",
    "crlf.txt": None,
    "cr.txt": "gb",
    "page.html": "gb",
    "saved_page.txt": "utf",
}


@pytest.mark.parametrize("doc", sorted(ENCODED))
def test_decoded_reports_yield_facts_whose_offsets_index_the_text(kinds: Kinds, doc: str) -> None:
    text = kinds.decoded(doc)
    facts = kinds.rows('select evidence, "start", "end" from raw.facts where doc = ?', doc)
    assert facts, f"{doc}: no facts"
    for evidence, start, end in facts:
        assert text[start:end] == evidence, (doc, start, end, evidence)
    marts = [
        row
        for table in FACT_MARTS
        for row in kinds.rows(
            f"select evidence, evidence_start, evidence_end from {table} where doc = ?", doc
        )
    ]
    assert sorted(marts) == sorted(facts)
    (encoding,) = kinds.rows("select encoding from raw.documents where doc = ?", doc)[0]
    if ENCODED[doc]:
        assert ENCODED[doc] in encoding.lower(), (doc, encoding)


@pytest.mark.parametrize("doc", ["page.html", "saved_page.txt"])
def test_html_pages_give_article_figures_only(kinds: Kinds, doc: str) -> None:
    (content_type,) = kinds.rows("select content_type from raw.documents where doc = ?", doc)[0]
    assert content_type == "html"
    values = dict(kinds.rows("select metric, value from raw.facts where doc = ?", doc))
    assert values.get("disputes.mediated") == 1234  # not 999 (style) nor 777 (comment)
    assert values.get("disputes.success_rate") == 98.5  # not 1 (script)


def test_same_report_in_every_encoding_gives_the_same_figures(kinds: Kinds) -> None:
    expected = kinds.rows(
        "select metric, breakdown, value from raw.facts where doc = 'utf8.txt' order by all"
    )
    for doc in ("utf8_bom.txt", "gbk.txt", "crlf.txt", "cr.txt", "sub/nested.txt"):
        got = kinds.rows(
            "select metric, breakdown, value from raw.facts where doc = ? order by all", doc
        )
        assert got == expected, doc


# --------------------------------------------------------------------------- re-run


def test_rerun_with_every_kind_changes_no_row(kinds: Kinds) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FAZHI_MAX_BYTES", str(SMALL_LIMIT))
        summary = _run(kinds.root, kinds.db)
    again = snapshot(kinds.db)
    assert again == kinds.first, describe_differences(kinds.first, again)
    assert summary.cached == summary.loaded
    assert {d for d, _ in summary.rejected} == {d for d, _ in kinds.summary.rejected}
    assert summary.duplicates == kinds.summary.duplicates


# --------------------------------------------------------------------------- bad figures


ODD_REPORTS = {
    # a rate above 100%: a misreading or a typo in the source, not a fact
    "odd.txt": (
        REPORT.replace("新吴区", "滨湖区") + "行政机关负责人出庭应诉率达到118%。\n"
    ).encode(),
    # a report whose place neither the text nor the gazetteer names
    "big5.txt": REPORT_TRADITIONAL.encode("big5"),
}


@pytest.mark.parametrize("name", sorted(ODD_REPORTS))
def test_an_odd_report_does_not_fail_the_run(tmp_path: Path, name: str) -> None:
    root = tmp_path / "input"
    root.mkdir()
    (root / "good.txt").write_text(REPORT, "utf-8")
    (root / name).write_bytes(ODD_REPORTS[name])
    db = tmp_path / "fazhi.duckdb"
    summary = _run(root, db)
    statuses = dict(read_only_rows(db, "select doc, status from raw.documents"))
    assert statuses["good.txt"] == "loaded"
    assert statuses[name] in {"loaded", "rejected"}
    assert summary.files_seen == 2


def read_only_rows(db: Path, sql: str) -> list[tuple]:
    with read_only(db) as con:
        return con.execute(sql).fetchall()
