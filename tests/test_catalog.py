"""The catalog agrees with the fact contract (shared/spec/metrics.md), copied here."""

import pytest

from warehouse.catalog import catalog_frame, load_catalog, parse_catalog
from warehouse.contract import UNITS

DISPUTES = ["total", "pre_legal_aid", "pre_litigation", "legal_adviser", "other"]
LEGAL_AID_CASES = [
    "total", "civil", "criminal", "administrative", "migrant_workers", "women",
    "elderly", "minors", "disabled", "group", "litigation",
]  # fmt: skip

EXPECTED = {
    "disputes.mediated": ("case", ["case"], DISPUTES, "fct_disputes_mediated"),
    "disputes.mediated_success": ("case", ["case"], DISPUTES, "fct_disputes_mediated"),
    "disputes.success_rate": ("percent", ["percent"], DISPUTES, "fct_disputes_mediated"),
    "disputes.amount": ("yuan", ["yuan"], DISPUTES, "fct_disputes_mediated"),
    "disputes.screenings": ("time", ["item", "time"], DISPUTES, "fct_disputes_mediated"),
    "disputes.prevented": ("case", ["case"], DISPUTES, "fct_disputes_mediated"),
    "disputes.orgs": ("org", ["org"], DISPUTES, "fct_disputes_mediated"),
    "disputes.mediators": ("person", ["person"], DISPUTES, "fct_disputes_mediated"),
    "legal_aid.cases": ("case", ["case"], LEGAL_AID_CASES, "fct_legal_aid_cases"),
    "legal_aid.cases_closed": ("case", ["case"], ["total"], "fct_legal_aid_cases"),
    "legal_aid.consultations": (
        "person_time", ["person_time"], ["total"], "fct_legal_aid_cases"
    ),
    "legal_aid.plea_help": ("case", ["case"], ["total"], "fct_legal_aid_cases"),
    "legal_aid.legal_help": ("time", ["time"], ["total"], "fct_legal_aid_cases"),
    "legal_aid.recovered": ("yuan", ["yuan"], ["total"], "fct_legal_aid_cases"),
    "enforcement.personnel": ("person", ["person"], ["total"], "fct_enforcement_personnel"),
    "enforcement.certified": ("person", ["person"], ["total"], "fct_enforcement_personnel"),
    "enforcement.trained": (
        "person", ["person"], ["total", "continuing"], "fct_enforcement_personnel"
    ),
    "enforcement.exam_takers": ("person", ["person"], ["total"], "fct_enforcement_personnel"),
    "enforcement.agencies": ("org", ["org"], ["total"], "fct_enforcement_personnel"),
    "admin_review.received": ("case", ["case"], ["total"], "fct_admin_review_litigation"),
    "admin_review.closed": ("case", ["case"], ["total"], "fct_admin_review_litigation"),
    "admin_litigation.cases": ("case", ["case"], ["total"], "fct_admin_review_litigation"),
    "admin_litigation.concluded": ("case", ["case"], ["total"], "fct_admin_review_litigation"),
    "admin_litigation.appearance_rate": (
        "percent", ["percent"], ["total"], "fct_admin_review_litigation"
    ),
    "stated_change": ("percent", ["percent"], [], "fct_stated_changes"),
}  # fmt: skip


def test_frame_has_one_row_per_contract_metric() -> None:
    frame = catalog_frame()
    assert frame.columns == [
        "metric", "domain", "unit", "units", "label", "label_zh", "description",
        "breakdowns", "fact_model",
    ]  # fmt: skip
    assert sorted(frame["metric"].to_list()) == sorted(EXPECTED)
    assert frame["metric"].is_unique().all()


@pytest.mark.parametrize("metric", sorted(EXPECTED))
def test_metric_matches_contract(metric: str) -> None:
    unit, units, breakdowns, model = EXPECTED[metric]
    row = catalog_frame().filter(metric=metric).row(0, named=True)
    assert row["unit"] == unit
    assert sorted(row["units"]) == units
    assert sorted(row["breakdowns"]) == sorted(breakdowns)
    assert row["fact_model"] == model
    assert row["domain"] == metric.split(".")[0] or metric == "stated_change"
    assert row["label"] and row["label_zh"] and row["description"]


def test_units_are_contract_units() -> None:
    for units in catalog_frame()["units"].to_list():
        assert set(units) <= set(UNITS)


def test_catalog_is_cached_and_versioned() -> None:
    assert load_catalog() is load_catalog()
    assert len(load_catalog().digest) == 12


def test_every_counter_word_is_spotted() -> None:
    catalog = load_catalog()
    used = {c for m in catalog.metrics.values() for c in m.counters}
    assert used <= set(catalog.counters)


def _minimal(metric_yaml: str) -> bytes:
    head = (
        "counters: [件]\nnot_a_count_before: '第$'\nnot_a_count_after: '制度'\n"
        "absolute_change_before: '增加$'\n"
        "change: {up: [上升], down: [下降], lead: '',\n"
        "         subject_strip: '^共', subject_verbs: '受理', subject_comparison: '相比'}\n"
        "prior_year: '^上年$'\nprior_year_offsets: {上年: 1}\nsubjectless: '^办理$'\n"
        "rise_from: '由上年$'\nrise_to: '^提升至$'\n"
        "subitem_marker: '其中'\n"
        "plan: {heading: '计划', done: '成效', clause: '力争', sentence: '明年'}\n"
        "cumulative: '累计至今'\ncumulative_weak: '累计'\nannual: '全年'\nmetrics:\n"
    )
    return (head + metric_yaml).encode()


def test_invalid_unit_is_rejected() -> None:
    bad = (
        "  x.y: {domain: x, fact_model: fct_disputes_mediated, label: a, label_zh: b,\n"
        "        description: c, unit: litre, counters: {件: litre}}\n"
    )
    with pytest.raises(ValueError, match="units"):
        parse_catalog(_minimal(bad))


def test_rule_needs_a_subject() -> None:
    bad = (
        "  x.y: {domain: x, fact_model: fct_disputes_mediated, label: a, label_zh: b,\n"
        "        description: c, unit: case, counters: {件: case}, rules: [{context: 调解}]}\n"
    )
    with pytest.raises(ValueError, match="near/after"):
        parse_catalog(_minimal(bad))


def test_a_new_phrasing_is_a_yaml_edit() -> None:
    extra = (
        "  x.y: {domain: x, fact_model: fct_disputes_mediated, label: a, label_zh: b,\n"
        "        description: c, unit: case, counters: {件: case}, rules: [{near: 新说法}]}\n"
    )
    catalog = parse_catalog(_minimal(extra))
    assert [r.metric for r in catalog.rules_by_counter["件"]] == ["x.y"]
    assert catalog.triggers_by_counter["件"].search("一种新说法")


def test_docs_site_catalog_table_matches_the_catalog() -> None:
    from warehouse.catalog import catalog_docs_block
    from warehouse.config import DBT_PROJECT_DIR

    committed = (DBT_PROJECT_DIR / "models" / "docs" / "metric_catalog.md").read_text("utf-8")
    assert committed == catalog_docs_block(), "catalog.yaml changed: run `make catalog-docs`"


def test_fragments_are_written_once_and_used_by_name() -> None:
    metric = (
        "  m.x:\n    domain: d\n    fact_model: fct_disputes_mediated\n    label: L\n"
        "    label_zh: 中\n    description: D\n    unit: case\n    counters: {件: case}\n"
        "    rules:\n      - near: '调解<<kind>>纠纷'\n"
    )
    fragments = "fragments: {kind: '(?:医疗|环境)'}\n".encode()
    catalog = parse_catalog(fragments + _minimal(metric))
    (rule,) = catalog.metrics["m.x"].rules
    assert rule.near is not None and rule.near.search("调解医疗纠纷")
    with pytest.raises(ValueError, match="unknown fragment <<kind>>"):
        parse_catalog(_minimal(metric))
    nested = "fragments: {kind: '<<place>>纠纷', place: '(?:医疗|环境)'}\n".encode()
    (rule,) = (
        parse_catalog(nested + _minimal(metric.replace("<<kind>>纠纷", "<<kind>>")))
        .metrics["m.x"]
        .rules
    )
    assert rule.near is not None and rule.near.search("调解环境纠纷")
    cyclic = b"fragments: {kind: '<<place>>', place: '<<kind>>'}\n"
    with pytest.raises(ValueError, match="names itself"):
        parse_catalog(cyclic + _minimal(metric))
