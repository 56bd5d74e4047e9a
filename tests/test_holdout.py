"""The blind holdouts: reports written before the extractor was tuned on them.

tests/holdout and holdout2 to holdout19: other provinces, levels and years than the seeds,
less canonical wording, Chinese and full-width numbers, tables of every layout (year columns,
rows per year or region, merged web headers, one cell per line, 序号 and 备注 columns,
indicator lines), GBK, GB18030, UTF-16 and Big5 files, saved web pages and WeChat copies,
Markdown, text converted from PDF, dense prose and grassroots reports, departments, masked
names, multi-year summaries, rare levels, and sets built of traps (precision).
Each set's BASELINE.md keeps its blind measurement; NOTES.md the annotation calls.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from warehouse.evaluate import read_gold, score_facts, score_reports
from warehouse.pipeline import extract_document
from warehouse.sources import read_document

MAX_BYTES = 10 * 1024 * 1024
Extracted = tuple[Path, list[dict], list[dict], list[dict], list[dict]]


HOLDOUTS = sorted(p.name for p in Path(__file__).parent.glob("holdout*") if p.is_dir())


def test_every_holdout_set_is_found() -> None:
    assert len(HOLDOUTS) >= 18, HOLDOUTS


@pytest.fixture(scope="module", params=HOLDOUTS)
def extracted(request: pytest.FixtureRequest) -> Extracted:
    holdout = Path(__file__).parent / request.param
    gold_facts, gold_reports = read_gold(holdout)
    reports, facts = [], []
    for row in gold_reports:
        document = read_document(holdout / row["doc"], holdout, MAX_BYTES)
        assert document.status == "loaded", (row["doc"], document.error)
        assert document.text is not None
        report, found = extract_document(document.text, document.doc)
        reports.append(dataclasses.asdict(report))
        facts.extend(dataclasses.asdict(f) for f in found)
    return holdout, gold_facts, gold_reports, facts, reports


def test_gold_evidence_is_verbatim(extracted: Extracted) -> None:
    holdout, gold_facts, gold_reports, _, _ = extracted
    texts = {
        row["doc"]: read_document(holdout / row["doc"], holdout, MAX_BYTES).text
        for row in gold_reports
    }
    for fact in gold_facts:
        assert fact["evidence"] in texts[fact["doc"]], fact


def test_holdout_fact_f1(extracted: Extracted) -> None:
    _, gold_facts, _, facts, _ = extracted
    score = score_facts(gold_facts, facts)
    assert score.micro.f1 >= 0.9, (score.false_positives, score.false_negatives)


def test_holdout_report_attributes(extracted: Extracted) -> None:
    _, _, gold_reports, _, reports = extracted
    score = score_reports(gold_reports, reports)
    right = sum(score.per_field.values())
    accuracy = right / (len(score.per_field) * score.documents)
    assert accuracy >= 0.9, score.misses
