from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from warehouse.contract import DOCUMENT_SCHEMA, FACT_SCHEMA, REPORT_SCHEMA, Fact, Report
from warehouse.frames import (
    METRICS_SCHEMA,
    Staged,
    StagingError,
    documents_frame,
    fact_id,
    facts_frame,
    reports_frame,
    validate,
)
from warehouse.sources import SourceDocument

METRICS = pl.DataFrame(
    {
        "metric": ["disputes.mediated", "disputes.success_rate", "stated_change"],
        "units": [["case"], ["percent"], ["percent"]],
        "breakdowns": [["total"], ["total"], []],
    }
)
FACT = Fact(
    "a.txt", "disputes.mediated", "total", 1234.0, "case", "exact", 2020, "调解1234件", 10, 17
)
RATE = Fact(
    "a.txt", "disputes.success_rate", "total", 98.5, "percent", "at_least", 2020, "达98.5%", 30, 36
)
DROP = Fact(
    "a.txt", "stated_change", "行政复议申请", -14.28, "percent", "exact", 2020, "下降14.28%", 40, 48
)


def _doc(doc: str, status: str = "loaded", **changes: object) -> SourceDocument:
    base = SourceDocument(
        doc, Path("/in") / doc, "0" * 64, 10, "utf-8", "text", status, None, None, "t"
    )
    if status in ("rejected", "skipped"):
        base = replace(base, error="why", encoding=None, content_type=None)
    return replace(base, **changes)


def _staged(
    facts: list[Fact] | None = None,
    reports: list[tuple[Report, int]] | None = None,
    docs: list[SourceDocument] | None = None,
) -> Staged:
    return Staged(
        documents=documents_frame(docs or [_doc("a.txt")], "run-1", "x1", datetime.now(UTC)),
        reports=reports_frame(reports if reports is not None else [(Report("a.txt"), 100)]),
        facts=facts_frame(facts if facts is not None else [FACT, RATE, DROP]),
        metrics=METRICS,
    )


def test_frames_have_contract_schemas() -> None:
    staged = _staged()
    assert dict(staged.facts.schema) == FACT_SCHEMA
    assert dict(staged.reports.schema) == REPORT_SCHEMA
    assert dict(staged.documents.schema) == DOCUMENT_SCHEMA
    assert dict(validate(staged).metrics.schema) == METRICS_SCHEMA


def test_fact_id_is_stable_and_sensitive() -> None:
    assert fact_id(FACT) == fact_id(replace(FACT)) == facts_frame([FACT])["fact_id"][0]
    assert len(fact_id(FACT)) == 16 and int(fact_id(FACT), 16) >= 0
    assert fact_id(FACT) != fact_id(replace(FACT, value=1235.0))
    assert fact_id(FACT) != fact_id(replace(FACT, start=11, end=18))


def test_reports_frame_keeps_fields() -> None:
    report = Report(
        "a.txt", "标题", "新吴区", "无锡市", "江苏省", "district", 2020, date(2021, 3, 25)
    )
    row = reports_frame([(report, 2048)]).row(0, named=True)
    assert row["published_on"] == date(2021, 3, 25)
    assert (row["level"], row["text_chars"], row["masked"]) == ("district", 2048, False)


def test_documents_frame_stamps_utc() -> None:
    frame = documents_frame([_doc("a.txt")], "r", "v", datetime(2024, 1, 1, 8, tzinfo=UTC))
    assert frame["ingested_at"][0] == datetime(2024, 1, 1, 8, tzinfo=UTC)
    assert frame["path"][0] == "/in/a.txt"


def test_valid_frames_pass_and_metrics_gain_optional_columns() -> None:
    checked = validate(_staged())
    assert checked.metrics.columns == list(METRICS_SCHEMA)
    assert checked.metrics["label"].is_null().all()


BAD_CASES = [
    ({"facts": [replace(FACT, metric="disputes.unknown")]}, "metric", "isin"),
    ({"facts": [replace(FACT, unit="yuan")]}, "facts", "unit allowed for metric"),
    ({"facts": [replace(FACT, qualifier="roughly")]}, "qualifier", "isin"),
    ({"facts": [replace(FACT, evidence=" ", end=11)]}, "evidence", "evidence non-empty"),
    ({"facts": [replace(FACT, start=17, end=17, evidence="")]}, "facts", "start < end"),
    ({"facts": [replace(FACT, end=30)]}, "facts", "end - start == length of evidence"),
    ({"facts": [replace(RATE, value=120.0)]}, "facts", "percent within 0-100"),
    ({"facts": [replace(FACT, period=1999)]}, "period", "in_range"),
    ({"facts": [replace(FACT, value=float("nan"))]}, "value", "finite"),
    ({"facts": [FACT, FACT]}, "fact_id", "uniqueness"),
    ({"facts": [replace(FACT, doc="b.txt")]}, "facts", "fact of a loaded document"),
    ({"reports": [(Report("a.txt", level="village"), 1)]}, "level", "isin"),
    (
        {"reports": [(Report("a.txt", report_year=datetime.now(UTC).year + 1), 1)]},
        "report_year",
        "in_range",
    ),
    ({"docs": [_doc("a.txt"), _doc("a.txt")]}, "doc", "uniqueness"),
    ({"docs": [_doc("a.txt", status="lost")]}, "status", "isin"),
    ({"docs": [_doc("a.txt"), _doc("b.txt", status="duplicate")]}, "documents", "duplicates name"),
    (
        {"docs": [_doc("a.txt"), _doc("c.txt", status="rejected", error=None)]},
        "documents",
        "give a reason",
    ),
]


@pytest.mark.parametrize(("changes", "where", "check"), BAD_CASES)
def test_bad_frames_are_refused_with_check_table_and_doc(
    changes: dict[str, object], where: str, check: str
) -> None:
    with pytest.raises(StagingError) as caught:
        validate(_staged(**changes))  # type: ignore[arg-type]
    message = str(caught.value)
    failing = [line for line in message.splitlines() if check in line]
    assert failing, message
    assert where in failing[0]
    assert "doc '" in failing[0]


def test_stated_change_may_exceed_100_percent() -> None:
    validate(_staged(facts=[replace(DROP, value=-150.0)]))


def test_catalog_without_required_columns_is_refused() -> None:
    staged = replace(_staged(), metrics=pl.DataFrame({"metric": ["x"]}))
    with pytest.raises(StagingError, match="lacks required columns"):
        validate(staged)


def test_catalog_with_unknown_unit_is_refused() -> None:
    metrics = METRICS.with_columns(pl.Series("units", [["case"], ["percent"], ["furlong"]]))
    with pytest.raises(StagingError, match="catalog units are known units"):
        validate(replace(_staged(), metrics=metrics))
