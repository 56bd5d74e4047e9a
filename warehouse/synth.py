"""A synthetic corpus for timing: seed paragraphs recombined with other places, years and figures.

For benchmarks only, never for accuracy: the texts are plausible in shape and size,
not in content.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path

from warehouse.config import SEEDS_DIR

PLACES = (
    ("江苏省", "苏州市", "姑苏区"),
    ("浙江省", "杭州市", "西湖区"),
    ("广东省", "广州市", "天河区"),
    ("四川省", "成都市", "武侯区"),
    ("山东省", "青岛市", "黄岛区"),
    ("湖北省", "武汉市", "江汉区"),
    ("河南省", "洛阳市", "偃师区"),
    ("辽宁省", "铁岭市", "调兵山市"),
    ("福建省", "厦门市", "思明区"),
    ("陕西省", "西安市", "雁塔区"),
    ("云南省", "昆明市", "五华区"),
    ("湖南省", "长沙市", "岳麓区"),
)
NUMBER = re.compile(r"\d+(?:\.\d+)?")
COUNT = re.compile(r"\d+(?:\.\d+)?(?=[件宗起个名人次项家万元])")
"""Counts to vary: years, percentages, dates and document numbers are left as written."""
YEAR = re.compile(r"20[12]\d(?=年)")


def seed_paragraphs(seeds_dir: Path = SEEDS_DIR) -> list[str]:
    paragraphs = []
    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_text("utf-8")
        paragraphs += [p.strip() for p in text.split("\n") if len(p.strip()) > 40]
    return paragraphs


def _scale_counts(paragraph: str, factor: float) -> str:
    """One factor per report keeps each report's figures consistent (successes ≤ cases)."""

    def scale(match: re.Match[str]) -> str:
        token = match.group()
        if "." in token:
            return f"{float(token) * factor:.2f}"
        return str(max(1, round(int(token) * factor)))

    return COUNT.sub(scale, paragraph)


def synthetic_report(index: int, paragraphs: list[str], rng: random.Random) -> str:
    _, city, district = PLACES[index % len(PLACES)]
    year = 2016 + index % 9
    factor = rng.uniform(0.5, 2.0)
    picked = rng.sample(paragraphs, k=min(len(paragraphs), 24))
    body = [_scale_counts(p, factor) for p in picked]
    text = "\n".join(
        [f"{district}{year}年法治政府建设情况报告", *body, f"{city}{district}人民政府"]
    )
    text = YEAR.sub(str(year), text)
    return text + f"\n{year + 1}年2月{1 + index % 27}日\n"


def write_corpus(out_dir: Path, count: int, seed: int = 7) -> Iterator[Path]:
    """Write `count` synthetic reports into `out_dir`, yielding each path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paragraphs = seed_paragraphs()
    for i in range(count):
        path = out_dir / f"synthetic_{i:07d}.txt"
        path.write_text(synthetic_report(i, paragraphs, rng), "utf-8")
        yield path
