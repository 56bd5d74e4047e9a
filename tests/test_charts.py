"""warehouse.charts: the static report's chart specs, coverage table and evidence links."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from selectolax.lexbor import LexborHTMLParser

from tests.dbt_fixture import PINGSHAN_2020_DOC, PINGSHAN_2021_DOC
from warehouse import charts
from warehouse.charts import write_report
from warehouse.review import review_file_name

EXPECTED_CHARTS = {
    "chart-coverage",
    "chart-disputes-trend",
    "chart-disputes-top",
    "chart-legal_aid-trend",
    "chart-legal_aid-top",
    "chart-enforcement-top",
    "chart-admin_review_litigation-trend",
    "chart-admin_review_litigation-top",
}


@pytest.fixture(scope="module")
def report(fixture_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_report(fixture_warehouse, tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def page(report: Path) -> LexborHTMLParser:
    return LexborHTMLParser(report.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def con(fixture_warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(fixture_warehouse), read_only=True)
    yield connection
    connection.close()


def specs(page: LexborHTMLParser) -> dict[str, dict[str, Any]]:
    return {
        node.attributes["data-chart"] or "": json.loads(node.text(deep=True))
        for node in page.css("script.chart-spec")
    }


def data_values(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [row for values in spec["datasets"].values() for row in values]


def test_writes_index_html(report: Path) -> None:
    assert report.name == "index.html" and report.is_file()
    assert [p.name for p in report.parent.iterdir()] == ["index.html"]


def test_every_chart_has_a_valid_spec_with_data(page: LexborHTMLParser) -> None:
    found = specs(page)
    assert set(found) == EXPECTED_CHARTS
    assert {node.id for node in page.css("div.chart")} == EXPECTED_CHARTS
    for key, spec in found.items():
        assert "vega-lite" in spec["$schema"], key
        assert data_values(spec), key


def test_trend_uses_the_annual_value_of_each_year(page: LexborHTMLParser) -> None:
    rows = data_values(specs(page)["chart-legal_aid-trend"])
    cases = {(r["label"], r["year"]): r["value"] for r in rows if r["metric"] == "legal_aid.cases"}
    assert cases == {("坪山区", 2020): 600, ("坪山区", 2021): 685}  # not the restated 610


def test_top_chart_shows_latest_year_only(page: LexborHTMLParser) -> None:
    rows = data_values(specs(page)["chart-disputes-top"])
    mediated = [(r["label"], r["year"]) for r in rows if r["metric"] == "disputes.mediated"]
    assert mediated == [("坪山区", 2021)]
    assert {(r["label"], r["year"]) for r in rows if r["metric"] == "disputes.orgs"} == {
        ("坪山区", 2021)
    }


def test_vega_is_inlined_not_fetched(page: LexborHTMLParser) -> None:
    assert not page.css("script[src]") and not page.css("link[href]")
    inline = "".join(node.text(deep=True) for node in page.css("script:not([type])"))
    assert "window.vegaEmbed=" in inline
    assert "vegaEmbed(target" in inline


def test_coverage_table_rows(page: LexborHTMLParser) -> None:
    rows = [
        [td.text(strip=True) for td in tr.css("td")] for tr in page.css("table.coverage tbody tr")
    ]
    assert rows == [
        ["2015", "district", "1"],
        ["2020", "district", "1"],
        ["2020", "street", "1"],
        ["2021", "department", "1"],
    ]


def test_every_figure_links_to_its_evidence(
    page: LexborHTMLParser, con: duckdb.DuckDBPyConnection
) -> None:
    links = page.css("table.figures a.evidence-link")
    assert len(links) >= 20
    for link in links:
        href = link.attributes["href"] or ""
        assert href.startswith("#"), href
        target = page.css_first(f"tr[id='{href[1:]}']")
        assert target is not None, href
        fact_id, *_ = [td.text(strip=True) for td in target.css("td")]
        [(doc, evidence, start, end)] = con.execute(
            "select doc, evidence, evidence_start, evidence_end from ("
            " select * from marts.fct_disputes_mediated union all by name"
            " select * from marts.fct_legal_aid_cases union all by name"
            " select * from marts.fct_enforcement_personnel union all by name"
            " select * from marts.fct_admin_review_litigation) where fact_id = ?",
            [fact_id],
        ).fetchall()
        assert link.text(strip=True) == doc
        assert target.css_first("td.evidence-text").text() == evidence
        assert f"{start}–{end}" in target.text()
        section = target.parent
        while section is not None and section.tag != "section":
            section = section.parent
        assert section is not None and section.css_first("h3").text() == doc


def test_evidence_text_is_verbatim(page: LexborHTMLParser) -> None:
    evidence = [td.text() for td in page.css("td.evidence-text")]
    assert "“福田模式”人民调解员33名" in evidence


def test_json_in_script_cannot_close_the_element() -> None:
    markup = charts._json_markup({"label": "</script><b>&"})
    assert "<" not in markup and ">" not in markup and "&" not in markup
    assert json.loads(markup) == {"label": "</script><b>&"}


def test_review_pages_are_linked_when_present(fixture_warehouse: Path, tmp_path: Path) -> None:
    review = tmp_path / "review"
    review.mkdir()
    (review / review_file_name(PINGSHAN_2021_DOC)).write_text("<html></html>", encoding="utf-8")
    out = write_report(fixture_warehouse, tmp_path / "report", review_dir=review)
    page = LexborHTMLParser(out.read_text(encoding="utf-8"))
    hrefs = {
        (node.css_first("h3").text()): [a.attributes["href"] for a in node.css("p a")]
        for node in page.css("section.doc")
    }
    assert hrefs[PINGSHAN_2021_DOC] == [f"../review/{review_file_name(PINGSHAN_2021_DOC)}"]
    assert hrefs[PINGSHAN_2020_DOC] == []


def test_database_is_opened_read_only_and_closed(read_only_check) -> None:
    read_only_check(charts, lambda db: write_report(db, db.parent / "report"))


def test_empty_domain_says_so(tmp_path: Path, fixture_warehouse: Path) -> None:
    copy = tmp_path / "fazhi.duckdb"
    shutil.copyfile(fixture_warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute(
            "delete from marts.rpt_metric_yoy where fact_model = 'fct_enforcement_personnel'"
        )
    page = LexborHTMLParser(write_report(copy, tmp_path / "report").read_text(encoding="utf-8"))
    section = page.css_first("#domain-enforcement")
    assert section is not None
    assert not section.css("div.chart") and section.css_first("p.empty") is not None
