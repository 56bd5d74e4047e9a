"""Number spans and qualifiers as written in Chinese reports."""

import pytest

from warehouse.numbers import fold_width, parse_number, qualifier


@pytest.mark.parametrize(
    ("span", "value"),
    [
        ("13688", 13688),
        ("1,234", 1234),
        ("12,345", 12345),
        ("1，234", 1234),
        ("96.8", 96.8),
        ("3.6148万", 36148),
        ("22150.68万", 221506800),
        ("1.25亿", 125000000),
        ("4.38 亿", 438000000),
        ("2千万", 20000000),
        ("十二", 12),
        ("十", 10),
        ("一百零六", 106),
        ("一千七百三十", 1730),
        ("两万", 20000),
        ("二〇一八", 2018),
        ("一千零六十八", 1068),
        ("１２３", 123),
        ("９７．６", 97.6),
        ("512\u00a0", 512),
        ("1200余", 1200),
        ("3000多", 3000),
    ],
)
def test_parse_number(span: str, value: float) -> None:
    assert parse_number(span) == pytest.approx(value)


@pytest.mark.parametrize("span", ["", "件", "统一", "abc", "12a"])
def test_parse_number_rejects_non_numbers(span: str) -> None:
    with pytest.raises(ValueError):
        parse_number(span)


def test_fold_width_keeps_length() -> None:
    text = "受理案件１２３件，成功率９７．６％（含）"
    folded = fold_width(text)
    assert len(folded) == len(text)
    assert "123件,成功率97.6%(含)" in folded


@pytest.mark.parametrize(
    ("before", "inner", "after", "expected"),
    [
        ("调解案件", "", "", "exact"),
        ("解答法律咨询", "余", "", "at_least"),
        ("接待", "多", "", "at_least"),
        ("化解成功率在", "", "以上", "at_least"),
        ("受理案件超过", "", "", "at_least"),
        ("逾", "", "", "at_least"),
        ("队员近", "", "", "at_most"),
        ("不足", "", "", "at_most"),
        ("不到", "", "", "at_most"),
        ("接近", "", "", "at_most"),
        ("涉案金额约", "", "", "approx"),
        ("大约", "", "", "approx"),
        ("共", "", "左右", "approx"),
        ("近期已有", "", "", "exact"),
        ("近年来共调解", "", "", "exact"),
        ("将近", "", "", "at_most"),
        ("约为", "", "", "approx"),
    ],
)
def test_qualifier(before: str, inner: str, after: str, expected: str) -> None:
    assert qualifier(before, inner, after) == expected


@pytest.mark.parametrize(
    ("span", "value"),
    [
        ("4 512", 4512),
        ("1 234 567", 1234567),
        ("九十七点六", 97.6),
        ("百分之九十八点五", 98.5),
        ("百分之百", 100),
        ("百分之95.5", 95.5),
        ("千", 1000),
        ("万", 10000),
    ],
)
def test_parse_number_holdout_forms(span: str, value: float) -> None:
    assert parse_number(span) == pytest.approx(value)


def test_fold_years_keeps_length() -> None:
    from warehouse.numbers import fold_years

    assert fold_years("二〇二一年,二〇一九年度") == "2021年,2019年度"
    assert fold_years("一二三件") == "一二三件"
