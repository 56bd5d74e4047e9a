"""The file index beside the warehouse: sizes and mtimes that let a run skip reading files."""

from __future__ import annotations

from pathlib import Path

from warehouse.extract import EXTRACTOR_VERSION
from warehouse.load import KnownDocument
from warehouse.pipeline import file_index_path, previous_versions, write_file_index
from warehouse.sources import Previous, SourceDocument


def _loaded(doc: str, sha: str, modified_ns: int | None) -> SourceDocument:
    return SourceDocument(
        doc, Path(doc), sha, 10, "utf-8", "text", "loaded", None, None, None, modified_ns
    )


def _known(sha: str, version: str = EXTRACTOR_VERSION, status: str = "loaded") -> KnownDocument:
    return KnownDocument(sha, version, status, "utf-8", "text")


def test_index_counts_only_where_the_warehouse_agrees(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    assert previous_versions({"a.txt": _known("1")}, db) == {
        "a.txt": Previous("1", "utf-8", "text")  # no index yet: hash only
    }
    write_file_index(
        db,
        [
            _loaded("a.txt", "1", 111),
            _loaded("b.txt", "2", 222),
            _loaded("c.txt", "3", None),  # mtime too recent to trust: not indexed
            SourceDocument("d.txt", Path("d"), None, 0, None, None, "rejected", "x", None, None),
        ],
    )
    known = {
        "a.txt": _known("1"),
        "b.txt": _known("other"),  # the warehouse moved on: the index entry is stale
        "c.txt": _known("3"),
        "e.txt": _known("5", version="old"),  # extracted by another version: re-extract
        "f.txt": _known("6", status="rejected"),
    }
    assert previous_versions(known, db) == {
        "a.txt": Previous("1", "utf-8", "text", 10, 111),
        "b.txt": Previous("other", "utf-8", "text"),
        "c.txt": Previous("3", "utf-8", "text"),
    }


def test_damaged_index_means_reading_every_file(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    file_index_path(db).write_bytes(b"not parquet")
    assert previous_versions({"a.txt": _known("1")}, db) == {
        "a.txt": Previous("1", "utf-8", "text")
    }
