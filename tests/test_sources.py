from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from fixtures_inputs import (
    EXPECTED_NOTES,
    REPORT,
    REPORT_GB18030_ONLY,
    REPORT_TRADITIONAL,
    SMALL_LIMIT,
    write_all_kinds,
    write_unreadable,
)

from warehouse import sources
from warehouse.sources import (
    Previous,
    SourceDocument,
    discover,
    mark_duplicates,
    read_document,
    scan,
)

AS_ROOT = os.geteuid() == 0


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    root = tmp_path / "in"
    return root, write_all_kinds(root)


def _by_doc(root: Path) -> dict[str, SourceDocument]:
    return {d.doc: d for d in mark_duplicates(list(scan(root, SMALL_LIMIT)))}


def test_every_kind_gets_its_status(inputs: tuple[Path, dict[str, str]]) -> None:
    root, expected = inputs
    docs = _by_doc(root)
    assert {doc: d.status for doc, d in docs.items()} == expected


def test_rejected_and_skipped_say_why(inputs: tuple[Path, dict[str, str]]) -> None:
    root, _ = inputs
    docs = _by_doc(root)
    for doc, note in EXPECTED_NOTES.items():
        assert note in (docs[doc].error or ""), doc


def test_loaded_texts_and_encodings(inputs: tuple[Path, dict[str, str]]) -> None:
    root, _ = inputs
    docs = _by_doc(root)
    expected = {
        "utf8.txt": (REPORT, "utf-8"),
        "utf8_bom.txt": (REPORT, "utf-8-sig"),
        "gbk.txt": (REPORT, "gb18030"),
        "gb18030.txt": (REPORT_GB18030_ONLY, "gb18030"),
        "big5.txt": (REPORT_TRADITIONAL, "big5"),
        "crlf.txt": (REPORT, "utf-8"),
        "cr.txt": (REPORT, "gb18030"),
    }
    for doc, (text, encoding) in expected.items():
        assert (docs[doc].text, docs[doc].encoding) == (text, encoding), doc
    assert docs["page.html"].content_type == "html"
    assert docs["sub/nested.txt"].text == "嵌套目录\n" + REPORT


def test_documents_carry_hash_and_size(inputs: tuple[Path, dict[str, str]]) -> None:
    root, _ = inputs
    docs = _by_doc(root)
    gbk = docs["gbk.txt"]
    assert gbk.bytes == len(REPORT.encode("gbk"))
    assert gbk.sha256 is not None and len(gbk.sha256) == 64
    assert docs["oversized.txt"].sha256 is None
    assert docs["oversized.txt"].bytes == (root / "oversized.txt").stat().st_size


def test_discover_is_sorted_and_never_enters_hidden_or_linked_dirs(
    inputs: tuple[Path, dict[str, str]],
) -> None:
    root, expected = inputs
    docs = [sources.doc_key(p, root) for p in discover(root)]
    assert docs == sorted(expected)
    assert ".hiddendir/inside.txt" not in docs
    assert not any(d.startswith(("loop_dir/", "linked_dir/")) for d in docs)


def test_oversized_file_is_not_opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(REPORT.encode() * 100)

    def no_open(*args: object, **kwargs: object) -> int:
        raise AssertionError("oversized files must not be read")

    monkeypatch.setattr(sources.os, "open", no_open)
    doc = read_document(big, tmp_path, max_bytes=1000)
    assert (doc.status, doc.error) == ("rejected", sources.oversized(big.stat().st_size, 1000))


def test_file_growing_after_stat_is_read_only_to_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    grown = tmp_path / "grown.txt"
    grown.write_bytes(REPORT.encode() * 100)
    reads: list[int] = []
    real_read = os.read

    def counting_read(fd: int, n: int) -> bytes:
        reads.append(n)
        return real_read(fd, n)

    monkeypatch.setattr(sources.os, "read", counting_read)
    doc = sources._read_regular("grown.txt", grown, grown, max_bytes=500)
    assert doc.status == "rejected" and doc.error.startswith("oversized")
    assert sum(reads) <= 501


def test_unreadable_file_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.txt"
    path.write_bytes(REPORT.encode())

    def denied(*args: object, **kwargs: object) -> int:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(sources.os, "open", denied)
    doc = read_document(path, tmp_path, SMALL_LIMIT)
    assert (doc.status, doc.error) == ("rejected", "unreadable: Permission denied")


@pytest.mark.skipif(AS_ROOT, reason="root ignores file permissions, so chmod 000 stays readable")
def test_unreadable_file_real_chmod(tmp_path: Path) -> None:
    path = write_unreadable(tmp_path)
    try:
        doc = read_document(path, tmp_path, SMALL_LIMIT)
    finally:
        path.chmod(0o644)
    assert (doc.status, doc.error) == ("rejected", "unreadable: Permission denied")


@pytest.mark.skipif(AS_ROOT, reason="root ignores directory permissions")
def test_unlistable_directory_is_reported(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.txt").write_bytes(REPORT.encode())
    locked.chmod(0)
    try:
        docs = list(scan(tmp_path, SMALL_LIMIT))
    finally:
        locked.chmod(0o755)
    assert [(d.doc, d.status) for d in docs] == [("locked", "rejected")]
    assert "unreadable directory" in (docs[0].error or "")


def test_symlink_loop_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    docs = list(scan(tmp_path, SMALL_LIMIT))
    assert [(d.doc, d.status, d.error) for d in docs] == [
        ("a.txt", "rejected", "symlink loop"),
        ("b.txt", "rejected", "symlink loop"),
    ]


def test_gbk_file_name_becomes_readable_doc_key(tmp_path: Path) -> None:
    raw_name = "法治报告.txt".encode("gbk")
    with open(os.path.join(os.fsencode(tmp_path), raw_name), "wb") as handle:
        handle.write(REPORT.encode())
    (doc,) = scan(tmp_path, SMALL_LIMIT)
    assert (doc.doc, doc.status, doc.text) == ("法治报告.txt", "loaded", REPORT)


def _loaded(doc: str, sha: str) -> SourceDocument:
    return SourceDocument(doc, Path(doc), sha, 1, "utf-8", "text", "loaded", None, None, "t")


def test_duplicates_point_at_first_in_sorted_order() -> None:
    docs = [_loaded("b.txt", "h1"), _loaded("a.txt", "h1"), _loaded("c.txt", "h2")]
    marked = {d.doc: d for d in mark_duplicates(docs)}
    assert marked["a.txt"].status == "loaded"
    assert (marked["b.txt"].status, marked["b.txt"].duplicate_of) == ("duplicate", "a.txt")
    assert marked["b.txt"].text is None
    assert marked["c.txt"].status == "loaded"


def test_duplicates_point_at_the_warehouse_original() -> None:
    marked = mark_duplicates([_loaded("a.txt", "h1")], known={"h1": "old/z.txt"})
    assert (marked[0].status, marked[0].duplicate_of) == ("duplicate", "old/z.txt")


def test_rerun_never_makes_a_doc_duplicate_of_itself() -> None:
    docs = [_loaded("a.txt", "h1"), _loaded("b.txt", "h1")]
    marked = {d.doc: d for d in mark_duplicates(docs, known={"h1": "a.txt"})}
    assert marked["a.txt"].status == "loaded"
    assert marked["b.txt"].duplicate_of == "a.txt"
    (again,) = mark_duplicates([_loaded("b.txt", "h1")], known={"h1": "b.txt"})
    assert again.status == "loaded"


def test_known_original_whose_content_changed_is_not_an_original() -> None:
    docs = [_loaded("a.txt", "h2"), _loaded("b.txt", "h1")]
    marked = {d.doc: d for d in mark_duplicates(docs, known={"h1": "a.txt"})}
    assert marked["b.txt"].status == "loaded"
    assert marked["a.txt"].status == "loaded"


def test_identical_rejected_files_stay_rejected() -> None:
    rejected = SourceDocument(
        "x.txt", Path("x.txt"), "h", 0, None, None, "rejected", "empty file", None, None
    )
    twin = SourceDocument(
        "y.txt", Path("y.txt"), "h", 0, None, None, "rejected", "empty file", None, None
    )
    assert mark_duplicates([rejected, twin]) == [rejected, twin]


def test_unlistable_directory_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.txt").write_bytes(REPORT.encode())
    (tmp_path / "b.txt").write_bytes(REPORT.encode())
    real_scandir, real_listdir = os.scandir, os.listdir

    def denied(real):  # type: ignore[no-untyped-def]
        def call(path):  # type: ignore[no-untyped-def]
            if Path(path) == locked:
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real(path)

        return call

    monkeypatch.setattr(sources.os, "scandir", denied(real_scandir))
    monkeypatch.setattr(sources.os, "listdir", denied(real_listdir))
    docs = list(scan(tmp_path, SMALL_LIMIT))
    assert [(d.doc, d.status, d.error) for d in docs] == [
        ("b.txt", "loaded", None),
        ("locked", "rejected", "unreadable directory: Permission denied"),
    ]


def test_unchanged_bytes_are_not_decoded_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "r.txt"
    path.write_bytes("二〇二一年法治政府建设情况报告".encode("gb18030"))
    first = read_document(path, tmp_path, 1 << 20)
    assert first.encoding == "gb18030" and first.text
    assert first.sha256 is not None
    previous = Previous(first.sha256, first.encoding, first.content_type)

    def no_decoding(*_: object) -> None:
        raise AssertionError("decoded again")

    monkeypatch.setattr(sources, "decode", no_decoding)
    again = read_document(path, tmp_path, 1 << 20, previous)
    assert again == SourceDocument(
        first.doc,
        path,
        first.sha256,
        first.bytes,
        "gb18030",
        first.content_type,
        "loaded",
        None,
        None,
        None,
    )
    path.write_bytes("二〇二二年法治政府建设情况报告".encode("gb18030"))  # same size, new bytes
    with pytest.raises(AssertionError, match="decoded again"):
        read_document(path, tmp_path, 1 << 20, previous)


def test_unchanged_size_and_mtime_are_not_even_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "r.txt"
    path.write_bytes(REPORT.encode())
    fresh = read_document(path, tmp_path, 1 << 20)
    assert fresh.modified_ns is None  # just written: may still change within a clock tick
    os.utime(path, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    first = read_document(path, tmp_path, 1 << 20)
    assert first.modified_ns == 1_700_000_000_000_000_000 and first.sha256 is not None
    previous = Previous(
        first.sha256, first.encoding, first.content_type, first.bytes, first.modified_ns
    )

    def no_open(*_: object) -> int:
        raise AssertionError("opened")

    with monkeypatch.context() as patched:
        patched.setattr(sources.os, "open", no_open)
        again = read_document(path, tmp_path, 1 << 20, previous)
    assert again == sources.dataclasses.replace(first, text=None)

    path.write_bytes(REPORT.encode() + b"\n")  # another size: read, hashed, decoded
    changed = read_document(path, tmp_path, 1 << 20, previous)
    assert changed.sha256 != first.sha256 and changed.text
