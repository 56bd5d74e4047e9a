"""Rich terminal output: the run summary and evaluation tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from warehouse.evaluate import SCORED_REPORT_FIELDS, score_facts, score_reports
from warehouse.pipeline import RunSummary


def print_summary(console: Console, summary: RunSummary) -> None:
    console.rule(f"fazhi run {summary.run_id}")
    console.print(f"input       {summary.input_dir}")
    console.print(
        f"files read  {summary.files_seen}  loaded {summary.loaded} "
        f"({summary.cached} unchanged)  rejected {len(summary.rejected)}  "
        f"duplicates {len(summary.duplicates)}  skipped {len(summary.skipped)}"
    )
    facts = Table("domain", "facts in warehouse", title=None)
    for domain, n in summary.facts_by_domain.items():
        facts.add_row(domain, str(n))
    console.print(facts)
    _print_reasons(console, "rejected", summary.rejected)
    _print_reasons(console, "duplicate of", summary.duplicates)
    _print_reasons(console, "skipped", summary.skipped)
    stages = ", ".join(f"{k} {v:.1f}s" for k, v in summary.stage_seconds.items())
    console.print(f"elapsed     {summary.elapsed:.1f}s ({stages})")
    console.print(f"warehouse   {summary.db}")
    if summary.docs_site:
        console.print(f"docs site   {summary.docs_site}")


def _print_reasons(console: Console, label: str, rows: list[tuple[str, str]]) -> None:
    if not rows:
        return
    table = Table("file", label)
    for doc, why in rows:
        table.add_row(doc, why)
    console.print(table)


def print_fact_score(
    console: Console,
    gold: Sequence[Mapping[str, Any]],
    pred: Sequence[Mapping[str, Any]],
    docs: set[str],
    show_errors: bool,
) -> float:
    score = score_facts(gold, pred, docs)
    table = Table("metric", "tp", "fp", "fn", "precision", "recall", "f1")
    for metric, prf in score.per_metric.items():
        table.add_row(
            metric,
            str(prf.tp),
            str(prf.fp),
            str(prf.fn),
            f"{prf.precision:.3f}",
            f"{prf.recall:.3f}",
            f"{prf.f1:.3f}",
        )
    console.print(table)
    if score.qualifier_accuracy is not None:
        console.print(
            f"qualifier accuracy on matches: {score.qualifier_accuracy:.3f}; "
            f"period accuracy: {score.period_accuracy:.3f}"
        )
    if show_errors:
        for label, rows in (("FP", score.false_positives), ("FN", score.false_negatives)):
            for row in rows:
                console.print(
                    label,
                    row.get("doc"),
                    row.get("metric"),
                    row.get("breakdown"),
                    row.get("value"),
                    row.get("evidence"),
                    markup=False,
                )
    console.print(f"loose f1 {score.loose.f1:.3f}")
    micro = score.micro
    console.print(f"precision {micro.precision:.3f} recall {micro.recall:.3f} f1 {micro.f1:.3f}")
    return micro.f1


def print_report_score(
    console: Console, gold: Sequence[Mapping[str, Any]], pred: Sequence[Mapping[str, Any]]
) -> None:
    score = score_reports(gold, pred)
    for name in SCORED_REPORT_FIELDS:
        console.print(f"{name:14} {score.per_field[name]}/{score.documents}")
    for miss in score.misses:
        console.print("MISS", *miss, markup=False)
    console.print(f"report attribute accuracy {score.accuracy:.3f}")
