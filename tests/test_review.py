"""The HTML audit page: every fact highlighted once, text intact, markup well formed."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser as Dom
from selectolax.lexbor import LexborNode

from warehouse.contract import Fact, Report
from warehouse.review import (
    format_value,
    render_review,
    review_file_name,
    write_reviews,
)

TEXT = (
    "关于<2015>年&工作的报告\n"
    "全区调解案件13688件，调解成功13250件，调解成功率达96.8%。\n"
    "达成协议金额22150.68万元；行政复议申请同比下降14.28%。\n"
)
REPORT = Report(
    doc="000_abc.txt",
    title="关于<2015>年&工作的报告",
    jurisdiction="**区",
    level="district",
    report_year=2015,
    published_on=date(2016, 1, 5),
    publisher="区依法治区办",
    masked=True,
)


def fact(metric: str, evidence: str, value: float, **fields: object) -> Fact:
    start = TEXT.index(evidence)
    row: dict[str, object] = {
        "doc": REPORT.doc,
        "metric": metric,
        "breakdown": "total",
        "value": value,
        "unit": "case",
        "qualifier": "exact",
        "period": 2015,
        "evidence": evidence,
        "start": start,
        "end": start + len(evidence),
    }
    return Fact(**{**row, **fields})  # type: ignore[arg-type]


FACTS = [
    fact("disputes.mediated", "全区调解案件13688件", 13688),
    # crosses the span above and contains the two below
    fact("legal_aid.cases", "13688件，调解成功13250件", 13688.0),
    fact("disputes.mediated_success", "调解成功13250件", 13250),
    fact("enforcement.trained", "调解成功13250件", 13250, unit="person"),
    fact("disputes.success_rate", "调解成功率达96.8%", 96.8, unit="percent"),
    fact(
        "disputes.amount", "达成协议金额22150.68万元", 221506800.0, unit="yuan", qualifier="approx"
    ),
    fact("stated_change", "下降14.28%", -14.28, breakdown="行政复议申请", unit="percent"),
    fact("admin_review.received", "<2015>年&工作", 1, breakdown='a"b<c>'),
]


def first(node: Dom | LexborNode, selector: str) -> LexborNode:
    found = node.css_first(selector)
    assert found is not None, selector
    return found


def attr(node: LexborNode, name: str) -> str:
    value = node.attributes.get(name)
    assert value is not None, name
    return value


def anchor_of(page: Dom, f: Fact) -> str:
    """The anchor of a fact, found through its table row (row order is not assumed)."""
    for row in page.css("#facts tbody tr"):
        cells = [td.text() for td in row.css("td")]
        link = first(row, "a")
        if cells[1:3] == [f.metric, f.breakdown] and link.text() == f.evidence:
            return attr(link, "href").removeprefix("#")
    raise AssertionError(f"no row for {f}")


def pieces_text(page: Dom, anchor: str) -> str:
    return "".join(m.text() for m in page.css(f'#text mark[data-fact="{anchor}"]'))


def test_every_fact_has_exactly_one_anchor_covering_its_evidence() -> None:
    page = Dom(render_review(TEXT, REPORT, FACTS))
    anchors = [anchor_of(page, f) for f in FACTS]
    assert len(set(anchors)) == len(FACTS)
    for f, anchor in zip(FACTS, anchors, strict=True):
        marks = page.css(f'[id="{anchor}"]')
        assert len(marks) == 1
        assert marks[0].tag == "mark"
        assert attr(marks[0], "data-metric") == f.metric
        assert pieces_text(page, anchor) == f.evidence


def test_nested_span_keeps_its_whole_evidence_in_one_mark() -> None:
    page = Dom(render_review(TEXT, REPORT, FACTS))
    inner = FACTS[2]
    assert first(page, f"#{anchor_of(page, inner)}").text() == inner.evidence


def test_crossing_span_is_split_into_continuations_without_a_second_id() -> None:
    page = Dom(render_review(TEXT, REPORT, FACTS))
    anchor = anchor_of(page, FACTS[1])
    pieces = page.css(f'mark[data-fact="{anchor}"]')
    assert len(pieces) == 2
    assert pieces[1].attributes.get("id") is None
    assert attr(pieces[1], "title") == attr(pieces[0], "title")


def test_title_class_and_value_attributes() -> None:
    page = Dom(render_review(TEXT, REPORT, FACTS))
    mark = first(page, f"#{anchor_of(page, FACTS[5])}")
    assert attr(mark, "title") == "disputes.amount · total · 221,506,800 yuan · approx · 2015"
    assert attr(mark, "data-value") == "221506800"
    assert attr(mark, "class").split() == [
        "fact",
        "metric-disputes-amount",
        "domain-disputes",
    ]
    change = first(page, f"#{anchor_of(page, FACTS[6])}")
    assert attr(change, "title") == "stated_change · 行政复议申请 · -14.28 percent · exact · 2015"
    assert "domain-stated_change" in attr(change, "class").split()


def test_text_container_reproduces_the_source_exactly() -> None:
    page = Dom(render_review(TEXT, REPORT, FACTS))
    assert first(page, "#text").text() == TEXT
    assert len(page.css("#text mark")) > len(FACTS)


def test_rows_link_to_existing_marks_and_marks_to_existing_rows() -> None:
    page = Dom(render_review(TEXT, REPORT, FACTS))
    ids = {attr(node, "id") for node in page.css("[id]")}
    rows = page.css("#facts tbody tr")
    assert len(rows) == len(FACTS)
    for row in rows:
        target = attr(first(row, "a"), "href").removeprefix("#")
        assert target in ids
        assert attr(row, "id") == f"row-{target}"
    for mark in page.css("#text mark"):
        assert f"row-{attr(mark, 'data-fact')}" in ids


def test_user_text_is_escaped_everywhere() -> None:
    html = render_review(TEXT, REPORT, FACTS)
    assert "<2015>" not in html
    assert "&lt;2015&gt;年&amp;工作" in html
    page = Dom(html)
    assert first(page, "h1").text() == REPORT.title
    mark = first(page, f"#{anchor_of(page, FACTS[7])}")
    assert attr(mark, "title").startswith('admin_review.received · a"b<c> · 1 case')


class TagBalance(HTMLParser):
    """Fails on any end tag that does not close the innermost open element."""

    VOID = frozenset({"meta", "br", "hr", "img", "input", "link"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert len({name for name, _ in attrs}) == len(attrs), f"duplicate attribute in <{tag}>"
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()


def assert_well_formed(html: str) -> None:
    checker = TagBalance()
    checker.feed(html)
    checker.close()
    assert checker.stack == []


def test_markup_is_well_formed_and_self_contained() -> None:
    html = render_review(TEXT, REPORT, FACTS)
    assert_well_formed(html)
    page = Dom(html)
    assert page.css("link, img, iframe, script[src]") == []
    ids = [attr(node, "id") for node in page.css("[id]")]
    assert len(ids) == len(set(ids))


def test_header_shows_attributes_and_counts() -> None:
    page = Dom(render_review(TEXT, REPORT, FACTS))
    attributes = {
        first(row, "th").text(): first(row, "td").text() for row in page.css("table.attributes tr")
    }
    assert attributes["jurisdiction"] == "**区"
    assert attributes["published_on"] == "2016-01-05"
    assert attributes["parent"] == "—"
    assert attributes["masked"] == "yes"
    counts = {
        tds[0].text(): tds[1].text()
        for row in page.css("table.counts tbody tr")
        if len(tds := row.css("td")) == 2
    }
    assert counts["disputes.mediated"] == "1"
    assert len(counts) == len({f.metric for f in FACTS})


def test_bad_offsets_and_empty_spans_keep_their_anchor_and_are_flagged() -> None:
    orgs = fact("disputes.orgs", "全区", 3)
    empty = replace(orgs, evidence="", end=orgs.start)
    beyond = fact("disputes.mediators", "报告", 9, start=len(TEXT) - 2, end=len(TEXT) + 5)
    page = Dom(render_review(TEXT, REPORT, [*FACTS, empty, beyond]))
    assert first(page, "#text").text() == TEXT
    rows = page.css("#facts tbody tr")
    flagged = [row.css("td")[1].text() for row in rows if row.attributes.get("class") == "mismatch"]
    assert flagged == ["disputes.mediators"]
    for f in (empty, beyond):
        assert len(page.css(f'[id="{anchor_of(page, f)}"]')) == 1


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (221506800.0, "221,506,800"),
        (13688, "13,688"),
        (96.8, "96.8"),
        (1234.5, "1,234.5"),
        (-14.28, "-14.28"),
        (0.0, "0"),
    ],
)
def test_format_value(value: float, shown: str) -> None:
    assert format_value(value) == shown


def test_write_reviews_writes_pages_and_an_index(tmp_path: Path) -> None:
    other = Report(doc="sub/dir/001#x.txt", title="第二份")
    paths = write_reviews([(TEXT, REPORT, FACTS), ("无数字", other, [])], tmp_path)
    names = [p.name for p in paths]
    assert names == ["000_abc.txt.html", "sub_dir_001#x.txt.html", "index.html"]
    assert all(p.parent == tmp_path and p.is_file() for p in paths)
    index = Dom(paths[-1].read_text(encoding="utf-8"))
    rows = index.css("tbody tr")
    links = [attr(first(row, "a"), "href") for row in rows]
    assert links == ["000_abc.txt.html", "sub_dir_001%23x.txt.html"]
    assert [row.css("td")[-1].text() for row in rows] == [str(len(FACTS)), "0"]
    page = Dom(paths[1].read_text(encoding="utf-8"))
    assert first(page, "#text").text() == "无数字"


def test_review_file_name_stays_in_the_output_directory() -> None:
    assert review_file_name("../../etc/passwd") == "_.._etc_passwd.html"
    assert "/" not in review_file_name("a\\b/c")


def test_write_reviews_refuses_to_overwrite(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="overwrite"):
        write_reviews([("", Report(doc="a/b"), []), ("", Report(doc="a_b"), [])], tmp_path)
    with pytest.raises(ValueError, match=r"index\.html"):
        write_reviews([("", Report(doc="index"), [])], tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("seed", range(25))
def test_random_overlapping_spans_keep_every_invariant(seed: int) -> None:
    rng = random.Random(seed)
    spans = [sorted(rng.choices(range(len(TEXT) + 1), k=2)) for _ in range(rng.randint(1, 12))]
    facts = [
        replace(FACTS[0], breakdown=f"b{i}", evidence=TEXT[a:b], start=a, end=b)
        for i, (a, b) in enumerate(spans)
    ]
    html = render_review(TEXT, REPORT, facts)
    assert_well_formed(html)
    page = Dom(html)
    assert first(page, "#text").text() == TEXT
    for f in facts:
        anchor = anchor_of(page, f)
        assert len(page.css(f'[id="{anchor}"]')) == 1
        assert pieces_text(page, anchor) == f.evidence
