"""The ETL job as plain functions: plan → read and extract batches → stage → summarise.

The Prefect flow in flows/etl.py wires these into tasks; the CLI's `extract` and the
benchmark call them directly, so everything here is testable without Prefect.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from warehouse.attributes import extract_report
from warehouse.catalog import STATED_CHANGE, catalog_frame
from warehouse.contract import FACT_SCHEMA, REPORT_SCHEMA, Fact, Report
from warehouse.extract import EXTRACTOR_VERSION, extract_facts
from warehouse.frames import Staged, documents_frame, facts_frame, reports_frame, validate
from warehouse.load import KnownDocument, loaded_hashes
from warehouse.script import as_written, simplified
from warehouse.sources import (
    Previous,
    SourceDocument,
    discover,
    doc_key,
    mark_duplicates,
    read_document,
)

Known = Mapping[str, KnownDocument]
"""doc → what the warehouse already holds about it."""


@dataclass
class Extracted:
    """One input file after reading and extraction; the decoded text is not kept."""

    document: SourceDocument
    report: Report | None = None
    facts: list[Fact] = field(default_factory=list)
    text_chars: int = 0
    cached: bool = False


@dataclass
class Batch:
    """A batch's output: its document records, and its reports and facts staged as Parquet.

    Workers return this small object instead of facts, so the flow never holds the
    corpus's extraction output as Python objects, and Dask ships only paths.
    """

    documents: list[SourceDocument]
    cached: set[str]
    reports: Path
    facts: Path


@dataclass
class Plan:
    """What a run will read: every entry under the input directory, in batches."""

    root: Path
    batches: list[list[Path]]


@dataclass
class RunSummary:
    run_id: str
    input_dir: str
    db: str
    files_seen: int
    loaded: int
    cached: int
    rejected: list[tuple[str, str]]
    duplicates: list[tuple[str, str]]
    skipped: list[tuple[str, str]]
    facts_by_domain: dict[str, int]
    stage_seconds: dict[str, float] = field(default_factory=dict)
    docs_site: str | None = None

    @property
    def facts(self) -> int:
        return sum(self.facts_by_domain.values())

    @property
    def elapsed(self) -> float:
        return sum(self.stage_seconds.values())

    def to_markdown(self) -> str:
        """The run summary as a Markdown report (Prefect artifact, logs)."""
        lines = [
            f"# fazhi run {self.run_id}",
            "",
            f"- input: `{self.input_dir}`; warehouse: `{self.db}`",
            f"- files read: {self.files_seen}; loaded: {self.loaded} ({self.cached} unchanged, "
            "not re-extracted)",
            f"- rejected: {len(self.rejected)}; duplicates: {len(self.duplicates)}; "
            f"skipped: {len(self.skipped)}",
            f"- elapsed: {self.elapsed:.1f} s ("
            + ", ".join(f"{k} {v:.1f} s" for k, v in self.stage_seconds.items())
            + ")",
            "",
            "| domain | facts in warehouse |",
            "|---|---:|",
            *(f"| {d} | {n} |" for d, n in self.facts_by_domain.items()),
        ]
        for title, rows in (
            ("Rejected files", self.rejected),
            ("Duplicates", self.duplicates),
            ("Skipped", self.skipped),
        ):
            if rows:
                lines += ["", f"## {title}", "", "| file | reason |", "|---|---|"]
                lines += [f"| `{doc}` | {why} |" for doc, why in rows]
        return "\n".join(lines) + "\n"


STAGE_PREFIX = "fazhi-stage-"


@contextmanager
def staging_area(parent: Path) -> Iterator[Path]:
    """A scratch directory for a run's Parquet batches, removed afterwards.

    Directories left by killed runs (their pid is gone) are removed first.
    """
    for stale in parent.glob(f"{STAGE_PREFIX}*"):
        pid = stale.name.removeprefix(STAGE_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix=f"{STAGE_PREFIX}{os.getpid()}-", dir=parent) as tmp:
        yield Path(tmp)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # PermissionError: alive, owned by another user
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


TASKS_PER_RUN = 32
"""Enough batches to keep every worker busy; few enough that per-task overhead is small."""


def auto_batch_size(files: int, minimum: int = 64, maximum: int = 2000) -> int:
    return max(minimum, min(maximum, -(-files // TASKS_PER_RUN)))


def plan(root: Path, batch_size: int | None = None) -> Plan:
    """Discover the input files under `root` and cut them into batches for parallel work
    (`batch_size` files each, by default sized from the number of files)."""
    if not root.is_dir():
        raise NotADirectoryError(f"{root}: input is not a directory")
    paths = list(discover(root))
    batch_size = batch_size or auto_batch_size(len(paths))
    batches = [paths[i : i + batch_size] for i in range(0, len(paths), batch_size)]
    return Plan(root=root, batches=batches)


def extract_document(text: str, doc: str) -> tuple[Report, list[Fact]]:
    """Report attributes first: the report year is the default period of every fact.

    A report in traditional characters is read through its simplified view (same offsets);
    names, subjects and evidence come back in the characters the report is written in.
    """
    view = simplified(text)
    report = extract_report(view or text, doc)
    facts = extract_facts(view or text, doc, report.report_year)
    if view is None:
        return report, facts
    return _report_as_written(report, view, text), [_as_written(f, view, text) for f in facts]


def _report_as_written(report: Report, view: str, text: str) -> Report:
    def written(value: str | None) -> str | None:
        return as_written(value, view, text)

    return replace(
        report,
        title=written(report.title),
        jurisdiction=written(report.jurisdiction),
        parent=written(report.parent),
        province=written(report.province),
        publisher=written(report.publisher),
    )


def _as_written(fact: Fact, view: str, text: str) -> Fact:
    subject = as_written(fact.breakdown, view, text) if fact.metric == STATED_CHANGE else None
    return replace(fact, breakdown=subject or fact.breakdown, evidence=text[fact.start : fact.end])


def previous_versions(known: Known, db: Path) -> dict[str, Previous]:
    """What earlier runs learned about each document whose stored facts stay valid while
    its bytes are unchanged (loaded, by this extractor version): hash and decoding from the
    warehouse; size and mtime from the file index beside it, when it agrees on the hash."""
    index = _read_file_index(file_index_path(db))
    out = {}
    for doc, entry in known.items():
        if entry.sha256 is None or entry.status != "loaded":
            continue
        if entry.extractor_version != EXTRACTOR_VERSION:
            continue
        size, modified_ns = index.get((doc, entry.sha256), (None, None))
        out[doc] = Previous(entry.sha256, entry.encoding, entry.content_type, size, modified_ns)
    return out


def file_index_path(db: Path) -> Path:
    return db.with_name(db.name + ".files.parquet")


FILE_INDEX_SCHEMA = {
    "doc": pl.String(),
    "sha256": pl.String(),
    "bytes": pl.Int64(),
    "modified_ns": pl.Int64(),
}


def write_file_index(db: Path, documents: Iterable[SourceDocument]) -> None:
    """Remember the size and mtime of the loaded files a run hashed, beside the warehouse.

    A cache, like git's index: an entry counts only while the warehouse holds the same hash
    for the doc, so a stale or lost index only makes the next run read more. Written after
    publishing, by replacing the file.
    """
    rows = [
        (d.doc, d.sha256, d.bytes, d.modified_ns)
        for d in documents
        if d.status == "loaded" and d.modified_ns is not None
    ]
    path = file_index_path(db)
    scratch = path.with_name(path.name + ".tmp")
    pl.DataFrame(rows, schema=FILE_INDEX_SCHEMA, orient="row").write_parquet(scratch)
    os.replace(scratch, path)


def _read_file_index(path: Path) -> dict[tuple[str, str], tuple[int, int]]:
    try:
        frame = pl.read_parquet(path, schema=FILE_INDEX_SCHEMA)
    except (OSError, pl.exceptions.PolarsError):  # none yet, or damaged: read every file
        return {}
    return {(doc, sha): (size, mtime) for doc, sha, size, mtime in frame.iter_rows()}


def process_path(
    path: Path, root: Path, max_bytes: int, previous: Mapping[str, Previous]
) -> Extracted:
    """Read one file; extract it unless its bytes are what an earlier run extracted (then
    it is neither decoded nor extracted again, and not even read if its size and mtime are
    those recorded)."""
    document = read_document(path, root, max_bytes, previous.get(doc_key(path, root)))
    if document.status != "loaded":
        return Extracted(document=replace(document, text=None))
    if document.text is None:
        return Extracted(document=document, cached=True)
    text = document.text
    report, facts = extract_document(text, document.doc)
    return Extracted(replace(document, text=None), report, facts, len(text))


def extract_batch(
    paths: Sequence[Path],
    root: Path,
    max_bytes: int,
    previous: Mapping[str, Previous],
    out: Path,
) -> Batch:
    """Read and extract `paths`; write their reports and facts to `out`.{reports,facts}.parquet."""
    results = [process_path(p, root, max_bytes, previous) for p in paths]
    fresh = [r for r in results if r.report is not None]
    reports, facts = out.with_suffix(".reports.parquet"), out.with_suffix(".facts.parquet")
    reports_frame((r.report, r.text_chars) for r in fresh if r.report).write_parquet(reports)
    facts_frame(f for r in fresh for f in r.facts).write_parquet(facts)
    return Batch(
        documents=[r.document for r in results],
        cached={r.document.doc for r in results if r.cached},
        reports=reports,
        facts=facts,
    )


def batch_subset(
    previous: Mapping[str, Previous], root: Path, paths: Iterable[Path]
) -> dict[str, Previous]:
    """The part of `previous` a batch needs, so tasks do not each carry the whole warehouse."""
    docs = (doc_key(p, root) for p in paths)
    return {doc: previous[doc] for doc in docs if doc in previous}


def resolve_duplicates(documents: list[SourceDocument], known: Known) -> list[SourceDocument]:
    """Byte-identical files become duplicates of the first (or of the warehouse's copy)."""
    return mark_duplicates(documents, loaded_hashes(known))


def stage(
    batches: Sequence[Batch], known: Known, run_id: str, now: datetime | None = None
) -> tuple[Staged, set[str], list[SourceDocument]]:
    """Validated frames for the loader, the docs whose reports and facts are replaced, and
    every document record after duplicate resolution.

    Docs whose content and extractor version are unchanged (cache hits) keep their rows;
    reports and facts of files found to be duplicates are dropped here.
    """
    documents = resolve_duplicates([d for b in batches for d in b.documents], known)
    cached = set().union(*(b.cached for b in batches))
    fresh = [d.doc for d in documents if d.status == "loaded" and d.doc not in cached]

    def read(paths: list[Path], schema: dict[str, pl.DataType]) -> pl.DataFrame:
        if not paths:
            return pl.DataFrame(schema=schema)
        return pl.scan_parquet(paths).filter(pl.col("doc").is_in(fresh)).collect()

    staged = Staged(
        documents=documents_frame(documents, run_id, EXTRACTOR_VERSION, now or datetime.now(UTC)),
        reports=read([b.reports for b in batches], REPORT_SCHEMA),
        facts=read([b.facts for b in batches], FACT_SCHEMA),
        metrics=catalog_frame(),
    )
    replace_docs = {d.doc for d in documents if d.doc not in cached}
    return validate(staged), replace_docs, documents


def summarise(
    run_id: str,
    root: Path,
    db: Path,
    docs: Sequence[SourceDocument],
    cached: int,
    warehouse_facts: dict[str, int],
) -> RunSummary:
    """What a run read (`docs` after `resolve_duplicates`) and what the warehouse holds."""
    return RunSummary(
        run_id=run_id,
        input_dir=str(root),
        db=str(db),
        files_seen=len(docs),
        loaded=sum(d.status == "loaded" for d in docs),
        cached=cached,
        rejected=[(d.doc, d.error or "") for d in docs if d.status == "rejected"],
        duplicates=[(d.doc, d.duplicate_of or "") for d in docs if d.status == "duplicate"],
        skipped=[(d.doc, d.error or "") for d in docs if d.status == "skipped"],
        facts_by_domain=warehouse_facts,
    )


def count_facts_by_domain(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Facts per domain in the raw layer, counting loaded documents only."""
    rows = con.execute(
        """
        select split_part(f.metric, '.', 1) as domain, count(*)
        from raw.facts as f
        join raw.documents as d using (doc)
        where d.status = 'loaded'
        group by domain
        order by domain
        """
    ).fetchall()
    return {domain: n for domain, n in rows}


def iter_input_files(paths: Iterable[Path]) -> Iterator[tuple[Path, Path]]:
    """(file, root) pairs for CLI arguments that may be files or directories."""
    for path in paths:
        if path.is_dir():
            yield from ((entry, path) for entry in discover(path))
        else:
            yield path, path.parent
