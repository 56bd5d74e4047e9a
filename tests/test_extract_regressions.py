"""One fixture per extraction mistake found and fixed, with facts and non-facts."""

from warehouse.extract import extract_facts


def keys(text: str, year: int = 2021) -> set[tuple[str, str, float]]:
    return {(f.metric, f.breakdown, f.value) for f in extract_facts(text, "t.txt", year)}


def test_consultation_context_from_an_earlier_sentence_of_the_paragraph() -> None:
    text = "四是法律援助持续增强。受理法律援助案件685宗。接待来访来电群众咨询3980次。"
    assert ("legal_aid.consultations", "total", 3980) in keys(text)


def test_recovered_losses_context_from_an_earlier_sentence() -> None:
    text = "四是法律援助持续增强。受理法律援助案件685宗。帮助挽回经济损失约1835万元。"
    assert ("legal_aid.recovered", "total", 18350000) in keys(text)


def test_listed_adviser_activity_does_not_veto_consultations() -> None:
    text = "扎实推进法律援助工作,开展法律援助宣传、法律咨询、法律顾问14次,解答法律咨询1200余人。"
    assert keys(text) == {("legal_aid.consultations", "total", 1200)}


def test_adviser_consultations_stay_out_even_with_legal_aid_in_paragraph() -> None:
    text = "法律援助中心受理案件20件。村法律顾问受理法律咨询100余人次。"
    assert ("legal_aid.consultations", "total", 100) not in keys(text)


def test_prior_year_after_a_parenthetical_list_keeps_the_headline() -> None:
    text = "全年受理法律援助案件2,415宗(含刑事案件1,031宗、行政案件88宗),上年为2,190宗。"
    facts = extract_facts(text, "t.txt", 2023)
    prior = [f for f in facts if f.value == 2190]
    assert [(f.metric, f.breakdown, f.period) for f in prior] == [
        ("legal_aid.cases", "total", 2022)
    ]


def test_newly_certified_personnel_are_no_absolute_change() -> None:
    text = "近期,镇综合行政执法队新增8名执法人员取得行政执法证。"
    assert keys(text) == {("enforcement.certified", "total", 8)}


def test_new_mediation_committees_are_not_the_stock() -> None:
    assert keys("全年新增人民调解委员会5个。") == set()


def test_change_subject_drops_the_comparison_phrase() -> None:
    facts = extract_facts("受理行政复议案件60件,较去年同期下降8.5%。", "t.txt", 2021)
    change = [f for f in facts if f.metric == "stated_change"]
    assert [(f.breakdown, f.value) for f in change] == [("行政复议案件", -8.5)]


def test_court_concluded_cases_are_not_admin_litigation() -> None:
    assert keys("全市法院受理行政诉讼案件320件,审结298件。") == set()


def test_multiplier_after_yu() -> None:
    assert keys("通过法律援助为困难群众挽回经济损失1000余万元。") == {
        ("legal_aid.recovered", "total", 10_000_000)
    }


def test_uncoded_sub_population_is_dropped() -> None:
    text = "组织行政执法人员培训1,210人次,其中新任执法人员培训186人次、继续教育培训1,024人次。"
    assert keys(text) == {
        ("enforcement.trained", "total", 1210),
        ("enforcement.trained", "continuing", 1024),
    }


def test_plan_section_ends_at_the_next_top_level_heading() -> None:
    text = "三、2022年工作计划\n调解纠纷500件。\n四、其他情况\n调解纠纷600件。"
    assert keys(text) == {("disputes.mediated", "total", 600)}


def test_counter_words_not_spotted_before_were_spotted() -> None:
    assert keys("开展矛盾纠纷排查3轮,排查出矛盾纠纷隐患43处。") == {
        ("disputes.screenings", "total", 3),
        ("disputes.screenings", "total", 43),
    }


def test_bare_resolution_verb_after_a_screening() -> None:
    assert keys("全年共排查矛盾纠纷320件,化解315件。") == {
        ("disputes.screenings", "total", 320),
        ("disputes.mediated", "total", 315),
    }


def test_legal_aid_centre_with_verb_before_cases() -> None:
    assert keys("法律援助中心共受理案件568件,办结552件。") == {
        ("legal_aid.cases", "total", 568),
        ("legal_aid.cases_closed", "total", 552),
    }


def test_training_count_after_a_training_course() -> None:
    assert keys("举办执法培训班6期,培训执法人员820人次。") == {
        ("enforcement.trained", "total", 820)
    }


def test_first_instance_lawsuits_are_the_headline() -> None:
    assert keys("全区行政机关作为被告的一审行政诉讼案件132宗。") == {
        ("admin_litigation.cases", "total", 132)
    }


def test_personnel_holding_certificates() -> None:
    assert keys("全区持有行政执法证件人员2,305人。") == {("enforcement.personnel", "total", 2305)}


def test_reconsideration_office_intake() -> None:
    assert keys("区政府行政复议机构收案132件,结案120件。") == {
        ("admin_review.received", "total", 132),
        ("admin_review.closed", "total", 120),
    }


def test_aid_applications_and_exam_registrations() -> None:
    assert keys("法援中心受理援助申请412件。") == {("legal_aid.cases", "total", 412)}
    assert keys("组织执法人员参加行政执法资格考试,报考312人,合格296人。") == {
        ("enforcement.exam_takers", "total", 312),
        ("enforcement.certified", "total", 296),
    }


def test_table_target_columns_and_plan_tables_are_not_facts() -> None:
    text = "指标\t2021年\t2022年目标\n法律援助案件(件)\t300\t350\n"
    assert keys(text) == {("legal_aid.cases", "total", 300)}
    plan = "三、2022年工作计划\n指标\t2021年\t2022年\n法律援助案件(件)\t300\t350\n"
    assert keys(plan) == set()


def test_later_years_in_prose_are_targets() -> None:
    assert keys("2022年,全市计划外新增调解纠纷500件。2023年办理法律援助案件900件。") == set()


def test_procuratorate_plea_leniency_is_no_legal_help() -> None:
    assert keys("市检察院适用认罪认罚从宽制度办理案件860件。") == set()
    assert keys("提供认罪认罚见证701次。") == {("legal_aid.plea_help", "total", 701)}


def test_deployed_officers_are_not_personnel_on_record() -> None:
    assert keys("联合检查中出动执法人员300人。") == set()


def test_change_with_da() -> None:
    facts = extract_facts("受理行政复议案件60件,增幅达12%。", "t.txt", 2021)
    assert [(f.metric, f.value) for f in facts][-1] == ("stated_change", 12)


def test_number_before_the_case_noun() -> None:
    text = (
        "区政府共受理112件行政复议申请,办结了105件。全年共调解了236件矛盾纠纷。"
        "区法律援助中心共办理了563件法律援助案件。排查出36件矛盾纠纷。"
    )
    assert keys(text) == {
        ("admin_review.received", "total", 112),
        ("admin_review.closed", "total", 105),
        ("disputes.mediated", "total", 236),
        ("legal_aid.cases", "total", 563),
    }


def test_cases_settled_by_mediation_are_not_intake() -> None:
    assert keys("取得了11起复议案件案结事了的良好效果。") == set()


def test_plan_heading_inside_a_single_long_line() -> None:
    text = (
        "某区2021年工作报告 一、主要成效 全年调解纠纷100件。三、2022年工作计划 "
        "一是办理法律援助案件300件。二是调解纠纷400件。四、其他 受理行政复议案件9件。\n"
    )
    assert keys(text) == {
        ("disputes.mediated", "total", 100),
        ("admin_review.received", "total", 9),
    }


# --- families found by the blind holdout (tests/holdout), fixtures in other words -----------


def test_space_grouped_thousands() -> None:
    assert keys("全县在岗行政执法人员2 306名。") == {("enforcement.personnel", "total", 2306)}


def test_percent_written_in_words() -> None:
    text = "调处邻里矛盾纠纷80件,调处成功率百分之九十六点二。"
    assert ("disputes.success_rate", "total", 96.2) in keys(text)
    assert ("disputes.success_rate", "total", 100) in keys("全年调解成功率为百分之百。")


def test_bare_order_of_magnitude_numbers() -> None:
    facts = extract_facts("全乡人民调解组织共化解矛盾纠纷近百件。", "t.txt", 2019)
    assert [(f.metric, f.value, f.qualifier) for f in facts] == [
        ("disputes.mediated", 100, "at_most")
    ]
    facts = extract_facts("法律援助中心解答来访群众咨询千余人次。", "t.txt", 2019)
    assert [(f.metric, f.value, f.qualifier) for f in facts] == [
        ("legal_aid.consultations", 1000, "at_least")
    ]
    assert keys("走进千家万户开展普法宣传。") == set()


def test_chinese_numeral_year_sets_the_period() -> None:
    text = "二〇一七年受理法律援助案件九十件。"
    facts = extract_facts(text, "t.txt", 2018)
    assert [(f.metric, f.value, f.period) for f in facts] == [("legal_aid.cases", 90, 2017)]


def test_certificates_issued_count_certified_personnel() -> None:
    assert keys("年内核发行政执法证件215张,注销执法证件40张。") == {
        ("enforcement.certified", "total", 215)
    }


def test_exam_takers_with_a_scope_word_before_the_exam() -> None:
    text = "组织参加全市行政执法资格统一考试180人,合格160人。"
    assert keys(text) == {
        ("enforcement.exam_takers", "total", 180),
        ("enforcement.certified", "total", 160),
    }


def test_named_kind_of_dispute_is_breakdown_other() -> None:
    text = "司法所参与化解物业服务纠纷62起,化解成功60起。"
    assert keys(text) == {
        ("disputes.mediated", "other", 62),
        ("disputes.mediated_success", "other", 60),
    }
    assert ("disputes.mediated", "total", 300) in keys("全镇调委会共调解矛盾纠纷300件。")


def test_legal_aid_station_consultations_despite_justice_office_in_sentence() -> None:
    text = "在镇司法所挂牌设立法律援助工作站,法律援助工作站解答来访咨询88人次。"
    assert ("legal_aid.consultations", "total", 88) in keys(text)


def test_recovered_unpaid_wages_through_legal_aid() -> None:
    text = "法律援助律师为务工人员追讨劳动报酬12.6万元。"
    assert ("legal_aid.recovered", "total", 126000) in keys(text)


def test_table_subrow_inherits_the_metric_of_the_row_above() -> None:
    text = "指标\t2021年\t2022年\n法律援助案件(件)\t640\t702\n其中:未成年人案件(件)\t31\t44\n"
    assert keys(text, 2022) == {
        ("legal_aid.cases", "total", 640),
        ("legal_aid.cases", "total", 702),
        ("legal_aid.cases", "minors", 31),
        ("legal_aid.cases", "minors", 44),
    }


def test_table_without_a_year_column() -> None:
    text = (
        "主要指标如下:\n"
        "| 指标 | 完成数 | 增幅 |\n"
        "| --- | --- | --- |\n"
        "| 一审行政应诉案件 | 57件 | -5.0% |\n"
        "| 法律援助案件 | 1,020件 | +3.5% |\n"
    )
    facts = extract_facts(text, "t.txt", 2020)
    got = {(f.metric, f.value, f.period) for f in facts}
    assert ("admin_litigation.cases", 57, 2020) in got
    assert ("legal_aid.cases", 1020, 2020) in got
    assert ("stated_change", -5.0, 2020) in got
    assert ("stated_change", 3.5, 2020) in got


def test_tab_lines_that_are_no_table_still_reach_the_prose_engine() -> None:
    text = "说明\t备注\n全年受理法律援助案件35件\t见附件\n"
    assert ("legal_aid.cases", "total", 35) in keys(text)


# --- families found by probing other phrasings after the holdout -------------------------


def test_success_counted_in_jian_ci() -> None:
    assert ("disputes.mediated_success", "total", 410) in keys(
        "各调委会化解纠纷425件次,成功化解410件次。"
    )


def test_reconsideration_applications_counted_in_copies() -> None:
    assert keys("本年度收到行政复议申请书19份。") == {("admin_review.received", "total", 19)}


def test_prior_year_figure_in_a_comparison() -> None:
    facts = extract_facts("全年办理法律援助案件430件,较2019年的388件有所增加。", "t.txt", 2020)
    assert {(f.value, f.period) for f in facts} == {(430, 2020), (388, 2019)}


def test_trainees_counted_in_the_clause_after_the_course() -> None:
    text = "开办综合行政执法业务培训班3期,参训学员共420人次。"
    assert ("enforcement.trained", "total", 420) in keys(text)


def test_hotline_calls_counted_as_consultations() -> None:
    assert keys("12348法律服务热线接听来电咨询2,150通。") == {
        ("legal_aid.consultations", "total", 2150)
    }


def test_procuratorate_supervision_cases_are_no_lawsuits_of_the_government() -> None:
    assert keys("市检察院办理行政诉讼监督案件31件。") == set()


def test_special_groups_are_not_group_cases() -> None:
    got = keys("为低保户等特殊群体办理法律援助案件77件。")
    assert ("legal_aid.cases", "group", 77) not in got


def test_space_separated_table_from_a_web_page() -> None:
    text = (
        "近两年主要数据\n指标 2022年 2023年\n"
        "人民调解案件(件) 1,204 1,318\n调解成功率(%) 98.1 98.4\n"
    )
    got = {(f.metric, f.value, f.period) for f in extract_facts(text, "t.html", 2023)}
    assert got == {
        ("disputes.mediated", 1204, 2022),
        ("disputes.mediated", 1318, 2023),
        ("disputes.success_rate", 98.1, 2022),
        ("disputes.success_rate", 98.4, 2023),
    }


def test_bare_success_clause_after_a_mediation_figure() -> None:
    assert keys("(二)化解邻里矛盾纠纷140件,成功132件。") >= {
        ("disputes.mediated", "total", 140),
        ("disputes.mediated_success", "total", 132),
    }


def test_numbered_legal_aid_item_with_a_generic_case_noun() -> None:
    text = "3.法律援助:全年承办案件318件,办结301件。"
    assert keys(text) == {
        ("legal_aid.cases", "total", 318),
        ("legal_aid.cases_closed", "total", 301),
    }


def test_arabic_digits_with_qian() -> None:
    facts = extract_facts("法律援助中心全年受理法律援助案件2千余件。", "t.txt", 2021)
    assert [(f.value, f.qualifier) for f in facts] == [(2000, "at_least")]


def test_legal_aid_provided_counts_cases() -> None:
    assert keys("年内为困难职工提供法律援助64件。") == {("legal_aid.cases", "total", 64)}


def test_implausible_figures_are_not_facts() -> None:
    text = "2021年，全县行政机关负责人出庭应诉率达到118%，人民调解成功率达98.2%。"
    facts = extract_facts(text, "odd.txt", 2021)
    assert [f.value for f in facts if f.unit == "percent"] == [98.2]


def test_a_report_without_any_year_yields_no_undated_facts() -> None:
    facts = extract_facts("全区共办理法律援助案件120件。", "undated.txt", None)
    assert all(f.period >= 2000 for f in facts)
