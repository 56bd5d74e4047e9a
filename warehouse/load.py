"""Write staged frames into the DuckDB `raw` schema, one run at a time, published atomically.

A run works on a copy of the warehouse (`<db>.work.duckdb`) under an exclusive lock and
renames it over the warehouse only when everything succeeded, so readers never see a
half-written file and a crash at any moment leaves the warehouse as it was.

    with open_for_update(db) as work:
        con = duckdb.connect(str(work))
        try:
            load_frames(con, staged, run, replace_docs)
        finally:
            con.close()
        ...  # dbt build against `work` (in-process, profiles `keep_open: false`)
    # here `db` holds the new contents

Every DuckDB connection to the work file must be closed before the `with` block ends;
`open_for_update` refuses to publish (and discards the work) when one is still open.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Collection, Iterator, Mapping
from dataclasses import astuple, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import duckdb
import polars as pl

from warehouse.contract import DOCUMENT_SCHEMA, FACT_SCHEMA, REPORT_SCHEMA
from warehouse.frames import METRICS_SCHEMA, Staged

RAW = "raw"

DDL = (
    f"CREATE SCHEMA IF NOT EXISTS {RAW}",
    f"""CREATE TABLE IF NOT EXISTS {RAW}.documents (
        doc VARCHAR PRIMARY KEY,
        path VARCHAR NOT NULL,
        sha256 VARCHAR,
        bytes BIGINT,
        encoding VARCHAR,
        content_type VARCHAR,
        status VARCHAR NOT NULL,
        error VARCHAR,
        duplicate_of VARCHAR,
        extractor_version VARCHAR NOT NULL,
        run_id VARCHAR NOT NULL,
        ingested_at TIMESTAMPTZ NOT NULL
    )""",
    f"""CREATE TABLE IF NOT EXISTS {RAW}.reports (
        doc VARCHAR PRIMARY KEY,
        title VARCHAR,
        jurisdiction VARCHAR,
        parent VARCHAR,
        province VARCHAR,
        level VARCHAR,
        report_year INTEGER,
        published_on DATE,
        publisher VARCHAR,
        masked BOOLEAN NOT NULL,
        text_chars BIGINT NOT NULL
    )""",
    f"""CREATE TABLE IF NOT EXISTS {RAW}.facts (
        fact_id VARCHAR PRIMARY KEY,
        doc VARCHAR NOT NULL,
        metric VARCHAR NOT NULL,
        breakdown VARCHAR NOT NULL,
        value DOUBLE NOT NULL,
        unit VARCHAR NOT NULL,
        qualifier VARCHAR NOT NULL,
        period INTEGER NOT NULL,
        evidence VARCHAR NOT NULL,
        "start" BIGINT NOT NULL,
        "end" BIGINT NOT NULL
    )""",
    f"""CREATE TABLE IF NOT EXISTS {RAW}.metrics (
        metric VARCHAR PRIMARY KEY,
        domain VARCHAR,
        unit VARCHAR,
        units VARCHAR[],
        label VARCHAR,
        label_zh VARCHAR,
        description VARCHAR,
        breakdowns VARCHAR[],
        fact_model VARCHAR
    )""",
    f"""CREATE TABLE IF NOT EXISTS {RAW}.runs (
        run_id VARCHAR PRIMARY KEY,
        started_at TIMESTAMPTZ NOT NULL,
        finished_at TIMESTAMPTZ NOT NULL,
        input_dir VARCHAR NOT NULL,
        files_seen BIGINT NOT NULL,
        loaded BIGINT NOT NULL,
        rejected BIGINT NOT NULL,
        duplicates BIGINT NOT NULL,
        skipped BIGINT NOT NULL,
        facts BIGINT NOT NULL
    )""",
)

# Names under which the staged frames are visible to SQL during a load.
_VIEWS = {
    "documents": "_fazhi_stage_documents",
    "reports": "_fazhi_stage_reports",
    "facts": "_fazhi_stage_facts",
    "metrics": "_fazhi_stage_metrics",
    "replace": "_fazhi_stage_replace",
}
_COLUMNS = {
    "documents": tuple(DOCUMENT_SCHEMA),
    "reports": tuple(REPORT_SCHEMA),
    "facts": tuple(FACT_SCHEMA),
    "metrics": tuple(METRICS_SCHEMA),
}

# A document row is rewritten only when one of these changed, so re-running the same input
# keeps run_id and ingested_at of the run that first saw this version of the file.
_DOCUMENT_CONTENT = tuple(c for c in DOCUMENT_SCHEMA if c not in ("doc", "run_id", "ingested_at"))


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One row of `raw.runs`: what a run saw and wrote."""

    run_id: str
    started_at: datetime
    finished_at: datetime
    input_dir: str
    files_seen: int
    loaded: int
    rejected: int
    duplicates: int
    skipped: int
    facts: int

    @classmethod
    def from_staged(
        cls,
        run_id: str,
        started_at: datetime,
        input_dir: str,
        staged: Staged,
        finished_at: datetime | None = None,
    ) -> RunRecord:
        """Counts taken from the staged documents; `facts` = facts written by this run."""
        status = staged.documents["status"]
        return cls(
            run_id=run_id,
            started_at=started_at,
            finished_at=finished_at or datetime.now(UTC),
            input_dir=input_dir,
            files_seen=staged.documents.height,
            loaded=int((status == "loaded").sum()),
            rejected=int((status == "rejected").sum()),
            duplicates=int((status == "duplicate").sum()),
            skipped=int((status == "skipped").sum()),
            facts=staged.facts.height,
        )


class KnownDocument(NamedTuple):
    """What the published warehouse holds about one document (a `raw.documents` row)."""

    sha256: str | None
    extractor_version: str
    status: str
    encoding: str | None
    content_type: str | None


class WarehouseBusy(RuntimeError):
    """Another run holds the warehouse lock."""


class WarehouseError(RuntimeError):
    """The work copy could not be published; the warehouse was left unchanged."""


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    for statement in DDL:
        con.execute(statement)


def load_frames(
    con: duckdb.DuckDBPyConnection, staged: Staged, run: RunRecord, replace_docs: Collection[str]
) -> None:
    """Write one run's validated frames in a single transaction.

    Documents are upserted by doc; a row whose content is unchanged keeps the run_id and
    ingested_at of the run that first saw it, so the same input twice changes nothing.
    Reports and facts of `replace_docs` are replaced by the staged rows; documents now
    rejected or duplicate lose theirs; other documents keep theirs (unchanged content and
    extractor version). The catalog replaces `raw.metrics`.
    Raises ValueError, before writing anything, when staged reports or facts belong to a doc
    outside `replace_docs`, or when a loaded doc's content or extractor version changed but
    it is not in `replace_docs` (its stored facts would be stale).
    """
    replace = pl.DataFrame({"doc": sorted(set(replace_docs))}, schema={"doc": pl.String()})
    _check_replace_covers(staged, set(replace["doc"]))
    frames = {
        "documents": staged.documents,
        "reports": staged.reports,
        "facts": staged.facts,
        "metrics": staged.metrics,
        "replace": replace,
    }
    con.execute("BEGIN TRANSACTION")
    try:
        for key, frame in frames.items():
            con.register(_VIEWS[key], frame)
        create_tables(con)
        _check_not_stale(con)
        _write(con, run)
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
    finally:
        for view in _VIEWS.values():
            con.unregister(view)


def _check_replace_covers(staged: Staged, replace: set[str]) -> None:
    for table in ("reports", "facts"):
        outside = set(getattr(staged, table)["doc"].unique()) - replace
        if outside:
            raise ValueError(f"staged {table} for docs not in replace_docs: {sorted(outside)[:5]}")


def _check_not_stale(con: duckdb.DuckDBPyConnection) -> None:
    stale = con.execute(
        f"""SELECT s.doc FROM {_VIEWS["documents"]} s
        LEFT JOIN {RAW}.documents d USING (doc)
        WHERE s.status = 'loaded'
          AND s.doc NOT IN (SELECT doc FROM {_VIEWS["replace"]})
          AND (d.doc IS NULL OR d.status <> 'loaded'
               OR d.sha256 IS DISTINCT FROM s.sha256
               OR d.extractor_version IS DISTINCT FROM s.extractor_version)
        ORDER BY s.doc LIMIT 5"""
    ).fetchall()
    if stale:
        docs = [row[0] for row in stale]
        raise ValueError(f"loaded docs changed but not in replace_docs: {docs}")


def _write(con: duckdb.DuckDBPyConnection, run: RunRecord) -> None:
    documents, replace = _VIEWS["documents"], _VIEWS["replace"]
    changed = " OR ".join(f's."{c}" IS DISTINCT FROM d."{c}"' for c in _DOCUMENT_CONTENT)
    con.execute(
        f"""DELETE FROM {RAW}.documents WHERE doc IN (
            SELECT doc FROM {documents} s JOIN {RAW}.documents d USING (doc) WHERE {changed})"""
    )
    _insert(con, "documents", f"WHERE doc NOT IN (SELECT doc FROM {RAW}.documents)")
    for table in ("reports", "facts"):
        con.execute(
            f"""DELETE FROM {RAW}.{table} WHERE doc IN (SELECT doc FROM {replace})
            OR doc IN (SELECT doc FROM {documents} WHERE status <> 'loaded')"""
        )
        _insert(con, table)
    con.execute(f"DELETE FROM {RAW}.metrics")
    _insert(con, "metrics")
    placeholders = ", ".join("?" for _ in fields(run))
    con.execute(f"INSERT INTO {RAW}.runs VALUES ({placeholders})", list(astuple(run)))


def _insert(con: duckdb.DuckDBPyConnection, table: str, where: str = "") -> None:
    columns = ", ".join(f'"{c}"' for c in _COLUMNS[table])
    con.execute(
        f"INSERT INTO {RAW}.{table} ({columns}) SELECT {columns} FROM {_VIEWS[table]} {where}"
    )


def known_documents(db: Path) -> dict[str, KnownDocument]:
    """doc → what the published warehouse holds about it; {} if there is no warehouse."""
    if not Path(db).exists():
        return {}
    con = duckdb.connect(str(db), read_only=True)
    try:
        present = con.execute(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_schema = ? AND table_name = 'documents'",
            [RAW],
        ).fetchone()
        if not present or not present[0]:
            return {}
        columns = ", ".join(KnownDocument._fields)
        rows = con.execute(f"SELECT doc, {columns} FROM {RAW}.documents").fetchall()
    finally:
        con.close()
    return {doc: KnownDocument(*rest) for doc, *rest in rows}


def loaded_hashes(known: Mapping[str, KnownDocument]) -> dict[str, str]:
    """sha256 → doc of the loaded warehouse documents (the first doc when several share it);
    the `known` argument of `sources.mark_duplicates`."""
    out: dict[str, str] = {}
    for doc, entry in sorted(known.items()):
        if entry.status == "loaded" and entry.sha256 is not None:
            out.setdefault(entry.sha256, doc)
    return out


def lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".lock")


def work_path(db: Path) -> Path:
    return db.with_name(db.name + ".work.duckdb")


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


@contextlib.contextmanager
def open_for_update(db: Path, wait: bool = False) -> Iterator[Path]:
    """Lock the warehouse, yield a work copy of it, publish the copy atomically on success.

    Raises `WarehouseBusy` at once when another run holds the lock (unless `wait`). On an
    exception in the block the work copy is deleted and the warehouse is untouched. All
    connections to the work file must be closed before the block ends; publishing raises
    `WarehouseError` (and discards the work) when one is still open or when the block
    never created the work file.
    """
    with exclusive_lock(db, wait), work_copy(db) as work:
        yield work


@contextlib.contextmanager
def work_copy(db: Path) -> Iterator[Path]:
    """Yield a work copy of `db` and publish it on success; the caller holds the lock."""
    db = Path(db)
    work = work_path(db)
    _remove_work(work)
    try:
        if db.exists():
            shutil.copyfile(db, work)
            if _wal(db).exists():
                shutil.copyfile(_wal(db), _wal(work))
        yield work
        _publish(work, db)
    except BaseException:
        _remove_work(work)
        raise


@contextlib.contextmanager
def exclusive_lock(db: Path, wait: bool = False) -> Iterator[None]:
    """The single-writer lock of `db`; raises `WarehouseBusy` at once unless `wait`."""
    db = Path(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path(db), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            raise WarehouseBusy(
                f"another fazhi run (pid {holder}) is updating {db}; wait for it or pass --wait"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _remove_work(work: Path) -> None:
    for path in (work, _wal(work)):
        path.unlink(missing_ok=True)
    shutil.rmtree(work.with_name(work.name + ".tmp"), ignore_errors=True)


def _publish(work: Path, db: Path) -> None:
    if not work.exists():
        raise WarehouseError(f"nothing to publish: {work} was not created")
    _checkpoint(work)
    _fsync(work)
    _wal(db).unlink(missing_ok=True)  # only left by a writer that bypassed the lock
    os.replace(work, db)
    _fsync(db.parent)


def _checkpoint(work: Path) -> None:
    """Fold any WAL into the work file and prove it opens cleanly on its own."""
    try:
        if _wal(work).exists():
            con = duckdb.connect(str(work))
            try:
                con.execute("CHECKPOINT")
            finally:
                con.close()
        con = duckdb.connect(str(work), read_only=True)
        try:
            con.execute("SELECT count(*) FROM duckdb_tables()").fetchall()
        finally:
            con.close()
    except duckdb.Error as err:
        raise WarehouseError(
            f"cannot publish {work}: {err} (is a connection to it still open?)"
        ) from err
    if _wal(work).exists():
        raise WarehouseError(f"cannot publish {work}: its WAL is still in use")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
