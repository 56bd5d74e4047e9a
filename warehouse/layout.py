"""Line breaks that cut sentences, removed before extraction.

Text extracted from a PDF keeps the page's line breaks: every line is cut at the same
width, often mid-word (法律援助案\n件356件), and page numbers (— 3 —) sit between two halves
of a sentence. Such a text is recognised by its many lines of one display width; the breaks
inside a paragraph and the page-number lines between its halves are removed (`unwrap`).
In any text, a break between a line of prose and the number its last words introduce
(共调解纠纷<br>1,287件) is removed too (`rejoin`). A Markdown file loses its heading, quote
and emphasis marks (`plain_markdown`). Any other text is returned unchanged.
"""

from __future__ import annotations

import re
from collections import Counter

_MIN_WIDTH = 40  # display columns: 20 Chinese characters
_SLACK = 4  # a full line may end short by a few columns (punctuation, a half-width digit)
_MIN_FULL_LINES = 6
_MIN_FULL_SHARE = 0.3
_MAX_HEADER = 40  # characters of a running header
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?"
    r"|\d{1,3}\s*/\s*\d{1,3})\s*$"
)
_TABLE_ROW = re.compile(r"\t|\S(?: {2,}|\u3000{2,})\S|\|")  # cells set apart by tabs, bars, spaces
_ENDS_PARAGRAPH = ("。", "！", "？", "：", ":", "”", "…")
_STARTS_BLOCK = re.compile(
    r"^[ \t\u3000]*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]"
    r"|\d{1,2}(?:\.\d{1,2})*(?:[、．\s]|\.(?!\d))|第[一二三四五六七八九十]+|[▲●■◆★①-⑳—-])"
)


# prose (a sentence already ended on the line) cut right before a number
_CUT_BEFORE_NUMBER = re.compile(r"(?<=[\u4e00-\u9fff])\n(?=[0-9０-９])")


_MARKDOWN_LINE = re.compile(r"^[ \t]*(?:#{1,6}|>)[ \t]*", re.M)
_MARKDOWN_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")


def plain_markdown(text: str) -> str:
    """A Markdown report as its reader sees it: ### 一、主要工作 → 一、主要工作, **1,234件** →
    1,234件. Only for files named as Markdown: in plain reports ** masks names (**区)."""
    return _MARKDOWN_EMPHASIS.sub(r"\2", _MARKDOWN_LINE.sub("", text))


def rejoin(text: str) -> str:
    """`text` without line breaks that separate a subject from its number."""
    return _CUT_BEFORE_NUMBER.sub(lambda m: _rejoined(text, m.start()), text)


def _rejoined(text: str, at: int) -> str:
    line = text[text.rfind("\n", 0, at) + 1 : at]
    return "" if "。" in line or "；" in line else "\n"


def unwrap(text: str) -> str:
    """`text` with the hard line breaks of a PDF conversion removed, if it has them."""
    lines = text.split("\n")
    width = _wrap_width(lines)
    if width is None:
        return text
    out: list[str] = []
    joining = False
    furniture = _page_furniture(lines)
    for i, line in enumerate(lines):
        if joining and i in furniture:
            continue  # page furniture between two halves of a paragraph
        if joining and line.strip() and not _STARTS_BLOCK.match(line):
            out[-1] += line.lstrip(" \u3000")
        else:
            out.append(line)
        joining = _is_cut(line, width)
    return "\n".join(out)


def _page_furniture(lines: list[str]) -> set[int]:
    """Lines between two pages: each page number, the blank lines around it and the running
    header that follows it on two pages or more (株洲市2019年度法治政府建设情况报告)."""
    numbers = [i for i, line in enumerate(lines) if _PAGE_NUMBER.match(line)]
    following = {i: _next_text(lines, i + 1) for i in numbers}
    seen = Counter(lines[j].strip() for j in following.values() if j < len(lines))
    headers = {h for h, count in seen.items() if count >= 2 and len(h) <= _MAX_HEADER}
    furniture: set[int] = set()
    for i in numbers:
        start, end = i, following[i]
        while start > 0 and not lines[start - 1].strip():
            start -= 1
        if end < len(lines) and lines[end].strip() in headers:
            end = _next_text(lines, end + 1)
        furniture.update(range(start, end))
    return furniture


def _next_text(lines: list[str], i: int) -> int:
    """The index of the first line from `i` on that is not blank (len(lines) if none)."""
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


def _is_cut(line: str, width: int) -> bool:
    """A full line that does not end its paragraph (and is no row of a table)."""
    return (
        _display_width(line) >= width - _SLACK
        and not line.rstrip().endswith(_ENDS_PARAGRAPH)
        and not _TABLE_ROW.search(line)
    )


def _wrap_width(lines: list[str]) -> int | None:
    """The width the lines were cut at, when enough lines share it; else None."""
    widths = sorted(
        w
        for line in lines
        if (w := _display_width(line)) >= _MIN_WIDTH and not _TABLE_ROW.search(line)
    )
    if len(widths) < _MIN_FULL_LINES:
        return None
    width = widths[int(0.8 * (len(widths) - 1))]
    full = sum(1 for w in widths if width - _SLACK <= w <= width + _SLACK)
    text_lines = sum(1 for line in lines if line.strip())
    if full < _MIN_FULL_LINES or full < _MIN_FULL_SHARE * text_lines:
        return None
    return width


def _display_width(line: str) -> int:
    """Columns the line fills: Chinese characters and full-width punctuation count two.

    They take three bytes in UTF-8 and the ASCII characters one, hence the shortcut."""
    line = line.rstrip()
    return (len(line) + len(line.encode())) // 2
