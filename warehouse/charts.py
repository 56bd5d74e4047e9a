"""A static HTML report of the marts: charts per domain, coverage, and every figure's evidence.

`write_report(db, out_dir)` writes `out_dir/index.html`, one self-contained page: the
Vega/Vega-Lite/Vega-Embed JavaScript is inlined from `vl-convert-python` (no network needed to
open it), each chart's Vega-Lite spec sits in a `<script type="application/json">` block with its
data, and every figure shown links to an anchor in the page's evidence section (document,
verbatim evidence clause and its character offsets). With `review_dir`, each document's
evidence also links to its `fazhi review` page when that page exists.

Per domain (disputes, legal aid, enforcement, reconsideration/litigation): year-over-year lines of
the headline (`total`) figures of jurisdictions with two or more years (marts.rpt_metric_yoy),
the top jurisdictions by each metric in its latest year, and a table of every figure shown.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import altair as alt
import duckdb
import polars as pl
from altair.utils._importers import import_vl_convert, vl_version_for_vl_convert
from jinja2 import Environment, PackageLoader, Template
from markupsafe import Markup

from warehouse.review import review_file_name

INDEX_NAME = "index.html"
TOP_N = 10
EMBED_OPTIONS = {"actions": False, "renderer": "svg"}
_SAFE_ID = re.compile(r"^[A-Za-z0-9_.-]+$")


@dataclass(frozen=True, slots=True)
class Domain:
    key: str
    title: str
    fact_model: str


DOMAINS = (
    Domain("disputes", "People's mediation · 人民调解", "fct_disputes_mediated"),
    Domain("legal_aid", "Legal aid · 法律援助", "fct_legal_aid_cases"),
    Domain("enforcement", "Enforcement personnel · 行政执法人员", "fct_enforcement_personnel"),
    Domain(
        "admin_review_litigation",
        "Reconsideration and litigation · 行政复议与行政诉讼",
        "fct_admin_review_litigation",
    ),
)

# Headline figures of one fact mart with their evidence. `label` disambiguates jurisdictions
# that share a name (masked `**区`); in_trend/in_top say which chart shows the figure.
_FIGURES_SQL = """
with named as (
    select jurisdiction_key,
        case when count(*) over (partition by jurisdiction) > 1
            then jurisdiction || ' [' || jurisdiction_key || ']' else jurisdiction end as label
    from marts.dim_jurisdiction
),
yoy as (
    select y.*,
        count(*) over (partition by y.jurisdiction_key, y.metric) as n_years,
        max(y.year) over (partition by y.metric) as latest_year
    from marts.rpt_metric_yoy as y
    where y.fact_model = $fact_model and y.breakdown = 'total'
),
ranked as (
    select *,
        n_years >= 2 as in_trend,
        year = latest_year
            and row_number() over (partition by metric, year = latest_year order by value desc,
                jurisdiction_key) <= $top_n as in_top
    from yoy
)
select r.jurisdiction_key, coalesce(n.label, r.jurisdiction) as label, r.metric,
    coalesce(r.metric_label, r.metric) as metric_label, r.breakdown, r.year, r.value, r.unit,
    r.qualifier, r.pct_change, r.fact_id, f.doc, f.evidence, f.evidence_start, f.evidence_end,
    r.in_trend, r.in_top
from ranked as r
join marts.{fact_model} as f on f.fact_id = r.fact_id
left join named as n on n.jurisdiction_key = r.jurisdiction_key
where r.in_trend or r.in_top
order by r.metric, label, r.year
"""

_COVERAGE_SQL = """
select report_year, coalesce(level, 'unknown') as level, count(*) as reports
from marts.dim_report
group by all
order by report_year, level
"""

_DOCUMENTS_SQL = """
select d.doc, d.status, d.error, r.jurisdiction, r.report_year
from marts.dim_document as d
left join marts.dim_report as r on r.doc = d.doc
order by d.doc
"""


def write_report(db: Path, out_dir: Path, review_dir: Path | None = None) -> Path:
    """Write the static report of the warehouse `db` to `out_dir/index.html`; return its path."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        figures = {d.key: _figures(con, d) for d in DOMAINS}
        coverage = con.sql(_COVERAGE_SQL).pl()
        documents = con.sql(_DOCUMENTS_SQL).pl()
    finally:
        con.close()
    out_dir.mkdir(parents=True, exist_ok=True)
    html = _template().render(
        vega_bundle=_vega_bundle(),
        embed_options=_json_markup(EMBED_OPTIONS),
        domains=[_domain_view(d, figures[d.key]) for d in DOMAINS],
        coverage=coverage.to_dicts(),
        coverage_chart=_chart_view("coverage", _coverage_chart(coverage)),
        evidence=_evidence_view(figures, documents, out_dir, review_dir),
    )
    target = out_dir / INDEX_NAME
    part = target.with_name(target.name + ".part")
    part.write_text(html, encoding="utf-8")
    os.replace(part, target)
    return target


def _figures(con: duckdb.DuckDBPyConnection, domain: Domain) -> pl.DataFrame:
    sql = _FIGURES_SQL.replace("{fact_model}", _quote_identifier(domain.fact_model))
    return con.sql(sql, params={"fact_model": domain.fact_model, "top_n": TOP_N}).pl()


def _quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _domain_view(domain: Domain, figures: pl.DataFrame) -> dict[str, Any]:
    trend = figures.filter(pl.col("in_trend"))
    top = figures.filter(pl.col("in_top"))
    charts = []
    if trend.height:
        charts.append(_chart_view(f"{domain.key}-trend", _trend_chart(trend)))
    if top.height:
        charts.append(_chart_view(f"{domain.key}-top", _top_chart(top)))
    return {
        "key": domain.key,
        "title": domain.title,
        "charts": charts,
        "rows": [_figure_row(row) for row in figures.iter_rows(named=True)],
    }


def _trend_chart(data: pl.DataFrame) -> alt.FacetChart:
    base = alt.Chart(_chart_data(data)).mark_line(point=True)
    return (
        base.encode(
            x=alt.X("year:O", title="year"),
            y=alt.Y("value:Q", title=None),
            color=alt.Color("label:N", title="jurisdiction"),
            tooltip=["label", "metric", "year", "value", "unit", "pct_change"],
        )
        .properties(width=260, height=160)
        .facet(facet=alt.Facet("metric_label:N", title=None), columns=2)
        .resolve_scale(y="independent")
        .properties(title="Year over year (total)")
    )


def _top_chart(data: pl.DataFrame) -> alt.FacetChart:
    title = f"Top {TOP_N} jurisdictions by metric, latest year (total)"
    base = alt.Chart(_chart_data(data)).mark_bar()
    return (
        base.encode(
            x=alt.X("value:Q", title=None),
            y=alt.Y("label:N", sort="-x", title=None),
            tooltip=["label", "metric", "year", "value", "unit", "qualifier"],
        )
        .properties(width=260)
        .facet(facet=alt.Facet("metric_year:N", title=None), columns=2)
        .resolve_scale(x="independent", y="independent")
        .properties(title=title)
    )


def _coverage_chart(coverage: pl.DataFrame) -> alt.Chart:
    return (
        alt.Chart(coverage, title="Reports per year and level")
        .mark_bar()
        .encode(
            x=alt.X("report_year:O", title="report year"),
            y=alt.Y("reports:Q", title="reports"),
            color=alt.Color("level:N"),
            tooltip=["report_year", "level", "reports"],
        )
        .properties(width=400, height=200)
    )


def _chart_data(data: pl.DataFrame) -> pl.DataFrame:
    return data.select(
        "label",
        "metric",
        "unit",
        "year",
        "value",
        "qualifier",
        "pct_change",
        metric_label=pl.col("metric_label") + " (" + pl.col("unit") + ")",
        metric_year=pl.col("metric_label") + " " + pl.col("year").cast(pl.String),
    )


def _chart_view(key: str, chart: alt.TopLevelMixin) -> dict[str, Any]:
    return {"id": f"chart-{key}", "spec": _json_markup(chart.to_dict())}


def _json_markup(value: Any) -> Markup:
    """JSON safe inside a <script> element: `<`, `>` and `&` only occur in strings, escaped."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return Markup(text)


def _figure_row(row: dict[str, Any]) -> dict[str, Any]:
    shown = [name for name, flag in (("trend", row["in_trend"]), ("top", row["in_top"])) if flag]
    return {
        **row,
        "value_text": format_value(row["value"]),
        "anchor": fact_anchor(row["fact_id"]),
        "shown": ", ".join(shown),
    }


def format_value(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def fact_anchor(fact_id: str) -> str:
    return "fact-" + _safe_id(fact_id)


def doc_anchor(doc: str) -> str:
    return "doc-" + _safe_id(doc)


def _safe_id(text: str) -> str:
    if _SAFE_ID.match(text):
        return text
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def _evidence_view(
    figures: dict[str, pl.DataFrame],
    documents: pl.DataFrame,
    out_dir: Path,
    review_dir: Path | None,
) -> list[dict[str, Any]]:
    """One entry per document with a figure shown: its facts (deduplicated) and review link."""
    facts = pl.concat(list(figures.values())).unique("fact_id").sort("doc", "evidence_start")
    by_doc = facts.partition_by("doc", as_dict=True)
    docs = documents.filter(pl.col("doc").is_in(facts["doc"].implode()))
    return [
        {
            **doc,
            "anchor": doc_anchor(doc["doc"]),
            "review_href": _review_href(doc["doc"], out_dir, review_dir),
            "facts": [_figure_row(row) for row in by_doc[(doc["doc"],)].iter_rows(named=True)],
        }
        for doc in docs.iter_rows(named=True)
    ]


def _review_href(doc: str, out_dir: Path, review_dir: Path | None) -> str | None:
    if review_dir is None:
        return None
    page = review_dir / review_file_name(doc)
    if not page.is_file():
        return None
    return quote(Path(os.path.relpath(page.resolve(), out_dir.resolve())).as_posix())


@cache
def _vega_bundle() -> Markup:
    """The vega + vega-lite + vega-embed bundle, safe to inline in a <script> element."""
    bundle = import_vl_convert().javascript_bundle(vl_version=vl_version_for_vl_convert())
    return Markup(bundle.replace("</script", "<\\/script"))


@cache
def _template() -> Template:
    env = Environment(loader=PackageLoader("warehouse", "templates"), autoescape=True)
    return env.get_template("report.html.j2")
