"""The metric catalog (catalog.yaml) loaded, checked against the contract and compiled.

The YAML file is data: metric codes and labels for dim_metric, and the words and
patterns the extraction engine (warehouse.extract) looks for. This module only
reads, validates and compiles it once.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
import yaml  # type: ignore[import-untyped]

from warehouse.contract import UNITS

CATALOG_PATH = Path(__file__).with_name("catalog.yaml")
STATED_CHANGE = "stated_change"
TOTAL = "total"
DEFAULT_GAP = 8

FACT_MODELS = (
    "fct_disputes_mediated",
    "fct_legal_aid_cases",
    "fct_enforcement_personnel",
    "fct_admin_review_litigation",
    "fct_stated_changes",
)


@dataclass(frozen=True, slots=True)
class Rule:
    """One phrasing of a metric; see the header of catalog.yaml for the fields."""

    metric: str
    near_source: str
    near: re.Pattern[str] | None
    after: re.Pattern[str] | None
    context: re.Pattern[str] | None
    exclude: re.Pattern[str] | None
    not_near: re.Pattern[str] | None
    counters: dict[str, str]
    priority: int
    paragraph_context: bool


@dataclass(frozen=True, slots=True)
class Metric:
    code: str
    domain: str
    fact_model: str
    label: str
    label_zh: str
    description: str
    unit: str
    counters: dict[str, str]
    breakdowns: tuple[str, ...]
    breakdown_patterns: tuple[tuple[str, re.Pattern[str]], ...]
    breakdown_scope: str
    topic: re.Pattern[str] | None
    rules: tuple[Rule, ...]
    stock: bool = False  # a head count on record: after 其中 it is a part of the headline

    @property
    def units(self) -> list[str]:
        return sorted(set(self.counters.values()) | {self.unit})


@dataclass(frozen=True, slots=True)
class Change:
    pattern: re.Pattern[str]
    down: frozenset[str]
    subject_strip: re.Pattern[str]
    subject_verbs: re.Pattern[str]
    subject_comparison: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class Catalog:
    metrics: dict[str, Metric]
    counters: tuple[str, ...]
    rules_by_counter: dict[str, tuple[Rule, ...]]
    triggers_by_counter: dict[str, re.Pattern[str] | None]
    change: Change
    not_a_count_before: re.Pattern[str]
    not_a_count_after: re.Pattern[str]
    absolute_change_before: re.Pattern[str]
    prior_year: re.Pattern[str]
    prior_year_offsets: dict[str, int]
    rise_from: re.Pattern[str]
    rise_to: re.Pattern[str]
    subjectless: re.Pattern[str]
    subitem_marker: re.Pattern[str]
    plan_heading: re.Pattern[str]
    plan_done: re.Pattern[str]
    plan_clause: re.Pattern[str]
    plan_sentence: re.Pattern[str]
    cumulative: re.Pattern[str]
    cumulative_weak: re.Pattern[str]
    annual: re.Pattern[str]
    digest: str


def _last(pattern: str) -> re.Pattern[str]:
    """A pattern whose `match` ends at its LAST occurrence in the searched text."""
    return re.compile(rf".*(?:{pattern})", re.S)


def _near(pattern: str, gap: int) -> re.Pattern[str]:
    return re.compile(rf"(?:{pattern})(?P<gap>[^\n]{{0,{gap}}})$")


def _opt(pattern: str | None, build: Any = re.compile) -> re.Pattern[str] | None:
    return build(pattern) if pattern else None


def _rule(code: str, raw: dict[str, Any], counters: dict[str, str]) -> Rule:
    unknown = set(raw) - {
        "near",
        "after",
        "context",
        "exclude",
        "not_near",
        "gap",
        "counters",
        "priority",
        "context_scope",
    }
    if unknown:
        raise ValueError(f"{code}: unknown rule fields {sorted(unknown)}")
    if bool(raw.get("near")) == bool(raw.get("after")):
        raise ValueError(f"{code}: a rule needs exactly one of near/after")
    gap = int(raw.get("gap", DEFAULT_GAP))
    return Rule(
        metric=code,
        near_source=raw.get("near", ""),
        near=_opt(raw.get("near"), lambda p: _near(p, gap)),
        after=_opt(raw.get("after"), lambda p: re.compile(rf"(?:{p})")),
        context=_opt(raw.get("context"), _last),
        exclude=_opt(raw.get("exclude")),
        not_near=_opt(raw.get("not_near")),
        counters=dict(raw.get("counters", counters)),
        priority=int(raw.get("priority", 0)),
        paragraph_context=raw.get("context_scope", "sentence") == "paragraph",
    )


def _metric(code: str, raw: dict[str, Any]) -> Metric:
    counters = {str(k): str(v) for k, v in raw["counters"].items()}
    breakdowns = raw.get("breakdowns") or {}
    if code != STATED_CHANGE and TOTAL not in breakdowns:
        breakdowns = {TOTAL: "", **breakdowns}
    metric = Metric(
        code=code,
        domain=raw["domain"],
        fact_model=raw["fact_model"],
        label=raw["label"],
        label_zh=raw["label_zh"],
        description=raw["description"],
        unit=raw["unit"],
        counters=counters,
        breakdowns=tuple(breakdowns),
        breakdown_patterns=tuple((b, _last(p)) for b, p in breakdowns.items() if p),
        breakdown_scope=raw.get("breakdown_scope", "local"),
        topic=_opt(raw.get("topic"), _last),
        rules=tuple(_rule(code, r, counters) for r in raw.get("rules", [])),
        stock=bool(raw.get("stock", False)),
    )
    _validate(metric)
    return metric


def _validate(metric: Metric) -> None:
    bad_units = set(metric.units) - set(UNITS)
    if bad_units:
        raise ValueError(f"{metric.code}: units not in the contract: {sorted(bad_units)}")
    if metric.fact_model not in FACT_MODELS:
        raise ValueError(f"{metric.code}: unknown fact model {metric.fact_model}")
    if metric.breakdown_scope not in ("local", "sentence"):
        raise ValueError(f"{metric.code}: breakdown_scope must be local or sentence")
    for rule in metric.rules:
        if not set(rule.counters.values()) <= set(metric.units):
            raise ValueError(f"{metric.code}: rule counters give units outside the metric")


def _change(raw: dict[str, Any]) -> Change:
    verbs = [*raw["up"], *raw["down"]]
    pattern = re.compile(
        rf"{raw['lead']}(?P<verb>{'|'.join(verbs)})(?:了|达到?|为)?(?:约|近)?[ \u00a0]?(?:\*\*)?$"
    )
    down = frozenset(v.rstrip("?").rstrip("为") for v in raw["down"])
    return Change(
        pattern=pattern,
        down=down,
        subject_strip=re.compile(raw["subject_strip"]),
        subject_verbs=_last(raw["subject_verbs"]),
        subject_comparison=re.compile(raw["subject_comparison"]),
    )


def _by_counter(
    metrics: dict[str, Metric], counters: tuple[str, ...]
) -> dict[str, tuple[Rule, ...]]:
    return {
        c: tuple(r for m in metrics.values() for r in m.rules if c in r.counters) for c in counters
    }


def _triggers(by_counter: dict[str, tuple[Rule, ...]]) -> dict[str, re.Pattern[str] | None]:
    """Per counter word, one pattern that finds any `near` subject: a cheap first filter."""
    result: dict[str, re.Pattern[str] | None] = {}
    for counter, rules in by_counter.items():
        sources = sorted({r.near_source for r in rules if r.near_source})
        result[counter] = re.compile("|".join(f"(?:{s})" for s in sources)) if sources else None
    return result


def _expand(raw: dict[str, Any]) -> dict[str, Any]:
    """The catalog with every <<name>> in its patterns replaced by fragments[name]; a
    fragment may name others."""
    fragments = raw.pop("fragments", None) or {}
    expanding: list[str] = []

    def fragment(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in fragments:
            raise ValueError(f"unknown fragment {m.group()} in the catalog")
        if name in expanding:
            raise ValueError(f"fragment {m.group()} names itself through {expanding}")
        expanding.append(name)
        try:
            return _FRAGMENT.sub(fragment, str(fragments[name]))
        finally:
            expanding.pop()

    def expand(value: Any) -> Any:
        if isinstance(value, str):
            return _FRAGMENT.sub(fragment, value)
        if isinstance(value, dict):
            return {k: expand(v) for k, v in value.items()}
        if isinstance(value, list):
            return [expand(v) for v in value]
        return value

    return expand(raw)


_FRAGMENT = re.compile(r"<<(\w+)>>")


def parse_catalog(data: bytes) -> Catalog:
    """Build a Catalog from the bytes of a catalog YAML file."""
    raw = _expand(yaml.safe_load(data))
    metrics = {code: _metric(code, m) for code, m in raw["metrics"].items()}
    counters = tuple(sorted(raw["counters"], key=len, reverse=True))
    for metric in metrics.values():
        words = set(metric.counters).union(*(r.counters for r in metric.rules))
        if missing := words - set(counters):
            raise ValueError(f"{metric.code}: counter words not spotted: {sorted(missing)}")
    plan = raw["plan"]
    return Catalog(
        metrics=metrics,
        counters=counters,
        rules_by_counter=_by_counter(metrics, counters),
        triggers_by_counter=_triggers(_by_counter(metrics, counters)),
        change=_change(raw["change"]),
        not_a_count_before=re.compile(raw["not_a_count_before"]),
        not_a_count_after=re.compile(raw["not_a_count_after"]),
        absolute_change_before=re.compile(raw["absolute_change_before"]),
        prior_year=re.compile(raw["prior_year"]),
        prior_year_offsets=dict(raw["prior_year_offsets"]),
        rise_from=re.compile(raw["rise_from"]),
        rise_to=re.compile(raw["rise_to"]),
        subjectless=re.compile(raw["subjectless"]),
        subitem_marker=re.compile(raw["subitem_marker"]),
        plan_heading=re.compile(plan["heading"]),
        plan_done=re.compile(plan["done"]),
        plan_clause=re.compile(plan["clause"]),
        plan_sentence=re.compile(plan["sentence"]),
        cumulative=re.compile(raw["cumulative"]),
        cumulative_weak=re.compile(raw["cumulative_weak"]),
        annual=re.compile(raw["annual"]),
        digest=hashlib.sha256(data).hexdigest()[:12],
    )


@cache
def load_catalog() -> Catalog:
    """The catalog shipped with the package, parsed once per process."""
    return parse_catalog(CATALOG_PATH.read_bytes())


def catalog_frame() -> pl.DataFrame:
    """One row per metric: the content of dim_metric."""
    rows = [
        {
            "metric": m.code,
            "domain": m.domain,
            "unit": m.unit,
            "units": m.units,
            "label": m.label,
            "label_zh": m.label_zh,
            "description": m.description,
            "breakdowns": [] if m.code == STATED_CHANGE else list(m.breakdowns),
            "fact_model": m.fact_model,
        }
        for m in load_catalog().metrics.values()
    ]
    return pl.DataFrame(
        rows,
        schema={
            "metric": pl.String,
            "domain": pl.String,
            "unit": pl.String,
            "units": pl.List(pl.String),
            "label": pl.String,
            "label_zh": pl.String,
            "description": pl.String,
            "breakdowns": pl.List(pl.String),
            "fact_model": pl.String,
        },
    )


def catalog_docs_block() -> str:
    """The catalog as a dbt docs block (a Markdown table), for dim_metric's documentation.

    Committed as dbt_project/models/docs/metric_catalog.md; a test keeps it in step with
    catalog.yaml (regenerate with `make catalog-docs`).
    """
    lines = [
        "{% docs metric_catalog %}",
        "The metric catalog, generated from `warehouse/catalog.yaml` (the single source of",
        "truth; `raw.metrics` is written from it on every run). Grain: one row per metric",
        "code. Primary key: `metric`.",
        "",
        "| metric | label | 中文 | unit | breakdowns | fact table |",
        "|---|---|---|---|---|---|",
    ]
    for row in catalog_frame().iter_rows(named=True):
        breakdowns = ", ".join(row["breakdowns"]) or "free text (the subject as written)"
        lines.append(
            f"| `{row['metric']}` | {row['label']} | {row['label_zh']} | "
            f"{' / '.join(row['units'])} | {breakdowns} | `{row['fact_model']}` |"
        )
    return "\n".join([*lines, "{% enddocs %}", ""])
