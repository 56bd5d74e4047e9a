"""Sentences, clauses, headings and tables keep offsets into the original text."""

from warehouse.segment import (
    Bounds,
    cell_line_rows,
    clause_span,
    clauses,
    heading_level,
    sentence_span,
    sentences,
    table_rows,
    value_rows,
)

TEXT = "一、主要成效\n全年共调解案件120件,调解成功118件;成功率98%。其中、民事案件5件。"


def test_sentences_index_the_original_text() -> None:
    spans = sentences(TEXT)
    assert [TEXT[s.start : s.end] for s in spans] == [
        "一、主要成效",
        "全年共调解案件120件,调解成功118件;成功率98%",
        "其中、民事案件5件",
    ]


def test_clauses_split_at_commas_and_semicolons() -> None:
    texts = [TEXT[s.start : s.end] for s in clauses(TEXT)]
    assert "调解成功118件" in texts
    assert "成功率98%" in texts


def test_spans_around_a_position() -> None:
    pos = TEXT.index("118")
    assert TEXT[slice(*_pair(sentence_span(TEXT, pos)))].startswith("全年共调解案件")
    assert TEXT[slice(*_pair(clause_span(TEXT, pos)))] == "调解成功118件"


def _pair(span) -> tuple[int, int]:
    return span.start, span.end


def test_bounds_agree_with_spans() -> None:
    bounds = Bounds(TEXT)
    pos = TEXT.index("118")
    assert bounds.start(bounds.clause, pos, 200) == clause_span(TEXT, pos).start
    assert bounds.start(bounds.sentence, pos, 600) == sentence_span(TEXT, pos).start
    assert bounds.end(bounds.clause, pos, 200) == clause_span(TEXT, pos).end
    five = TEXT.index("5件")
    clause = bounds.start(bounds.clause, five, 200)
    assert TEXT[bounds.item_start(five, clause) : five] == "民事案件"
    assert (
        bounds.item_start(pos, bounds.start(bounds.clause, pos, 200))
        == clause_span(TEXT, pos).start
    )


def test_full_width_punctuation_is_a_boundary() -> None:
    text = "受理案件１２件，办结１０件。"
    pos = text.index("１０")
    assert text[clause_span(text, pos).start : pos] == "办结"


def test_heading_levels() -> None:
    assert heading_level("三、2023年重点工作安排") == 1
    assert heading_level("（二）完善依法行政制度体系") == 2
    assert heading_level("(二)完善依法行政制度体系") == 2
    assert heading_level("第一部分 工作成效") == 0
    assert heading_level("1. 全年共受理法律援助案件46件") == 3
    assert heading_level("全年共受理法律援助案件46件") is None
    assert heading_level("12.5万件") is None


def test_tab_table_with_year_columns() -> None:
    text = "主要数据如下:\n指标\t2019年\t2020年\n调解案件\t1,200\t1350\n附注"
    rows = table_rows(text)
    assert len(rows) == 1
    row = rows[0]
    assert row.caption == "主要数据如下:"
    assert [c.text for c in row.cells] == ["调解案件", "1,200", "1350"]
    assert row.periods == (None, 2019, 2020)
    assert row.labels[1] == "调解案件"
    assert all(text[c.start : c.end] == c.text for c in row.cells)


def test_pipe_table_skips_rule_rows() -> None:
    text = "| 项目 | 2021年 | 2022年 |\n| --- | --- | --- |\n| 调解纠纷数(件) | 301 | 325 |\n"
    rows = table_rows(text)
    assert len(rows) == 1
    assert [c.text for c in rows[0].cells] == ["调解纠纷数(件)", "301", "325"]
    assert rows[0].periods == (None, 2021, 2022)


def test_table_with_a_year_per_row() -> None:
    text = "年份\t调解案件(件)\t法律援助案件(件)\n2020年\t1200\t300\n2021年\t1350\t320"
    rows = table_rows(text)
    assert [r.periods[1] for r in rows] == [2020, 2021]
    assert rows[1].labels[2] == "法律援助案件(件)"


def test_no_tables_without_years() -> None:
    assert table_rows("项目\t数量\n调解\t12") == []
    assert table_rows("没有表格的文本。") == []


def test_table_written_one_cell_per_line() -> None:
    text = (
        "全县调解工作主要数据如下：\n指标\n2021年\n2022年\n"
        "调解矛盾纠纷（件）\n1,502\n1,638\n人民调解员（名）\n420\n436\n全年……"
    )
    rows = cell_line_rows(text)
    assert [[c.text for c in r.cells] for r in rows] == [
        ["调解矛盾纠纷（件）", "1,502", "1,638"],
        ["人民调解员（名）", "420", "436"],
    ]
    assert rows[0].periods == (None, 2021, 2022)
    assert rows[0].caption == "全县调解工作主要数据如下："
    assert text[rows[1].start : rows[1].end] == "人民调解员（名）\n420\n436"
    assert cell_line_rows("项目\n数量\n调解纠纷\n12") == []  # no year: no such table


def test_indicator_lines_with_target_and_completed_values() -> None:
    text = (
        "附表\n（1）法律援助案件：目标值1,000件，完成值1,126件；\n（2）人民调解员数量：实际值86名。"
    )
    rows = value_rows(text)
    assert [(r.headers, [c.text for c in r.cells]) for r in rows] == [
        (("", "目标值", "完成值"), ["法律援助案件", "1,000件", "1,126件"]),
        (("", "实际值"), ["人民调解员数量", "86名"]),
    ]
    assert value_rows("法律援助案件：1,126件。") == []
