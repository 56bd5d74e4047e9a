from __future__ import annotations

import random
from pathlib import Path

import pytest
from fixtures_inputs import (
    HTML_PAGE,
    HTML_REPORT_LINES,
    REPORT,
    REPORT_GB18030_ONLY,
    REPORT_TRADITIONAL,
)

from warehouse.config import SEEDS_DIR
from warehouse.decode import Decoded, RejectedInput, decode, html_to_text

SEEDS = sorted(SEEDS_DIR.glob("*.txt"))


@pytest.mark.parametrize(
    ("text", "codec", "expected"),
    [
        (REPORT, "utf-8", "utf-8"),
        (REPORT, "utf-8-sig", "utf-8-sig"),
        (REPORT, "gbk", "gb18030"),
        (REPORT, "gb2312", "gb18030"),
        (REPORT_GB18030_ONLY, "gb18030", "gb18030"),
        (REPORT_TRADITIONAL, "big5", "big5"),
        (REPORT, "utf-16", "utf-16"),
    ],
)
def test_decodes_report_in_each_encoding(text: str, codec: str, expected: str) -> None:
    decoded = decode(text.encode(codec), "report.txt")
    assert decoded.text == text
    assert decoded.encoding == expected
    assert decoded.content_type == "text"


@pytest.mark.parametrize(
    "phrase",
    ["法治政府建设年度报告", "调解成功率达98.5%", "受理法律援助案件356件", "行政复议", "新吴区"],
)
def test_short_gbk_phrases_are_not_mistaken_for_big5(phrase: str) -> None:
    assert decode(phrase.encode("gbk"), "a.txt").text == phrase


@pytest.mark.parametrize(
    "phrase", ["法治政府建設年度報告", "調解成功率達98.5%", "受理法律援助案件356件", "辦結"]
)
def test_short_big5_phrases_are_not_mistaken_for_gbk(phrase: str) -> None:
    decoded = decode(phrase.encode("big5"), "a.txt")
    assert (decoded.text, decoded.encoding) == (phrase, "big5")


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_seed_reports_decode_the_same_from_utf8_and_gb18030(seed: Path) -> None:
    text = seed.read_text(encoding="utf-8").replace("\r\n", "\n").replace("\r", "\n")
    assert decode(seed.read_bytes(), seed.name).text == text
    assert decode(text.encode("gb18030"), seed.name) == Decoded(text, "gb18030", "text")


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_line_breaks_become_newlines(newline: str) -> None:
    data = REPORT.replace("\n", newline).encode("gbk")
    assert decode(data, "a.txt").text == REPORT


def test_html_page_gives_visible_article_text() -> None:
    decoded = decode(HTML_PAGE.encode("gbk"), "page.htm")
    assert decoded.encoding == "gb18030"
    assert decoded.content_type == "html"
    assert decoded.text.split("\n") == list(HTML_REPORT_LINES)
    for hidden in ("网站首页", "政务公开", "版权所有", "999", "777", "请启用脚本", "广告", "搜索"):
        assert hidden not in decoded.text


def test_html_recognised_by_content_under_txt_name() -> None:
    page = HTML_PAGE.replace("charset=gbk", "charset=utf-8")
    decoded = decode(page.encode("utf-8"), "saved.txt")
    assert (decoded.content_type, decoded.encoding) == ("html", "utf-8")
    assert decoded.text.split("\n") == list(HTML_REPORT_LINES)


def test_meta_charset_big5_is_respected() -> None:
    page = (
        f'<html><head><meta charset="big5"></head><body><p>{REPORT_TRADITIONAL}</p></body></html>'
    )
    decoded = decode(page.encode("big5"), "page.html")
    assert decoded.encoding == "big5"
    assert "調解成功率達98.5%" in decoded.text


def test_meta_charset_that_lies_loses_to_valid_utf8() -> None:
    page = f"<html><head><meta charset=gbk></head><body><p>{REPORT}</p></body></html>"
    decoded = decode(page.encode("utf-8"), "page.html")
    assert decoded.encoding == "utf-8"
    assert "调解成功率达98.5%" in decoded.text


def test_html_whitespace_and_entities() -> None:
    text = html_to_text("<body><div>a \n\t b&nbsp;&lt;c&gt;</div><div></div><p>d<br/>e</p></body>")
    assert text == "a b <c>\nd\ne"


def test_deeply_nested_html_does_not_recurse() -> None:
    html = "<div>" * 5000 + "调解1件" + "</div>" * 5000
    assert html_to_text(html) == "调解1件"


def test_truncated_last_character_is_tolerated() -> None:
    decoded = decode(REPORT.encode("gbk")[:-2] + "纠".encode("gbk")[:1], "a.txt")
    assert decoded.encoding == "gb18030"
    assert decoded.text.startswith(REPORT[:-2])


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \n\r\n\t", "empty file (only whitespace)"),
        (b"%PDF-1.4\n...", "binary content (PDF signature)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary content (PNG signature)"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "binary content (JPEG signature)"),
        (b"GIF89a\x01\x00", "binary content (GIF signature)"),
        (b"PK\x03\x04\x14\x00", "binary content (ZIP/DOCX/XLSX signature)"),
        ("调解\x00纠纷".encode(), "binary content (NUL bytes)"),
        (b"<html><body><script>x()</script></body></html>", "empty text: the HTML page"),
    ],
)
def test_rejections_name_the_reason(data: bytes, reason: str) -> None:
    with pytest.raises(RejectedInput) as caught:
        decode(data, "a.txt")
    assert caught.value.reason.startswith(reason)


def test_random_bytes_are_undecodable() -> None:
    rng = random.Random(3)
    data = bytes(rng.randrange(1, 256) for _ in range(2000))
    with pytest.raises(RejectedInput, match="undecodable"):
        decode(data, "a.txt")


def test_merged_table_cells_line_up_with_their_columns() -> None:
    page = (
        "<table><tr><th rowspan=2>年度</th><th colspan=2>行政复议（件）</th></tr>"
        "<tr><th>收到申请</th><th>办结</th></tr>"
        "<tr><td>2023年</td><td>412</td><td>398</td></tr></table>"
    )
    assert html_to_text(page).splitlines() == [
        "年度\t行政复议（件）收到申请\t行政复议（件）办结",
        "2023年\t412\t398",
    ]


def test_a_table_laying_out_the_page_keeps_its_paragraphs() -> None:
    prose = "全年受理行政复议申请68件，依法受理61件，办结58件，其余3件正在审理中。" * 8
    page = f"<table><tr><td><p>一、主要工作</p><p>{prose}</p></td></tr></table>"
    assert html_to_text(page).splitlines() == ["一、主要工作", prose]


def test_a_source_line_break_between_chinese_characters_renders_as_nothing() -> None:
    html = "<p>社区法律顾问参与调解矛盾纠\n  纷428件，\nsee 12348 hotline\n热线</p>"
    # beside a Latin word the break stays a space
    assert html_to_text(html) == "社区法律顾问参与调解矛盾纠纷428件， see 12348 hotline 热线"
