-- One row per fact of a loaded report, with the report's attributes, its jurisdiction_key
-- and the metric's catalog entry. Facts whose document has no report row are dropped here
-- (assert_loaded_facts_reach_marts warns about them).
with

facts as (

    select * from {{ ref('stg_raw__facts') }}

),

reports as (

    select * from {{ ref('int_reports__jurisdiction_keyed') }}

),

metrics as (

    select * from {{ ref('stg_raw__metrics') }}

),

enriched as (

    select
        facts.fact_id,
        facts.doc,
        reports.jurisdiction_key,
        reports.jurisdiction,
        reports.resolved_parent as parent,
        reports.resolved_province as province,
        reports.level,
        reports.masked,
        reports.report_year,
        reports.published_on,
        facts.period,
        facts.metric,
        metrics.domain,
        metrics.fact_model,
        metrics.label as metric_label,
        metrics.label_zh as metric_label_zh,
        facts.breakdown,
        facts.value,
        facts.unit,
        facts.qualifier,
        facts.evidence,
        facts.evidence_start,
        facts.evidence_end
    from facts
    inner join reports
        on facts.doc = reports.doc
    left join metrics
        on facts.metric = metrics.metric

)

select * from enriched
