"""The ETL job as plain functions: plan → read and extract batches → stage → summarise.

The Prefect flow in flows/etl.py wires these into tasks; the CLI's `extract` and the
benchmark call them directly, so everything here is testable without Prefect.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from warehouse.attributes import extract_report
from warehouse.catalog import catalog_frame
from warehouse.contract import Fact, Report
from warehouse.extract import EXTRACTOR_VERSION, extract_facts
from warehouse.frames import Staged, documents_frame, facts_frame, reports_frame, validate
from warehouse.load import loaded_hashes
from warehouse.sources import SourceDocument, discover, mark_duplicates, read_document

Known = Mapping[str, tuple[str | None, str, str]]
"""doc → (sha256, extractor_version, status) of what the warehouse already holds."""


@dataclass
class Extracted:
    """One input file after reading and extraction; the decoded text is not kept."""

    document: SourceDocument
    report: Report | None = None
    facts: list[Fact] = field(default_factory=list)
    text_chars: int = 0
    cached: bool = False


@dataclass
class Plan:
    """What a run will read: every entry under the input directory, in batches."""

    root: Path
    batches: list[list[Path]]

    @property
    def files(self) -> int:
        return sum(len(b) for b in self.batches)


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
    reports: int
    facts_by_domain: dict[str, int]
    stage_seconds: dict[str, float] = field(default_factory=dict)
    docs_site: str | None = None
    dbt_tests: dict[str, int] = field(default_factory=dict)

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
            f"not re-extracted); reports: {self.reports}",
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


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


def plan(root: Path, batch_size: int = 64) -> Plan:
    """Discover the input files under `root` and cut them into batches for parallel work."""
    if not root.is_dir():
        raise NotADirectoryError(f"{root}: input is not a directory")
    paths = list(discover(root))
    batches = [paths[i : i + batch_size] for i in range(0, len(paths), batch_size)]
    return Plan(root=root, batches=batches)


def extract_document(text: str, doc: str) -> tuple[Report, list[Fact]]:
    """Report attributes first: the report year is the default period of every fact."""
    report = extract_report(text, doc)
    return report, extract_facts(text, doc, report.report_year)


def is_cached(document: SourceDocument, known: Known) -> bool:
    return known.get(document.doc) == (document.sha256, EXTRACTOR_VERSION, "loaded")


def process_path(path: Path, root: Path, max_bytes: int, known: Known) -> Extracted:
    document = read_document(path, root, max_bytes)
    if document.status != "loaded" or document.text is None:
        return Extracted(document=replace(document, text=None))
    text = document.text
    stripped = replace(document, text=None)
    if is_cached(document, known):
        return Extracted(document=stripped, text_chars=len(text), cached=True)
    report, facts = extract_document(text, document.doc)
    return Extracted(stripped, report, facts, len(text))


def process_batch(
    paths: Sequence[Path], root: Path, max_bytes: int, known: Known
) -> list[Extracted]:
    return [process_path(p, root, max_bytes, known) for p in paths]


def resolve_duplicates(results: list[Extracted], known: Known) -> list[Extracted]:
    """Byte-identical files become duplicates of the first (or of the warehouse's copy)."""
    marked = mark_duplicates([r.document for r in results], loaded_hashes(known))
    out = []
    for result, document in zip(results, marked, strict=True):
        if document.status == "duplicate":
            result = Extracted(document=document)
        out.append(result)
    return out


def stage(
    resolved: Sequence[Extracted], run_id: str, now: datetime | None = None
) -> tuple[Staged, set[str]]:
    """Validated frames for the loader, and the docs whose reports and facts are replaced.

    `resolved` has been through `resolve_duplicates`. Docs whose content and extractor
    version are unchanged (cache hits) keep their rows.
    """
    documents = [r.document for r in resolved]
    fresh = [r for r in resolved if r.report is not None]
    staged = Staged(
        documents=documents_frame(documents, run_id, EXTRACTOR_VERSION, now or datetime.now(UTC)),
        reports=reports_frame((r.report, r.text_chars) for r in fresh if r.report),
        facts=facts_frame(f for r in fresh for f in r.facts),
        metrics=catalog_frame(),
    )
    replace_docs = {r.document.doc for r in resolved if not r.cached}
    return validate(staged), replace_docs


def summarise(
    run_id: str,
    root: Path,
    db: Path,
    results: Sequence[Extracted],
    warehouse_facts: dict[str, int],
) -> RunSummary:
    """What a run read (`results` after `resolve_duplicates`) and what the warehouse holds."""
    docs = [r.document for r in results]
    return RunSummary(
        run_id=run_id,
        input_dir=str(root),
        db=str(db),
        files_seen=len(docs),
        loaded=sum(d.status == "loaded" for d in docs),
        cached=sum(r.cached for r in results),
        rejected=[(d.doc, d.error or "") for d in docs if d.status == "rejected"],
        duplicates=[(d.doc, d.duplicate_of or "") for d in docs if d.status == "duplicate"],
        skipped=[(d.doc, d.error or "") for d in docs if d.status == "skipped"],
        reports=sum(r.report is not None or r.cached for r in results),
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
