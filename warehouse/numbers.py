"""Numbers as written in Chinese reports: parse a matched span, tell its qualifier.

`parse_number` handles Arabic digits (with thousands separators and decimals),
full-width digits, 万/亿/千/百 multipliers, Chinese numerals (两, 〇, 零) and mixed
forms such as ``3.6万``. cn2an is only ever applied to a matched numeral span:
over whole text it rewrites words like 统一 or 一是.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import cn2an  # type: ignore[import-untyped]


def translator(table: dict[int, int]) -> Callable[[str], str]:
    """`str.translate(table)` for a table of single characters, as a faster function.

    `str.translate` looks every character of a CJK text up in the table; a compiled
    character class skips to the few characters that change.
    """
    chars = re.compile("[" + re.escape("".join(map(chr, table))) + "]")
    replace = {chr(k): chr(v) for k, v in table.items()}
    return lambda text: chars.sub(lambda m: replace[m.group()], text)


FULLWIDTH = str.maketrans("０１２３４５６７８９．，％：；（）｜\u3000", "0123456789.,%:;()| ")
"""Full-width to ASCII, one character for one, so offsets survive folding."""
_FOLD_WIDTH = translator(FULLWIDTH)

CN_DIGITS = "〇零一二两三四五六七八九"
CN_NUMERAL_CHARS = CN_DIGITS + "十百千万亿"

_DIGIT = "[0-9０-９]"
_GROUP_SPACE = "[ \u00a0\u2009\u202f]"
ARABIC = (
    rf"{_DIGIT}+(?:[,，]{_DIGIT}{{3}}"
    # 4 512: a space groups thousands after at most three leading digits (never 2020 123)
    rf"|(?<!{_DIGIT}{{4}}){_GROUP_SPACE}{_DIGIT}{{3}}(?!{_DIGIT}))*"
    rf"(?:[.．]{_DIGIT}+)?"
)
MULTIPLIER = r"(?:千万|百万|万|亿|千)"
CHINESE = (
    rf"[{CN_DIGITS}十][{CN_NUMERAL_CHARS}]*"
    # a bare order of magnitude: 近千件, 千余人, 万余件 (1000, 1000, 10000)
    r"|[百千万](?:(?<=[近逾约足过][百千万])(?![百千万])|(?=[余多]))"
)
NUMBER = rf"(?:{ARABIC}(?:[ \u00a0]?{MULTIPLIER})?|{CHINESE})"
"""A number as written, without qualifiers or counter words."""

PERCENT_WORDS = (
    rf"百分之(?:{ARABIC}|[{CN_DIGITS}十百]+(?:点[{CN_DIGITS}]+)?)"
    r"|[一两二三四五六七八九]成(?=以上|左右|多|[，,；;。）)\n]|$)"
)
"""A percentage written out: 百分之九十八点五, 百分之百, 百分之95, 九成 (90)."""
_TENTHS_DIGITS = frozenset("一两二三四五六七八九")


def has_tenths(text: str) -> bool:
    """Whether `text` may write a percentage in tenths (九成以上): a digit before some 成.

    One character search at a time: 成 is frequent (完成, 形成), 九成 rare, and a search
    for eight two-character words would cost a third of the bare number scan."""
    at = text.find("成", 1)
    while at > 0:
        if text[at - 1] in _TENTHS_DIGITS:
            return True
        at = text.find("成", at + 1)
    return False


NUMBER_FIRST = f"0-9０-９{CN_DIGITS}十百千万"
"""Every character a NUMBER or PERCENT_WORDS can begin with (a character-class body)."""
NUMBER_CHARS = f"0-9０-９,，.． \u00a0\u2009\u202f{CN_NUMERAL_CHARS}"
"""Every character a NUMBER can contain (a character-class body)."""

_CN_YEAR = re.compile(r"[一二][〇零○][〇零○一二三四五六七八九]{2}(?=\s*年)")
_CN_YEAR_DIGITS = str.maketrans("〇零○一二三四五六七八九", "000123456789")
_CN_DIGIT_VALUES = str.maketrans("〇零一二两三四五六七八九", "001223456789")

_MULTIPLIERS = {"千万": 1e7, "百万": 1e6, "万": 1e4, "亿": 1e8, "千": 1e3, "百": 1e2}
_ARABIC_SPLIT = re.compile(r"^([0-9.]+)\s*(千万|百万|万|亿|千|百)?$")
_STRIP = re.compile(r"[,\s\u00a0余多]")

QUALIFIER_WORDS = "超过|逾|多达|不少于|不低于|至少|将近|接近|不足|不到|不超过|大约|约|近"
"""Words before a number that qualify it (an alternation body)."""
QUALIFIER_BEFORE = re.compile(rf"({QUALIFIER_WORDS})(?:[共计达有为]|达到)?$")
QUALIFIER_AFTER = re.compile(r"^[ \u00a0]?(以上|多|余|左右|以下|以内)")
_BEFORE_CODES = {
    "超过": "at_least",
    "逾": "at_least",
    "多达": "at_least",
    "不少于": "at_least",
    "不低于": "at_least",
    "至少": "at_least",
    "将近": "at_most",
    "接近": "at_most",
    "不足": "at_most",
    "不到": "at_most",
    "不超过": "at_most",
    "近": "at_most",
    "大约": "approx",
    "约": "approx",
}
_AFTER_CODES = {
    "以上": "at_least",
    "多": "at_least",
    "余": "at_least",
    "左右": "approx",
    "以下": "at_most",
    "以内": "at_most",
}


def fold_width(text: str) -> str:
    """Fold full-width digits and punctuation to ASCII; the length never changes."""
    return _FOLD_WIDTH(text)


def fold_years(text: str) -> str:
    """Write Chinese-numeral years in digits (二〇二一年 → 2021年); the length never changes."""
    if "〇" not in text and "零" not in text and "○" not in text:
        return text
    return _CN_YEAR.sub(lambda m: m.group().translate(_CN_YEAR_DIGITS), text)


def parse_number(span: str) -> float:
    """The value of a number span: ``3.6148万`` → 36148, ``一千七百三十`` → 1730.

    Raises ValueError when the span is not a number.
    """
    s = _STRIP.sub("", fold_width(span))
    if s.startswith("百分之"):
        s = s[3:]
    elif len(s) == 2 and s[1] == "成" and s[0] in CN_DIGITS:
        return float(s[0].translate(_CN_DIGIT_VALUES)) * 10
    if not s:
        raise ValueError(f"not a number: {span!r}")
    m = _ARABIC_SPLIT.match(s)
    if m:
        value = float(m.group(1))
        return value * _MULTIPLIERS[m.group(2)] if m.group(2) else value
    whole, dot, decimals = s.partition("点")
    if whole and all(ch in CN_NUMERAL_CHARS for ch in whole):
        if whole[0] in "十百千万亿" and whole[0] != "十":
            whole = "一" + whole  # 千余 → 一千
        value = float(cn2an.cn2an(whole.replace("〇", "零"), "smart"))
        if not dot:
            return value
        if decimals and all(ch in CN_DIGITS for ch in decimals):
            return value + float("0." + decimals.translate(_CN_DIGIT_VALUES))
    raise ValueError(f"not a number: {span!r}")


def qualifier(before: str, inner: str = "", after: str = "") -> str:
    """The contract qualifier of a number from its surroundings.

    before: text just left of the number; inner: what stands between number and
    counter word (余/多); after: text just right of the counter word.
    近期/近年 are no qualifiers: 近 must stand right before the number.
    """
    if inner and inner.strip() in _AFTER_CODES:
        return _AFTER_CODES[inner.strip()]
    m = QUALIFIER_AFTER.match(after)
    if m and m.group(1) not in ("多", "余"):
        return _AFTER_CODES[m.group(1)]
    m = QUALIFIER_BEFORE.search(before)
    if m:
        return _BEFORE_CODES[m.group(1)]
    return "exact"
