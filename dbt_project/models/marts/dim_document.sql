-- One row per input file ever seen (any status), for auditing rejected and duplicate files.
with

documents as (

    select * from {{ ref('stg_raw__documents') }}

),

reports as (

    select doc from {{ ref('stg_raw__reports') }}

),

fact_counts as (

    select
        doc,
        count(*) as fact_count
    from {{ ref('stg_raw__facts') }}
    group by doc

),

final as (

    select
        documents.doc,
        documents.status,
        documents.error,
        documents.duplicate_of,
        documents.path,
        documents.encoding,
        documents.content_type,
        documents.bytes,
        documents.sha256,
        documents.is_loaded,
        reports.doc is not null as has_report,
        coalesce(fact_counts.fact_count, 0) as fact_count,
        documents.extractor_version,
        documents.run_id,
        documents.ingested_at
    from documents
    left join reports
        on documents.doc = reports.doc
    left join fact_counts
        on documents.doc = fact_counts.doc

)

select * from final
