"""The extractor's public contract and its phrasing families, on short snippets."""

import re

import pytest

from warehouse.contract import QUALIFIERS, UNITS, Fact
from warehouse.extract import EXTRACTOR_VERSION, extract_facts, infer_report_year


def keys(text: str, year: int | None = 2021) -> set[tuple[str, str, float]]:
    return {(f.metric, f.breakdown, f.value) for f in extract_facts(text, "t.txt", year)}


def only(text: str, year: int | None = 2021) -> Fact:
    facts = extract_facts(text, "t.txt", year)
    assert len(facts) == 1, facts
    return facts[0]


def test_evidence_offsets_and_order() -> None:
    text = "全年共调解案件3763件,调解成功3533件,调解成功率93.88%。受理法律援助案件685宗。"
    facts = extract_facts(text, "dir/doc.txt", 2021)
    assert [f.start for f in facts] == sorted(f.start for f in facts)
    for f in facts:
        assert text[f.start : f.end] == f.evidence
        assert f.unit in UNITS and f.qualifier in QUALIFIERS
        assert f.doc == "dir/doc.txt" and f.period == 2021
    assert [f.evidence for f in facts] == [
        "全年共调解案件3763件", "调解成功3533件", "调解成功率93.88%", "受理法律援助案件685宗",
    ]  # fmt: skip


def test_version_names_engine_and_catalog() -> None:
    assert re.fullmatch(r"\d+-[0-9a-f]{12}", EXTRACTOR_VERSION)


def test_period_inferred_from_title_when_year_unknown() -> None:
    text = "某区2019年法治政府建设工作报告\n全年共调解案件120件。"
    assert infer_report_year(text) == 2019
    assert only(text, None).period == 2019


def test_no_year_anywhere() -> None:
    assert infer_report_year("没有年份。") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("全年共调解案件3.6148万件", ("disputes.mediated", "total", 36148)),
        ("调解案件9件,达成协议金额22150.68万元", ("disputes.amount", "total", 221506800)),
        ("调解纠纷12件,涉及金额1.25亿元", ("disputes.amount", "total", 125000000)),
        ("人民调解员十二名", ("disputes.mediators", "total", 12)),
        ("人民调解员一百零六名", ("disputes.mediators", "total", 106)),
        ("共调解矛盾纠纷一千七百三十余件", ("disputes.mediated", "total", 1730)),
        ("法律援助中心接待来访咨询两万余人次", ("legal_aid.consultations", "total", 20000)),
        ("受理法律援助案件１２３件", ("legal_aid.cases", "total", 123)),
        ("调解成功率９７．６％", ("disputes.success_rate", "total", 97.6)),
        ("办理行政诉讼案件1,234件", ("admin_litigation.cases", "total", 1234)),
        ("受理法律援助案件512 件", ("legal_aid.cases", "total", 512)),
        ("受理法律援助案件587\u00a0件", ("legal_aid.cases", "total", 587)),
        ("通过法律援助挽回经济损失1000余万元", ("legal_aid.recovered", "total", 1e7)),
    ],
)
def test_number_forms(text: str, expected: tuple[str, str, float]) -> None:
    assert expected in keys(text)


def test_bare_hundreds_need_a_qualifier() -> None:
    assert keys("把法律援助服务送到千家万户，调解纠纷数百件。") == set()


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("解答法律援助咨询1200余人", "at_least"),
        ("调解纠纷10件,化解成功率在98%以上", "at_least"),
        ("调解纠纷58宗,涉案金额约400万元", "approx"),
        ("全队现有执法人员约30名", "approx"),
        ("共有人民调解员近80名", "at_most"),
        ("近期已有12名公务员通过学习考试取得综合行政执法证", "exact"),
        ("办理法律援助案件不足千件", "at_most"),
        ("调解矛盾纠纷超过万件", "at_least"),
        ("受理法律援助案件逾百件", "at_least"),
    ],
)
def test_qualifiers(text: str, qualifier: str) -> None:
    facts = extract_facts(text, "t.txt", 2021)
    assert facts and facts[-1].qualifier == qualifier


def test_noun_before_and_after_number() -> None:
    assert keys("区政府共收行政复议案件27件") == {("admin_review.received", "total", 27)}
    assert keys("12名执法人员取得执法证") == {("enforcement.certified", "total", 12)}
    assert keys("全市2156个人民调解委员会") == {("disputes.orgs", "total", 2156)}
    assert keys("值班律师为1,032名被告人提供认罪认罚法律帮助") == {
        ("legal_aid.plea_help", "total", 1032)
    }


def test_a_groups_cases_in_a_legal_aid_sentence() -> None:
    text = "县法律援助中心共指派律师128人次，办理老年人赡养纠纷案件41件、农民工讨薪案件63件。"
    assert keys(text) == {
        ("legal_aid.cases", "elderly", 41),
        ("legal_aid.cases", "migrant_workers", 63),
    }
    assert keys("区人民法院审结农民工讨薪案件63件。") == set()


def test_breakdown_lists() -> None:
    text = "全年共办理法律援助案件831件,其中,民事案件587件、刑事案件244件。"
    assert keys(text) == {
        ("legal_aid.cases", "total", 831),
        ("legal_aid.cases", "civil", 587),
        ("legal_aid.cases", "criminal", 244),
    }


def test_parenthetical_breakdowns() -> None:
    text = "受理法律援助案件598宗(含刑事案件231宗、民事案件352宗)。"
    assert keys(text) == {
        ("legal_aid.cases", "total", 598),
        ("legal_aid.cases", "criminal", 231),
        ("legal_aid.cases", "civil", 352),
    }


def test_respectively_lists_pair_subjects_with_numbers_in_order() -> None:
    assert keys("受理行政复议案件、行政诉讼案件分别为32件、45件。") == {
        ("admin_review.received", "total", 32),
        ("admin_litigation.cases", "total", 45),
    }
    assert keys("全市人民调解组织和人民调解员分别为1,234个和5,678名。") == {
        ("disputes.orgs", "total", 1234),
        ("disputes.mediators", "total", 5678),
    }
    assert keys("调解成功率、行政机关负责人出庭应诉率分别为98.5%、100%。") == {
        ("disputes.success_rate", "total", 98.5),
        ("admin_litigation.appearance_rate", "total", 100),
    }


def test_respectively_list_items_share_the_last_noun() -> None:
    assert keys("全市办理刑事、民事、行政法律援助案件分别为120件、300件和15件。") == {
        ("legal_aid.cases", "criminal", 120),
        ("legal_aid.cases", "civil", 300),
        ("legal_aid.cases", "administrative", 15),
    }


def test_respectively_list_items_share_the_last_noun_after_their_verb() -> None:
    assert keys("全年收到、受理、办结行政复议申请分别为98件、90件、85件。") == {
        ("admin_review.received", "total", 98),
        ("admin_review.received", "total", 90),
        ("admin_review.closed", "total", 85),
    }
    assert keys("新收、审结行政诉讼案件分别为41件和37件。") == {
        ("admin_litigation.cases", "total", 41),
        ("admin_litigation.concluded", "total", 37),
    }


def test_respectively_changes_each_take_the_phrase_sign() -> None:
    text = "受理、办结行政复议案件分别为86件、79件，同比分别下降12.5%、8.2%，调解成功率98%。"
    changes = [f for f in extract_facts(text, "t", 2021) if f.metric == "stated_change"]
    assert [(f.breakdown, f.value) for f in changes] == [
        ("行政复议案件", -12.5),
        ("行政复议案件", -8.2),
    ]
    assert changes[1].evidence == "受理、办结行政复议案件分别为86件、79件，同比分别下降12.5%、8.2%"
    assert keys("同比增长12.5%、调解成功率98%。") == {
        ("stated_change", "unknown", 12.5),
        ("disputes.success_rate", "total", 98),
    }


def test_respectively_list_of_years() -> None:
    facts = extract_facts(
        "2019年、2020年、2021年分别办理法律援助案件120件、150件、180件。", "t", 2021
    )
    assert [(f.metric, f.value, f.period) for f in facts] == [
        ("legal_aid.cases", 120, 2019),
        ("legal_aid.cases", 150, 2020),
        ("legal_aid.cases", 180, 2021),
    ]
    for f in facts:
        assert f.evidence.startswith("2019年") and f.evidence.endswith(f"{f.value:.0f}件")


def test_respectively_list_inside_a_longer_subject() -> None:
    # the 、 joins two parties inside the first item; the items are split at 和
    text = "以本局为被告、被申请人的行政诉讼案件和行政复议案件分别为18件、43件。"
    assert keys(text) == {
        ("admin_litigation.cases", "total", 18),
        ("admin_review.received", "total", 43),
    }


def test_respectively_list_of_breakdowns_of_the_headline() -> None:
    text = "全年办理法律援助案件456件，其中老年人、妇女案件分别为41件、76件。"
    assert keys(text) == {
        ("legal_aid.cases", "total", 456),
        ("legal_aid.cases", "elderly", 41),
        ("legal_aid.cases", "women", 76),
    }
    assert keys("全年办理法律援助案件456件，其中城区、乡镇分别为41件、76件。") == {
        ("legal_aid.cases", "total", 456)
    }


def test_respectively_needs_as_many_items_as_numbers() -> None:
    # three subjects, two numbers: no pairing, so the nearest subject names the first number
    assert keys("行政复议、行政诉讼、法律援助案件分别为32件、45件。") == {
        ("legal_aid.cases", "total", 32)
    }
    assert keys("两个项目分别投入资金200万元、300万元。") == set()
    changes = extract_facts("行政复议和行政诉讼案件分别同比增长12%。", "t", 2021)
    assert [(f.breakdown, f.value) for f in changes] == [("行政复议和行政诉讼案件", 12)]


def test_label_colon_names_the_number() -> None:
    text = "主要数据：\n1. 受理行政复议申请：128件；\n2. 行政应诉案件: 56件；\n出庭应诉率：100%。"
    assert keys(text) == {
        ("admin_review.received", "total", 128),
        ("admin_litigation.cases", "total", 56),
        ("admin_litigation.appearance_rate", "total", 100),
    }
    assert keys("数据如下：128件。") == set()


def test_subject_from_earlier_clause() -> None:
    text = "受理行政复议申请19宗,不予受理2宗,其中办结11宗。办理行政诉讼案件36宗,已审结22宗。"
    assert keys(text) == {
        ("admin_review.received", "total", 19),
        ("admin_review.closed", "total", 11),
        ("admin_litigation.cases", "total", 36),
        ("admin_litigation.concluded", "total", 22),
    }


def test_bare_verb_takes_the_sentence_topic() -> None:
    text = "市法院实行“诉前调解+司法确认”,全年共办理51件。"
    assert keys(text) == {("disputes.mediated", "pre_litigation", 51)}


def test_bare_verb_clauses_after_the_subject() -> None:
    assert keys("依法办理行政复议案件，共计受理56件，办结50件。") == {
        ("admin_review.received", "total", 56),
        ("admin_review.closed", "total", 50),
    }
    assert keys("办理法律援助案件同比增长8%，达到1,234件。") == {
        ("stated_change", "法律援助案件", 8),
        ("legal_aid.cases", "total", 1234),
    }
    assert keys("全市法律援助工作稳步推进，受援人数达到1,234人。") == set()


def test_enforcement_phrasings() -> None:
    assert keys("全年共有2,345人次参加行政执法培训。") == {("enforcement.trained", "total", 2345)}
    assert keys("新增持证执法人员156名。") == {("enforcement.certified", "total", 156)}


def test_one_list_item_per_line_continues_the_sentence() -> None:
    text = (
        "区法律援助中心全年工作情况：\n1. 受理法律援助案件286件；\n2. 其中刑事案件91件；\n"
        "3. 为农牧民工讨薪案件64件，帮助挽回经济损失约520万元；\n"
        "4. 接待群众来电来访咨询3,650人次。\n二、其他工作\n其中民事案件5件。"
    )
    assert keys(text) == {
        ("legal_aid.cases", "total", 286),
        ("legal_aid.cases", "criminal", 91),
        ("legal_aid.cases", "migrant_workers", 64),
        ("legal_aid.recovered", "total", 5_200_000),
        ("legal_aid.consultations", "total", 3650),
    }


def test_exam_takers_written_before_the_exam() -> None:
    assert keys("组织286名人员参加全省行政执法资格考试，合格250人。") == {
        ("enforcement.exam_takers", "total", 286),
        ("enforcement.certified", "total", 250),
    }
    assert keys("全年213人参加全省行政执法资格考试。") == {
        ("enforcement.exam_takers", "total", 213)
    }
    assert keys("组织236名税务人员参加全国税务执法资格考试。") == {
        ("enforcement.exam_takers", "total", 236)
    }
    assert keys("组织320名干部参加任前法律知识考试。") == set()


def test_outcomes_of_closed_reviews_are_not_the_closed_total() -> None:
    text = "收到行政复议申请68件，办结58件；办结案件中维持43件，其他方式结案7件。"
    assert keys(text) == {
        ("admin_review.received", "total", 68),
        ("admin_review.closed", "total", 58),
    }


def test_a_level_that_moved_gives_both_years() -> None:
    facts = extract_facts("负责人出庭应诉率由上年的76.5%提升至93.2%。", "t", 2021)
    assert [(f.metric, f.value, f.period) for f in facts] == [
        ("admin_litigation.appearance_rate", 76.5, 2020),
        ("admin_litigation.appearance_rate", 93.2, 2021),
    ]
    facts = extract_facts("调解成功率由2019年的95.1%提高到97.8%。", "t", 2021)
    assert [(f.value, f.period) for f in facts] == [(95.1, 2019), (97.8, 2021)]
    facts = extract_facts("出庭应诉率由2016年的62%上升到2017年的81%。", "t", 2017)
    assert [(f.value, f.period) for f in facts] == [(62, 2016), (81, 2017)]
    assert keys("行政诉讼败诉率下降至3.6%。") == set()


def test_parts_in_parentheses_before_their_total() -> None:
    assert keys("全街道共有调解组织（含社区调委会13个）共21个，人民调解员86名。") == {
        ("disputes.orgs", "total", 21),
        ("disputes.mediators", "total", 86),
    }


def test_an_appendix_after_the_plan_section_is_data() -> None:
    text = (
        "某区2016年法治政府建设情况报告\n七、2017年工作计划\n力争出庭应诉率达到80%以上。\n"
        "附：2016年全区法治建设主要数据\n行政复议收案：46件\n调解成功率：97.8%\n"
    )
    assert keys(text, 2016) == {
        ("admin_review.received", "total", 46),
        ("disputes.success_rate", "total", 97.8),
    }


def test_a_parenthesis_between_subject_and_number() -> None:
    assert keys("全州办理法律援助案件（含刑事、民事）３７１５件。") == {
        ("legal_aid.cases", "total", 3715)
    }


def test_a_sentence_opening_with_qizhong_breaks_down_the_previous_headline() -> None:
    text = (
        "共计受理法律援助案件3,416件，比上年增加312件（增长10.1%）。"
        "其中刑事案件1,207件，民事案件2,163件。"
    )
    assert keys(text) >= {
        ("legal_aid.cases", "criminal", 1207),
        ("legal_aid.cases", "civil", 2163),
    }
    assert keys("受理法律援助案件300件。今年成效显著。其中刑事案件20件。") == {
        ("legal_aid.cases", "total", 300)
    }


def test_sub_items_and_rates_refer_to_the_sentence_headline() -> None:
    text = "全年调解纠纷216件，包括诉前调解31件、法律顾问参与调解21件，调解成功率99.1%。"
    assert keys(text) == {
        ("disputes.mediated", "total", 216),
        ("disputes.mediated", "pre_litigation", 31),
        ("disputes.mediated", "legal_adviser", 21),
        ("disputes.success_rate", "total", 99.1),
    }
    text = "全年调解纠纷327件，调解成功率98.2%；其中诉前委派调解48件。"
    assert ("disputes.mediated", "pre_litigation", 48) in keys(text)


def test_a_table_sub_row_may_name_its_own_metric() -> None:
    text = "项目\t数量\t单位\n调解矛盾纠纷\t1,473\t件\n其中：调解成功\t1,458\t件\n"
    assert keys(text) == {
        ("disputes.mediated", "total", 1473),
        ("disputes.mediated_success", "total", 1458),
    }


def test_public_legal_service_stations_are_not_legal_aid_consultations() -> None:
    text = "设立法律援助工作站。镇公共法律服务工作站全年接待群众咨询1,260人次。"
    assert keys(text) == set()


def test_stated_changes_are_signed() -> None:
    text = "区政府受理行政复议申请同比下降14.28%,制止上访人数同比上升67.86%。"
    facts = extract_facts(text, "t.txt", 2015)
    assert [(f.metric, f.breakdown, f.value, f.unit) for f in facts] == [
        ("stated_change", "行政复议申请", -14.28, "percent"),
        ("stated_change", "制止上访人数", 67.86, "percent"),
    ]


def test_change_subjects_skip_the_comparison() -> None:
    facts = extract_facts("受理行政复议案件45件，与上年的38件相比增长18.4%。", "t", 2021)
    assert [(f.metric, f.breakdown, f.value, f.period) for f in facts] == [
        ("admin_review.received", "total", 45, 2021),
        ("stated_change", "行政复议案件", 18.4, 2021),
        ("admin_review.received", "total", 38, 2020),
    ]
    assert keys("办理法律援助案件1,380件，较上年（1,200件）增长15%。") >= {
        ("stated_change", "法律援助案件", 15)
    }


def test_thousands_commas_do_not_end_clauses() -> None:
    # the comma in 1,200 once made 2020 look like the year of the sentence's first clause
    fact = only("法律援助案件数量较2020年的1,200件增长了15%。")
    assert (fact.metric, fact.breakdown, fact.period) == ("stated_change", "法律援助案件数量", 2021)


def test_changes_that_are_not_levels() -> None:
    assert keys("受理行政复议案件50件,较上年增加8件,出庭应诉率提高3.5个百分点。") == {
        ("admin_review.received", "total", 50)
    }
    assert keys("新收行政诉讼案件156件,同比增加12件") == {("admin_litigation.cases", "total", 156)}


def test_other_years() -> None:
    facts = extract_facts("全市办理法律援助案件4,826件,上年为4,419件。", "t.txt", 2016)
    assert [(f.value, f.period) for f in facts] == [(4826, 2016), (4419, 2015)]
    fact = only("2019年受理法律援助案件300件。", 2021)
    assert fact.period == 2019


def test_cumulative_figures_are_dropped() -> None:
    assert keys("“十三五”期间,全市累计办理法律援助案件2.1万件。") == set()
    assert keys("近三年共调解矛盾纠纷3000件。") == set()
    assert keys("2016-2020年共受理行政复议案件900件。") == set()
    assert keys("全年累计调解矛盾纠纷300件。") == {("disputes.mediated", "total", 300)}


def test_plans_are_not_facts() -> None:
    text = (
        "一、主要成效\n全年受理法律援助案件300件。\n"
        "三、2022年工作计划\n全年办理法律援助案件400件。\n（一）调解纠纷500件。\n"
        "四、附件\n调解纠纷600件。"
    )
    assert keys(text) == {
        ("legal_aid.cases", "total", 300),
        ("disputes.mediated", "total", 600),
    }
    assert keys("下一步,力争全年法律援助案件达到1200件。") == set()


def test_title_line_naming_next_years_plan_is_no_plan_section() -> None:
    text = "区依法治区办2015年工作总结及2016年工作计划\n全区调解案件13688件。"
    assert keys(text, 2015) == {("disputes.mediated", "total", 13688)}


def test_not_counts() -> None:
    text = (
        "召开区政府第43次常务会议。印发《关于办理法律援助案件100件的通知》(某发〔2015〕21号)。"
        "拨打12348热线。每1名调解员。"
    )
    assert keys(text) == set()


def test_tables_give_one_fact_per_year() -> None:
    text = (
        "全省法律援助工作主要指标如下:\n指标\t2020年\t2021年\t同比\n"
        "法律援助案件(件)\t98,231\t104,562\t6.4%\n"
    )
    facts = extract_facts(text, "t.txt", 2021)
    assert [(f.metric, f.value, f.period) for f in facts] == [
        ("legal_aid.cases", 98231, 2020),
        ("legal_aid.cases", 104562, 2021),
        ("stated_change", 6.4, 2021),
    ]
    for f in facts:
        assert text[f.start : f.end] == f.evidence


def test_a_header_row_opens_a_new_table_right_after_another() -> None:
    # two web-page tables decode to consecutive tab-separated lines
    text = (
        "指标\t2021年\t2022年\n法律援助案件（件）\t356\t412\n"
        "项目\t数量\t同比\n行政复议案件\t45件\t+12.5%\n"
    )
    facts = extract_facts(text, "t.html", 2022)
    assert [(f.metric, f.value, f.period) for f in facts] == [
        ("legal_aid.cases", 356, 2021),
        ("legal_aid.cases", 412, 2022),
        ("admin_review.received", 45, 2022),
        ("stated_change", 12.5, 2022),
    ]


def test_total_row_of_a_table_with_a_column_per_metric() -> None:
    text = (
        "各旗县人民调解工作情况如下：\n\n"
        "地区          调解组织(个)   调解纠纷(件)   调解成功(件)\n"
        "甲市              186           2,314          2,287\n"
        "乙旗               58             412            409\n"
        "全盟合计        1,020          9,307          9,192\n"
    )
    facts = extract_facts(text, "t.txt", 2022)
    assert {(f.metric, f.value, f.period) for f in facts} == {
        ("disputes.orgs", 1020, 2022),
        ("disputes.mediated", 9307, 2022),
        ("disputes.mediated_success", 9192, 2022),
    }  # the areas' rows are parts of the total: no area breakdown in the contract
    tabbed = "地区\t调解组织（个）\t调解纠纷（件）\n甲市\t186\t2,314\n合计\t1,020\t9,307\n"
    assert keys(tabbed) == {("disputes.orgs", "total", 1020), ("disputes.mediated", "total", 9307)}


def test_a_court_mentioned_before_a_semicolon_belongs_to_another_statement() -> None:
    text = (
        "诉前调解1.24万件、占法院民商事一审收案的31.7%；受理法律援助案件1.12万件，"
        "为受援人挽回经济损失2.45亿元。"
    )
    assert ("legal_aid.recovered", "total", 245_000_000) in keys(text)
    text = "市法律援助中心全年受理案件300件。市法院开展执行攻坚，为企业挽回经济损失2亿元。"
    assert ("legal_aid.recovered", "total", 200_000_000) not in keys(text)


def test_lawsuits_concluded_by_the_court_versus_a_courts_caseload() -> None:
    text = (
        "区政府作为被告的行政诉讼案件39件，已由法院审结 32 件；"
        "区人民法院受理各类案件1.2万件、审结1.1万件。"
    )
    assert keys(text) == {
        ("admin_litigation.cases", "total", 39),
        ("admin_litigation.concluded", "total", 32),
    }
    text = "市本级受理行政复议申请352件、办结339件；全市行政机关一审应诉案件1,158件、审结1,024件。"
    assert keys(text) == {
        ("admin_review.received", "total", 352),
        ("admin_review.closed", "total", 339),
        ("admin_litigation.cases", "total", 1158),
        ("admin_litigation.concluded", "total", 1024),
    }


def test_exam_takers_next_to_a_law_knowledge_training() -> None:
    text = (
        "组织执法人员通用法律知识培训6,380人，"
        "新申领执法证件人员参加资格考试1,046人、考试合格982人。"
    )
    assert keys(text) == {
        ("enforcement.trained", "total", 6380),
        ("enforcement.exam_takers", "total", 1046),
        ("enforcement.certified", "total", 982),
    }
    assert keys("组织国家工作人员学法考试，参考人数达42.6万人。") == set()


def test_a_bulleted_qizhong_line_after_a_blank_line() -> None:
    text = "数据如下：\n\n▲ 受理法律援助案件：318件\n\n▲ 其中刑事案件：74件\n"
    assert keys(text) == {("legal_aid.cases", "total", 318), ("legal_aid.cases", "criminal", 74)}


def test_more_subject_wordings() -> None:
    assert keys("组织开展矛盾纠纷集中排查四百余次。") == {("disputes.screenings", "total", 400)}
    assert keys("培训全州行政执法人员2,460人。") == {("enforcement.trained", "total", 2460)}
    assert keys("本人亲自包保化解疑难复杂纠纷3件。") == set()


def test_a_named_kind_of_dispute_is_breakdown_other() -> None:
    text = "市医疗纠纷人民调解委员会受理医疗纠纷调解申请1,137件，调解成功896件，调解成功率78.8%。"
    assert keys(text) == {
        ("disputes.mediated", "other", 1137),
        ("disputes.mediated_success", "other", 896),
        ("disputes.success_rate", "other", 78.8),
    }
    assert keys("调处噪声、油烟等环境纠纷67件。") == {("disputes.mediated", "other", 67)}
    assert keys("全年化解税费争议432件。") == {("disputes.mediated", "other", 432)}
    # kinds named as examples do not make the headline a kind of its own
    text = "围绕土地征收、劳资关系等纠纷多发领域开展排查，全区共化解各类矛盾纠纷7700件。"
    assert keys(text) == {("disputes.mediated", "total", 7700)}


def test_more_enforcement_and_legal_aid_wordings() -> None:
    assert keys("新任执法人员岗前培训1860人。") == set()
    text = "组织执法人员开展公共法律知识培训超过10万人，2.3万人参加全省行政执法资格统一考试。"
    assert ("enforcement.exam_takers", "total", 23000) in keys(text)
    assert keys(
        "1286名民警参加全国公安机关人民警察执法资格等级考试，取得基本级执法资格1179人。"
    ) == {
        ("enforcement.exam_takers", "total", 1286),
        ("enforcement.certified", "total", 1179),
    }
    assert keys("协助群众向区法律援助中心申请法律援助5件。") == {("legal_aid.cases", "total", 5)}


def test_a_table_header_of_two_rows() -> None:
    text = (
        "年度\t行政复议（件）收到申请\t行政复议（件）办结\t行政诉讼应诉案件（件）\t"
        "行政诉讼审结（件）\t行政诉讼负责人出庭应诉率\n2024年\t389\t377\t171\t160\t100%\n"
    )
    assert keys(text, 2024) == {
        ("admin_review.received", "total", 389),
        ("admin_review.closed", "total", 377),
        ("admin_litigation.cases", "total", 171),
        ("admin_litigation.concluded", "total", 160),
        ("admin_litigation.appearance_rate", "total", 100),
    }


def test_disciplined_or_failed_staff_are_no_headcount() -> None:
    assert keys("问责执法人员23名，对2名执法人员进行约谈提醒。") == set()
    assert keys("全市执法人员参加资格考试，对考试不合格的3名人员组织补考。") == set()


def test_lawsuits_concluded_by_the_court_after_the_count() -> None:
    assert keys("以我局为被告的行政诉讼案件9件，法院已审结7件。") == {
        ("admin_litigation.cases", "total", 9),
        ("admin_litigation.concluded", "total", 7),
    }
    assert keys("全市法院审结行政诉讼案件1,234件。") == set()


def test_legal_aid_consultations_named_as_such() -> None:
    text = "镇司法所设立法律援助工作站，全年接待法律援助咨询230余人次。"
    assert keys(text) == {("legal_aid.consultations", "total", 230)}


def test_subjects_after_the_number_and_bare_screening_clauses() -> None:
    assert keys("值班律师为三百余件认罪认罚案件提供见证。") == {
        ("legal_aid.plea_help", "total", 300)
    }
    assert keys("坚持每月开展矛盾纠纷排查，全年共排查12次。") == {
        ("disputes.screenings", "total", 12)
    }
    assert keys("全市劳动争议案件总量同比下降 12.5%。") == {
        ("stated_change", "劳动争议案件总量", -12.5)
    }


def test_online_exams_and_passes_written_after_the_number() -> None:
    text = "组织1090名执法人员开展网上在线学习、在线考试，1021人通过考试。"
    assert keys(text) == {
        ("enforcement.exam_takers", "total", 1090),
        ("enforcement.certified", "total", 1021),
    }
    assert keys("组织320名干部参加学法考试，300人通过考试。") == set()
    text = "为认罪认罚案件犯罪嫌疑人、被告人提供法律帮助1126件。"
    assert keys(text) == {("legal_aid.plea_help", "total", 1126)}


def test_newer_exam_and_review_wordings() -> None:
    assert keys("组织行政执法资格考试14380人。") == {("enforcement.exam_takers", "total", 14380)}
    assert keys("新申领执法证件人员236名参加全省统一考试。") == {
        ("enforcement.exam_takers", "total", 236)
    }
    assert keys("办结行政复议案件180件，行政复议调解和解结案173件。") == {
        ("admin_review.closed", "total", 180)
    }


def test_not_legal_aid_consultations() -> None:
    assert keys("社区法律顾问共为社区提供法律服务5831次,其中法律咨询3374件。") == set()
    assert keys("坪山公证处接待办证群众和电话咨询15000余人次,法律援助另计。") == set()


def test_mixed_groups_and_study_exams_are_not_facts() -> None:
    assert keys("全区394名调解员、律师、法律工作者和司法所工作人员全部下沉到网格。") == set()
    assert keys("根据公务员学法考试通知,组织我区1442名公务员参加考试。") == set()


def test_court_caseloads_are_not_admin_litigation() -> None:
    assert keys("2015年,该院总收案数为3.6148万件,结案总数为2.4972万件。") == set()
    assert keys("全市法院受理行政诉讼案件320件,审结298件。") == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("全年共有3,215件矛盾纠纷经人民调解组织调处化解。", ("disputes.mediated", "total", 3215)),
        (
            "镇调委会调解涉及土地承包、邻里、婚姻家庭等各类矛盾纠纷412件。",
            ("disputes.mediated", "total", 412),
        ),
        ("全县法律援助中心共为236名残疾人提供法律援助。", ("legal_aid.cases", "disabled", 236)),
        (
            "配合人民法院审理行政案件，县政府作为被告的行政诉讼案件十二件。",
            ("admin_litigation.cases", "total", 12),
        ),
        (
            "各级复议机关新收、审结行政复议案件分别为640件、602件。",
            ("admin_review.received", "total", 640),
        ),
    ],
)
def test_passive_enumerated_and_shared_subjects(
    text: str, expected: tuple[str, str, float]
) -> None:
    assert expected in keys(text)


def test_an_enumeration_of_kinds_names_no_breakdown() -> None:
    text = "受理涉及劳动争议、物业纠纷等各类矛盾纠纷900件，调解成功880件，调解成功率97.8%。"
    assert {b for _, b, _ in keys(text)} == {"total"}


def test_tenths_are_percentages() -> None:
    fact = only("全年调解成功率稳定在八成以上。")
    assert (fact.metric, fact.value, fact.qualifier) == ("disputes.success_rate", 80, "at_least")
    assert keys("九成员单位完成九成任务。") == set()


def test_a_range_of_years_before_a_respectively_list() -> None:
    text = "2017年至2019年，全县办理法律援助案件分别为310件、352件、398件。"
    facts = extract_facts(text, "t", 2019)
    assert [(f.metric, f.value, f.period) for f in facts] == [
        ("legal_aid.cases", 310, 2017),
        ("legal_aid.cases", 352, 2018),
        ("legal_aid.cases", 398, 2019),
    ]
    assert keys("2017年至2019年，全县办理法律援助案件分别为310件、352件。") == set()


def test_an_outcome_in_parentheses_is_kept_a_head_count_under_qizhong_is_not() -> None:
    assert keys("调解矛盾纠纷1,204件（其中调解成功1,187件）。") == {
        ("disputes.mediated", "total", 1204),
        ("disputes.mediated_success", "total", 1187),
    }
    assert keys("组织320名执法人员参加业务培训，其中新录用执法人员41名。") == {
        ("enforcement.trained", "total", 320)
    }


def test_tables_one_cell_per_line_and_indicator_lines() -> None:
    text = (
        "项目\n2022年\n2023年\n增减\n受理法律援助案件（件）\n802\n856\n+6.7%\n"
        "附表：主要指标\n1. 行政复议案件：目标值100件，完成值123件。\n"
    )
    facts = extract_facts(text, "t.txt", 2023)
    assert [(f.metric, f.value, f.period) for f in facts] == [
        ("legal_aid.cases", 802, 2022),
        ("legal_aid.cases", 856, 2023),
        ("stated_change", 6.7, 2023),
        ("admin_review.received", 123, 2023),
    ]
    assert facts[-1].evidence == "行政复议案件：目标值100件，完成值123件"


def test_table_cells_in_units_of_ten_thousand_and_changes_in_words() -> None:
    text = (
        "| 指标 | 2024年 | 2023年 | 增减 |\n|---|---|---|---|\n"
        "| 调解纠纷（万件） | 2.4 | 2.6 | 下降7.7% |\n"
    )
    assert keys(text, 2024) == {
        ("disputes.mediated", "total", 24000),
        ("disputes.mediated", "total", 26000),
        ("stated_change", "调解纠纷", -7.7),
    }


def test_rows_naming_only_breakdowns_of_the_captions_metric() -> None:
    text = (
        "全县法律援助案件构成如下表：\n类别\t件数\t占比\n"
        "刑事\t210\t35%\n行政\t12\t2%\n合计\t600\t100%\n"
    )
    assert keys(text) == {
        ("legal_aid.cases", "criminal", 210),
        ("legal_aid.cases", "administrative", 12),
        ("legal_aid.cases", "total", 600),
    }


def test_a_number_naming_a_policy_is_no_count() -> None:
    assert keys("全县行政执法机关落实“三项制度”，行政执法机关48个。") == {
        ("enforcement.agencies", "total", 48)
    }
    assert keys("全年镇政府作为被告的行政诉讼案件一件。") == {
        ("admin_litigation.cases", "total", 1)
    }
    assert keys("办好一件实事。") == set()


def test_new_recruits_are_no_head_count() -> None:
    assert keys("全市现有行政执法人员3,420名，新招录执法人员56名。") == {
        ("enforcement.personnel", "total", 3420)
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "调解道路交通事故损害赔偿纠纷1,206起，调解成功1,150起。",
            ("disputes.mediated", "other", 1206),
        ),
        ("调解旅客运输、货物运输合同纠纷96件。", ("disputes.mediated", "other", 96)),
        ("共调解税费争议88件，涉及税款1.2亿元。", ("disputes.amount", "other", 1.2e8)),
        ("全年组织执法资格考试，820名民警通过考试。", ("enforcement.certified", "total", 820)),
        ("全局具备基本级以上执法资格的民警3,016名。", ("enforcement.personnel", "total", 3016)),
        ("经清理，共21个单位具有行政执法主体资格。", ("enforcement.agencies", "total", 21)),
        ("组织参加全省行政执法资格考试，参考231人。", ("enforcement.exam_takers", "total", 231)),
    ],
)
def test_department_and_sector_phrasings(text: str, expected: tuple[str, str, float]) -> None:
    assert expected in keys(text)


def test_a_kind_named_in_a_list_of_fields_is_no_breakdown() -> None:
    text = "围绕物业管理、劳资关系等纠纷多发领域开展排查化解，全区共化解各类矛盾纠纷820件。"
    assert keys(text) == {("disputes.mediated", "total", 820)}


def test_a_head_count_of_another_kind_after_qizhong_is_its_own() -> None:
    text = "全镇共有人民调解委员会9个，其中镇调委会1个、村调委会8个，人民调解员56名。"
    assert ("disputes.mediators", "total", 56) in keys(text)


def test_markdown_emphasis_in_a_plain_text_report() -> None:
    text = "- 全市**收到行政复议申请1,208件**，同比增长**9.6%**；\n- 依法**受理1,130件**。"
    facts = extract_facts(text, "t.txt", 2024)
    assert {(f.metric, f.breakdown, f.value) for f in facts} == {
        ("admin_review.received", "total", 1208),
        ("stated_change", "行政复议申请", 9.6),
        ("admin_review.received", "total", 1130),
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "镇法律援助工作站协助县法律援助中心受理申请12件，其中农民工讨薪7件。",
            {("legal_aid.cases", "total", 12), ("legal_aid.cases", "migrant_workers", 7)},
        ),
        (
            "协助区法律援助中心受理法律援助申请47件，为困难群众追回欠薪、赔偿金等经济损失36.5万元。",
            {("legal_aid.cases", "total", 47), ("legal_aid.recovered", "total", 365000)},
        ),
        (
            "组织全县行政执法人员资格考试，参考312人，通过286人。",
            {("enforcement.exam_takers", "total", 312), ("enforcement.certified", "total", 286)},
        ),
    ],
)
def test_grassroots_phrasings(text: str, expected: set[tuple[str, str, float]]) -> None:
    assert keys(text) == expected


def test_breakdowns_listed_before_a_handling_verb_and_groups_without_a_code() -> None:
    text = (
        "为农民工办理法律援助案件2,310件，为妇女、未成年人分别办理680件、215件，"
        "为军人军属办理法律援助案件96件。"
    )
    assert keys(text) == {
        ("legal_aid.cases", "migrant_workers", 2310),
        ("legal_aid.cases", "women", 680),
        ("legal_aid.cases", "minors", 215),
    }


def test_table_with_a_serial_column_targets_and_remarks() -> None:
    text = (
        "序号\t指标\t目标值\t完成值\t备注\n"
        "1\t办理法律援助案件（件）\t1500\t1,632\t其中农民工案件418件\n"
        "2\t法律援助咨询（人次）\t—\t约2.1万\t含12348热线\n"
        "3\t受理行政复议申请（件）\t—\t204\t同比增长8.5%\n"
    )
    assert keys(text, 2023) == {
        ("legal_aid.cases", "total", 1632),
        ("legal_aid.cases", "migrant_workers", 418),
        ("legal_aid.consultations", "total", 21000),
        ("admin_review.received", "total", 204),
        ("stated_change", "行政复议申请", 8.5),
    }
    quals = {f.value: f.qualifier for f in extract_facts(text, "t.txt", 2023)}
    assert quals[21000] == "approx"


def test_table_rows_after_a_qizhong_row_and_totals_of_years() -> None:
    text = (
        "指标\t2023年\t2024年\n法律援助案件\t2,960\t3,105\n"
        "其中：刑事\t1,204\t1,310\n民事\t1,700\t1,745\n\n"
        "年份\t调解纠纷（件）\n2023年\t812\n2024年\t866\n合计\t1678\n"
    )
    facts = extract_facts(text, "t.txt", 2024)
    assert {(f.breakdown, f.value, f.period) for f in facts if f.metric == "legal_aid.cases"} == {
        ("total", 2960, 2023), ("total", 3105, 2024), ("criminal", 1204, 2023),
        ("criminal", 1310, 2024), ("civil", 1700, 2023), ("civil", 1745, 2024),
    }  # fmt: skip
    assert sorted(f.value for f in facts if f.metric == "disputes.mediated") == [812, 866]


def test_a_row_of_words_under_data_rows_opens_no_table() -> None:
    text = (
        "项目\t数量\t备注\n法律援助案件\t37\t\n矛盾纠纷排查\t每月开展一次\n"
        "其中：农民工\t14\n残疾人\t3\n"
    )
    assert keys(text) == {
        ("legal_aid.cases", "total", 37),
        ("legal_aid.cases", "migrant_workers", 14),
        ("legal_aid.cases", "disabled", 3),
    }


def test_space_table_with_a_spaced_total_label() -> None:
    text = (
        "附表\n  地区        调解纠纷（件） 法律援助案件（件）\n"
        "  东区           1,200              310\n"
        "  西区           1,050              280\n"
        "  合  计         2,250              590\n"
    )
    assert keys(text) == {("disputes.mediated", "total", 2250), ("legal_aid.cases", "total", 590)}


def test_table_pasted_one_cell_per_line_with_a_unit_column() -> None:
    text = "附：主要数据\n项目\n数量\n单位\n调解矛盾纠纷\n215\n件\n人民调解员\n48\n名\n"
    facts = extract_facts(text, "t.txt", 2021)
    assert {(f.metric, f.value) for f in facts} == {
        ("disputes.mediated", 215),
        ("disputes.mediators", 48),
    }
    assert facts[0].evidence == "调解矛盾纠纷\n215\n件"


def test_parts_in_parentheses_after_their_total_and_vague_tens() -> None:
    text = "全镇共有人民调解组织21个（镇调委会1个、村（社区）调委会20个），人民调解员88名。"
    assert keys(text) == {("disputes.orgs", "total", 21), ("disputes.mediators", "total", 88)}
    assert keys("行政诉讼案件52件（2015年为61件）。", 2016) == {
        ("admin_litigation.cases", "total", 52),
        ("admin_litigation.cases", "total", 61),
    }
    assert keys("驻村工作队协助化解纠纷数十件。") == set()


def test_a_change_in_tenths() -> None:
    facts = extract_facts("法律援助案件137件，同比增长近两成。", "t.txt", 2021)
    assert [(f.metric, f.value, f.qualifier) for f in facts] == [
        ("legal_aid.cases", 137, "exact"),
        ("stated_change", 20, "at_most"),
    ]


def test_years_of_a_summary_levels_from_to_and_sequential_changes() -> None:
    text = (
        "近年来全县法律援助案件稳步增长，2019年办理法律援助案件1,120件，2020年办理1,236件。"
        "全县行政应诉案件从2016年的88件下降到2020年的61件。五年累计办理法律援助案件5,600件。"
        "四季度纠纷数量环比增长6.2%。"
    )
    facts = extract_facts(text, "t.txt", 2020)
    assert [(f.metric, f.value, f.period) for f in facts] == [
        ("legal_aid.cases", 1120, 2019),
        ("legal_aid.cases", 1236, 2020),
        ("admin_litigation.cases", 88, 2016),
        ("admin_litigation.cases", 61, 2020),
    ]


def test_migrant_workers_called_outside_workers_and_exam_takers() -> None:
    assert keys("法律援助中心受理外来务工人员讨薪案件213宗。") == {
        ("legal_aid.cases", "migrant_workers", 213)
    }
    assert ("enforcement.exam_takers", "total", 2317) in keys(
        "组织全市行政执法资格考试，2317人参加考试，2106人通过考试。"
    )
