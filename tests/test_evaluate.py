"""The eval scorer agrees with the reference scorer's rules."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from warehouse.evaluate import fact_key, read_gold, score_facts, score_reports

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "tools" / "score.py"


def fact(doc: str, metric: str, value: float, breakdown: str = "total", **kw: object) -> dict:
    return {"doc": doc, "metric": metric, "breakdown": breakdown, "value": value, **kw}


GOLD = [
    fact("a.txt", "legal_aid.cases", 685),
    fact("a.txt", "legal_aid.cases", 126, "migrant_workers"),
    fact("a.txt", "stated_change", -14.28, "行政复议申请"),
    fact("b.txt", "disputes.success_rate", 96.8, qualifier="at_least", period=2015),
]
PRED = [
    fact("dir/a.txt", "legal_aid.cases", 685.001),  # rounds to the same key, path stripped
    fact("a.txt", "legal_aid.cases", 126, "women"),  # wrong breakdown
    fact("a.txt", "stated_change", -14.28, "复议"),  # breakdown ignored for stated_change
    fact("a.txt", "stated_change", -14.28, "复议申请"),  # a figure stated twice counts once
    fact("b.txt", "disputes.success_rate", 96.8, qualifier="exact", period=2015),
    fact("b.txt", "disputes.orgs", 3),
]


def test_keys_follow_the_reference_rules() -> None:
    assert fact_key(fact("x/y.txt", "stated_change", 1.234, "a")) == (
        "y.txt",
        "stated_change",
        1.23,
    )
    assert fact_key({"doc": "y.txt", "metric": "m", "value": "7"})[-1] == "total"


def test_micro_and_per_metric_scores() -> None:
    score = score_facts(GOLD, PRED)
    assert (score.micro.tp, score.micro.fp, score.micro.fn) == (3, 2, 1)
    assert score.per_metric["legal_aid.cases"].tp == 1
    assert score.per_metric["disputes.orgs"].fp == 1
    assert score.loose.tp == 4
    assert score.qualifier_accuracy == pytest.approx(2 / 3)
    assert score.micro.f1 == pytest.approx(2 * 0.6 * 0.75 / 1.35)


def test_reports_compare_trimmed_lowercase_text_with_empty_as_null() -> None:
    gold = [
        {
            "doc": "a.txt",
            "jurisdiction": "坪山区",
            "parent": "",
            "province": "广东省",
            "level": "district",
            "report_year": "2021",
            "published_on": "",
            "masked": "false",
        }
    ]
    pred = [
        {
            "doc": "a.txt",
            "jurisdiction": " 坪山区",
            "parent": None,
            "province": "广东省",
            "level": "department",
            "report_year": 2021,
            "published_on": None,
            "masked": False,
        }
    ]
    score = score_reports(gold, pred)
    assert score.per_field["level"] == 0
    assert score.accuracy == pytest.approx(6 / 7)


@pytest.mark.skipif(not REFERENCE.exists(), reason="reference scorer not beside the checkout")
def test_agrees_with_reference_scorer(tmp_path: Path) -> None:
    gold_path, pred_path = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    gold_path.write_text("\n".join(json.dumps(g) for g in GOLD), "utf-8")
    pred_path.write_text("\n".join(json.dumps(p) for p in PRED), "utf-8")
    out = subprocess.run(
        [sys.executable, str(REFERENCE), "facts", str(gold_path), str(pred_path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    score = score_facts(GOLD, PRED)
    m = score.micro
    assert out.splitlines()[-1] == (
        f"precision {m.precision:.3f} recall {m.recall:.3f} f1 {m.f1:.3f}"
    )


def test_read_gold_directory() -> None:
    facts, reports = read_gold(Path(__file__).parent / "gold")
    assert len(facts) == 68 and len(reports) == 5
