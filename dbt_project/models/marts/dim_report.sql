-- One row per loaded report (source document with status `loaded`).
with

reports as (

    select * from {{ ref('int_reports__jurisdiction_keyed') }}

),

documents as (

    select * from {{ ref('dim_document') }}

),

final as (

    select
        reports.doc,
        reports.jurisdiction_key,
        reports.title,
        reports.jurisdiction,
        reports.resolved_parent as parent,
        reports.resolved_province as province,
        reports.level,
        reports.report_year,
        reports.published_on,
        reports.publisher,
        reports.masked,
        reports.text_chars,
        documents.fact_count,
        documents.encoding,
        documents.content_type,
        documents.sha256,
        documents.run_id,
        documents.ingested_at
    from reports
    inner join documents
        on reports.doc = documents.doc

)

select * from final
