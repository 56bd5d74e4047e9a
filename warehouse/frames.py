"""Facts, reports and document records as Polars frames, validated before they are loaded.

The frames carry the exact schemas of `warehouse.contract`; `validate` checks the rules of
the contract (codes, units, ranges, offsets, keys) with pandera and names the failing rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from warehouse.contract import (
    DOCUMENT_SCHEMA,
    DOCUMENT_STATUSES,
    FACT_FIELDS,
    FACT_SCHEMA,
    FIRST_YEAR,
    LEVELS,
    QUALIFIERS,
    REPORT_FIELDS,
    REPORT_SCHEMA,
    UNITS,
    Fact,
    Report,
)
from warehouse.sources import SourceDocument, display

METRICS_SCHEMA: dict[str, pl.DataType] = {
    "metric": pl.String(),
    "domain": pl.String(),
    "unit": pl.String(),
    "units": pl.List(pl.String()),
    "label": pl.String(),
    "label_zh": pl.String(),
    "description": pl.String(),
    "breakdowns": pl.List(pl.String()),
    "fact_model": pl.String(),
}
"""Columns of `raw.metrics`; a catalog frame must have at least metric, units, breakdowns."""

METRICS_REQUIRED = ("metric", "units", "breakdowns")
CHANGE_METRIC = "stated_change"
CONTENT_TYPES = ("text", "html")
_EXAMPLES = 3
_EXAMPLE_CHARS = 200


@dataclass(frozen=True, slots=True)
class Staged:
    """Everything one run writes to the raw schema, before validation and loading."""

    documents: pl.DataFrame
    reports: pl.DataFrame
    facts: pl.DataFrame
    metrics: pl.DataFrame


class StagingError(ValueError):
    """Staged frames break the contract; the message names checks, tables and docs."""


def fact_id(fact: Fact) -> str:
    """A stable 16-hex-char key from what identifies a fact in its document."""
    parts = (
        fact.doc,
        fact.metric,
        fact.breakdown,
        str(fact.period),
        str(fact.start),
        str(fact.end),
        repr(float(fact.value)),
    )
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def facts_frame(facts: Iterable[Fact]) -> pl.DataFrame:
    rows = [{"fact_id": fact_id(f), **{k: getattr(f, k) for k in FACT_FIELDS}} for f in facts]
    return pl.DataFrame(rows, schema=FACT_SCHEMA, orient="row")


def reports_frame(reports: Iterable[tuple[Report, int]]) -> pl.DataFrame:
    """Reports with the length of their decoded text (`text_chars`)."""
    rows = [
        {**{k: getattr(r, k) for k in REPORT_FIELDS}, "text_chars": chars} for r, chars in reports
    ]
    return pl.DataFrame(rows, schema=REPORT_SCHEMA, orient="row")


def documents_frame(
    docs: Iterable[SourceDocument], run_id: str, extractor_version: str, ingested_at: datetime
) -> pl.DataFrame:
    """One row per input entry; a naive `ingested_at` is taken as local time."""
    stamp = ingested_at.astimezone(UTC)
    rows = [
        {
            "doc": d.doc,
            "path": display(d.path),
            "sha256": d.sha256,
            "bytes": d.bytes,
            "encoding": d.encoding,
            "content_type": d.content_type,
            "status": d.status,
            "error": d.error,
            "duplicate_of": d.duplicate_of,
            "extractor_version": extractor_version,
            "run_id": run_id,
            "ingested_at": stamp,
        }
        for d in docs
    ]
    return pl.DataFrame(rows, schema=DOCUMENT_SCHEMA, orient="row")


def metrics_frame(catalog: pl.DataFrame) -> pl.DataFrame:
    """The catalog frame with every `raw.metrics` column (missing optional ones as null)."""
    missing = [c for c in METRICS_REQUIRED if c not in catalog.columns]
    if missing:
        raise StagingError(f"metrics: catalog frame lacks required columns {missing}")
    return catalog.select(
        (pl.col(c) if c in catalog.columns else pl.lit(None)).cast(t).alias(c)
        for c, t in METRICS_SCHEMA.items()
    )


def validate(staged: Staged) -> Staged:
    """Check all staged frames against the contract; raise `StagingError` listing failures."""
    metrics = metrics_frame(staged.metrics)
    loaded = staged.documents.filter(pl.col("status") == "loaded")["doc"].unique().to_list()
    checks = (
        ("metrics", _metrics_schema(), metrics),
        ("documents", _documents_schema(), staged.documents),
        ("reports", _reports_schema(loaded), staged.reports),
        ("facts", _facts_schema(metrics, loaded), staged.facts),
    )
    problems = [p for table, schema, frame in checks if (p := _problems(table, schema, frame))]
    if problems:
        raise StagingError("staged frames break the contract:\n" + "\n".join(problems))
    return replace(staged, metrics=metrics)


def _problems(table: str, schema: pa.DataFrameSchema, frame: pl.DataFrame) -> str:
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        return _describe(table, frame, errors.failure_cases)
    return ""


def _describe(table: str, frame: pl.DataFrame, failures: pl.DataFrame) -> str:
    lines = []
    groups = failures.group_by(["column", "check"], maintain_order=True).agg(
        pl.col("index"), pl.col("failure_case")
    )
    for column, check, indexes, cases in groups.iter_rows():
        column_check = column != table and column in frame.columns
        examples = "; ".join(
            _example(frame, index, case, column if column_check else None)
            for index, case in list(zip(indexes, cases, strict=True))[:_EXAMPLES]
        )
        where = f" column {column}" if column_check else ""
        lines.append(
            f"- {table}{where}: check {check!r} failed for {len(indexes)} row(s), e.g. {examples}"
        )
    return "\n".join(lines)


def _example(frame: pl.DataFrame, index: int | None, case: object, column: str | None) -> str:
    if index is None or "doc" not in frame.columns or index >= frame.height:
        return str(case)
    row = frame.row(index, named=True)
    if column is not None:
        shown = {column: row[column]}
    else:
        shown = {k: v for k, v in row.items() if k not in ("doc", "fact_id") and v is not None}
    text = json.dumps(shown, ensure_ascii=False, default=str)
    return f"doc {row['doc']!r} {text[:_EXAMPLE_CHARS]}"


def _rowwise(name: str, expr: pl.Expr) -> pa.Check:
    return pa.Check(lambda data: data.lazyframe.select(expr), name=name, error=name)


def _non_empty(data: PolarsData) -> pl.LazyFrame:
    return data.lazyframe.select(pl.col(data.key).str.strip_chars().str.len_chars() > 0)


def _finite(data: PolarsData) -> pl.LazyFrame:
    return data.lazyframe.select(pl.col(data.key).is_finite())


def _in_docs(docs: list[str], what: str) -> pa.Check:
    return _rowwise(what, pl.col("doc").is_in(docs))


def _year(nullable: bool) -> pa.Column:
    return pa.Column(
        pl.Int32, pa.Check.in_range(FIRST_YEAR, datetime.now(UTC).year), nullable=nullable
    )


def _facts_schema(metrics: pl.DataFrame, loaded: list[str]) -> pa.DataFrameSchema:
    pairs = metrics.explode("units").select(pl.concat_str("metric", "units", separator="\x1f"))
    allowed_pairs = pairs.to_series().drop_nulls().to_list()
    string = pa.Column(pl.String, nullable=False)
    return pa.DataFrameSchema(
        {
            "fact_id": pa.Column(pl.String, pa.Check.str_matches(r"^[0-9a-f]{16}$"), unique=True),
            "doc": string,
            "metric": pa.Column(pl.String, pa.Check.isin(metrics["metric"].to_list())),
            "breakdown": pa.Column(pl.String, pa.Check(_non_empty, name="breakdown non-empty")),
            "value": pa.Column(pl.Float64, pa.Check(_finite, name="value is a finite number")),
            "unit": pa.Column(pl.String, pa.Check.isin(UNITS)),
            "qualifier": pa.Column(pl.String, pa.Check.isin(QUALIFIERS)),
            "period": _year(nullable=False),
            "evidence": pa.Column(pl.String, pa.Check(_non_empty, name="evidence non-empty")),
            "start": pa.Column(pl.Int64, pa.Check.ge(0)),
            "end": pa.Column(pl.Int64),
        },
        checks=[
            _rowwise(
                "unit allowed for metric",
                pl.concat_str("metric", "unit", separator="\x1f").is_in(allowed_pairs),
            ),
            _rowwise(
                "percent within 0-100 (except stated_change)",
                (pl.col("unit") != "percent")
                | (pl.col("metric") == CHANGE_METRIC)
                | pl.col("value").is_between(0, 100),
            ),
            _rowwise("start < end", pl.col("start") < pl.col("end")),
            _rowwise(
                "end - start == length of evidence",
                pl.col("end") - pl.col("start") == pl.col("evidence").str.len_chars(),
            ),
            _in_docs(loaded, "fact of a loaded document"),
        ],
        strict=True,
        name="facts",
    )


def _reports_schema(loaded: list[str]) -> pa.DataFrameSchema:
    text = pa.Column(pl.String, nullable=True)
    return pa.DataFrameSchema(
        {
            "doc": pa.Column(pl.String, unique=True),
            "title": text,
            "jurisdiction": text,
            "parent": text,
            "province": text,
            "level": pa.Column(pl.String, pa.Check.isin(LEVELS), nullable=True),
            "report_year": _year(nullable=True),
            "published_on": pa.Column(pl.Date, nullable=True),
            "publisher": text,
            "masked": pa.Column(pl.Boolean),
            "text_chars": pa.Column(pl.Int64, pa.Check.ge(0)),
        },
        checks=[_in_docs(loaded, "report of a loaded document")],
        strict=True,
        name="reports",
    )


def _documents_schema() -> pa.DataFrameSchema:
    text = pa.Column(pl.String, nullable=True)
    return pa.DataFrameSchema(
        {
            "doc": pa.Column(pl.String, unique=True),
            "path": pa.Column(pl.String),
            "sha256": pa.Column(pl.String, pa.Check.str_matches(r"^[0-9a-f]{64}$"), nullable=True),
            "bytes": pa.Column(pl.Int64, pa.Check.ge(0), nullable=True),
            "encoding": text,
            "content_type": pa.Column(pl.String, pa.Check.isin(CONTENT_TYPES), nullable=True),
            "status": pa.Column(pl.String, pa.Check.isin(DOCUMENT_STATUSES)),
            "error": text,
            "duplicate_of": text,
            "extractor_version": pa.Column(pl.String),
            "run_id": pa.Column(pl.String),
            "ingested_at": pa.Column(pl.Datetime("us", "UTC")),
        },
        checks=[
            _rowwise(
                "loaded documents have sha256, encoding and content_type",
                (pl.col("status") != "loaded")
                | pl.all_horizontal(pl.col("sha256", "encoding", "content_type").is_not_null()),
            ),
            _rowwise(
                "duplicates name their original",
                (pl.col("status") == "duplicate") == pl.col("duplicate_of").is_not_null(),
            ),
            _rowwise(
                "rejected and skipped documents give a reason",
                ~pl.col("status").is_in(["rejected", "skipped"]) | pl.col("error").is_not_null(),
            ),
        ],
        strict=True,
        name="documents",
    )


def _metrics_schema() -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {"metric": pa.Column(pl.String, unique=True)},
        checks=[
            _rowwise(
                "catalog units are known units",
                pl.col("units").list.eval(pl.element().is_in(UNITS)).list.all(),
            )
        ],
        name="metrics",
    )
