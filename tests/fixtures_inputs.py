"""Generators of input files of every kind the ingestion must survive.

Plain functions so unit tests and end-to-end tests share them. `write_all_kinds` writes
one directory and returns doc → expected status; `EXPECTED_NOTES` gives a fragment of
the reason each rejected or skipped doc must carry.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

SMALL_LIMIT = 64 * 1024
"""The max_bytes to read `write_all_kinds` output with (the oversized file exceeds it)."""

REPORT = (
    "新吴区2020年法治政府建设工作报告\n"
    "2020年,新吴区全面推进依法行政,法治政府建设取得新进展。\n"
    "全区各级人民调解组织共调解矛盾纠纷1234件,调解成功率达98.5%。\n"
    "受理法律援助案件356件,接待来电来访咨询2100余人次,帮助挽回经济损失约86.5万元。\n"
    "收到行政复议申请45件,同比下降14.28%。\n"
)
"""A short simplified-Chinese report in the style of the seeds (GBK-encodable)."""

REPORT_GB18030_ONLY = REPORT + "㐀𠮷社区调解员共12名。\n"
"""Adds characters that GBK lacks and GB18030 has."""

REPORT_TRADITIONAL = (
    "法治政府建設年度報告\n"
    "2021年,本區各級人民調解組織共調解矛盾糾紛1234件,調解成功率達98.5%。\n"
    "受理法律援助案件356件,辦結行政復議案件45件。\n"
)

HTML_REPORT_LINES = (
    "新吴区2020年法治政府建设工作报告",
    "今年以来, 全区共调解矛盾纠纷1234件。",
    "调解成功率达98.5% & 受理法律援助案件356件。",
    "司法局\t司法所",  # table cells, tab-separated
)
"""The visible text `page.html` must decode to, line by line."""

HTML_PAGE = """<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>新吴区门户网站</title>
<style>p { color: red; } /* 调解 999 件 */</style>
<script>var counter = "<p>调解成功率达1%</p>";</script>
</head>
<body>
<header><a href="/">网站首页</a></header>
<nav><ul><li>政务公开</li><li>办事服务</li></ul></nav>
<div class="article">
  <h1>新吴区2020年法治政府建设工作报告</h1>
  <p>&nbsp;&nbsp;今年以来,   全区共调解<b>矛盾纠纷</b>1234件。<br>
  调解成功率达98.5% &amp; 受理法律援助案件356件&#12290;</p>
  <!-- 调解 777 件 -->
  <table><tr><td>司法局</td><td>司法所</td></tr></table>
  <form><input value="搜索"><button>搜索</button></form>
  <noscript>请启用脚本</noscript>
  <iframe src="ad.html">广告</iframe>
</div>
<footer>版权所有 新吴区人民政府</footer>
</body></html>
"""

EXPECTED_NOTES = {
    "empty.txt": "empty file",
    "fake_pdf.txt": "PDF signature",
    "fake_png.txt": "PNG signature",
    "random.txt": "undecodable",
    "oversized.txt": "oversized",
    "broken_link.txt": "broken symlink",
    "outside_link.txt": "outside the input directory",
    ".hidden.txt": "hidden",
    ".hiddendir": "hidden",
    "pipe.txt": "fifo",
    "linked_dir": "symlink to a directory",
    "utf8_copy.txt": "byte-identical to utf8.txt",
    "zz_link_to_utf8.txt": "byte-identical to utf8.txt",
}


def write_all_kinds(root: Path, outside: Path | None = None) -> dict[str, str]:
    """Write every input kind under `root`; return doc → expected status.

    Read with max_bytes=SMALL_LIMIT. The target of the escaping symlink is written to
    `outside` (default: a sibling of root named `<root>_outside`).
    """
    root.mkdir(parents=True, exist_ok=True)
    expected = {}
    expected |= write_encodings(root)
    expected |= write_html(root)
    expected |= write_rejects(root, SMALL_LIMIT)
    expected |= write_links(root, outside or root.parent / f"{root.name}_outside")
    expected |= write_hidden_and_special(root)
    expected |= write_duplicates(root)
    return expected


def write_encodings(root: Path) -> dict[str, str]:
    files = {
        "utf8.txt": REPORT.encode("utf-8"),
        "utf8_bom.txt": REPORT.encode("utf-8-sig"),
        "gbk.txt": REPORT.encode("gbk"),
        "gb18030.txt": REPORT_GB18030_ONLY.encode("gb18030"),
        "big5.txt": REPORT_TRADITIONAL.encode("big5"),
        "crlf.txt": REPORT.replace("\n", "\r\n").encode("utf-8"),
        "cr.txt": REPORT.replace("\n", "\r").encode("gbk"),
        "sub/nested.txt": ("嵌套目录\n" + REPORT).encode("utf-8"),
    }
    for name, data in files.items():
        _write(root / name, data)
    return dict.fromkeys(files, "loaded")


def write_html(root: Path) -> dict[str, str]:
    _write(root / "page.html", HTML_PAGE.encode("gbk"))
    # HTML saved under a .txt name and declaring UTF-8: recognised by content.
    utf8_page = HTML_PAGE.replace("charset=gbk", "charset=utf-8")
    _write(root / "saved_page.txt", utf8_page.encode("utf-8"))
    return {"page.html": "loaded", "saved_page.txt": "loaded"}


def write_rejects(root: Path, max_bytes: int) -> dict[str, str]:
    rng = random.Random(7)
    files = {
        "empty.txt": b"",
        "fake_pdf.txt": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        "fake_png.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(32),
        # No NUL bytes, so only the decoders can tell this is not text.
        "random.txt": bytes(rng.randrange(1, 256) for _ in range(4096)),
        "oversized.txt": REPORT.encode() * (max_bytes // len(REPORT.encode()) + 1),
    }
    for name, data in files.items():
        _write(root / name, data)
    return dict.fromkeys(files, "rejected")


def write_links(root: Path, outside: Path) -> dict[str, str]:
    outside.mkdir(parents=True, exist_ok=True)
    target = outside / "secret.txt"
    _write(target, REPORT.encode())
    (root / "outside_link.txt").symlink_to(target)
    (root / "broken_link.txt").symlink_to(root / "no_such_file.txt")
    _write(root / "linked" / "inner.txt", ("链接目录\n" + REPORT).encode())
    (root / "linked_dir").symlink_to(root / "linked", target_is_directory=True)
    (root / "loop_dir").symlink_to(root, target_is_directory=True)
    return {
        "outside_link.txt": "skipped",
        "broken_link.txt": "rejected",
        "linked/inner.txt": "loaded",
        "linked_dir": "skipped",
        "loop_dir": "skipped",
    }


def write_hidden_and_special(root: Path) -> dict[str, str]:
    _write(root / ".hidden.txt", REPORT.encode())
    _write(root / ".hiddendir" / "inside.txt", REPORT.encode())
    os.mkfifo(root / "pipe.txt")
    return {".hidden.txt": "skipped", ".hiddendir": "skipped", "pipe.txt": "skipped"}


def write_duplicates(root: Path) -> dict[str, str]:
    """Byte-identical copies of utf8.txt, one as a file and one as a symlink to it."""
    _write(root / "utf8_copy.txt", REPORT.encode("utf-8"))
    (root / "zz_link_to_utf8.txt").symlink_to(root / "utf8.txt")
    return {"utf8_copy.txt": "duplicate", "zz_link_to_utf8.txt": "duplicate"}


def write_unreadable(root: Path) -> Path:
    """A file with mode 000; unreadable only for non-root users."""
    path = root / "unreadable.txt"
    _write(path, REPORT.encode())
    path.chmod(0)
    return path


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
