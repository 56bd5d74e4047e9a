"""Report attributes (contract "Report" section) from the decoded text of one report.

Only the head (title, web-page header), the tail (signature) and a few places in
between are read: the title and signature name the issuing place and body, the
header and signature give the date, and one pass over the text finds
the division names used to pick parents and provinces.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from datetime import date

from warehouse.contract import Report
from warehouse.gazetteer import Gazetteer, Mention, Place, load, support
from warehouse.numbers import translator
from warehouse.segment import APPENDIX

HEAD_CHARS = 2000
TAIL_CHARS = 600
APPENDIX_TAIL_CHARS = 3000
BODY_OPENING = 400
MAX_TITLE = 60
MAX_LEAD_LINES = 12  # a web page's menu items may come first
MAX_SIGNATURE = 40

_FOLD = translator(str.maketrans("０１２３４５６７８９：－／", "0123456789:-/"))
_CN_DIGITS = dict(zip("〇一二三四五六七八九", range(10), strict=True)) | dict.fromkeys("零○Ｏ", 0)
_CN_NUM = "〇零○Ｏ一二三四五六七八九十"

_MASK = r"(?:\*{2,}|＊{2,}|×{2,}|[XxＸ]{2,}|某{2,})"
_MASKED = re.compile(_MASK)
_MASKED_NAME = re.compile(_MASK + r"(?:自治区|自治州|自治县|地区|街道|省|市|州|盟|区|县|旗|镇|乡)")
_LOCAL_NAME = re.compile(r"[\u4e00-\u9fff]{2,6}?(?:街道|镇|乡|苏木)")
_APPENDIX_LINE = re.compile(rf"^[ \t\u3000]*(?:{APPENDIX.pattern})", re.M)
_COUNTY_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}?(?:区|县|旗)")
# development zones publish reports of their own (包头稀土高新区, 天津滨海新区)
_ZONE_NAME = re.compile(
    r"[\u4e00-\u9fff]{2,10}?(?:高新技术产业开发区|经济技术开发区|高新区|经开区|开发区|新区|园区|保税区)"
)
# characters no street or town name has before its suffix (府山街道 is one: 政府 is checked)
_NOT_IN_LOCAL = set("局厅委办于法治年的和及与各全本我该所在对市区县省")
_DIVISION_CHARS = set("市区县")
_LOCAL_AT_CLAUSE = re.compile(r"(?:^|[,，。;；:：\s])([\u4e00-\u9fff]{2,6}?(?:街道|镇|乡|苏木))")

_ARABIC_DATE = re.compile(
    r"(\d{4})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?|[-/.](\d{1,2})[-/.](\d{1,2}))"
)
_CN_DATE = re.compile(rf"([{_CN_NUM}]{{4}})年([{_CN_NUM}]{{1,3}})月([{_CN_NUM}]{{1,3}})日")
_YEAR = re.compile(rf"(?<![\d\-—–至])(\d{{4}}|[{_CN_NUM}]{{4}})\s*年(?!\s*[-—–至])")
_YEAR_RANGE = re.compile(r"\d{4}\s*年?\s*[-—–至]\s*(\d{4})\s*年")
_REPORTED_YEAR = re.compile(r"现将(?:我[省市区县旗镇乡局厅]|本[市区县镇局]|全[市区县])?(\d{4})年")
_CITED = re.compile(r"《[^《》]*》")

_SECTION = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．]|第[一二三四五六七八九十]+)"
)
_TITLE_WORD = re.compile(r"报告|总结|情况|要点|计划|汇报|述职|年报|工作|法治政府建设")
_TITLE_END = re.compile(r"(?:报告|总结|情况|要点|计划|汇报)$")
_TITLE_KIND = re.compile(r"报告|总结|情况|要点|计划|汇报|述职|年报")
_SENTENCE_END = re.compile(r"[。;；,，:：!！?？]$")
_TITLE_PREFIX = re.compile(rf"(.*?)(?=关于|\d{{4}}|[{_CN_NUM}]{{4}}年|年度|$)")
_TITLE_LEAD = re.compile(rf"^(?:关于|中共|(?:\d{{4}}|[{_CN_NUM}]{{4}})\s*年度?)+")
_CHROME = re.compile(
    r"^(?:当前位置|您当前|您现在|首页|原创\s|时间|发布时间|发布日期|日期|来源|信息来源|作者|稿件作者|浏览|"
    r"点击|字体|索引号|信息索引号|发布机构|文件编号|文号|效力|生成日期|公开日期|成文日期|主题|分类|"
    r"内容概述|名称|标题|附件|相关|打印|关闭|分享|扫一扫|责任编辑|上一篇|下一篇|【|\[|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})"
)
_FIELD_DATE = re.compile(
    r"(?:发布时间|发布日期|公开日期|时间|日期|^原创\s.*?)[:：\s]*(\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2})"
)
_LEADING_DATE = re.compile(r"^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2})")
_FIELD_NAME = re.compile(r"(?:名称|标题)[:：\s]+(\S.*)$")
_FIELD_PUBLISHER = re.compile(r"发布机构[:：\s]*([^\s:：—]+)")
_FIELD_SOURCE = re.compile(r"(?:信息来源|来源)[:：]\s*([^\s:：]+)")
_DATE_LINE = re.compile(r"^[(（]?\s*(\S{8,16}日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})\s*[)）]?$")

_ORG_END = re.compile(
    r"(?:人民政府|政府|办事处|党工委|管委会|委员会|办公室|司法所|局|厅|委|办|院|署|中心|支队)$"
)
_DEPT = re.compile(r"(?:局|厅|委员会|委|办公室|署|支队|所)$")
_NOT_DEPT = re.compile(
    r"依法治|法治建设|法治政府建设|党委|党工委|管委会|管理委员会|人大|政协|^委|^人民政府$"
)
_DEPT_CUE = re.compile(r"我(?:局|厅|委)")
_SUFFIX_LEVEL = (
    ("自治区", "province"),
    ("省", "province"),
    ("自治州", "city"),
    ("地区", "city"),
    ("盟", "city"),
    ("州", "city"),
    ("市", "city"),
    ("街道", "street"),
    ("镇", "town"),
    ("乡", "town"),
    ("苏木", "town"),
    ("林区", "county"),
    ("特区", "county"),
    ("区", "district"),
    ("县", "county"),
    ("旗", "county"),
)
_SELF_REF = re.compile(r"我([省市区县旗州])")


@dataclass(frozen=True, slots=True)
class Head:
    """What the first lines say: title, header fields and where the body starts."""

    title: str | None
    date: date | None
    publisher: str | None
    body: str


@dataclass(frozen=True, slots=True)
class Signature:
    """The signing body and date at the end of the report, when present."""

    org: str | None
    date: date | None


@dataclass(frozen=True, slots=True)
class Chain:
    """Place names written one after another (深圳市坪山区), and what follows them."""

    names: tuple[str, ...]
    rest: str


def extract_report(text: str, doc: str) -> Report:
    """The report attributes of one decoded report."""
    gaz = load()
    head = parse_head(_FOLD(text[:HEAD_CHARS]))
    signature = _signature(text)
    mentions = _uncited_mentions(text, gaz)
    title_chain = _title_chain(head.title, gaz) if head.title else Chain((), "")
    sig_chain = chain(signature.org, gaz) if signature.org else Chain((), "")
    masked = bool(_MASKED_NAME.search(text[:HEAD_CHARS]) or _MASKED_NAME.search(text[-TAIL_CHARS:]))
    names = title_chain.names or sig_chain.names or _body_chain(head.body, text, mentions, gaz)
    place = _Place.of(names, mentions, gaz, cited=_cited_mentions(text, gaz))
    return Report(
        doc=doc,
        title=head.title,
        jurisdiction=place.name,
        parent=place.parent,
        province=place.province,
        level="department" if _is_department(head, title_chain, sig_chain, text) else place.level,
        report_year=report_year(head, signature, text[:HEAD_CHARS]),
        published_on=head.date or signature.date,
        publisher=_publisher(head, signature, title_chain),
        masked=masked,
    )


# --- head and tail -------------------------------------------------------------------------


def _lines(segment: str) -> list[str]:
    return [_unbold(s) for line in segment.splitlines() if (s := line.strip(" \t\u3000\xa0\ufeff"))]


def _unbold(line: str) -> str:
    """A line set in Markdown bold as a whole (**青海省人民政府**) without the marks."""
    bold = len(line) > 4 and line.startswith("**") and line.endswith("**")
    return line[2:-2].strip() if bold else line


def is_title(line: str) -> bool:
    """A short heading line naming a report (not a section heading, not prose)."""
    return (
        len(line) <= MAX_TITLE
        and not _SECTION.match(line)
        and not _SENTENCE_END.search(line)
        and "," not in line
        and "，" not in line
        and bool(_TITLE_WORD.search(line))
        and bool(_YEAR.search(line) or _TITLE_KIND.search(line))  # not a menu item (法治政府建设)
    )


def _signature(text: str) -> Signature:
    """The signature at the end, or else right before an appendix in the last part of the
    text (北京市朝阳区人民政府 / 2025年3月20日 / 附件：主要指标完成情况 …)."""
    signature = parse_signature(_FOLD(text[-TAIL_CHARS:]))
    if signature.date is not None:
        return signature
    tail = max(0, len(text) - APPENDIX_TAIL_CHARS)
    if appendix := _APPENDIX_LINE.search(text, tail):
        body_end = appendix.start()
        return parse_signature(_FOLD(text[max(0, body_end - TAIL_CHARS) : body_end]))
    return signature


def parse_head(segment: str) -> Head:
    """Title, header date and publisher from the first lines of a report."""
    lines = _lines(segment)
    content = [i for i, line in enumerate(lines) if not _CHROME.match(line)]
    title, used = _title(lines, content)
    issuer, dated = _dateline(lines, content[used : used + 2])
    rest = content[used + dated :]
    first_body = rest[0] if rest else len(lines)
    chrome = [line for line in lines[:first_body] if _CHROME.match(line)]
    header_date = _header_date(chrome) or (
        _parse_date(lines[content[used + dated - 1]]) if dated else None
    )
    return Head(
        title or _field(chrome, _FIELD_NAME),
        header_date,
        _header_publisher(chrome) or issuer,
        "\n".join(lines[first_body:]),
    )


def _dateline(lines: list[str], after_title: list[int]) -> tuple[str | None, int]:
    """The issuer and how many lines a date under the title takes: （2017年2月14日）, or
    梅州市人民政府 then （2017年2月14日）; (None, 0) when no date follows the title."""
    texts = [lines[i] for i in after_title]
    if texts and _DATE_LINE.match(texts[0]):
        return None, 1
    if len(texts) == 2 and _is_org_line(texts[0]) and _DATE_LINE.match(texts[1]):
        return texts[0], 2
    return None, 0


def _title(lines: list[str], content: list[int]) -> tuple[str | None, int]:
    """The title and how many content lines it spans (a title may wrap onto a second line).

    Short lines before it (site names, menus) are passed over; a section heading or a
    line of prose before any title means the report has none.
    """
    for k, i in enumerate(content[:MAX_LEAD_LINES]):
        line = lines[i]
        if _SECTION.match(line) or _SENTENCE_END.search(line) or len(line) > MAX_TITLE:
            return None, 0
        if not is_title(line):
            continue
        if k + 1 < len(content) and not _TITLE_END.search(line):
            second = lines[content[k + 1]]
            if _is_title_tail(second) and is_title(line + second):
                return line + second, k + 2
        return line, k + 1
    return None, 0


def _is_title_tail(line: str) -> bool:
    """The wrapped end of a title (情况的报告), not a title or a line of its own."""
    return len(line) <= MAX_TITLE // 3 and bool(_TITLE_END.search(line)) and not _YEAR.search(line)


def _field(lines: list[str], pattern: re.Pattern[str]) -> str | None:
    for line in lines:
        if m := pattern.search(line):
            return m.group(1).strip()
    return None


def _header_date(chrome: list[str]) -> date | None:
    for pattern in (_FIELD_DATE, _LEADING_DATE):
        for line in chrome:
            if (m := pattern.search(line)) and (found := _parse_date(m.group(1))):
                return found
    return None


def _header_publisher(chrome: list[str]) -> str | None:
    if found := _field(chrome, _FIELD_PUBLISHER):
        return found
    source = _field(chrome, _FIELD_SOURCE)
    return source if source and _ORG_END.search(source) else None


def parse_signature(segment: str) -> Signature:
    """The signing body and date from the last lines (web-page footer lines skipped)."""
    lines = [line for line in _lines(segment) if not _CHROME.match(line)][-4:]
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        if _DATE_LINE.match(line):
            org = lines[i - 1] if i > 0 and _is_org_line(lines[i - 1]) else None
            return Signature(org, _parse_date(line))
        if (m := _ARABIC_DATE.search(line) or _CN_DATE.search(line)) and _is_org_line(
            line[: m.start()].strip()
        ):
            return Signature(line[: m.start()].strip(), _parse_date(line[m.start() :]))
    last = lines[-1] if lines else ""
    return Signature(last if _is_org_line(last) else None, None)


def _is_org_line(line: str) -> bool:
    return (
        2 < len(line) <= MAX_SIGNATURE
        and not _SECTION.match(line)
        and not _SENTENCE_END.search(line)
        and bool(_ORG_END.search(line))
    )


# --- dates and years -----------------------------------------------------------------------


def _cn_number(s: str) -> int:
    if "十" not in s:
        return int("".join(str(_CN_DIGITS[c]) for c in s))
    tens, _, ones = s.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _parse_date(s: str) -> date | None:
    """A date written 2021年12月20日, 2021-12-20 or 二〇二三年二月二十八日."""
    s = _FOLD(s)
    if m := _ARABIC_DATE.search(s):
        y, mo, d = m.group(1), m.group(2) or m.group(4), m.group(3) or m.group(5)
        parts = (int(y), int(mo), int(d))
    elif m := _CN_DATE.search(s):
        year, month, day = (_cn_number(g) for g in m.groups())
        parts = (year, month, day)
    else:
        return None
    try:
        return date(*parts)
    except ValueError:
        return None


def _year_value(token: str) -> int:
    return int(token) if token.isdigit() else _cn_number(token)


def _first_year(s: str) -> int | None:
    s = _CITED.sub("", s)
    if m := _YEAR_RANGE.search(s):
        return int(m.group(1))
    m = _YEAR.search(s)
    return _year_value(m.group(1)) if m else None


def _covered_year(signed: date | None) -> int | None:
    # Annual reports are signed early in the following year; a late-year signature is in-year.
    if signed is None:
        return None
    return signed.year - 1 if signed.month <= 6 else signed.year


def report_year(head: Head, signature: Signature, head_text: str) -> int | None:
    """The year the report covers: title, 现将…年 phrase, signature date, body, header date."""
    if head.title and (year := _first_year(head.title)):
        return year
    if m := _REPORTED_YEAR.search(head_text):
        return int(m.group(1))
    if year := _covered_year(signature.date):
        return year
    opening = _CITED.sub("", head.body[:BODY_OPENING])
    if m := _YEAR.search(opening):
        return _year_value(m.group(1))
    return _covered_year(head.date)


# --- places --------------------------------------------------------------------------------


def chain(s: str, gaz: Gazetteer) -> Chain:
    """Consecutive place names at the start of `s` (masked, gazetteer or street/town names)."""
    i = 0
    names: list[str] = []
    while i < len(s):
        if s[i] in " \u3000":
            i += 1
            continue
        name = _name_at(s, i, gaz, after_division=bool(names) and names[-1] in gaz)
        if not name:
            break
        names.append(name)
        i += len(name)
    return Chain(tuple(names), s[i:].strip())


def _name_at(s: str, i: int, gaz: Gazetteer, after_division: bool = False) -> str | None:
    if m := _MASKED_NAME.match(s, i):
        return m.group(0)
    if found := gaz.match_at(s, i):
        return found
    m = _LOCAL_NAME.match(s, i) or _ZONE_NAME.match(s, i)
    if m and _could_be_local(m.group(0)):
        return m.group(0)
    # a county-level name the gazetteer lacks, written right after its city (某市新设区)
    m = _COUNTY_NAME.match(s, i) if after_division else None
    if m and _could_be_local(m.group(0)):
        return m.group(0)
    return None


def _could_be_local(name: str) -> bool:
    """A street, town or zone name, not the end of an organisation (人民政府城关镇) nor a
    division and a name (某市城关镇); a one-character word before 市 is a name's (周市镇)."""
    inner = name[:1] + name[2:-1] if name[1:2] in _DIVISION_CHARS else name[:-1]
    return not _NOT_IN_LOCAL.intersection(inner) and "政府" not in name


def _title_chain(title: str, gaz: Gazetteer) -> Chain:
    """The places a title starts with, and the rest of its prefix (the body named, if any)."""
    stripped = _TITLE_LEAD.sub("", title)
    prefix = _title_prefix(stripped)
    found = chain(prefix, gaz)
    if not found.names and (first := next(gaz.scan(stripped), None)):
        return Chain(chain(stripped[first.start :], gaz).names, found.rest)
    return found


def _uncited_mentions(text: str, gaz: Gazetteer) -> list[Mention]:
    """Division names in the text, except inside titles of cited documents 《…》."""
    spans = [(m.start(), m.end()) for m in _CITED.finditer(text)]
    starts = [s for s, _ in spans]
    kept = []
    for mention in gaz.scan(text):
        k = bisect_right(starts, mention.start) - 1
        if k < 0 or spans[k][1] <= mention.start:
            kept.append(mention)
    return kept


def _cited_mentions(text: str, gaz: Gazetteer) -> list[Mention]:
    """Division names inside titles of cited documents 《…》 (offsets relative to the title)."""
    return [m for cited in _CITED.finditer(text) for m in gaz.scan(cited.group())]


def _body_chain(body: str, text: str, mentions: list[Mention], gaz: Gazetteer) -> tuple[str, ...]:
    """The place a report without title or signature speaks for, from its opening."""
    opening = body[:BODY_OPENING]
    if m := _MASKED_NAME.search(opening):
        return (m.group(0),)
    for m in _LOCAL_AT_CLAUSE.finditer(opening):
        name = m.group(1)
        if _could_be_local(name) and text.count(name) >= 2:
            return (name,)
    counts = Counter(m.name for m in mentions)
    early = {m.name for m in mentions if opening and m.name in opening}
    wanted = _self_reference(text[:HEAD_CHARS])
    ranked = sorted(
        counts, key=lambda n: (n.endswith(wanted) if wanted else False, n in early, counts[n])
    )
    return (ranked[-1],) if ranked else ()


def _self_reference(head: str) -> str | None:
    """The level suffix of 我市/我区/我县… most used in the head, if any."""
    refs = Counter(_SELF_REF.findall(head))
    return refs.most_common(1)[0][0] if refs else None


@dataclass(frozen=True, slots=True)
class _Place:
    name: str | None
    parent: str | None
    province: str | None
    level: str | None

    @classmethod
    def of(
        cls,
        names: tuple[str, ...],
        mentions: list[Mention],
        gaz: Gazetteer,
        cited: list[Mention] | None = None,
    ) -> _Place:
        if not names:
            return cls(None, None, None, None)
        name = names[-1]
        written_parent = names[-2] if len(names) > 1 and not _MASKED.search(names[-2]) else None
        context = set(names) | {m.name for m in mentions}
        if _MASKED.search(name):
            province = next((n for n in names if _gaz_level(n, gaz) == "province"), None)
            return cls(name, written_parent, province, _suffix_level(name))
        if name in gaz:
            found = _agreed(gaz.best(name, context))
            parent = written_parent or found.parent
            return cls(name, parent, found.province, found.level or _suffix_level(name))
        # a town that names its county only in a cited document (《永宁县…实施方案》)
        parent = (
            written_parent
            or _zone_city(name, gaz)
            or _local_parent(mentions, gaz)
            or _local_parent(cited or [], gaz)
        )
        above = _agreed(gaz.best(parent, context)) if parent else _Agreed()
        province = parent if above.level == "province" else above.province
        return cls(name, parent, province, _suffix_level(name))


@dataclass(frozen=True, slots=True)
class _Agreed:
    """The attributes all remaining candidates of a name agree on (None where they differ)."""

    parent: str | None = None
    province: str | None = None
    level: str | None = None


def _agreed(candidates: tuple[Place, ...]) -> _Agreed:
    if not candidates:
        return _Agreed()

    def common(values: set[str | None]) -> str | None:
        return values.pop() if len(values) == 1 else None

    return _Agreed(
        common({c.parent for c in candidates}),
        common({c.province for c in candidates}),
        common({c.level for c in candidates}),
    )


def _gaz_level(name: str, gaz: Gazetteer) -> str | None:
    return _agreed(gaz.lookup(name)).level if name in gaz else None


def _suffix_level(name: str) -> str | None:
    return next((level for suffix, level in _SUFFIX_LEVEL if name.endswith(suffix)), None)


def _zone_city(name: str, gaz: Gazetteer) -> str | None:
    """The city a development zone is named after (包头稀土高新区 → 包头市)."""
    if not _ZONE_NAME.fullmatch(name):
        return None
    for length in (3, 2):
        cities = [p for p in gaz.lookup(name[:length]) if p.level in ("city", "province")]
        if len(cities) == 1:  # 长沙经开区: 长沙市, not 长沙县
            return cities[0].name
    return None


def _local_parent(mentions: list[Mention], gaz: Gazetteer) -> str | None:
    """For a street or town: the county-level division the text names, else the city; the
    one whose city or province the text also names wins, then the one named most
    (章贡区 with 赣州市 and 江西省 in the text beats the common words 老城区)."""
    context = {m.name for m in mentions}
    for levels in (("district", "county"), ("city",)):
        counts = Counter(m.name for m in mentions if _gaz_level(m.name, gaz) in levels)
        if counts:
            return max(counts, key=lambda name: (_name_support(name, context, gaz), counts[name]))
    return None


def _name_support(name: str, context: set[str], gaz: Gazetteer) -> int:
    return max((support(place, context) for place in gaz.lookup(name)), default=0)


# --- department and publisher --------------------------------------------------------------


def _is_dept_org(rest: str) -> bool:
    return bool(_DEPT.search(rest)) and not _NOT_DEPT.search(rest)


def _is_department(head: Head, title_chain: Chain, sig_chain: Chain, text: str) -> bool:
    """Whether the report is a department's account of its own work, signed by it.

    The body a title starts with decides; else the signing body, unless the title names
    only a place and the text never speaks as 我局/我厅/我委; else the page's publisher
    when the text speaks as one.
    """
    if _ORG_END.search(title_chain.rest):
        return _is_dept_org(title_chain.rest)
    speaks_as_department = bool(_DEPT_CUE.search(text[:HEAD_CHARS]))
    if sig_chain.rest:
        return _is_dept_org(sig_chain.rest) and (not title_chain.names or speaks_as_department)
    return speaks_as_department and _is_dept_org(head.publisher or "")


def _title_org(title: str | None, title_chain: Chain) -> str | None:
    """The issuing body a title starts with (区依法治区办2015年…), not a bare place name."""
    if not title or not _ORG_END.search(title_chain.rest):
        return None
    return _title_prefix(re.sub(r"^关于", "", title)).strip() or None


def _title_prefix(title: str) -> str:
    """What precedes 关于 / the year in a title (the pattern matches every string)."""
    m = _TITLE_PREFIX.match(title)
    return m.group(1) if m else title


def _publisher(head: Head, signature: Signature, title_chain: Chain) -> str | None:
    return _title_org(head.title, title_chain) or signature.org or head.publisher
