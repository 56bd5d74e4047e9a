"""Scoring of extracted facts and report attributes against a gold directory.

The rules are those of the project's reference scorer (shared/tools/score.py):
a predicted fact matches a gold fact when doc (base name), metric, breakdown and
value rounded to 2 decimals agree; stated_change ignores breakdown; facts are
compared as sets of keys. Report attributes are compared as trimmed lower-case
text with empty == null.
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from warehouse.contract import REPORT_FIELDS

SCORED_REPORT_FIELDS = tuple(f for f in REPORT_FIELDS if f not in ("doc", "title", "publisher"))

FactKey = tuple[Any, ...]


@dataclass(frozen=True)
class PRF:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class FactScore:
    micro: PRF
    loose: PRF
    per_metric: dict[str, PRF]
    qualifier_accuracy: float | None
    period_accuracy: float | None
    false_positives: list[Mapping[str, Any]] = field(default_factory=list)
    false_negatives: list[Mapping[str, Any]] = field(default_factory=list)


@dataclass
class ReportScore:
    per_field: dict[str, int]
    documents: int
    misses: list[tuple[str, str, str, str]]

    @property
    def accuracy(self) -> float:
        total = self.documents * len(SCORED_REPORT_FIELDS)
        return sum(self.per_field.values()) / total if total else 0.0


def _value_key(value: Any) -> float | None:
    try:
        return round(float(value), 2)
    except (TypeError, ValueError):
        return None


def fact_key(fact: Mapping[str, Any], loose: bool = False) -> FactKey:
    base = (
        str(fact.get("doc", "")).split("/")[-1],
        fact.get("metric"),
        _value_key(fact.get("value")),
    )
    if loose or fact.get("metric") == "stated_change":
        return base
    return (*base, fact.get("breakdown") or "total")


def _unique(facts: Iterable[Mapping[str, Any]], loose: bool) -> list[Mapping[str, Any]]:
    seen: dict[FactKey, Mapping[str, Any]] = {}
    for fact in facts:
        seen.setdefault(fact_key(fact, loose), fact)
    return list(seen.values())


def _match(gold: Iterable[Mapping[str, Any]], pred: Iterable[Mapping[str, Any]], loose: bool):
    pool: dict[FactKey, list[Mapping[str, Any]]] = defaultdict(list)
    for g in _unique(gold, loose):
        pool[fact_key(g, loose)].append(g)
    pairs, fps = [], []
    for p in _unique(pred, loose):
        bucket = pool.get(fact_key(p, loose))
        if bucket:
            pairs.append((bucket.pop(), p))
        else:
            fps.append(p)
    fns = [g for bucket in pool.values() for g in bucket]
    return pairs, fps, fns


def score_facts(
    gold: Sequence[Mapping[str, Any]],
    pred: Sequence[Mapping[str, Any]],
    docs: set[str] | None = None,
) -> FactScore:
    """Precision/recall/F1 of `pred` against `gold`, optionally restricted to `docs`."""
    if docs is not None:
        gold = [g for g in gold if str(g["doc"]).split("/")[-1] in docs]
        pred = [p for p in pred if str(p["doc"]).split("/")[-1] in docs]
    pairs, fps, fns = _match(gold, pred, loose=False)
    lpairs, lfps, lfns = _match(gold, pred, loose=True)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for g, _ in pairs:
        counts[g["metric"]]["tp"] += 1
    for p in fps:
        counts[str(p.get("metric"))]["fp"] += 1
    for g in fns:
        counts[g["metric"]]["fn"] += 1
    per_metric = {m: PRF(c["tp"], c["fp"], c["fn"]) for m, c in sorted(counts.items())}
    qualifier = period = None
    if pairs:
        qualifier = sum(
            (g.get("qualifier") or "exact") == (p.get("qualifier") or "exact") for g, p in pairs
        ) / len(pairs)
        period = sum(str(g.get("period")) == str(p.get("period")) for g, p in pairs) / len(pairs)
    return FactScore(
        micro=PRF(len(pairs), len(fps), len(fns)),
        loose=PRF(len(lpairs), len(lfps), len(lfns)),
        per_metric=per_metric,
        qualifier_accuracy=qualifier,
        period_accuracy=period,
        false_positives=fps,
        false_negatives=fns,
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip().lower()


def score_reports(
    gold: Sequence[Mapping[str, Any]], pred: Sequence[Mapping[str, Any]]
) -> ReportScore:
    """Share of report attributes equal to gold, field by field."""
    by_doc = {str(p.get("doc", "")).split("/")[-1]: p for p in pred}
    right: dict[str, int] = dict.fromkeys(SCORED_REPORT_FIELDS, 0)
    misses = []
    for g in gold:
        p = by_doc.get(str(g["doc"]), {})
        for name in SCORED_REPORT_FIELDS:
            expected, got = _text(g.get(name)), _text(p.get(name))
            if expected == got:
                right[name] += 1
            else:
                misses.append((str(g["doc"]), name, expected, got))
    return ReportScore(per_field=right, documents=len(gold), misses=misses)


def read_gold(gold_dir: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Gold facts (facts.jsonl) and report rows (reports.csv, optional) of a gold directory."""
    facts_path = gold_dir / "facts.jsonl"
    if not facts_path.is_file():
        raise FileNotFoundError(f"{facts_path}: no gold facts file")
    facts = [
        json.loads(line) for line in facts_path.read_text("utf-8").splitlines() if line.strip()
    ]
    reports_path = gold_dir / "reports.csv"
    reports: list[dict[str, Any]] = []
    if reports_path.is_file():
        with reports_path.open(encoding="utf-8", newline="") as fh:
            reports = list(csv.DictReader(fh))
    return facts, reports
