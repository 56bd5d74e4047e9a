"""Hard-wrapped text from PDF conversions, put back into paragraphs before extraction."""

from pathlib import Path

import pytest

from warehouse.decode import decode
from warehouse.extract import extract_facts
from warehouse.layout import rejoin, unwrap

SEEDS = Path(__file__).parents[1] / "seeds"

PARAGRAPHS = [
    "2021年，全市法律援助机构共办理法律援助案件1,234件，其中刑事案件456件，民事案件778件，"
    "为受援群众挽回经济损失约560万元，接待来电来访法律援助咨询5,600人次。",
    "全市行政复议机关共收到行政复议申请234件，依法受理210件，审结198件；全市行政机关负责人"
    "出庭应诉率达到96.5%，较上年提高3.2个百分点，行政诉讼案件办理质效持续提升。",
]


def _cut(paragraph: str, columns: int) -> list[str]:
    """Lines of at most `columns` display columns (a Chinese character takes two), as a PDF
    page cuts them."""
    lines, line, used = [], "", 0
    for char in paragraph:
        width = 1 if char.isascii() else 2
        if used + width > columns:
            lines, line, used = [*lines, line], "", 0
        line, used = line + char, used + width
    return [*lines, line]


def _pdf_text(columns: int = 68) -> str:
    """The paragraphs cut at `columns`, a page number between two pages of the first."""
    lines = ["某市2021年法治政府建设情况报告", "", "一、主要工作"]
    for i, paragraph in enumerate(PARAGRAPHS * 2):
        lines += _cut(paragraph, columns)
        if i == 0:
            lines[-1:-1] = ["— 2 —"]  # a page break inside the first paragraph
    return "\n".join([*lines, "二、存在问题", "基层法治力量仍然薄弱。"])


def test_paragraphs_are_joined_and_page_numbers_dropped() -> None:
    text = unwrap(_pdf_text())
    assert PARAGRAPHS[0] in text and PARAGRAPHS[1] in text
    assert "— 2 —" not in text
    assert text.splitlines()[:3] == ["某市2021年法治政府建设情况报告", "", "一、主要工作"]
    assert text.splitlines()[-2:] == ["二、存在问题", "基层法治力量仍然薄弱。"]


def test_figures_split_across_lines_are_found_after_decoding() -> None:
    raw = _pdf_text(columns=40)
    assert "法律援助案件1,234件" not in raw  # the wrap cuts through it
    text = decode(raw.encode("gb18030"), "report.txt").text
    keys = {(f.metric, f.breakdown, f.value) for f in extract_facts(text, "r", 2021)}
    assert {
        ("legal_aid.cases", "total", 1234),
        ("legal_aid.cases", "criminal", 456),
        ("admin_review.closed", "total", 198),
        ("admin_litigation.appearance_rate", "total", 96.5),
    } <= keys


def test_lines_that_end_a_sentence_or_open_a_heading_stay() -> None:
    lines = [*_cut(PARAGRAPHS[0] * 3, 68)[:8], "（一）依法行政", "全年共办理案件12件。"]
    text = unwrap("\n".join(lines))
    assert "\n（一）依法行政\n全年共办理案件12件。" in text


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name)
def test_texts_with_one_paragraph_per_line_are_untouched(path: Path) -> None:
    text = path.read_text("utf-8")
    assert unwrap(text) == text


def test_a_percentage_at_a_line_start_is_no_list_number() -> None:
    head = _cut(PARAGRAPHS[0] * 4, 68)[:8]
    full = ("各级人民调解组织全年共调处各类矛盾纠纷" * 2)[:29] + "调解成功率"  # 68 columns
    text = unwrap("\n".join([*head, full, "99.3%，涉及金额3.26亿元。"]))
    assert "调解成功率99.3%，涉及金额" in text


def test_a_break_between_a_subject_and_its_number_is_removed() -> None:
    heading = "\n一、主要工作\n2021年，全区…"
    text = "全年排查隐患326个。全区共调解纠纷\n1,287件，调解成功率98.7%。" + heading
    assert rejoin(text) == "全年排查隐患326个。全区共调解纠纷1,287件，调解成功率98.7%。" + heading
    page = "<html><body><p>全年排查隐患326个。全区共调解纠纷<br/>1,287件。</p></body></html>"
    assert "全区共调解纠纷1,287件" in decode(page.encode(), "p.html").text


def test_rows_of_a_space_aligned_table_stay_apart() -> None:
    rows = [
        f"{name}{' ' * 12}{n:>6}{' ' * 8}{n * 10:>8}{' ' * 8}{n * 9:>8}"
        for name, n in [
            ("乌兰浩特市", 186),
            ("阿尔山市", 58),
            ("科尔沁右翼前旗", 203),
            ("扎赉特旗", 215),
            ("突泉县", 167),
            ("科尔沁右翼中旗", 191),
            ("全盟合计", 1020),
        ]
    ]
    text = "\n".join(["地区    调解组织(个)    调解纠纷(件)    调解成功(件)", *rows * 2])
    assert unwrap(text) == text


def test_markdown_files_lose_their_marks_and_masks_stay_elsewhere() -> None:
    md = "### 一、主要工作\n\n- 收到行政复议申请**316件**，同比下降 **8.4%**。\n> 来源：司法局\n"
    text = decode(md.encode(), "report.md").text
    assert text.splitlines()[0] == "一、主要工作"
    assert "收到行政复议申请316件，同比下降 8.4%。" in text and "来源：司法局" in text
    masked = "**区2019年法治政府建设情况报告\n**区人民政府坚持依法行政。"
    assert decode(masked.encode(), "report.txt").text == masked


def test_a_page_break_with_blank_lines_and_a_running_header_is_joined() -> None:
    header = "某市2021年法治政府建设情况报告"
    lines = ["某市人民政府关于2021年法治政府建设情况的报告", "一、主要工作"]
    for i, paragraph in enumerate(PARAGRAPHS * 2):
        cut = _cut(paragraph, 68)
        if i < 2:  # the first two paragraphs each run over a page end
            cut[1:1] = ["", f"- {i + 2} -", "", "\f" + header]
        lines += cut
    text = unwrap("\n".join(lines))
    assert PARAGRAPHS[0] in text and PARAGRAPHS[1] in text
    assert header not in text and "- 2 -" not in text
