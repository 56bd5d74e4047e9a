"""The blind holdout (tests/holdout): 12 reports written before the extractor was tuned on them.

Other provinces, levels and years than the seeds, less canonical wording, Chinese and
full-width numbers, tables with and without year columns, a GBK file and a saved web page.
BASELINE.md keeps the blind measurement; NOTES.md the annotation calls.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from warehouse.evaluate import read_gold, score_facts, score_reports
from warehouse.pipeline import extract_document
from warehouse.sources import read_document

HOLDOUT = Path(__file__).parent / "holdout"
MAX_BYTES = 10 * 1024 * 1024


@pytest.fixture(scope="module")
def extracted() -> tuple[list[dict], list[dict], list[dict], list[dict]]:
    gold_facts, gold_reports = read_gold(HOLDOUT)
    reports, facts = [], []
    for row in gold_reports:
        document = read_document(HOLDOUT / row["doc"], HOLDOUT, MAX_BYTES)
        assert document.status == "loaded", (row["doc"], document.error)
        assert document.text is not None
        report, found = extract_document(document.text, document.doc)
        reports.append(dataclasses.asdict(report))
        facts.extend(dataclasses.asdict(f) for f in found)
    return gold_facts, gold_reports, facts, reports


def test_gold_evidence_is_verbatim(extracted) -> None:
    gold_facts, gold_reports, _, _ = extracted
    texts = {
        row["doc"]: read_document(HOLDOUT / row["doc"], HOLDOUT, MAX_BYTES).text
        for row in gold_reports
    }
    for fact in gold_facts:
        assert fact["evidence"] in texts[fact["doc"]], fact


def test_holdout_fact_f1(extracted) -> None:
    gold_facts, _, facts, _ = extracted
    score = score_facts(gold_facts, facts)
    assert score.micro.f1 >= 0.9, (score.false_positives, score.false_negatives)


def test_holdout_report_attributes(extracted) -> None:
    _, gold_reports, _, reports = extracted
    score = score_reports(gold_reports, reports)
    right = sum(score.per_field.values())
    accuracy = right / (len(score.per_field) * score.documents)
    assert accuracy >= 0.9, score.misses
