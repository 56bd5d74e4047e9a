"""Find input files under a directory and read each into a `SourceDocument`.

Every entry found becomes exactly one document with a status, so a run can account
for every file: `loaded` (decoded, to be extracted), `rejected` (with a reason),
`duplicate` (byte-identical to another document) or `skipped` (not an input file).
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import os
import stat
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from warehouse.decode import RejectedInput, decode

_MB = 1024 * 1024
_SPECIAL_KINDS = (
    (stat.S_ISFIFO, "fifo"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
)


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """One entry of the input directory and what became of it.

    `doc` is the path relative to the input directory in POSIX form, the document key.
    `error` holds the rejection reason or the note on why an entry was skipped.
    """

    doc: str
    path: Path
    sha256: str | None
    bytes: int | None
    encoding: str | None
    content_type: str | None
    status: str
    error: str | None
    duplicate_of: str | None
    text: str | None
    modified_ns: int | None = None
    """The file's mtime when it was read, if it had not changed for `STABLE_NS` before:
    with its size, what lets a later run skip reading it (see `Previous`)."""


STABLE_NS = 2_000_000_000
"""A file modified less than this long before it was read may still be changing within
one tick of the file system's clock; its mtime is not remembered (it is read every run)."""


@dataclass(frozen=True, slots=True)
class Previous:
    """What an earlier run learned about a file: its hash and how its bytes decode, and the
    size and mtime it had then (None: unknown, read it again)."""

    sha256: str
    encoding: str | None
    content_type: str | None
    bytes: int | None = None
    modified_ns: int | None = None

    def unchanged(self, info: os.stat_result) -> bool:
        """Same size and mtime as when it was hashed: trusted without reading, as git does."""
        return self.modified_ns == info.st_mtime_ns and self.bytes == info.st_size


def discover(root: Path) -> Iterator[Path]:
    """Every entry under `root` to account for, sorted by document key.

    Yields regular files, symlinks, special files and hidden entries; hidden directories,
    symlinked directories and directories that cannot be listed are yielded themselves, never
    descended into, so walking always ends. Raises OSError only when `root` itself cannot be
    listed.
    """
    root = Path(root)
    found: list[Path] = []
    pending = [root]
    while pending:
        directory = pending.pop()
        try:
            with os.scandir(directory) as entries:
                children = list(entries)
        except OSError:
            if directory == root:
                raise
            found.append(directory)  # read_document reports why it cannot be listed
            continue
        for entry in children:
            (found if _is_leaf(entry) else pending).append(Path(entry.path))
    yield from sorted(found, key=lambda path: doc_key(path, root))


def _is_leaf(entry: os.DirEntry[str]) -> bool:
    return entry.name.startswith(".") or not entry.is_dir(follow_symlinks=False)


def doc_key(path: Path, root: Path) -> str:
    """The document key: `path` relative to `root`, POSIX form, printable as UTF-8."""
    return display(_relative(path, root))


def _relative(path: Path, root: Path) -> str:
    # The common case (a path found under root) by slicing: os.path.relpath costs a
    # dozen microseconds, which adds up over a national corpus read on every run.
    full, base = os.fspath(path), os.fspath(root)
    if full.startswith(base) and full[len(base) : len(base) + 1] == os.sep:
        return full[len(base) + 1 :]
    return os.path.relpath(full, base)


def display(name: str | os.PathLike[str]) -> str:
    """A file name as text; bytes that are not UTF-8 are read as GB18030 (Chinese Windows
    archives) or, failing that, shown as backslash escapes."""
    raw = os.fsencode(name)
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="backslashreplace")


def scan(root: Path, max_bytes: int) -> Iterator[SourceDocument]:
    """`read_document` for every entry `discover` finds."""
    for path in discover(root):
        yield read_document(path, root, max_bytes)


def read_document(
    path: Path, root: Path, max_bytes: int, previous: Previous | None = None
) -> SourceDocument:
    """Read and decode one entry; never raises for bad input, the status says what happened.

    With `previous`, a file whose size and mtime are unchanged is not read at all, and one
    whose bytes still hash to `previous.sha256` is not decoded again: either way the
    document is `loaded` with `previous`'s hash and decoding, and `text` None.
    """
    relative = _relative(path, root)
    doc = display(relative)
    if any(part.startswith(".") and part != "." for part in relative.split(os.sep)):
        hidden = "hidden directory (not searched)" if path.is_dir() else "hidden file"
        return _not_read(doc, path, "skipped", hidden)
    try:
        target, info = path, path.lstat()
        if stat.S_ISLNK(info.st_mode):
            target = _resolve_link(path, root)
            info = target.stat()
    except _Unreadable as unreadable:
        return _not_read(doc, path, unreadable.status, unreadable.reason)
    except OSError as err:
        return _not_read(doc, path, "rejected", f"unreadable: {_os_reason(err)}")
    if stat.S_ISDIR(info.st_mode):
        return _directory(doc, path)
    if not stat.S_ISREG(info.st_mode):
        return _not_read(doc, path, "skipped", f"not a regular file ({_kind(info.st_mode)})")
    if info.st_size > max_bytes:
        return _not_read(doc, path, "rejected", oversized(info.st_size, max_bytes), info.st_size)
    if previous is not None and previous.unchanged(info):
        return _as_before(doc, path, previous, info.st_size, info.st_mtime_ns)
    return _read_regular(doc, path, target, max_bytes, previous, info)


class _Unreadable(Exception):
    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _resolve_link(path: Path, root: Path) -> Path:
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError as err:
        raise _Unreadable("rejected", "broken symlink") from err
    except RuntimeError as err:  # Python 3.11 reports symlink loops this way
        raise _Unreadable("rejected", "symlink loop") from err
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise _Unreadable("rejected", "symlink loop") from err
        raise
    if not target.is_relative_to(Path(root).resolve()):
        raise _Unreadable("skipped", f"symlink to outside the input directory ({display(target)})")
    return target


def _directory(doc: str, path: Path) -> SourceDocument:
    if path.is_symlink():
        note = "symlink to a directory (not followed; its files are read where they are)"
        return _not_read(doc, path, "skipped", note)
    try:
        os.listdir(path)
    except OSError as err:
        return _not_read(doc, path, "rejected", f"unreadable directory: {_os_reason(err)}")
    return _not_read(doc, path, "skipped", "directory")


def _read_regular(
    doc: str,
    path: Path,
    target: Path,
    max_bytes: int,
    previous: Previous | None = None,
    info: os.stat_result | None = None,
) -> SourceDocument:
    try:
        data = _read_at_most(target, max_bytes + 1, info.st_size if info else _MB)
    except _Unreadable as unreadable:
        return _not_read(doc, path, unreadable.status, unreadable.reason)
    except OSError as err:
        return _not_read(doc, path, "rejected", f"unreadable: {_os_reason(err)}")
    if len(data) > max_bytes:  # the file grew after it was measured
        return _not_read(doc, path, "rejected", oversized(len(data), max_bytes), len(data))
    sha256 = hashlib.sha256(data).hexdigest()
    modified_ns = _stable_mtime(info) if info and info.st_size == len(data) else None
    if previous is not None and previous.sha256 == sha256:
        return _as_before(doc, path, previous, len(data), modified_ns)
    try:
        decoded = decode(data, path.name)
    except RejectedInput as rejected:
        return SourceDocument(
            doc, path, sha256, len(data), None, None, "rejected", rejected.reason, None, None
        )
    return SourceDocument(
        doc,
        path,
        sha256,
        len(data),
        decoded.encoding,
        decoded.content_type,
        "loaded",
        None,
        None,
        decoded.text,
        modified_ns,
    )


def _as_before(
    doc: str, path: Path, previous: Previous, size: int, modified_ns: int | None
) -> SourceDocument:
    """A loaded document whose bytes are those an earlier run hashed and decoded."""
    return SourceDocument(
        doc,
        path,
        previous.sha256,
        size,
        previous.encoding,
        previous.content_type,
        "loaded",
        None,
        None,
        None,
        modified_ns,
    )


def _stable_mtime(info: os.stat_result) -> int | None:
    return info.st_mtime_ns if time.time_ns() - info.st_mtime_ns >= STABLE_NS else None


def _read_at_most(path: Path, limit: int, expected: int = _MB) -> bytes:
    """Up to `limit` bytes; reads of `expected` + 1 bytes (the size stat() saw), so a file of
    that size is read whole without allocating a larger buffer."""
    # O_NONBLOCK: a file swapped for a fifo after stat() must not hang the run.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise _Unreadable("skipped", f"not a regular file ({_kind(mode)})")
        chunks: list[bytes] = []
        remaining, step = limit, min(expected + 1, _MB)
        while remaining > 0 and (chunk := os.read(fd, min(remaining, step))):
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def oversized(size: int, limit: int) -> str:
    """The rejection reason for a file larger than the limit."""
    return f"oversized: {size / _MB:.1f} MB > limit {limit / _MB:.1f} MB ({size} > {limit} bytes)"


def _kind(mode: int) -> str:
    return next((kind for test, kind in _SPECIAL_KINDS if test(mode)), "special file")


def _os_reason(err: OSError) -> str:
    return err.strerror or type(err).__name__


def _not_read(
    doc: str, path: Path, status: str, reason: str, size: int | None = None
) -> SourceDocument:
    return SourceDocument(doc, path, None, size, None, None, status, reason, None, None)


def mark_duplicates(
    docs: list[SourceDocument], known: Mapping[str, str] | None = None
) -> list[SourceDocument]:
    """Mark loaded documents whose bytes equal another's as duplicates of the original.

    The original of a hash is the warehouse's document with it (`known`: sha256 → doc of a
    loaded row) unless that document is in this batch with other content now; otherwise the
    first loaded document in key order. A document is never a duplicate of itself.
    """
    batch_hash = {d.doc: d.sha256 for d in docs}
    originals = {
        sha: doc
        for sha, doc in (known or {}).items()
        if doc not in batch_hash or batch_hash[doc] == sha
    }
    for document in sorted(docs, key=lambda d: d.doc):
        if document.status == "loaded" and document.sha256 is not None:
            originals.setdefault(document.sha256, document.doc)
    return [_as_duplicate(d, originals) for d in docs]


def _as_duplicate(document: SourceDocument, originals: Mapping[str, str]) -> SourceDocument:
    if document.status != "loaded" or document.sha256 is None:
        return document
    original = originals[document.sha256]
    if original == document.doc:
        return document
    return dataclasses.replace(
        document,
        status="duplicate",
        error=f"byte-identical to {original}",
        duplicate_of=original,
        text=None,
    )
