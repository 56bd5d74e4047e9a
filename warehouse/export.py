"""Export every table and view of the `marts` schema to one Parquet or CSV file each.

The warehouse is opened read-only. Relation names come from information_schema (never from
user input) and are quoted as identifiers; the output path is a bound parameter. Each file is
written to a `.part` file first and renamed into place, so a failed export never leaves a
half-written file under the final name.

CSV files are UTF-8 **with a byte-order mark** and a header row: analysts open them in Excel,
which reads BOM-less UTF-8 as the local code page and garbles the Chinese text. Tools that do
not expect a BOM (pandas, polars) read it with `encoding="utf-8-sig"` or skip it themselves.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Literal

import duckdb

SCHEMA = "marts"
Format = Literal["parquet", "csv"]
UTF8_BOM = b"\xef\xbb\xbf"
_COPY_OPTIONS: dict[str, str] = {
    "parquet": "(format parquet, compression zstd)",
    "csv": "(format csv, header true, delimiter ',', quote '\"')",
}
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_]+$")


def export_marts(db: Path, out_dir: Path, fmt: Format) -> list[Path]:
    """Write each relation of schema `marts` in `db` to `out_dir/<name>.<fmt>`; return the paths."""
    if fmt not in _COPY_OPTIONS:
        raise ValueError(f"unsupported export format: {fmt!r} (use parquet or csv)")
    out_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [_export_one(con, name, out_dir, fmt) for name in mart_relations(con)]
    finally:
        con.close()


def mart_relations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Names of the tables and views in schema `marts`, sorted."""
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = ? "
        "order by table_name",
        [SCHEMA],
    ).fetchall()
    return [name for (name,) in rows]


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _export_one(con: duckdb.DuckDBPyConnection, name: str, out_dir: Path, fmt: Format) -> Path:
    if not _SAFE_NAME.match(name):
        raise ValueError(f"refusing to export relation with an unsafe file name: {name!r}")
    target = out_dir / f"{name}.{fmt}"
    part = target.with_name(target.name + ".part")
    relation = f"{quote_identifier(SCHEMA)}.{quote_identifier(name)}"
    try:
        con.execute(f"copy {relation} to ? {_COPY_OPTIONS[fmt]}", [str(part)])
        if fmt == "csv":
            _prepend_bom(part)
        os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)
    return target


def _prepend_bom(path: Path) -> None:
    with_bom = path.with_name(path.name + ".bom")
    with path.open("rb") as src, with_bom.open("wb") as dst:
        dst.write(UTF8_BOM)
        shutil.copyfileobj(src, dst)
    os.replace(with_bom, path)
