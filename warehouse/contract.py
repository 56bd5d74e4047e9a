"""The fact and report contract (shared/spec/metrics.md) as types and Polars schemas.

Every module that produces or consumes facts, reports or document records uses
these names, so the contract lives in exactly one place.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import polars as pl

UNITS = ("case", "person", "person_time", "org", "item", "yuan", "percent", "time")
QUALIFIERS = ("exact", "at_least", "at_most", "approx")
LEVELS = ("province", "city", "county", "district", "street", "town", "department")
FIRST_YEAR = 2000
"""The earliest year a report or a figure may describe (the latest is the current year)."""
DOCUMENT_STATUSES = ("loaded", "rejected", "duplicate", "skipped")

FACT_FIELDS = (
    "doc",
    "metric",
    "breakdown",
    "value",
    "unit",
    "qualifier",
    "period",
    "evidence",
    "start",
    "end",
)
REPORT_FIELDS = (
    "doc",
    "title",
    "jurisdiction",
    "parent",
    "province",
    "level",
    "report_year",
    "published_on",
    "publisher",
    "masked",
)
YOY_COLUMNS = (
    "jurisdiction",
    "metric",
    "breakdown",
    "year",
    "value",
    "prior_value",
    "abs_change",
    "pct_change",
)
"""The leading columns of marts.rpt_metric_yoy, in order."""


@dataclass(frozen=True, slots=True)
class Fact:
    """One figure stated in a report, with the verbatim clause that states it.

    `evidence == text[start:end]` always holds for the decoded text of `doc`.
    """

    doc: str
    metric: str
    breakdown: str
    value: float
    unit: str
    qualifier: str
    period: int
    evidence: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Report:
    """Attributes of one source document (one row per document)."""

    doc: str
    title: str | None = None
    jurisdiction: str | None = None
    parent: str | None = None
    province: str | None = None
    level: str | None = None
    report_year: int | None = None
    published_on: date | None = None
    publisher: str | None = None
    masked: bool = False

    def to_dict(self) -> dict[str, Any]:
        row = asdict(self)
        row["published_on"] = self.published_on.isoformat() if self.published_on else None
        return row


FACT_SCHEMA: dict[str, pl.DataType] = {
    "fact_id": pl.String(),
    "doc": pl.String(),
    "metric": pl.String(),
    "breakdown": pl.String(),
    "value": pl.Float64(),
    "unit": pl.String(),
    "qualifier": pl.String(),
    "period": pl.Int32(),
    "evidence": pl.String(),
    "start": pl.Int64(),
    "end": pl.Int64(),
}

REPORT_SCHEMA: dict[str, pl.DataType] = {
    "doc": pl.String(),
    "title": pl.String(),
    "jurisdiction": pl.String(),
    "parent": pl.String(),
    "province": pl.String(),
    "level": pl.String(),
    "report_year": pl.Int32(),
    "published_on": pl.Date(),
    "publisher": pl.String(),
    "masked": pl.Boolean(),
    "text_chars": pl.Int64(),
}

DOCUMENT_SCHEMA: dict[str, pl.DataType] = {
    "doc": pl.String(),
    "path": pl.String(),
    "sha256": pl.String(),
    "bytes": pl.Int64(),
    "encoding": pl.String(),
    "content_type": pl.String(),
    "status": pl.String(),
    "error": pl.String(),
    "duplicate_of": pl.String(),
    "extractor_version": pl.String(),
    "run_id": pl.String(),
    "ingested_at": pl.Datetime("us", "UTC"),
}
