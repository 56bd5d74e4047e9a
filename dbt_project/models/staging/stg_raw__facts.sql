-- Only facts of documents the loader marked `loaded`: duplicates, rejected and skipped files
-- never reach the marts. `start`/`end` become evidence_start/evidence_end.
with

source as (

    select * from {{ source('raw', 'facts') }}

),

loaded_documents as (

    select doc from {{ ref('stg_raw__documents') }}
    where is_loaded

),

renamed as (

    select

        ----------  ids
        source.fact_id,
        source.doc,
        lower(trim(source.metric)) as metric,
        coalesce(nullif(trim(source.breakdown), ''), 'total') as breakdown,

        ---------- measures
        source.value,
        lower(trim(source.unit)) as unit,
        lower(trim(source.qualifier)) as qualifier,
        source.period,

        ---------- text
        source.evidence,
        source.start as evidence_start,
        source."end" as evidence_end

    from source
    inner join loaded_documents
        on source.doc = loaded_documents.doc

)

select * from renamed
