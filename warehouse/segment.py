"""Sentences, clauses, headings and table rows, as offsets into the original text.

Nothing here rewrites the text it indexes: callers slice the original string with
the offsets returned, so evidence is always verbatim. Boundaries are found by
looking outwards from a position (a few `str.rfind` calls), which keeps the cost
proportional to the number of candidates, not to the length of the text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from warehouse.numbers import fold_width

SENTENCE_ENDS = "。！？!?\n"
CLAUSE_ENDS = SENTENCE_ENDS + "；;，,：:"
_ITEM_ENDS = "、（）()"
"""Boundaries of the smallest unit that states one figure (a list item, a parenthesis)."""

SPACE = " \t\r\u00a0\u3000"

MAX_SENTENCE = 600
MAX_CLAUSE = 200

_CN = "一二三四五六七八九十"
_HEADING = re.compile(
    rf"^[ \t\u3000]*(?:(?P<l1>[{_CN}]+[、.．])|(?P<l2>[（(][{_CN}]+[)）])"
    rf"|(?P<l0>第[{_CN}]+(?:部分|章))|(?P<l3>\d{{1,2}}[、.．](?!\d)))"
)
APPENDIX = re.compile(
    r"附(?:件|表|录)?\s*[0-9一二三四五六七八九十]*\s*[：:、.．]|附[件表录]\s*[0-9]*\s*$"
)
"""An appendix line opens (附：主要数据, 附件1：…, 附表): what follows is not the body."""
_YEAR_CELL = re.compile(r"^((?:19|20)\d{2})\s*年?度?$")
_PIPE_RULE = re.compile(r"^[\s|:：\-—–]+$")


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Cell:
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class TableRow:
    """One data row of a table: cell i has year `periods[i]` and subject `labels[i]`."""

    start: int
    end: int
    cells: tuple[Cell, ...]
    periods: tuple[int | None, ...]
    labels: tuple[str, ...]
    headers: tuple[str, ...]
    caption: str
    yearless: bool = False
    """No year per column or row: every figure is for the report year."""


class Bounds:
    """Clause and sentence boundaries of one text, found in one regex pass, queried by
    bisection; list items (after 、 or a parenthesis) are found within a clause on demand."""

    _CLAUSE = re.compile(f"[{re.escape(CLAUSE_ENDS)}]")
    # a comma between digits (1,200 / １，２００) separates thousands, not clauses
    _THOUSANDS = re.compile("[0-9０-９][,，](?=[0-9０-９]{3})")

    def __init__(self, text: str) -> None:
        self.text = text
        self.clause = [m.start() for m in self._CLAUSE.finditer(text)]
        if thousands := {m.start() + 1 for m in self._THOUSANDS.finditer(text)}:
            self.clause = [i for i in self.clause if i not in thousands]
        self.sentence = [
            i
            for i in self.clause
            if text[i] in SENTENCE_ENDS and (text[i] != "\n" or not _runs_on(text, i))
        ]

    def item_start(self, pos: int, clause_start: int) -> int:
        """Start of the list item holding `pos` within the clause starting at `clause_start`
        (after its last 、 or parenthesis, spaces skipped), else `clause_start`."""
        i = max(self.text.rfind(c, clause_start, pos) for c in _ITEM_ENDS)
        if i < 0:
            return clause_start
        start = i + 1
        while start < pos and self.text[start] in SPACE:
            start += 1
        return start

    def start(self, kind: list[int], pos: int, limit: int) -> int:
        """Start of the unit of `kind` holding `pos` (after its boundary, spaces skipped)."""
        i = bisect.bisect_left(kind, pos) - 1
        start = max(kind[i] + 1 if i >= 0 else 0, pos - limit, 0)
        while start < pos and self.text[start] in SPACE:
            start += 1
        return start

    def end(self, kind: list[int], pos: int, limit: int) -> int:
        """End of the unit of `kind` holding `pos`: its next boundary, or the limit."""
        i = bisect.bisect_left(kind, pos)
        return min(kind[i] if i < len(kind) else len(self.text), pos + limit)


def _runs_on(text: str, i: int) -> bool:
    """A line break after ；，： continues the sentence: one list item per line."""
    return text[max(0, i - 8) : i].rstrip(SPACE).endswith(_RUN_ON)


_RUN_ON = ("；", ";", "，", ",", "：", ":")


def rfind_any(text: str, chars: str, start: int, end: int) -> int:
    """Index of the last of `chars` in text[start:end], or -1."""
    return max(text.rfind(c, start, end) for c in chars)


def find_any(text: str, chars: str, start: int, end: int) -> int:
    """Index of the first of `chars` in text[start:end], or -1."""
    hits = [i for i in (text.find(c, start, end) for c in chars) if i >= 0]
    return min(hits) if hits else -1


def left_bound(text: str, pos: int, chars: str, limit: int) -> int:
    """Start of the unit ending at `pos`: just after the last boundary char, spaces skipped."""
    floor = max(0, pos - limit)
    i = rfind_any(text, chars, floor, pos)
    start = i + 1 if i >= 0 else floor
    while start < pos and text[start] in SPACE:
        start += 1
    return start


def right_bound(text: str, pos: int, chars: str, limit: int) -> int:
    """End of the unit starting at `pos`: the next boundary char or the limit."""
    ceiling = min(len(text), pos + limit)
    i = find_any(text, chars, pos, ceiling)
    return i if i >= 0 else ceiling


def sentence_span(text: str, pos: int) -> Span:
    return Span(
        left_bound(text, pos, SENTENCE_ENDS, MAX_SENTENCE),
        right_bound(text, pos, SENTENCE_ENDS, MAX_SENTENCE),
    )


def clause_span(text: str, pos: int) -> Span:
    return Span(
        left_bound(text, pos, CLAUSE_ENDS, MAX_CLAUSE),
        right_bound(text, pos, CLAUSE_ENDS, MAX_CLAUSE),
    )


def _split(text: str, chars: str) -> list[Span]:
    pieces = re.finditer(f"[^{re.escape(chars)}]+", text)
    return [Span(m.start(), m.end()) for m in pieces if m.group().strip()]


def sentences(text: str) -> list[Span]:
    """All sentences (split at 。！？ and newlines), as spans of the original text."""
    return _split(text, SENTENCE_ENDS)


def clauses(text: str) -> list[Span]:
    """All clauses (sentences further split at semicolons, commas and colons)."""
    return _split(text, CLAUSE_ENDS)


def line_span(text: str, pos: int) -> Span:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return Span(start, len(text) if end < 0 else end)


def heading_level(line: str) -> int | None:
    """Outline depth of a heading line (第一部分 0, 一、 1, (一) 2, 1. 3), else None."""
    m = _HEADING.match(line)
    if not m:
        return None
    for level, group in enumerate(("l0", "l1", "l2", "l3")):
        if m.group(group):
            return level
    return None


def _cells(text: str, start: int, end: int) -> list[Cell]:
    line = text[start:end]
    sep = "\t" if "\t" in line else "|"
    cells, pos = [], start
    for part in line.split(sep):
        lead = len(part) - len(part.lstrip())
        body = part.strip()
        if body:
            cells.append(Cell(pos + lead, pos + lead + len(body), body))
        pos += len(part) + 1
    return cells


def _year(cell: Cell) -> int | None:
    m = _YEAR_CELL.match(fold_width(cell.text))
    return int(m.group(1)) if m else None


def _row(cells: list[Cell], header: list[Cell], caption: str, start: int, end: int) -> TableRow:
    """Align a data row with its header, by column year or by row year."""
    heads = tuple(h.text for h in header) + ("",) * max(0, len(cells) - len(header))
    column_years = tuple(_year(h) for h in header)
    if any(y is not None for y in column_years[1:]):
        periods = column_years + (None,) * max(0, len(cells) - len(header))
        labels = (cells[0].text,) * len(cells)
    else:
        periods = (_year(cells[0]),) * len(cells)
        labels = heads
    return TableRow(start, end, tuple(cells), periods, labels, heads, caption)


def _is_year_table(header: list[Cell], cells: list[Cell]) -> bool:
    return any(_year(h) is not None for h in header[1:]) or _year(cells[0]) is not None


_SERIAL_HEADS = ("序号", "编号", "序")
_SERIAL = re.compile(r"^[0-9０-９]{1,2}[.、．]?$")
_HEADER_CELL = re.compile(r"^[^\d０-９，,。；;：:！？]{1,12}$")
HAS_DIGIT = re.compile(r"[0-9０-９]")
"""A cell (or any text) with a digit in it."""


_HEADER_FIRST = re.compile(r"^(?:项目|指标|类别|类型|名称|内容|年份|年度|地区|区域|单位|部门|事项)")


def _opens_table(cells: list[Cell]) -> bool:
    """A row of words that reads as a new table's header: 项目 | 数量, or columns of years."""
    return bool(_HEADER_FIRST.match(cells[0].text)) or any(_year(c) is not None for c in cells)


def _is_header(cells: list[Cell]) -> bool:
    return all(_HEADER_CELL.match(c.text) or _year(c) is not None for c in cells[1:])


def _is_yearless_row(header: list[Cell], cells: list[Cell]) -> bool:
    """A row of a table whose header names only columns (项目 | 数量 | 同比): short word cells."""
    return (
        len(header) >= 2
        and len(cells) >= 2
        and all(_HEADER_CELL.match(h.text) for h in header)
        and not HAS_DIGIT.search(cells[0].text)
        and any(HAS_DIGIT.search(c.text) for c in cells[1:])
    )


def _yearless_row(
    cells: list[Cell], header: list[Cell], caption: str, start: int, end: int
) -> TableRow:
    heads = tuple(h.text for h in header) + ("",) * max(0, len(cells) - len(header))
    label = cells[0].text
    # a total row of a table with a column per metric (地区 | 调解组织(个) | 调解纠纷(件)):
    # each cell is named by its column; the other rows are parts (areas) of the total
    labels = (label, *heads[1:]) if TOTAL_ROW.match(label) else (label,) * len(cells)
    return TableRow(
        start, end, tuple(cells), (None,) * len(cells), labels, heads, caption, yearless=True
    )


def table_rows(text: str, include_yearless: bool = False) -> list[TableRow]:
    """Data rows of tab- or pipe-separated tables that name a year per column or per row.

    The first row of a table is its header. Cells are aligned with the header by
    position; the caption is the last non-table line before the table. With
    `include_yearless`, rows of tables without any year (项目 | 数量 | 同比) are kept too,
    marked `yearless`.
    """
    if "\t" not in text and "|" not in text:
        return []
    rows: list[TableRow] = []
    header: list[Cell] | None = None
    caption, serial = "", False
    read = by_year = False  # the table has data rows; its rows are years
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if "\t" not in line and "|" not in line:
            header, serial = None, False
            caption = line.strip() or caption
            continue
        if _PIPE_RULE.match(line):
            continue
        cells = _cells(text, start, end)
        if cells and cells[0].text in _SERIAL_HEADS:
            serial, cells = True, cells[1:]  # a column of row numbers: 序号 | 指标 | …
        elif serial and cells and _SERIAL.match(cells[0].text):
            cells = cells[1:]
        if len(cells) < 2:
            continue
        if header is None or (_is_header(cells) and (not read or _opens_table(cells))):
            # a row of words or years opens a table, even right after another; under data
            # rows, only one that reads as a header does (not 矛盾纠纷排查 | 每月开展一次)
            header, read, by_year = cells, False, False
        elif by_year and TOTAL_ROW.match(cells[0].text):
            continue  # the 合计 under a row per year adds the years up
        elif _is_year_table(header, cells):
            rows.append(_row(cells, header, caption, start, end))
            read, by_year = True, _year(cells[0]) is not None
        elif include_yearless and _is_yearless_row(header, cells):
            rows.append(_yearless_row(cells, header, caption, start, end))
            read = True
    return rows


_SPACE_HEADER = re.compile(
    r"^[ \u3000]*[^\s\d|]{1,12}(?:[ \u3000\u00a0]+(?:19|20)\d{2}\s?年?度?){2,}[ \u3000\u00a0]*$",
    re.M,
)
# column names set apart by runs of spaces: 地区    调解组织(个)    调解纠纷(件)
# (one space is enough after a name ending in its unit: 调解纠纷（件） 调解成功率（%）)
_SPACE_NAMES_HEADER = re.compile(
    r"^[ \u3000]*[^\s\d|]{1,12}"
    r"(?:(?:[ \u3000\u00a0]{2,}|(?<=[）)])[ \u3000\u00a0])[^\s\d|]{1,12}){2,}[ \u3000\u00a0]*$",
    re.M,
)
# a total row's label; a PDF table spaces its characters out (合  计, 全  省)
TOTAL_ROW = re.compile(
    r"^(?:全[省市区县州盟旗镇乡]|全部|本[省市区县])?(?:合\s*计|总\s*计|汇\s*总)$"
    r"|^全\s*[省市区县州盟旗镇乡]$"
)
_INNER_GAP = re.compile(r"[ \u3000\u00a0]+\S")
_SPACE_CELL = re.compile(r"[^ \u3000\u00a0]+")
_NUMBER_CELL = re.compile(r"^[-−+]?[0-9０-９][0-9０-９,，.．]*[%％]?$")


def _space_cells(text: str, start: int, end: int) -> list[Cell]:
    cells = [
        Cell(start + m.start(), start + m.end(), m.group())
        for m in _SPACE_CELL.finditer(text[start:end])
    ]
    if (
        len(cells) > 2
        and len(cells[0].text) == len(cells[1].text) == 1
        and TOTAL_ROW.match(text[cells[0].start : cells[1].end])
    ):  # 全  省 is one cell
        label = Cell(cells[0].start, cells[1].end, text[cells[0].start : cells[1].end])
        cells = [label, *cells[2:]]
    return cells


def _space_headers(text: str) -> Iterator[re.Match[str]]:
    """Header lines of space tables, in order; only lines with a gap inside are tried."""
    pos = 0
    while gap := _INNER_GAP.search(text, pos):
        start = text.rfind("\n", 0, gap.start()) + 1
        end = text.find("\n", gap.end())
        end = len(text) if end < 0 else end
        pos = end + 1
        if gap.start() == start or text[gap.start() - 1].isspace():
            pos = gap.end()  # indentation, not a gap between cells: look further on the line
            continue
        if m := _SPACE_HEADER.match(text, start, end) or _SPACE_NAMES_HEADER.match(
            text, start, end
        ):
            yield m


def space_table_rows(text: str) -> list[TableRow]:
    """Data rows of tables whose cells are separated by spaces (web-page tables as decoded).

    A header of a label and two or more years (项目 2020年 2021年), or of three or more
    column names set apart by runs of spaces, opens such a table; it runs while the
    following lines have as many cells, all numbers after the label.
    """
    rows: list[TableRow] = []
    for m in _space_headers(text):
        aligned = _row if m.re is _SPACE_HEADER else _yearless_row
        header = _space_cells(text, m.start(), m.end())
        caption_end = text.rfind("\n", 0, max(m.start() - 1, 0))
        caption = text[caption_end + 1 : max(m.start() - 1, 0)].strip()
        pos = m.end() + 1
        while pos < len(text):
            end = text.find("\n", pos)
            end = len(text) if end < 0 else end
            cells = _space_cells(text, pos, end)
            if len(cells) != len(header) or not all(_NUMBER_CELL.match(c.text) for c in cells[1:]):
                break
            rows.append(aligned(cells, header, caption, pos, end))
            pos = end + 1
    return rows


# a cell of a table written one cell per line (a Word table pasted as text)
_VALUE_LINE = re.compile(
    r"^(?:增长|增加|上升|提高|下降|减少|降低)?[-−+]?[0-9０-９][0-9０-９,，.．]*\s*(?:万|亿)?(?:余|多)?"
    r"[^\d\s]{0,2}$"
)
# a line holding only a year opens the header of such a table: a cheap test for the text
_YEAR_LINE = re.compile(r"\n[ \t\u3000]*(?:19|20)\d{2}\s*年?度?[ \t\u3000]*\n")


def _stripped_lines(text: str) -> list[Cell]:
    cells, pos = [], 0
    for line in text.split("\n"):
        body = line.strip(SPACE)
        lead = len(line) - len(line.lstrip(SPACE))
        cells.append(Cell(pos + lead, pos + lead + len(body), body))
        pos += len(line) + 1
    return cells


def cell_line_rows(text: str) -> list[TableRow]:
    """Data rows of tables written one cell per line, as a Word table pasted into text is:

        项目 / 2019年 / 2018年 / 同比 / 收到行政复议申请（件） / 3412 / 3119 / +9.4% / …

    A run of short word lines, one of them a year, is the header and the first row's label
    when as many value lines follow as the header has columns after its first; each further
    row is a label line and that many value lines.
    """
    if not _YEAR_LINE.search(text):
        return []
    lines, rows, i = _stripped_lines(text), [], 0
    while i < len(lines):
        words = i  # header cells (words or years) and the first row's label
        while words < len(lines) and (
            _HEADER_CELL.match(lines[words].text) or _year(lines[words]) is not None
        ):
            words += 1
        values = words
        while values < len(lines) and _VALUE_LINE.match(fold_width(lines[values].text)):
            values += 1
        columns = values - words
        header_start = words - columns - 2  # the header's columns + 1 lines, then a label
        header = lines[header_start : words - 1] if columns >= 2 and header_start >= i else []
        if not any(_year(h) is not None for h in header[1:]):
            i = max(values, i + 1)
            continue
        caption = next((c.text for c in reversed(lines[:header_start]) if c.text), "")
        i = words - 1
        value_lines = (_VALUE_LINE,) * columns
        while _is_line_row(cells := lines[i : i + 1 + columns], _HEADER_CELL, value_lines):
            rows.append(_row(cells, header, caption, cells[0].start, cells[-1].end))
            i += columns + 1
    return rows


_UNIT_HEADER = ("项目", "数量", "单位")
_UNIT_CELL = re.compile(r"^[^\d\s，,。；;：:]{1,3}$")
_UNIT_ROW_LABEL = re.compile(r"^[^\d０-９，,。；;！？]{1,24}$")  # 其中：农民工讨薪 too


def unit_column_rows(text: str) -> list[TableRow]:
    """Rows of a table pasted one cell per line whose columns are 项目 / 数量 / 单位: each row
    is a label, a number and its counter word (受理矛盾纠纷 / 186 / 件), read as label and
    value (186件)."""
    if "\n单位\n" not in text:
        return []
    lines, rows = _stripped_lines(text), []
    for i in range(len(lines) - 2):
        if tuple(c.text[:2] for c in lines[i : i + 3]) != _UNIT_HEADER:
            continue
        header, caption = lines[i : i + 2], lines[i - 1].text if i else ""
        at = i + 3
        while _is_line_row(lines[at : at + 3], _UNIT_ROW_LABEL, (_VALUE_LINE, _UNIT_CELL)):
            label, number, unit = lines[at : at + 3]
            value = Cell(number.start, unit.end, number.text + unit.text)
            rows.append(_yearless_row([label, value], header, caption, label.start, unit.end))
            at += 3
    return rows


def _is_line_row(
    cells: list[Cell], label: re.Pattern[str], values: tuple[re.Pattern[str], ...]
) -> bool:
    """A label line and one line per value pattern, in order."""
    return (
        len(cells) == len(values) + 1
        and bool(label.match(cells[0].text))
        and all(v.match(fold_width(c.text)) for v, c in zip(values, cells[1:], strict=True))
    )


# 行政机关负责人出庭应诉率：目标值90%，完成值100%。 (a list of indicators in an appendix)
_VALUE_TEXT = r"(?:[0-9][,，](?=[0-9]{3})|[^，,；;。\n])"  # a thousands comma ends no value
_VALUE_HEAD = r"目标值|完成值|实际完成值?|实际值|计划值"
_VALUE_ROW = re.compile(
    r"^[^\S\n]*(?:\d{1,2}[.、．]|[（(]\d{1,2}[)）])?[^\S\n]*(?P<label>[^：:\n，,。；;]{2,30})[：:]"
    rf"(?P<values>(?:[^\S\n]*(?:{_VALUE_HEAD})[：:]?[^\S\n]*"
    rf"{_VALUE_TEXT}{{1,16}}?[，,；;]?)+)[。；;]?[^\S\n]*$",
    re.M,
)
_VALUE_CELL = re.compile(rf"(?P<head>{_VALUE_HEAD})[：:]?[^\S\n]*(?P<value>{_VALUE_TEXT}+)")


def value_rows(text: str) -> list[TableRow]:
    """Indicator lines that name a target and a completed value (完成值), read as rows of a
    table without years whose columns are the value words: the target's column is skipped
    like a table's 目标 column."""
    if "完成值" not in text and "实际值" not in text and "实际完成" not in text:
        return []
    rows = []
    for m in _VALUE_ROW.finditer(text):
        label = Cell(m.start("label"), m.end("label"), m.group("label"))
        found = list(_VALUE_CELL.finditer(text, m.start("values"), m.end("values")))
        heads = ("", *(v.group("head") for v in found))
        cells = (label, *(Cell(v.start("value"), v.end("value"), v.group("value")) for v in found))
        caption = text[: m.start()].rstrip().rsplit("\n", 1)[-1].strip()
        labels = (label.text,) * len(cells)
        periods = (None,) * len(cells)
        rows.append(
            TableRow(
                m.start("label"), m.end("values"), cells, periods, labels, heads, caption, True
            )
        )
    return rows
