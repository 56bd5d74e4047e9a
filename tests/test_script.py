"""Reports in traditional characters are read like simplified ones, and quoted as written."""

from pathlib import Path

import pytest

from warehouse.decode import decode
from warehouse.pipeline import extract_document
from warehouse.script import simplified

SEEDS = Path(__file__).parents[1] / "seeds"

TRADITIONAL = """廣州市2021年法治政府建設年度報告

2021年，廣州市深入貫徹習近平法治思想，紮實推進法治政府建設。現將有關情況報告如下：
一、主要工作
全市各級人民調解組織共調解矛盾糾紛3.2萬件，調解成功率達98.6%。全市法律援助機構共辦理法律
援助案件1.5萬件，其中刑事案件4,230件，同比增長12.3%。全市行政複議機關共收到行政複議申請
2,356件，審結2,210件。行政機關負責人出庭應訴率達到96.5%。
二、2022年工作計劃
力爭法律援助案件達到2萬件。

廣州市人民政府
2022年3月25日
""".replace("法律\n援助", "法律援助").replace("申請\n2,356", "申請2,356")


@pytest.fixture(scope="module")
def extracted():
    text = decode(TRADITIONAL.encode("big5"), "gz.txt").text
    return text, *extract_document(text, "gz.txt")


def test_figures_are_found_in_traditional_text(extracted) -> None:
    _, _, facts = extracted
    assert {(f.metric, f.breakdown, f.value) for f in facts} == {
        ("disputes.mediated", "total", 32000),
        ("disputes.success_rate", "total", 98.6),
        ("legal_aid.cases", "total", 15000),
        ("legal_aid.cases", "criminal", 4230),
        ("stated_change", "刑事案件", 12.3),
        ("admin_review.received", "total", 2356),
        ("admin_review.closed", "total", 2210),
        ("admin_litigation.appearance_rate", "total", 96.5),
    }


def test_evidence_and_names_keep_the_reports_characters(extracted) -> None:
    text, report, facts = extracted
    for fact in facts:
        assert text[fact.start : fact.end] == fact.evidence
    assert "全市各級人民調解組織共調解矛盾糾紛3.2萬件" in {f.evidence for f in facts}
    assert (report.title, report.jurisdiction, report.publisher) == (
        "廣州市2021年法治政府建設年度報告",
        "廣州市",
        "廣州市人民政府",
    )
    # the province the text omits is the gazetteer's official name, not a back-conversion
    assert (report.parent, report.province, report.level) == ("广东省", "广东省", "city")


def test_the_view_keeps_every_offset() -> None:
    view = simplified(TRADITIONAL)
    assert view is not None and len(view) == len(TRADITIONAL)
    assert "广州市" in view and "调解矛盾纠纷" in view


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name)
def test_simplified_reports_are_read_as_they_are(path: Path) -> None:
    assert simplified(path.read_text("utf-8")) is None
