"""Golden tests: the five seed reports and the synthetic corpus against their gold.

Facts are compared as sets of the scorer's key (shared/tools/score.py): doc,
metric, breakdown (not for stated_change) and value rounded to 2 decimals.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path

import pytest

from warehouse.config import SEEDS_DIR
from warehouse.extract import extract_facts

HERE = Path(__file__).parent
GOLD_DIR = HERE / "gold"
CORPUS_DIR = HERE / "corpus"

Key = tuple[str, str, float, str]


def fact_key(doc: str, metric: str, breakdown: str | None, value: float) -> Key:
    breakdown = "" if metric == "stated_change" else (breakdown or "total")
    return (doc.split("/")[-1], metric, round(float(value), 2), breakdown)


def f1(gold: set[Key], pred: set[Key]) -> tuple[float, float, float]:
    tp = len(gold & pred)
    precision = tp / len(pred) if pred else 0.0
    recall = tp / len(gold) if gold else 0.0
    score = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, score


def gold_keys(path: Path, docs: Iterable[str]) -> set[Key]:
    wanted = set(docs)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return {
        fact_key(r["doc"], r["metric"], r["breakdown"], r["value"])
        for r in rows
        if r["doc"] in wanted
    }


def years(path: Path) -> dict[str, int]:
    with path.open(encoding="utf-8") as fh:
        return {row["doc"]: int(row["report_year"]) for row in csv.DictReader(fh)}


def predicted(directory: Path, docs: Iterable[str], report_years: dict[str, int]) -> set[Key]:
    keys = set()
    for doc in docs:
        text = (directory / doc).read_text(encoding="utf-8")
        for fact in extract_facts(text, doc, report_years[doc]):
            assert text[fact.start : fact.end] == fact.evidence
            keys.add(fact_key(fact.doc, fact.metric, fact.breakdown, fact.value))
    return keys


SEED_DOCS = sorted(years(GOLD_DIR / "reports.csv"))
CORPUS_DOCS = sorted(years(CORPUS_DIR / "reports.csv"))


def test_key_helper_matches_the_scorer() -> None:
    assert fact_key("a/x.txt", "stated_change", "行政复议申请", -14.281) == (
        "x.txt", "stated_change", -14.28, ""
    )  # fmt: skip
    assert f1({("d", "m", 1.0, "total")}, {("d", "m", 1.0, "total"), ("d", "m", 2.0, "total")})[
        2
    ] == pytest.approx(2 / 3)


@pytest.mark.parametrize("doc", SEED_DOCS)
def test_seed_report(doc: str) -> None:
    gold = gold_keys(GOLD_DIR / "facts.jsonl", [doc])
    pred = predicted(SEEDS_DIR, [doc], years(GOLD_DIR / "reports.csv"))
    assert f1(gold, pred)[2] >= 0.97, (sorted(gold - pred), sorted(pred - gold))


def test_all_seeds() -> None:
    gold = gold_keys(GOLD_DIR / "facts.jsonl", SEED_DOCS)
    pred = predicted(SEEDS_DIR, SEED_DOCS, years(GOLD_DIR / "reports.csv"))
    assert f1(gold, pred)[2] >= 0.97


def test_synthetic_corpus() -> None:
    gold = gold_keys(CORPUS_DIR / "facts.jsonl", CORPUS_DOCS)
    pred = predicted(CORPUS_DIR, CORPUS_DOCS, years(CORPUS_DIR / "reports.csv"))
    precision, recall, score = f1(gold, pred)
    assert score >= 0.9, (precision, recall, sorted(gold - pred), sorted(pred - gold))


def test_corpus_gold_evidence_is_verbatim() -> None:
    for line in (CORPUS_DIR / "facts.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        text = (CORPUS_DIR / row["doc"]).read_text(encoding="utf-8")
        assert row["evidence"] in text
