-- Analyst questions answered against the marts (DuckDB SQL).
-- Run one with `.venv/bin/fazhi sql -q "…"` or `duckdb -readonly data/fazhi.duckdb`.
-- Each query is preceded by `-- name: <slug>` and `-- question: <English / 中文>`;
-- tests/test_queries.py runs every one of them against a freshly built warehouse.

-- name: legal-aid-cases-pingshan-2021-by-group
-- question: How many legal aid cases did 坪山区 handle in 2021, by group? / 坪山区2021年各类法律援助案件各有多少件?
select breakdown, value, unit, qualifier, evidence, doc
from marts.fct_legal_aid_cases
where jurisdiction = '坪山区'
    and period = 2021
    and metric = 'legal_aid.cases'
    and is_annual_value
order by breakdown = 'total' desc, value desc, breakdown;

-- name: disputes-mediated-yoy
-- question: How did the number of disputes mediated change year over year in each jurisdiction? / 各地调解矛盾纠纷数量的同比变化如何?
select jurisdiction, province, year, value, prior_value, abs_change, pct_change
from marts.rpt_metric_yoy
where metric = 'disputes.mediated'
    and breakdown = 'total'
order by jurisdiction, jurisdiction_key, year;

-- name: mediation-success-rate-ranking
-- question: Which jurisdictions have the highest mediation success rate (stated, and computed from the counts)? / 哪些地区的人民调解成功率最高(报告所述与按件数计算)?
with annual as (
    select jurisdiction_key, jurisdiction, period, metric, value
    from marts.fct_disputes_mediated
    where breakdown = 'total'
        and is_annual_value
        and metric in ('disputes.success_rate', 'disputes.mediated', 'disputes.mediated_success')
),

pivoted as (
    select
        jurisdiction_key,
        any_value(jurisdiction) as jurisdiction,
        period as year,
        max(value) filter (where metric = 'disputes.success_rate') as stated_rate,
        max(value) filter (where metric = 'disputes.mediated') as mediated,
        max(value) filter (where metric = 'disputes.mediated_success') as mediated_success
    from annual
    group by jurisdiction_key, period
)

select
    jurisdiction,
    year,
    stated_rate,
    mediated,
    mediated_success,
    round(100.0 * mediated_success / nullif(mediated, 0), 2) as computed_rate
from pivoted
where stated_rate is not null or (mediated_success is not null and mediated > 0)
order by coalesce(stated_rate, computed_rate) desc, jurisdiction, year;

-- name: enforcement-certification-coverage
-- question: What share of enforcement personnel hold an enforcement certificate, per jurisdiction and year? / 各地各年度行政执法人员的持证比例是多少?
with annual as (
    select jurisdiction_key, jurisdiction, period, metric, value
    from marts.fct_enforcement_personnel
    where breakdown = 'total' and is_annual_value
)

select
    any_value(jurisdiction) as jurisdiction,
    period as year,
    max(value) filter (where metric = 'enforcement.personnel') as personnel,
    max(value) filter (where metric = 'enforcement.certified') as certified,
    round(100.0 * certified / nullif(personnel, 0), 1) as certified_pct
from annual
group by jurisdiction_key, period
order by certified_pct desc nulls last, jurisdiction, year;

-- name: reconsideration-vs-litigation
-- question: How do administrative reconsideration applications compare with administrative lawsuits, per jurisdiction and year? / 各地各年度行政复议受理量与行政诉讼案件量相比如何?
with annual as (
    select jurisdiction_key, jurisdiction, period, metric, value
    from marts.fct_admin_review_litigation
    where breakdown = 'total' and is_annual_value
)

select
    any_value(jurisdiction) as jurisdiction,
    period as year,
    max(value) filter (where metric = 'admin_review.received') as reconsideration_received,
    max(value) filter (where metric = 'admin_litigation.cases') as litigation_cases,
    round(reconsideration_received / nullif(litigation_cases, 0), 2) as review_per_lawsuit
from annual
group by jurisdiction_key, period
having reconsideration_received is not null or litigation_cases is not null
order by jurisdiction, year;

-- name: stated-change-vs-computed-yoy
-- question: Do the year-over-year changes a report states agree in sign with the change computed from the stated levels (disagreements first)? / 报告所述同比变化与按年度数据计算的同比变化方向是否一致(不一致者在前)?
with subjects (keyword, metric) as (
    values
        ('行政复议', 'admin_review.received'),
        ('行政诉讼', 'admin_litigation.cases'),
        ('法律援助案件', 'legal_aid.cases'),
        ('调解', 'disputes.mediated')
),

stated as (
    select s.jurisdiction_key, s.jurisdiction, s.period, s.breakdown as subject, s.value,
        s.evidence, subjects.metric
    from marts.fct_stated_changes as s
    join subjects on s.breakdown like '%' || subjects.keyword || '%'
)

select
    stated.jurisdiction,
    stated.period as year,
    stated.subject,
    stated.metric,
    stated.value as stated_pct,
    yoy.pct_change as computed_pct,
    sign(stated.value) = sign(yoy.pct_change) as sign_agrees,
    stated.evidence
from stated
join marts.rpt_metric_yoy as yoy
    on yoy.jurisdiction_key = stated.jurisdiction_key
    and yoy.metric = stated.metric
    and yoy.breakdown = 'total'
    and yoy.year = stated.period
where yoy.pct_change is not null
order by sign_agrees, stated.jurisdiction, stated.period;

-- name: report-coverage-by-province-year
-- question: How many reports, and from how many jurisdictions, does the warehouse hold per province and year? / 每个省份每年收录了多少份报告、覆盖多少个地区?
select
    coalesce(province, '(unknown)') as province,
    report_year,
    count(*) as reports,
    count(distinct jurisdiction_key) as jurisdictions,
    string_agg(distinct level, ', ' order by level) as levels
from marts.dim_report
group by all
order by province, report_year;

-- name: non-exact-figures
-- question: Which figures are only approximate or bounds (余, 近, 约…) rather than exact? / 哪些数字是约数或上下限(余、近、约等)而非确数?
select jurisdiction, period, metric, breakdown, value, unit, qualifier, evidence, doc
from (
    select * from marts.fct_disputes_mediated
    union all by name
    select * from marts.fct_legal_aid_cases
    union all by name
    select * from marts.fct_enforcement_personnel
    union all by name
    select * from marts.fct_admin_review_litigation
    union all by name
    select * from marts.fct_stated_changes
)
where qualifier <> 'exact'
order by qualifier, jurisdiction, period, metric, breakdown;

-- name: restated-figures
-- question: Which figures for a year were stated again in another report, and which mention is kept as the annual value? / 哪些年度数字在其他报告中被再次提及,哪一次被采用为年度值?
with mentions as (
    select * from marts.fct_disputes_mediated
    union all by name
    select * from marts.fct_legal_aid_cases
    union all by name
    select * from marts.fct_enforcement_personnel
    union all by name
    select * from marts.fct_admin_review_litigation
),

repeated as (
    select *, count(*) over (partition by jurisdiction_key, metric, breakdown, period) as n
    from mentions
)

select jurisdiction, period, metric, breakdown, value, qualifier, report_year, doc,
    is_annual_value, evidence
from repeated
where n > 1
order by jurisdiction, period, metric, breakdown, is_annual_value desc;

-- name: rejected-and-duplicate-files
-- question: Which input files were rejected or skipped as duplicates, and why? / 哪些文件被拒收或作为重复文件跳过,原因是什么?
select doc, status, coalesce(error, 'duplicate of ' || duplicate_of) as reason, bytes, path
from marts.dim_document
where status <> 'loaded'
order by status, doc;
