-- One row per fact of a loaded report, with the report's attributes, its jurisdiction_key
-- and the metric's catalog entry. Facts whose document has no report row are dropped here
-- (assert_loaded_facts_reach_marts warns about them).
--
-- Incremental by document. A run rewrites the facts of the documents that are new or were
-- re-extracted (their raw.documents run_id changed) and of those whose jurisdiction
-- resolution changed (a new report can lend another report of the same place its
-- province); the pre-hook first drops documents that are no longer loaded. Everything
-- else is kept as built. `fazhi run --full-refresh` rebuilds from scratch.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='doc',
        on_schema_change='fail',
        pre_hook="{{ delete_stale_documents(ref('stg_raw__documents'), 'run_id') }}",
    )
}}

with

documents as (

    select
        doc,
        run_id as document_run_id
    from {{ ref('stg_raw__documents') }}
    where is_loaded

),

reports as (

    select * from {{ ref('int_reports__jurisdiction_keyed') }}

),

current_documents as (

    select
        documents.doc,
        documents.document_run_id,
        reports.jurisdiction_key,
        reports.resolved_parent as parent,
        reports.resolved_province as province
    from documents
    inner join reports
        on documents.doc = reports.doc

),

changed_documents as (

    select * from current_documents
    {% if is_incremental() %}
    where not exists (
        select 1
        from {{ this }} as built
        where {{ same_document_version('built', 'current_documents') }}
    )
    {% endif %}

),

facts as (

    select * from {{ ref('stg_raw__facts') }}

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
        facts.evidence_end,
        changed_documents.document_run_id
    from facts
    inner join changed_documents
        on facts.doc = changed_documents.doc
    inner join reports
        on facts.doc = reports.doc
    left join metrics
        on facts.metric = metrics.metric

)

select * from enriched
