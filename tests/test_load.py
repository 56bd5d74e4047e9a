from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from warehouse.contract import DOCUMENT_SCHEMA, FACT_SCHEMA, REPORT_SCHEMA, Fact, Report
from warehouse.frames import Staged, documents_frame, facts_frame, reports_frame, validate
from warehouse.load import (
    KnownDocument,
    RunRecord,
    WarehouseBusy,
    WarehouseError,
    known_documents,
    load_frames,
    loaded_hashes,
    lock_path,
    open_for_update,
    work_path,
)
from warehouse.sources import SourceDocument

PROJECT = Path(__file__).resolve().parent.parent
METRICS = pl.DataFrame(
    {
        "metric": ["disputes.mediated", "legal_aid.cases"],
        "domain": ["disputes", "legal_aid"],
        "units": [["case"], ["case"]],
        "breakdowns": [["total"], ["total", "civil"]],
    }
)
TABLES = ("documents", "reports", "facts", "metrics")
INJECTION = "x'); drop table raw.facts; --.txt"


def _doc(doc: str, sha: str = "a", status: str = "loaded") -> SourceDocument:
    error = None if status == "loaded" else "empty file"
    encoding = "utf-8" if status == "loaded" else None
    return SourceDocument(
        doc,
        Path("/in") / doc,
        sha * 64,
        10,
        encoding,
        encoding and "text",
        status,
        error,
        None,
        None,
    )


def _fact(doc: str, value: float, metric: str = "disputes.mediated") -> Fact:
    evidence = f"调解{value:g}件"
    return Fact(doc, metric, "total", value, "case", "exact", 2021, evidence, 5, 5 + len(evidence))


def _staged(docs: list[SourceDocument], facts: list[Fact], version: str = "x1") -> Staged:
    loaded = [d.doc for d in docs if d.status == "loaded" and any(f.doc == d.doc for f in facts)]
    return validate(
        Staged(
            documents=documents_frame(docs, "run", version, datetime.now(UTC)),
            reports=reports_frame(
                (Report(doc, jurisdiction="新吴区", report_year=2021), 99) for doc in loaded
            ),
            facts=facts_frame(facts),
            metrics=METRICS,
        )
    )


def _run(run_id: str, staged: Staged) -> RunRecord:
    return RunRecord.from_staged(run_id, datetime.now(UTC), "/in", staged)


def _load(db: Path, staged: Staged, replace_docs: set[str], run_id: str = "r1") -> None:
    con = duckdb.connect(str(db))
    try:
        load_frames(con, staged, _run(run_id, staged), replace_docs)
    finally:
        con.close()


def _contents(db: Path) -> dict[str, list[tuple[object, ...]]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT * FROM raw.{t} ORDER BY ALL").fetchall() for t in TABLES}
    finally:
        con.close()


def _query(db: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "wh.duckdb"


def test_tables_match_contract_columns(db: Path) -> None:
    staged = _staged([_doc("a.txt")], [_fact("a.txt", 3)])
    _load(db, staged, {"a.txt"})
    for table, schema in (
        ("documents", DOCUMENT_SCHEMA),
        ("reports", REPORT_SCHEMA),
        ("facts", FACT_SCHEMA),
    ):
        columns = _query(
            db,
            f"SELECT column_name FROM information_schema.columns WHERE table_schema = 'raw' "
            f"AND table_name = '{table}' ORDER BY ordinal_position",
        )
        assert [c for (c,) in columns] == list(schema), table
    assert _query(db, 'SELECT "start", "end", value FROM raw.facts') == [(5, 9, 3.0)]
    types = dict(
        _query(
            db,
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'metrics'",
        )
    )
    assert types["units"] == types["breakdowns"] == "VARCHAR[]"
    assert _query(db, "SELECT typeof(ingested_at) FROM raw.documents") == [
        ("TIMESTAMP WITH TIME ZONE",)
    ]


def test_same_input_twice_changes_nothing_but_runs(db: Path) -> None:
    docs = [_doc("a.txt"), _doc("b.txt", "b"), _doc("c.txt", status="rejected")]
    facts = [_fact("a.txt", 3), _fact("b.txt", 4), _fact("b.txt", 5, "legal_aid.cases")]
    _load(db, _staged(docs, facts), {"a.txt", "b.txt"}, "r1")
    first = _contents(db)
    _load(db, _staged(docs, facts), {"a.txt", "b.txt"}, "r2")
    assert _contents(db) == first
    assert _query(
        db, "SELECT run_id, files_seen, loaded, rejected, facts FROM raw.runs ORDER BY 1"
    ) == [
        ("r1", 3, 2, 1, 3),
        ("r2", 3, 2, 1, 3),
    ]


def test_changed_doc_is_replaced_and_cache_hits_keep_rows(db: Path) -> None:
    _load(
        db,
        _staged([_doc("a.txt"), _doc("b.txt", "b")], [_fact("a.txt", 3), _fact("b.txt", 4)]),
        {"a.txt", "b.txt"},
    )
    # Run 2: a.txt changed and was re-extracted; b.txt unchanged, so not re-extracted.
    staged = _staged([_doc("a.txt", "c"), _doc("b.txt", "b")], [_fact("a.txt", 7)])
    _load(db, staged, {"a.txt"}, "r2")
    assert _query(db, "SELECT doc, value FROM raw.facts ORDER BY doc") == [
        ("a.txt", 7.0),
        ("b.txt", 4.0),
    ]
    assert _query(db, "SELECT doc, sha256, run_id FROM raw.documents ORDER BY doc") == [
        ("a.txt", "c" * 64, "run"),
        ("b.txt", "b" * 64, "run"),
    ]
    assert _query(db, "SELECT count(*) FROM raw.reports") == [(2,)]


def test_doc_that_became_rejected_or_duplicate_loses_its_rows(db: Path) -> None:
    _load(
        db,
        _staged([_doc("a.txt"), _doc("b.txt", "b")], [_fact("a.txt", 3), _fact("b.txt", 4)]),
        {"a.txt", "b.txt"},
    )
    dup = replace(
        _doc("b.txt", "a"),
        status="duplicate",
        duplicate_of="a.txt",
        error="byte-identical to a.txt",
    )
    _load(db, _staged([_doc("a.txt", status="rejected"), dup], []), set(), "r2")
    assert _query(db, "SELECT count(*) FROM raw.facts") == [(0,)]
    assert _query(db, "SELECT count(*) FROM raw.reports") == [(0,)]
    assert _query(db, "SELECT doc, status FROM raw.documents ORDER BY doc") == [
        ("a.txt", "rejected"),
        ("b.txt", "duplicate"),
    ]


def test_changed_doc_missing_from_replace_docs_is_refused(db: Path) -> None:
    _load(db, _staged([_doc("a.txt")], [_fact("a.txt", 3)]), {"a.txt"})
    before = _contents(db)
    with pytest.raises(ValueError, match="not in replace_docs"):
        _load(db, _staged([_doc("a.txt", "e")], []), set(), "r2")
    with pytest.raises(ValueError, match="not in replace_docs"):
        _load(db, _staged([_doc("a.txt", "e")], [_fact("a.txt", 9)]), set(), "r3")
    assert _contents(db) == before
    assert _query(db, "SELECT run_id FROM raw.runs") == [("r1",)]


def test_failure_mid_transaction_rolls_back(db: Path) -> None:
    _load(db, _staged([_doc("a.txt")], [_fact("a.txt", 3)]), {"a.txt"})
    before = _contents(db)
    staged = _staged([_doc("a.txt", "d")], [_fact("a.txt", 4)])
    doubled = replace(staged, facts=pl.concat([staged.facts, staged.facts]))  # primary key clash
    with pytest.raises(duckdb.ConstraintException):
        _load(db, doubled, {"a.txt"}, "r2")
    assert _contents(db) == before


def test_hostile_doc_names_round_trip(db: Path) -> None:
    staged = _staged([_doc(INJECTION)], [_fact(INJECTION, 3)])
    _load(db, staged, {INJECTION}, "run'; drop table raw.runs; --")
    for table in ("documents", "reports", "facts"):
        assert _query(db, f"SELECT doc FROM raw.{table}") == [(INJECTION,)]
    assert _query(db, "SELECT run_id FROM raw.runs") == [("run'; drop table raw.runs; --",)]
    assert known_documents(db)[INJECTION][:3] == ("a" * 64, "x1", "loaded")


def test_known_documents(db: Path) -> None:
    assert known_documents(db) == {}
    duckdb.connect(str(db)).close()
    assert known_documents(db) == {}
    _load(
        db,
        _staged([_doc("a.txt"), _doc("b.txt", status="rejected")], [_fact("a.txt", 3)]),
        {"a.txt"},
    )
    known = known_documents(db)
    assert known == {
        "a.txt": KnownDocument("a" * 64, "x1", "loaded", "utf-8", "text"),
        "b.txt": KnownDocument("a" * 64, "x1", "rejected", None, None),
    }
    assert loaded_hashes(known) == {"a" * 64: "a.txt"}
    duckdb.connect(str(db)).close()  # read-write open works: known_documents closed its connection


def _write_marker(work: Path, value: str) -> None:
    con = duckdb.connect(str(work))
    try:
        con.execute("CREATE OR REPLACE TABLE marker AS SELECT ? AS v", [value])
    finally:
        con.close()


def _marker(db: Path) -> str:
    return _query(db, "SELECT v FROM marker")[0][0]


def test_open_for_update_publishes_and_cleans_up(db: Path) -> None:
    with open_for_update(db) as work:
        assert work == work_path(db) and not db.exists()
        _write_marker(work, "one")
    assert _marker(db) == "one"
    assert not work_path(db).exists() and lock_path(db).read_text() == ""
    with open_for_update(db) as work:
        assert _marker(work) == "one"
        _write_marker(work, "two")
        assert _marker(db) == "one"  # a reader meanwhile sees the old file
    assert _marker(db) == "two"


def test_reader_holding_old_file_during_publish(db: Path) -> None:
    with open_for_update(db) as work:
        _write_marker(work, "old")
    reader = duckdb.connect(str(db), read_only=True)
    try:
        with open_for_update(db) as work:
            _write_marker(work, "new")
        assert reader.execute("SELECT v FROM marker").fetchone() == ("old",)
    finally:
        reader.close()
    assert _marker(db) == "new"


def test_exception_discards_work(db: Path) -> None:
    with open_for_update(db) as work:
        _write_marker(work, "kept")
    with pytest.raises(RuntimeError, match="boom"), open_for_update(db) as work:
        _write_marker(work, "lost")
        raise RuntimeError("boom")
    assert _marker(db) == "kept"
    assert not work_path(db).exists()


def test_open_connection_blocks_publishing(db: Path) -> None:
    with open_for_update(db) as work:
        _write_marker(work, "kept")
    leaked = None
    with pytest.raises(WarehouseError, match="still open"), open_for_update(db) as work:
        leaked = duckdb.connect(str(work))
        leaked.execute("CREATE OR REPLACE TABLE marker AS SELECT 'lost' AS v")
    assert leaked is not None
    leaked.close()
    assert _marker(db) == "kept"


def test_second_update_in_same_process_is_busy(db: Path) -> None:
    with open_for_update(db) as work:
        _write_marker(work, "x")
        with pytest.raises(WarehouseBusy, match=f"pid {os.getpid()}"), open_for_update(db):
            pass


HOLDER = """
import sys, time, duckdb
from pathlib import Path
from warehouse.load import open_for_update
with open_for_update(Path(sys.argv[1])) as work:
    con = duckdb.connect(str(work))
    con.execute("CREATE OR REPLACE TABLE marker AS SELECT 'crashed' AS v")
    con.execute("CREATE TABLE junk AS SELECT range AS i FROM range(1000)")
    con.close()
    print("READY", flush=True)
    time.sleep(float(sys.argv[2]))
"""


@pytest.fixture
def holder(db: Path) -> Iterator[subprocess.Popen[str]]:
    with open_for_update(db) as work:
        _write_marker(work, "original")
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db), "60"], stdout=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "READY"
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def test_lock_held_by_other_process_raises_busy_at_once(
    db: Path, holder: subprocess.Popen[str]
) -> None:
    started = time.monotonic()
    with pytest.raises(WarehouseBusy, match=f"pid {holder.pid}.*--wait"), open_for_update(db):
        pass
    assert time.monotonic() - started < 1.0


def test_kill_9_inside_update_leaves_db_intact(db: Path, holder: subprocess.Popen[str]) -> None:
    assert work_path(db).exists()
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert _marker(db) == "original"
    assert work_path(db).exists()  # stale, left by the killed run
    with open_for_update(db) as work:
        assert _marker(work) == "original"  # a fresh copy, not the stale work file
        assert _query(work, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'junk'") == [
            (0,)
        ]
    assert _marker(db) == "original"
    assert not work_path(db).exists()


def test_wait_blocks_until_the_holder_finishes(db: Path) -> None:
    with open_for_update(db) as work:
        _write_marker(work, "original")
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db), "0.5"], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "READY"
        started = time.monotonic()
        with open_for_update(db, wait=True) as work:
            assert time.monotonic() - started > 0.2
            assert _marker(work) == "crashed"  # the holder published before we got the lock
    finally:
        proc.wait()
