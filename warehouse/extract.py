"""Typed facts from the text of one report, driven by the catalog (catalog.yaml).

One pass of a compiled pattern spots every number followed by a counter word
(件, 宗, 名, 人次, %...). Each candidate then gets cheap local checks: is it in a
plan section, a document title, a cumulative or absolute-change phrase; which
catalog rule names its subject in the clause (or after the counter word); which
breakdown; which year. A clause that only lists a sub-population (其中民事案件N件)
or another year (上年为N件) inherits the metric of the sentence's last headline
fact. Tables with a header row of years yield one fact per year cell.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from warehouse.catalog import STATED_CHANGE, TOTAL, Catalog, Metric, Rule, load_catalog
from warehouse.contract import FIRST_YEAR, Fact
from warehouse.numbers import (
    NUMBER,
    NUMBER_CHARS,
    NUMBER_FIRST,
    PERCENT_WORDS,
    QUALIFIER_WORDS,
    fold_width,
    fold_years,
    has_tenths,
    parse_number,
    qualifier,
)
from warehouse.segment import (
    APPENDIX,
    CLAUSE_ENDS,
    HAS_DIGIT,
    SPACE,
    TOTAL_ROW,
    Bounds,
    Cell,
    TableRow,
    cell_line_rows,
    heading_level,
    left_bound,
    line_span,
    space_table_rows,
    table_rows,
    unit_column_rows,
    value_rows,
)

ENGINE_VERSION = "3"
"""Bump when decoding, layout or extraction code changes what a file yields."""
EXTRACTOR_VERSION = f"{ENGINE_VERSION}-{load_catalog().digest}"
"""Changes whenever the engine or catalog.yaml changes; caches of facts key on it."""

_SENTENCE_LIMIT = 600
_CLAUSE_LIMIT = 200
_PARAGRAPH_LIMIT = 3000
_TITLE = re.compile(r"《[^》\n]*》")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_YEAR_SINCE = re.compile(r"((?:19|20)\d{2})\s*年(?:[^，,。]{0,4})?以来")
_LABEL_UNIT = re.compile(r"[（(]\s*(?:单位[:：]\s*)?([^()（）]{1,3})\s*[)）]")
_MULTIPLIER = {"万": 10_000, "亿": 100_000_000}
_AFTER_QUALIFIER = re.compile(r"[ \u00a0]?(?:以上|左右|以下|以内)")
_TARGET_HEADER = re.compile(r"目标|计划|预计|预期")
_INLINE_HEADING = re.compile(
    r"[ \t\u3000]*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])"
)
_CHANGE_HEADER = re.compile(r"同比|增长|增幅|增减|变化|涨幅|降幅")
_SIGNED_CELL = re.compile(
    rf"^(?:{QUALIFIER_WORDS})?(增长|增加|上升|提高|下降|减少|降低)?([-−+]?)\s*({NUMBER})\s*(余|多)?\s*"
    rf"([^\d\s]{{0,2}})$"
)
_DOWN_CELL = ("-", "−", "下降", "减少", "降低")
# what a caption says after the subject of its table (法律援助案件类型分布如下表：)
_CAPTION_TAIL = re.compile(
    r"(?:的)?(?:类型|类别|结构|分类|构成)?(?:分布|统计|构成|情况)*(?:表)?"
    r"(?:如下表?|见下表|详见下表)?[:：。]?$"
)
_PERCENT = ("%", "％")
_BULLET = re.compile(r"[▲△●○■□◆◇★☆•·*\-—\s]*")
_BLANK = "\n" + SPACE
_SUBITEM_LABEL = re.compile(r"^(?:其中|含|包括)[:：]?\s*")
# 行政复议案件、行政诉讼案件分别为32件、45件: subjects listed before 分别, numbers after it
_RESPECTIVELY = re.compile(r"分别(?:为|是|达到?|有|占|约)?[ \u00a0]?")
_CONJUNCTION = re.compile(r"(?<=..)(?:以及|和|及|与)(?=..)")
_ITEM_SEPARATOR = re.compile(rf"、|{_CONJUNCTION.pattern}")
_NUMBER_SEPARATOR = re.compile(r"(?:以上|左右)?[ \u00a0]?(?:、|，|,|和|及|与|以及)[ \u00a0]?")
_YEAR_ITEM = re.compile(r"((?:19|20)\d{2})\s*年度?")
_YEAR_LIST_GAP = 20
# 为未成年人、老年人分别办理N件、M件: a handling verb may stand between 分别 and the numbers
_LIST_VERB = re.compile(r"(?:(?:办理|受理|承办|提供)了?)?")
# 2016年至2020年，…分别为1652宗、1718宗…: a range of years before a 分别 list
_YEAR_RANGE = re.compile(r"((?:19|20)\d{2})\s*年?\s*[-—–~～至到]\s*((?:19|20)\d{2})\s*年")


def _candidate_pattern(catalog: Catalog, words: bool = False) -> re.Pattern[str]:
    """Numbers followed by a counter word; with `words`, also 百分之九十八点五 and 九成 (group
    pct)."""
    counters = "|".join("个(?!百分点)" if c == "个" else re.escape(c) for c in catalog.counters)
    pattern = (
        rf"(?<![0-9０-９.．A-Za-z])(?P<num>{NUMBER})[ \u00a0]?"
        rf"(?P<inner>余|多)?(?P<mult>万|亿)?[ \u00a0]?(?P<ctr>{counters})"
    )
    return re.compile(rf"(?P<pct>{PERCENT_WORDS})|{pattern}" if words else pattern)


def _spot_pattern(catalog: Catalog, words: bool = False) -> re.Pattern[str]:
    """A cheap filter for where `_candidate_pattern` can match: it finds every such start.

    It begins with a character class, so the regex engine skips other characters fast,
    and it only looks ahead for a counter word after a run of number characters.
    """
    counters = "|".join(re.escape(c) for c in catalog.counters)
    ahead = rf"[{NUMBER_CHARS}余多]*(?:{counters})" + (
        "|分之|(?<=[一两二三四五六七八九])成" if words else ""
    )
    return re.compile(rf"[{NUMBER_FIRST}](?={ahead})")


_CANDIDATE = _candidate_pattern(load_catalog())
_CANDIDATE_WORDS = _candidate_pattern(load_catalog(), words=True)
_SPOT = _spot_pattern(load_catalog())
_SPOT_WORDS = _spot_pattern(load_catalog(), words=True)


def _candidates(text: str) -> Iterator[re.Match[str]]:
    """The matches of the candidate pattern in `text`, as `finditer` gives them."""
    words = "百分之" in text or has_tenths(text)
    pattern, spot = (_CANDIDATE_WORDS, _SPOT_WORDS) if words else (_CANDIDATE, _SPOT)
    pos = 0
    while hit := spot.search(text, pos):
        if m := pattern.match(text, hit.start()):
            yield m
            pos = m.end()
        else:
            pos = hit.start() + 1


def _any_of(*patterns: re.Pattern[str]) -> re.Pattern[str]:
    """One pattern that matches (or is found) exactly where one of `patterns` is."""
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns))


def _afters(catalog: Catalog) -> dict[str, re.Pattern[str] | None]:
    """Per counter word, one pattern that matches where any `after` rule matches."""
    result = {}
    for counter, rules in catalog.rules_by_counter.items():
        afters = [r.after for r in rules if r.after is not None]
        result[counter] = _any_of(*afters) if afters else None
    return result


_AFTERS = _afters(load_catalog())
# cheap first filters of `_DocExtractor.skipped`, on the raw window and sentence
_SKIP_WINDOW = _any_of(load_catalog().plan_clause, load_catalog().cumulative_weak)
_SKIP_SENTENCE = _any_of(
    load_catalog().plan_sentence, load_catalog().cumulative, re.compile("以来")
)


@dataclass(slots=True)
class _Context:
    """The text around one candidate number; all positions index `text`.

    Only the window and the text after the number are cut eagerly: most candidates are
    dismissed on those two, so the longer left contexts are cut on first use.
    """

    text: str
    ns: int  # number start
    ce: int  # end of the counter word (and of a trailing 以上/左右)
    sent_start: int
    window_start: int  # clause start, or the end of the previous number in the clause
    local_start: int
    window: str
    after: str
    _sentence: str | None = None
    _paragraph: str | None = None

    @property
    def sentence_left(self) -> str:
        if self._sentence is None:
            self._sentence = self.text[self.sent_start : self.ns]
        return self._sentence

    @property
    def paragraph_left(self) -> str:
        if self._paragraph is None:
            start = self.text.rfind("\n", max(0, self.ns - _PARAGRAPH_LIMIT), self.ns) + 1
            self._paragraph = self.text[start : self.ns]
        return self._paragraph

    @property
    def local(self) -> str:
        return self.text[self.local_start : self.ns]


@dataclass(slots=True)
class _Choice:
    metric: Metric
    breakdown: str
    start: int
    end: int
    rank: tuple[int, int, int, int]
    unit: str  # what the counter word counts for the rule that named the metric
    period: int | None = None  # when the text pairs the number with a year of its own


@dataclass(slots=True)
class _Anchor:
    metric: str
    breakdown: str
    period: int
    end: int


@dataclass(frozen=True, slots=True)
class _Respective:
    """One number of a 分别 list and the item it pairs with."""

    item: str  # its subject as listed (全市受理行政复议案件, 行政诉讼案件, 刑事) or ""
    last: str  # the last subject, whose noun short items share (刑事、民事、行政案件)
    start: int  # where the list's clause starts: the evidence starts there
    window: str  # for a list of years, the text naming the metric; else ""
    year: int | None  # for a list of years (2019年、2020年分别…), this number's year


@dataclass(slots=True)
class _ChangeRun:
    """The changes a 分别 phrase is giving in turn (同比分别增长5%、8%): sign, subject, the
    evidence start, and where the last of them ended."""

    sign: int
    subject: str
    start: int
    end: int


def _percent_words(m: re.Match[str]) -> str | None:
    """The percentage a candidate writes out in words (百分之九十八点五), if it does."""
    return m.group("pct") if m.re is _CANDIDATE_WORDS else None


def _number_start(m: re.Match[str]) -> int:
    return m.start() if _percent_words(m) else m.start("num")


def _respective_lists(bounds: Bounds, found: list[re.Match[str]]) -> dict[int, _Respective]:
    """The numbers of every 分别 list, by number start, paired with their items in order.

    A list counts only when it names as many items (subjects or years) as numbers follow
    分别, separated by 、，和 and the like.
    """
    text, out = bounds.text, {}
    starts = [m.start() for m in found]
    for hit in _RESPECTIVELY.finditer(text):
        clause_start = bounds.start(bounds.clause, hit.start(), _CLAUSE_LIMIT)
        run = _list_numbers(text, found, bisect.bisect_left(starts, hit.end()))
        items = _list_items(text[clause_start : hit.start()], len(run))
        if items is None:
            items = _range_years(
                text,
                bounds.start(bounds.sentence, hit.start(), _SENTENCE_LIMIT),
                hit.start(),
                len(run),
            )
        if items is None:
            continue
        numbers = run[: len(items)]
        years = [int(y[1]) if (y := _YEAR_ITEM.fullmatch(fold_width(i))) else None for i in items]
        gap = text[hit.end() : _number_start(numbers[0])]
        if (
            None not in years
            and len(gap) <= _YEAR_LIST_GAP
            and not any(c in gap for c in CLAUSE_ENDS)
        ):
            window = text[clause_start : _number_start(numbers[0])]
            for m, year in zip(numbers, years, strict=True):
                out[_number_start(m)] = _Respective("", "", clause_start, window, year)
        elif all(y is None for y in years) and _LIST_VERB.fullmatch(gap.strip()):
            for m, item in zip(numbers, items, strict=True):
                out[_number_start(m)] = _Respective(item, items[-1], clause_start, "", None)
    return out


def _range_years(text: str, start: int, end: int, numbers: int) -> list[str] | None:
    """The years of the last range named in `text[start:end]` (2016年至2020年), as list
    items, when there are as many as `numbers` follow."""
    ranges = list(_YEAR_RANGE.finditer(fold_width(text[start:end])))
    if not ranges:
        return None
    last = ranges[-1]
    first, final = int(last.group(1)), int(last.group(2))
    if not 2 <= final - first + 1 == numbers:
        return None
    return [f"{year}年" for year in range(first, final + 1)]


def _item_subjects(listed: _Respective, verbs: re.Pattern[str]) -> Iterator[str]:
    """What a 分别 list item may stand for: itself; itself with the last item's noun,
    after the last item's verb (全省受理、办结行政复议案件: 全省受理行政复议案件) or, for a
    shorter item, after as many characters (刑事、行政案件: 刑事案件); the last item."""
    item, last = listed.item, listed.last
    yield item
    if verb := verbs.match(last):
        yield item + last[verb.end() :]
    elif 0 < len(item) < len(last):
        yield item + last[len(item) :]
    yield last


def _list_items(head: str, numbers: int) -> list[str] | None:
    """The items listed in `head`, when there are two or more and no more than `numbers`.

    Items are split at 、 and conjunctions; if that gives too many (被告、被申请人的诉讼案件和
    复议案件: the 、 is inside the first item), at the conjunctions alone.
    """
    for separator in (_ITEM_SEPARATOR, _CONJUNCTION):
        items = [i.strip() for i in separator.split(head)]
        if 2 <= len(items) <= numbers and all(items):
            return items
    return None


def _list_numbers(text: str, found: list[re.Match[str]], first: int) -> list[re.Match[str]]:
    """The candidates from `found[first]` on that only list separators keep apart."""
    run = found[first : first + 1]
    for after in found[first + 1 :]:
        if not _NUMBER_SEPARATOR.fullmatch(text, run[-1].end(), _number_start(after)):
            break
        run.append(after)
    return run


def infer_report_year(text: str) -> int | None:
    """The year a report covers when the caller does not know it.

    The first year named in the first three non-empty lines (the title or the
    opening sentence, e.g. 新吴区2020年法治政府建设工作报告), else the year named most
    often in the whole text, else None.
    """
    head = [line for line in text.split("\n", 12)[:12] if line.strip()][:3]
    for line in head:
        if m := _YEAR.search(fold_years(fold_width(line))):
            return int(m.group(1))
    counts = Counter(int(y) for y in _YEAR.findall(fold_years(fold_width(text))))
    return counts.most_common(1)[0][0] if counts else None


def _plain(text: str) -> str:
    """A copy for keyword checks: titles of documents blanked, full-width folded."""
    return _TITLE.sub("《》", fold_years(fold_width(text)))


def _plan_regions(text: str, catalog: Catalog, year: int | None) -> list[tuple[int, int]]:
    regions: list[tuple[int, int]] = []
    first_line_end = text.find("\n", len(text) - len(text.lstrip()))
    for m in catalog.plan_heading.finditer(text):
        line = line_span(text, m.start())
        content = text[line.start : line.end]
        if regions and m.start() < regions[-1][1]:
            continue
        # the title line (2015年工作总结及2016年工作计划) is no plan heading
        title = line.start < first_line_end and heading_level(content.strip()) is None
        level = None if title else _plan_heading_level(content, catalog, year)
        if level is not None:
            regions.append((line.start, _region_end(text, line.end, level, catalog, year)))
        elif (inline := _inline_plan(text, m.start(), catalog, year)) is not None:
            regions.append(inline)
    return regions


def _inline_plan(text: str, pos: int, catalog: Catalog, year: int | None) -> tuple[int, int] | None:
    """A plan section whose heading runs on inside a long line: 。三、下一步工作打算 一是…"""
    start = max(text.rfind(c, max(0, pos - 25), pos) for c in "。！？\n") + 1
    m = _INLINE_HEADING.match(text, start, pos)
    if m is None:
        return None
    heading = text[m.start() : pos + 30].split("。")[0]
    if _plan_heading_level(heading[:30], catalog, year) is None:
        return None
    level = heading_level(m.group().strip()) or 1
    for nxt in _INLINE_HEADING.finditer(text, pos):
        found = heading_level(nxt.group().strip())
        following = text[nxt.start() : nxt.start() + 30]
        if found is not None and found <= level and not catalog.plan_heading.search(following):
            return m.start(), nxt.start()
    return m.start(), len(text)


def _plan_heading_level(line: str, catalog: Catalog, year: int | None) -> int | None:
    stripped = line.strip()
    level = heading_level(stripped)
    if level is None and (len(stripped) > 30 or "。" in stripped):
        return None
    if catalog.plan_done.search(stripped):
        return None
    years = [int(y) for y in _YEAR.findall(fold_width(stripped))]
    if years and year is not None and max(years) <= year:
        return None
    return 1 if level is None else level


def _region_end(text: str, pos: int, level: int, catalog: Catalog, year: int | None) -> int:
    while pos < len(text):
        line = line_span(text, pos + 1)
        content = text[line.start : line.end].strip()
        found = heading_level(content)
        is_plan = catalog.plan_heading.search(content) is not None and (
            _plan_heading_level(content, catalog, year) is not None
        )
        if (found is not None and found <= level and not is_plan) or APPENDIX.match(content):
            return line.start
        pos = line.end
    return len(text)


def _merge(regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(regions):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _inside(regions: list[tuple[int, int]], starts: list[int], pos: int) -> bool:
    i = bisect.bisect_right(starts, pos) - 1
    return i >= 0 and pos < regions[i][1]


def _in_title(text: str, start: int, pos: int) -> bool:
    return text.rfind("《", start, pos) > text.rfind("》", start, pos)


def _context(bounds: Bounds, ns: int, ce: int, prev_end: int) -> _Context:
    text = bounds.text
    sent_start = bounds.start(bounds.sentence, ns, _SENTENCE_LIMIT)
    clause_start = bounds.start(bounds.clause, ns, _CLAUSE_LIMIT)
    label_end = ns
    if clause_start == ns and (label_end := _label_colon(text, ns)) != ns:
        clause_start = bounds.start(bounds.clause, label_end, _CLAUSE_LIMIT)
    window_start = max(clause_start, prev_end)
    local_start = bounds.item_start(label_end, window_start)
    clause_end = bounds.end(bounds.clause, ce, _CLAUSE_LIMIT)
    window, after = text[window_start:ns], text[ce:clause_end]
    return _Context(text, ns, ce, sent_start, window_start, local_start, window, after)


def _label_colon(text: str, ns: int) -> int:
    """The colon ending a label right before the number at `ns` (受理行政复议申请：128件),
    else `ns` itself."""
    start = max(0, ns - 4)
    before = text[start:ns].rstrip(SPACE)
    return start + len(before) - 1 if before.endswith(("：", ":")) else ns


def _opened(text: str, ctx: _Context) -> int:
    """Where the parenthesis holding the number opens in its sentence, else -1."""
    if "（" not in ctx.sentence_left and "(" not in ctx.sentence_left:
        return -1
    depth = 0  # 村（社区）调委会14个 sits in the parenthesis that opened before 乡调委会1个、
    for pos in range(ctx.ns - 1, max(ctx.sent_start, ctx.ns - _CLAUSE_LIMIT) - 1, -1):
        if text[pos] in "）)":
            depth += 1
        elif text[pos] in "（(":
            if depth == 0:
                return pos
            depth -= 1
    return -1


def _list_context(ctx: _Context, subject: str) -> _Context:
    """`ctx` as if `subject` stood right before the number: for the items of a 分别 list."""
    end = len(subject)
    return _Context(subject, end, end, 0, 0, 0, subject, "", ctx.sentence_left, ctx.paragraph_left)


def _rank_rule(rule: Rule, ctx: _Context, ctr: str) -> _Choice | None:
    if ctr not in rule.counters:
        return None
    if rule.near is not None:
        m = rule.near.search(ctx.window)
        if m is None or "、" in m.group("gap") or "等" in m.group("gap"):
            return None
        start = ctx.window_start + m.start()
        start = ctx.local_start if start >= ctx.local_start else ctx.window_start
        distance, length, end = len(m.group("gap")), m.start("gap") - m.start(), ctx.ce
    else:
        m = rule.after.match(ctx.after) if rule.after else None
        if m is None:
            return None
        start, distance, length, end = ctx.local_start, 0, m.end(), ctx.ce + m.end()
    if rule.not_near is not None and rule.not_near.search(ctx.window):
        return None
    if rule.exclude is not None and (  # a statement before a semicolon is another one's
        rule.exclude.search(_after_semicolon(ctx.sentence_left)) or rule.exclude.search(ctx.after)
    ):
        return None
    context_distance = 0
    if rule.context is not None:
        scope = ctx.sentence_left
        cm = rule.context.match(scope)
        if cm is None and rule.paragraph_context:
            scope = ctx.paragraph_left
            cm = rule.context.match(scope)
        if cm is None:
            return None
        context_distance = len(scope) - cm.end()
    metric = load_catalog().metrics[rule.metric]
    rank = (rule.priority, -distance, -context_distance, length)
    return _Choice(metric, TOTAL, start, end, rank, rule.counters[ctr])


def _breakdown(metric: Metric, text: str) -> str | None:
    best: tuple[int, str] | None = None
    for code, pattern in metric.breakdown_patterns:
        m = pattern.match(text)
        if m and (best is None or m.end() > best[0]):
            best = (m.end(), code)
    return best[1] if best else None


def _after_semicolon(text: str) -> str:
    """The part of a sentence after its last semicolon: a breakdown never crosses one."""
    return text[max(text.rfind("；"), text.rfind(";")) + 1 :]


def _direct(catalog: Catalog, ctx: _Context, ctr: str) -> _Choice | None:
    trigger, after = catalog.triggers_by_counter[ctr], _AFTERS[ctr]
    near_ok = trigger is not None and trigger.search(ctx.window) is not None
    after_ok = after is not None and after.match(ctx.after) is not None
    if not (near_ok or after_ok):
        return None
    choices = [
        c
        for r in catalog.rules_by_counter[ctr]
        if (near_ok if r.near is not None else after_ok) and (c := _rank_rule(r, ctx, ctr))
    ]
    if not choices:
        return None
    best = max(choices, key=lambda c: c.rank)
    sentence_scope = best.metric.breakdown_scope == "sentence"
    scope = _after_semicolon(ctx.sentence_left) if sentence_scope else ctx.local
    best.breakdown = (
        _breakdown(best.metric, _plain(scope))
        or (None if sentence_scope else _breakdown(best.metric, _plain(ctx.window)))
        or (best.end > ctx.ce and _breakdown(best.metric, _plain(ctx.text[ctx.ce : best.end])))
        or TOTAL
    )
    return best


def _topic(catalog: Catalog, ctx: _Context, ctr: str, text: str) -> _Choice | None:
    window = ctx.window.strip()
    if "*" in window or window[:1] in "-•·":  # - 依法**受理: list and emphasis marks
        window = _BULLET.sub("", window)
    if not catalog.subjectless.match(window):
        return None
    best: tuple[int, Metric] | None = None
    for metric in catalog.metrics.values():
        if metric.topic is None or ctr not in metric.counters:
            continue
        m = metric.topic.match(ctx.sentence_left)
        if m and (best is None or m.end() > best[0]):
            best = (m.end(), metric)
    if best is None:
        return None
    end, metric = best
    start = left_bound(text, ctx.sent_start + end, CLAUSE_ENDS, _CLAUSE_LIMIT)
    start = max(start, ctx.sent_start)
    breakdown = _breakdown(metric, _plain(ctx.sentence_left)) or TOTAL
    return _Choice(metric, breakdown, start, ctx.ce, (0, 0, 0, 0), metric.counters[ctr])


@lru_cache(maxsize=4096)
def _number(span: str, scale: int = 1) -> float:
    """The value of a number span times `scale`, without binary noise (22150.68万 → 221506800)."""
    rounded = round(parse_number(span) * scale, 4)
    return float(int(rounded)) if rounded.is_integer() else rounded


class _DocExtractor:
    """Extraction state for one document: the last headline fact of the current sentence."""

    def __init__(self, text: str, doc: str, year: int | None) -> None:
        self.text = text
        self.doc = doc
        self.year = year
        self.catalog = load_catalog()
        self.bounds = Bounds(text)
        self.anchors: list[_Anchor] = []  # the current sentence's headline facts, in order
        self.anchor_sentence = -1
        self.table_parent: tuple[tuple[str, ...], Metric] | None = None
        self.table_sub = False  # the last table row was a part (其中…) of its parent row
        self.respective: dict[int, _Respective] = {}
        self.change_run: _ChangeRun | None = None

    def fact(
        self,
        metric: str,
        breakdown: str,
        value: float,
        unit: str,
        qual: str,
        period: int | None,
        start: int,
        end: int,
    ) -> Fact:
        return Fact(
            self.doc,
            metric,
            breakdown,
            value,
            unit,
            qual,
            period or self.year or 0,
            self.text[start:end],
            start,
            end,
        )

    def period(self, ctx: _Context) -> int | None:
        if self.year is not None and (m := self.catalog.rise_from.search(ctx.window)):
            return self.prior_period(m.group()[1:], self.year)  # 由上年的76.5%
        if "年" in ctx.window and (years := _YEAR.findall(_plain(ctx.window))):
            return int(years[-1])
        first_end = self.bounds.end(self.bounds.clause, ctx.sent_start, _CLAUSE_LIMIT)
        first = self.text[ctx.sent_start : first_end]
        if (
            first_end < ctx.window_start
            and "年" in first
            and (years := _YEAR.findall(_plain(first)))
        ):
            return int(years[-1])
        return self.year

    def skipped(self, ctx: _Context, per_year: bool = False) -> bool:
        """Plans, cumulative figures, absolute changes and other non-levels; for a figure
        of one year in a list of years (`per_year`), plans only."""
        cat = self.catalog
        if not (_SKIP_WINDOW.search(ctx.window) or _SKIP_SENTENCE.search(ctx.sentence_left)):
            return False
        window, sentence = _plain(ctx.window), _plain(ctx.sentence_left)
        if cat.plan_clause.search(window) or cat.plan_sentence.search(sentence):
            return True
        if per_year or (_YEAR.search(window) and not cat.cumulative.search(window)):
            return False  # 近年来…，2018年全省办理法律援助案件41260件: that year's figure
        if cat.cumulative.search(sentence):
            return True
        if cat.cumulative_weak.search(window) and not cat.annual.search(sentence):
            return True
        since = _YEAR_SINCE.search(sentence)
        return bool(since and self.year and int(since.group(1)) < self.year)

    def candidate(self, m: re.Match[str], prev_end: int) -> list[Fact]:
        text = self.text
        if pct := _percent_words(m):
            ns, num, inner, mult, ctr = m.start(), pct, "", "", "%"
        else:
            ns, num, ctr = m.start("num"), m.group("num"), m.group("ctr")
            inner, mult = m.group("inner") or "", m.group("mult") or ""
        if (num == "一" and not text.endswith(("案件", "纠纷"), 0, ns)) or (
            self.catalog.not_a_count_before.search(text[max(0, ns - 3) : ns])
            or self.catalog.not_a_count_after.match(text, m.end())
        ):
            return []  # 一件事, 第43次, 三项制度; but 行政诉讼案件一件
        after_qual = _AFTER_QUALIFIER.match(text, m.end())
        ce = after_qual.end() if after_qual else m.end()
        ctx = _context(self.bounds, ns, ce, prev_end)
        if _in_title(text, ctx.sent_start, ns):
            return []
        if ctx.sent_start != self.anchor_sentence:
            if not self.continues_headline(ctx.sent_start):
                self.anchors = []
            self.anchor_sentence = ctx.sent_start
        qual = qualifier(text[max(0, ns - 6) : ns], inner, text[m.end() : ce])
        value = _number(num, _MULTIPLIER.get(mult, 1))
        if ctr in _PERCENT:
            if "环比" in ctx.window[-8:]:
                return []  # a change over the last quarter or month: no year-over-year change
            change = self.change(ctx, value, qual)
            if change is not None:
                return [] if self.skipped(ctx) else [change]
        elif self.catalog.absolute_change_before.search(ctx.window):
            return []
        listed = self.respective.get(ns)
        choice = (
            (listed and self.listed(ctx, ctr, listed))
            or _direct(self.catalog, self.subject_context(ctx), ctr)
            or _topic(self.catalog, ctx, ctr, self.text)
        )
        if choice is None and self.anchor is None:
            return []  # nothing to name it after, whatever its year
        if self.skipped(ctx, per_year=listed is not None and listed.year is not None):
            return []
        return self.level(ctx, ctr, value, qual, choice)

    @property
    def anchor(self) -> _Anchor | None:
        """The sentence's last headline fact."""
        return self.anchors[-1] if self.anchors else None

    def anchor_for(self, ctr: str) -> tuple[_Anchor, Metric] | None:
        """The headline a sub-item with counter `ctr` belongs to: the last one if its metric
        counts in `ctr`, else the sentence's first that does (调解纠纷327件，调解成功率98.2%；
        其中诉前调解48件 breaks down the 327 cases, not the rate)."""
        for anchor in [*self.anchors[-1:], *self.anchors]:
            metric = self.catalog.metrics[anchor.metric]
            if ctr in metric.counters:
                return anchor, metric
        return None

    def continues_headline(self, sent_start: int) -> bool:
        """A sentence opening with 其中 breaks down the previous sentence's headline."""
        anchor = self.anchor
        opening = _BULLET.match(self.text, sent_start)
        start = opening.end() if opening else sent_start
        if anchor is None or not self.catalog.subitem_marker.match(self.text, start):
            return False
        previous = sent_start - 1  # the last character of the previous sentence
        while previous > 0 and self.text[previous] in _BLANK:
            previous -= 1
        sentence = self.bounds.sentence
        return self.bounds.start(sentence, anchor.end, _SENTENCE_LIMIT) == self.bounds.start(
            sentence, previous, _SENTENCE_LIMIT
        )

    def subject_context(self, ctx: _Context) -> _Context:
        """`ctx` as the rules should see it: without a 由上年的 between subject and number,
        and with the subject before a parenthesis that ends right before the number
        (调解组织（含社区调委会13个）共21个)."""
        if ctx.window[:1] in ("）", ")"):
            open_at = max(self.text.rfind(p, 0, ctx.window_start) for p in "（(")
            if open_at >= 0:
                start = self.bounds.start(self.bounds.clause, open_at, _CLAUSE_LIMIT)
                window = self.text[start:open_at] + ctx.window[1:]
                return replace(ctx, window_start=start, window=window)
        if ("由" in ctx.window or "从" in ctx.window) and (
            m := self.catalog.rise_from.search(ctx.window)
        ):
            return replace(ctx, window=ctx.window[: m.start()])
        if ctx.window.endswith(("）", ")")):  # 法律援助案件（含刑事、民事）3715件
            open_at = max(ctx.window.rfind("（"), ctx.window.rfind("("))
            if open_at > 0:
                return replace(ctx, window=ctx.window[:open_at])
        return ctx

    def level(
        self, ctx: _Context, ctr: str, value: float, qual: str, choice: _Choice | None
    ) -> list[Fact]:
        period = choice.period if choice and choice.period else self.period(ctx)
        if period is not None and self.year is not None and period > self.year:
            return []  # a report describes past years: a later year is a target
        if choice is None:
            return self.inherited(ctx, ctr, value, qual)
        self.follow_headline(choice, ctx)
        subitem = self.is_subitem(choice, ctx)
        if subitem and choice.breakdown == TOTAL:
            return []
        fact = self.fact(
            choice.metric.code,
            choice.breakdown,
            value,
            choice.unit,
            qual,
            period,
            choice.start,
            choice.end,
        )
        if not subitem:
            self.anchors.append(_Anchor(fact.metric, fact.breakdown, fact.period, ctx.ce))
        return [fact]

    def follow_headline(self, choice: _Choice, ctx: _Context) -> None:
        """A figure whose breakdown is read from its sentence takes the headline's breakdown
        when its own clause names none: in 调解纠纷216件，包括诉前调解31件…，调解成功率99.1%
        the rate is the headline's, not the last sub-item's."""
        anchor = self.anchor
        if (
            anchor is not None
            and choice.metric.breakdown_scope == "sentence"
            and self.catalog.metrics[anchor.metric].domain == choice.metric.domain
            and _breakdown(choice.metric, _plain(ctx.window)) is None
        ):
            choice.breakdown = anchor.breakdown

    def listed(self, ctx: _Context, ctr: str, listed: _Respective) -> _Choice | None:
        """The metric of a number in a 分别 list, from the item it pairs with.

        A short item (刑事 in 刑事、民事、行政案件) shares the last item's noun: the metric
        comes from the last item and the breakdown from this one.
        """
        if listed.year is not None:
            choice = _direct(self.catalog, _list_context(ctx, listed.window), ctr)
        else:
            choice = next(
                (
                    c
                    for subject in _item_subjects(listed, self.catalog.change.subject_verbs)
                    if (c := _direct(self.catalog, _list_context(ctx, subject), ctr))
                ),
                None,
            )
            if choice is None:
                return self.anchored(ctx, ctr, listed)
            choice.breakdown = _breakdown(choice.metric, _plain(listed.item)) or TOTAL
        if choice is not None:
            choice.start, choice.end, choice.period = listed.start, ctx.ce, listed.year
        return choice

    def anchored(self, ctx: _Context, ctr: str, listed: _Respective) -> _Choice | None:
        """The sentence's headline metric for a list item naming only a breakdown of it
        (其中老年人、妇女案件分别为41件、76件)."""
        metric = self.catalog.metrics[self.anchor.metric] if self.anchor else None
        if metric is None or ctr not in metric.counters:
            return None
        breakdown = _breakdown(metric, _plain(listed.item))
        if breakdown is None or breakdown == TOTAL:
            return None
        return _Choice(metric, breakdown, listed.start, ctx.ce, (0, 0, 0, 0), metric.counters[ctr])

    def is_subitem(self, choice: _Choice, ctx: _Context) -> bool:
        """A part of the sentence's headline figure (其中…, 含…) rather than a headline,
        or a part named in parentheses before its total (调解组织（含调委会13个）共21个)."""
        anchor = self.anchor
        part = anchor is None or anchor.metric == choice.metric.code or self.counts_headline(choice)
        opened = _opened(self.text, ctx)
        if opened >= 0 and self.catalog.subitem_marker.match(self.text, opened + 1, ctx.ns):
            return part  # （其中调解成功6711件） after the cases mediated is an outcome of its own
        if (
            opened >= 0
            and anchor
            and anchor.metric == choice.metric.code
            and anchor.end == opened
            and "年" not in self.text[opened : ctx.ns]  # （2015年为61件） is another year's
        ):
            return True  # 调解组织15个（乡调委会1个、村调委会14个）: the parts of the total
        if anchor is None or not part:
            return False
        between = _after_semicolon(self.text[anchor.end : ctx.ns])
        return bool(self.catalog.subitem_marker.search(between))

    def counts_headline(self, choice: _Choice) -> bool:
        """A head count counting what the headline counts (执法人员 under 236名…参加轮训), not
        another kind of thing (调解员 after 调解委员会9个，其中…)."""
        anchor = self.anchor
        return (
            anchor is not None
            and choice.metric.stock
            and choice.metric.unit == self.catalog.metrics[anchor.metric].unit
        )

    def inherited(self, ctx: _Context, ctr: str, value: float, qual: str) -> list[Fact]:
        """A breakdown item or another year's figure of the sentence's headline fact."""
        found = self.anchor_for(ctr)
        if found is None:
            return []
        anchor, metric = found
        local = _plain(ctx.local).strip()
        if self.catalog.prior_year.match(local) or self.catalog.rise_to.match(local):
            period = (
                self.period(ctx)
                if self.catalog.rise_to.match(local)
                else self.prior_period(local, anchor.period)
            )
            return [
                self.fact(
                    metric.code,
                    anchor.breakdown,
                    value,
                    metric.counters[ctr],
                    qual,
                    period,
                    ctx.local_start,
                    ctx.ce,
                )
            ]
        breakdown = _breakdown(metric, local)
        if breakdown is None:
            return []
        return [
            self.fact(
                metric.code,
                breakdown,
                value,
                metric.counters[ctr],
                qual,
                self.period(ctx),
                ctx.local_start,
                ctx.ce,
            )
        ]

    def prior_period(self, local: str, anchor_period: int) -> int:
        local = local.lstrip("比较与")  # 比2020年的251件
        if m := _YEAR.match(local):
            return int(m.group(1))
        for word, offset in self.catalog.prior_year_offsets.items():
            if local.startswith(word):
                return anchor_period - offset
        return anchor_period

    def change(self, ctx: _Context, value: float, qual: str) -> Fact | None:
        cat = self.catalog.change
        m = cat.pattern.search(ctx.window)
        if m is not None:
            verb = m.group("verb")
            sign = -1 if any(verb.startswith(d) for d in cat.down) else 1
            subject, start = self.change_subject(ctx, ctx.window_start + m.start())
            respective = "分别" in ctx.window[m.start() :]
            self.change_run = _ChangeRun(sign, subject, start, ctx.ce) if respective else None
        elif (run := self.change_run) and _NUMBER_SEPARATOR.fullmatch(self.text, run.end, ctx.ns):
            sign, subject, start = run.sign, run.subject, run.start  # 同比分别增长5%、8%
            run.end = ctx.ce
        else:
            return None
        return self.fact(
            STATED_CHANGE, subject, sign * value, "percent", qual, self.period(ctx), start, ctx.ce
        )

    def change_subject(self, ctx: _Context, phrase_start: int) -> tuple[str, int]:
        """The subject of a change as written, and where its evidence starts."""
        start, end = ctx.window_start, phrase_start
        while True:
            subject = _clean_subject(self.text[start:end], self.catalog)
            if subject or start <= ctx.sent_start:
                return subject or "unknown", start
            end = start - 1
            start = self.bounds.start(self.bounds.clause, end, _CLAUSE_LIMIT)

    def table_facts(self, row: TableRow) -> list[Fact]:
        facts = []
        label = row.cells[0].text
        parent = (
            self.table_parent if self.table_parent and row.headers == self.table_parent[0] else None
        )
        sub = bool(_SUBITEM_LABEL.match(label)) or bool(  # 其中：刑事, then 民事
            parent and self.table_sub and _breakdown(parent[1], _plain(label)) not in (None, TOTAL)
        )
        inherited = parent[1] if parent and sub else None
        self.table_sub = sub
        remarks = "，".join(c.text for c in row.cells[1:] if not _SIGNED_CELL.match(c.text))
        context = f"{row.caption}，{remarks}"  # what names the table and the row's words
        for i, cell in enumerate(row.cells[1:], start=1):
            fact = self.table_cell(row, i, cell, context, inherited)
            if fact is not None:
                facts.append(fact)
                if not sub and fact.metric != STATED_CHANGE:
                    self.table_parent = (row.headers, self.catalog.metrics[fact.metric])
        return facts

    def table_cell(
        self, row: TableRow, i: int, cell: Cell, context: str, inherited: Metric | None = None
    ) -> Fact | None:
        """The fact of one cell; `context` is the caption and the row's words (备注 cells)."""
        m = _SIGNED_CELL.match(cell.text)
        if m is None:
            return None
        sign = -1 if m.group(1) in _DOWN_CELL or m.group(2) in _DOWN_CELL else 1
        label, start = row.labels[i], row.cells[0].start
        unit_word = m.group(5) or (u.group(1) if (u := _LABEL_UNIT.search(label)) else "")
        scale = _MULTIPLIER.get(unit_word[:1], 1) if len(unit_word) > 1 else 1  # （万件）
        unit_word = unit_word[1:] if scale > 1 else unit_word
        value = sign * _number(m.group(3), scale)
        qual = qualifier(cell.text[: m.start(1) if m.group(1) else m.start(2)], m.group(4) or "")
        name = _LABEL_UNIT.sub("", label).strip()
        period = row.periods[i]
        if _TARGET_HEADER.search(row.headers[i]) or (period and self.year and period > self.year):
            return None
        if period is None:
            if _CHANGE_HEADER.search(row.headers[i]) and m.group(5) in _PERCENT:
                name = _SUBITEM_LABEL.sub("", name)
                return self.fact(
                    STATED_CHANGE, name, value, "percent", qual, self.year, start, cell.end
                )
            if not row.yearless:
                return None
            period = self.year
        if inherited is not None:
            # 其中：农民工案件 under 法律援助案件: the parent row's metric, this row's breakdown
            name = _SUBITEM_LABEL.sub("", name)
            sub_breakdown = _breakdown(inherited, _plain(name))
            if sub_breakdown is not None and sub_breakdown != TOTAL:
                ctr = unit_word if unit_word in inherited.counters else ""
                unit = inherited.counters.get(ctr, inherited.unit)
                return self.fact(
                    inherited.code, sub_breakdown, value, unit, qual, period, start, cell.end
                )
        # a sub-row may name a metric of its own (其中：调解成功 under 调解矛盾纠纷)
        choice = self.table_metric(name, context, unit_word)
        if choice is None:
            return self.caption_cell(row, name, unit_word, value, qual, period, cell)
        if choice[0] is inherited:
            return None
        metric, ctr = choice
        breakdown = _breakdown(metric, _plain(name)) or TOTAL
        unit = metric.counters.get(ctr, metric.unit)
        return self.fact(metric.code, breakdown, value, unit, qual, period, start, cell.end)

    def caption_cell(
        self,
        row: TableRow,
        name: str,
        unit_word: str,
        value: float,
        qual: str,
        period: int | None,
        cell: Cell,
    ) -> Fact | None:
        """A row naming only a breakdown (民事, 合计) of the metric its table's caption names
        (法律援助案件类型分布如下表：)."""
        last = re.split(r"[。！？；;]", row.caption.rstrip().rstrip("。"))[-1]
        subject = _CAPTION_TAIL.sub("", last)
        choice = self.table_metric(subject, "", unit_word) if subject else None
        if choice is None:
            return None
        metric, ctr = choice
        label = row.cells[0].text
        # 行政 under 全县法律援助案件: 行政法律援助案件, the label before the subject's noun
        named = (_breakdown(metric, _plain(label + subject[k:])) for k in range(len(subject)))
        breakdown = TOTAL if TOTAL_ROW.match(label) else next(filter(None, named), None)
        if breakdown is None:
            return None
        unit = metric.counters.get(ctr, metric.unit)
        return self.fact(metric.code, breakdown, value, unit, qual, period, row.start, cell.end)

    def table_metric(self, name: str, caption: str, unit_word: str) -> tuple[Metric, str] | None:
        sentence = f"{caption}，{name}"
        end = len(name)
        ctx = _Context(name, end, end, 0, 0, 0, name, "", sentence, sentence)
        counters = (
            [unit_word]
            if unit_word in self.catalog.rules_by_counter
            else list(self.catalog.counters)
        )
        best: tuple[_Choice, str] | None = None
        for ctr in counters:
            for rule in self.catalog.rules_by_counter[ctr]:
                choice = _rank_rule(rule, ctx, ctr)
                if choice and (best is None or choice.rank > best[0].rank):
                    best = (choice, ctr)
        return (best[0].metric, best[1]) if best else None


def _clean_subject(raw: str, catalog: Catalog) -> str:
    raw = raw.replace("**", "").strip()  # Markdown emphasis: **收到…5,216件**，同比增长**12.8%**
    if "\t" in raw or "|" in raw:  # a table row's 备注 cell: the subject is the row's label
        raw = next(
            (c for c in re.split(r"[\t|]", raw) if c.strip() and not HAS_DIGIT.search(c)), ""
        )
        raw = _LABEL_UNIT.sub("", raw).strip()
    plain = re.sub(rf"{NUMBER}\s*(?:余|多)?\s*(?:[%％]|[^\s，,；;。]{{0,2}}?)$", "", raw)
    plain = plain.split("分别", 1)[0]
    plain = catalog.change.subject_comparison.sub("", plain).rsplit("的", 1)[-1]
    verb = catalog.change.subject_verbs.match(plain)
    if verb:
        plain = plain[verb.end() :]
    plain = catalog.change.subject_strip.sub("", plain)
    plain = catalog.change.pattern.sub("", plain)
    return plain.strip(" \u00a0\u3000“”\"'")


def extract_facts(text: str, doc: str, report_year: int | None) -> list[Fact]:
    """All catalog facts stated in `text`, ordered by start offset.

    `text[f.start:f.end] == f.evidence` holds for every fact. Periods default to
    `report_year`; when it is None, the year is inferred by `infer_report_year`
    (and is 0 when the text names no year at all).
    """
    year = report_year if report_year is not None else infer_report_year(text)
    ex = _DocExtractor(text, doc, year)
    facts: list[Fact] = []
    plans = _merge(_plan_regions(text, ex.catalog, year))
    plan_starts = [start for start, _ in plans]
    rows = table_rows(text, include_yearless=True) + cell_line_rows(text) + value_rows(text)
    rows += unit_column_rows(text)
    if "年" in text or "  " in text:  # a space table has a header of years or of names
        rows += space_table_rows(text)
    rows.sort(key=lambda r: r.start)
    covered = []
    for row in rows:
        if not _inside(plans, plan_starts, row.start):
            found = ex.table_facts(row)
            facts.extend(found)
            if found or not row.yearless:
                covered.extend(_table_spans(row))
        elif not row.yearless:
            covered.append((row.start, row.end))
    regions = _merge(plans + covered)
    starts = [start for start, _ in regions]
    prev_end = 0
    spotted = list(_candidates(text))
    if "分别" in text:
        ex.respective = _respective_lists(ex.bounds, spotted)
    for m in spotted:
        if not _inside(regions, starts, m.start()):
            facts.extend(ex.candidate(m, prev_end))
        prev_end = m.end()
    facts.sort(key=lambda f: (f.start, f.end, f.metric, f.breakdown))
    return [f for f in facts if plausible(f)]


def _table_spans(row: TableRow) -> list[tuple[int, int]]:
    """What the table reading of `row` accounts for: the whole row, but for cells of words
    (a 备注 cell: 同比增长43.6%, 其中农民工案件612件), which are read as prose."""
    spans = [(row.start, row.cells[1].start if len(row.cells) > 1 else row.end)]
    for cell in row.cells[1:]:
        if _SIGNED_CELL.match(cell.text) or not HAS_DIGIT.search(cell.text):
            spans.append((cell.start, cell.end))
    return spans


def plausible(fact: Fact) -> bool:
    """A figure the contract can hold: a rate within 0–100 (a stated change may exceed it)
    and a year from 2000 to now. Anything else is a misreading or a typo in the source."""
    if not FIRST_YEAR <= fact.period <= date.today().year:
        return False
    return fact.unit != "percent" or fact.metric == STATED_CHANGE or 0 <= fact.value <= 100
