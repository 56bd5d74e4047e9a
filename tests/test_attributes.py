"""Report attributes: golden seeds, hand-written varied cases and unit checks."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from warehouse.attributes import (
    extract_report,
    is_title,
    parse_head,
    parse_signature,
    report_year,
)
from warehouse.config import SEEDS_DIR

TESTS = Path(__file__).parent
SEED_GOLD = TESTS / "gold" / "reports.csv"
CASES = TESTS / "attribute_cases"
SCORED = ("jurisdiction", "parent", "province", "level", "report_year", "published_on", "masked")
ALSO = ("title", "publisher")


def _gold(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return {row["doc"]: row for row in csv.DictReader(fh)}


def _norm(value: object) -> str:
    """score.py's comparison: the JSON value as trimmed lowercase text, null as empty."""
    return "" if value is None else str(value).strip().lower()


def _predict(folder: Path, doc: str) -> dict[str, object]:
    report = extract_report((folder / doc).read_text(encoding="utf-8"), doc)
    return json.loads(json.dumps(report.to_dict(), ensure_ascii=False))


def _accuracy(folder: Path, gold: dict[str, dict[str, str]], fields: tuple[str, ...]) -> float:
    right = total = 0
    for doc, row in gold.items():
        pred = _predict(folder, doc)
        for field in fields:
            right += _norm(row[field]) == _norm(pred[field])
            total += 1
    return right / total


SEEDS = _gold(SEED_GOLD)
CASE_GOLD = _gold(CASES / "reports.csv")


@pytest.mark.parametrize("doc", sorted(SEEDS))
def test_seed_matches_gold(doc):
    pred = _predict(SEEDS_DIR, doc)
    for field in SCORED + ALSO:
        assert _norm(pred[field]) == _norm(SEEDS[doc][field]), field


def test_seed_accuracy():
    assert _accuracy(SEEDS_DIR, SEEDS, SCORED) >= 0.9


def test_case_set_is_varied():
    assert len(CASE_GOLD) >= 15
    levels = {row["level"] for row in CASE_GOLD.values()}
    assert levels == {"province", "city", "county", "district", "street", "town", "department"}
    assert len({row["province"] for row in CASE_GOLD.values()}) >= 10


def test_case_accuracy():
    assert _accuracy(CASES, CASE_GOLD, SCORED) >= 0.9


@pytest.mark.parametrize("doc", sorted(CASE_GOLD))
def test_case_matches_gold(doc):
    pred = _predict(CASES, doc)
    for field in SCORED:
        assert _norm(pred[field]) == _norm(CASE_GOLD[doc][field]), field


def test_case_title_and_publisher_accuracy():
    assert _accuracy(CASES, CASE_GOLD, ALSO) >= 0.9


# --- unit checks -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("新吴区2020年法治政府建设工作报告", True),
        ("区依法治区办2015年工作总结及2016年工作计划", True),
        ("一、2021年度推进法治政府建设的主要举措和成效", False),
        ("(一)依法全面履行政府职能", False),
        ("2022年,调兵山市坚持以习近平新时代中国特色社会主义思想为指导。", False),
        ("各位代表:", False),
    ],
)
def test_is_title(line, expected):
    assert is_title(line) is expected


def test_head_of_saved_web_page():
    head = parse_head(
        "新吴区2020年法治政府建设工作报告\n\n时间:2021-03-25 14:15 字体大小:放大 正常 缩小\n"
        "信息索引号 014032126/2021-00598 生成日期 2021-03-25 公开日期 2021-03-25\n"
        "文件编号 —  — 发布机构 新吴区司法局\n"
        "  今年以来,新吴区全面推进依法行政。\n"
    )
    assert head.title == "新吴区2020年法治政府建设工作报告"
    assert head.date == date(2021, 3, 25)
    assert head.publisher == "新吴区司法局"
    assert head.body.startswith("今年以来")


def test_head_skips_site_banner_and_reads_chinese_header_date():
    head = parse_head(
        "某某区人民政府门户网站\n首页\n坪山区2021年法治政府建设年度报告\n"
        "发布时间:2022年03月20日  来源:坪山区司法局\n2021年,坪山区扎实推进。\n"
    )
    assert head.title == "坪山区2021年法治政府建设年度报告"
    assert head.date == date(2022, 3, 20)
    assert head.publisher == "坪山区司法局"


def test_head_without_title():
    assert (
        parse_head("一、2021年度推进法治政府建设的主要举措和成效\n(一)依法全面履行").title is None
    )


@pytest.mark.parametrize(
    ("tail", "org", "signed"),
    [
        (
            "全面优化法治化营商环境。\n调兵山市人民政府\n2023年2月28日\n",
            "调兵山市人民政府",
            date(2023, 2, 28),
        ),
        ("推进工作。\n昆山市人民政府\n二〇二二年一月十八日", "昆山市人民政府", date(2022, 1, 18)),
        (
            "推进工作。\n长阳土家族自治县人民政府 2023年3月10日",
            "长阳土家族自治县人民政府",
            date(2023, 3, 10),
        ),
        (
            "推进工作。\n汝城县人民政府\n(2023年3月6日)\n【打印本页】【关闭窗口】",
            "汝城县人民政府",
            date(2023, 3, 6),
        ),
        ("推进工作。\n二〇二三年十二月三十一日", None, date(2023, 12, 31)),
        ("促进案结事了人和。\n\n附件:", None, None),
    ],
)
def test_signature(tail, org, signed):
    signature = parse_signature(tail)
    assert (signature.org, signature.date) == (org, signed)


@pytest.mark.parametrize(
    ("signed", "year"),
    [(date(2023, 2, 28), 2022), (date(2021, 12, 20), 2021), (date(2020, 12, 8), 2020)],
)
def test_year_from_signature_date_alone(signed, year):
    head = parse_head("今年以来,我县扎实推进法治政府建设。")
    assert report_year(head, parse_signature(f"县人民政府\n{signed:%Y年%m月%d日}"), "") == year


def test_year_ignores_cited_documents_and_plans():
    text = (
        "根据《法治政府建设实施纲要(2015-2020年)》要求,调兵山市扎实推进法治政府建设。\n"
        "一、主要工作\n2023年工作打算\n调兵山市人民政府\n2022年1月20日\n"
    )
    assert extract_report(text, "x.txt").report_year == 2021


def test_department_signed_by_bureau():
    text = "一、主要工作\n我局全年办理行政复议案件18件。\n深圳市坪山区司法局\n2021年12月20日\n"
    report = extract_report(text, "x.txt")
    assert (report.jurisdiction, report.parent, report.level) == ("坪山区", "深圳市", "department")
    assert report.publisher == "深圳市坪山区司法局"


def test_rule_of_law_office_is_not_a_department():
    text = (
        "一、主要工作\n全区调解纠纷5120宗。\n"
        "中共深圳市龙华区委全面依法治区委员会办公室\n2021年1月15日\n"
    )
    assert extract_report(text, "x.txt").level == "district"


def test_street_parent_from_the_text():
    text = (
        "东湖街道2021年法治政府建设情况报告\n2021年,东湖街道在武昌区委领导下推进法治建设。"
        "武昌区司法局指导街道开展普法。\n"
    )
    report = extract_report(text, "x.txt")
    assert (report.jurisdiction, report.level, report.parent, report.province) == (
        "东湖街道",
        "street",
        "武昌区",
        "湖北省",
    )


@pytest.mark.parametrize(
    ("text", "masked", "jurisdiction"),
    [
        ("2015年,**区依法治区工作紧紧围绕中心。", True, "**区"),
        ("2019年,＊＊县扎实推进依法行政。", True, "＊＊县"),
        ("2020年,某某县扎实推进依法行政。", True, "某某县"),
        ("**一、主要工作**\n2020年,新吴区扎实推进。", False, "新吴区"),
        ("2021年,坪山区扎实推进。", False, "坪山区"),
    ],
)
def test_masked(text, masked, jurisdiction):
    report = extract_report(text, "x.txt")
    assert (report.masked, report.jurisdiction) == (masked, jurisdiction)
    if masked:
        assert report.parent is None and report.province is None


def test_empty_text():
    report = extract_report("", "empty.txt")
    assert report.doc == "empty.txt" and report.jurisdiction is None and report.masked is False


# --- families found by the blind holdout (tests/holdout) ---------------------------------


def test_town_parent_from_a_county_named_only_in_a_cited_document() -> None:
    text = (
        "红星乡2021年法治政府建设工作总结\n"
        "今年以来,红星乡认真落实《彭阳县法治政府建设实施方案(2021—2025年)》,依法行政。\n"
        "红星乡人民政府\n2021年12月20日\n"
    )
    report = extract_report(text, "t.txt")
    assert (report.jurisdiction, report.parent, report.level) == ("红星乡", "彭阳县", "town")
    assert report.province == "宁夏回族自治区"


def test_department_of_a_district_the_shipped_table_lacks() -> None:
    text = (
        "重庆市江北区司法局2021年法治政府建设情况报告\n我局认真履行职责。\n"
        "重庆市江北区司法局\n2022年1月5日\n"
    )
    report = extract_report(text, "t.txt")
    assert (report.jurisdiction, report.parent, report.province) == ("江北区", "重庆市", "重庆市")
    assert report.level == "department"


def test_unknown_district_written_after_its_city() -> None:
    text = "成都市东部新区2022年法治政府建设情况报告\n东部新区坚持依法行政。\n2023年2月1日\n"
    report = extract_report(text, "t.txt")
    assert (report.jurisdiction, report.parent, report.province) == ("东部新区", "成都市", "四川省")


def test_development_zone_named_after_a_city_that_shares_its_name_with_a_county() -> None:
    text = "长沙经济技术开发区2023年法治政府建设年度报告\n全年化解矛盾纠纷326件。\n"
    report = extract_report(text, "x.txt")
    assert (report.jurisdiction, report.parent, report.province) == (
        "长沙经济技术开发区",
        "长沙市",
        "湖南省",
    )


def test_wechat_byline_date_and_a_signature_in_bold() -> None:
    text = (
        "某镇2024年法治政府建设年度报告\n原创 某镇 某镇发布 2025年01月10日 18:30 福建\n"
        "点击上方蓝字关注我们\n2024年，全镇调解矛盾纠纷120件。\n"
    )
    assert extract_report(text, "x.txt").published_on == date(2025, 1, 10)
    signed = "青海省2025年法治政府建设情况报告\n全年工作。\n**青海省人民政府**\n**2026年2月10日**\n"
    report = extract_report(signed, "x.txt")
    assert (report.publisher, report.published_on) == ("青海省人民政府", date(2026, 2, 10))


@pytest.mark.parametrize(
    ("title", "jurisdiction", "level"),
    [
        ("周市镇2025年度法治政府建设工作报告", "周市镇", "town"),
        ("查干补力格苏木2016年依法行政工作总结", "查干补力格苏木", "town"),
    ],
)
def test_town_names_with_a_division_character_or_a_sumu(
    title: str, jurisdiction: str, level: str
) -> None:
    report = extract_report(f"{title}\n全年调解矛盾纠纷56件。\n", "x.txt")
    assert (report.jurisdiction, report.level) == (jurisdiction, level)
