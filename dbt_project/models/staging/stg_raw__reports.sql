-- Only documents the loader marked `loaded` keep their report: duplicates, rejected and
-- skipped files never reach the marts even if a stray row is left in raw.reports.
with

source as (

    select * from {{ source('raw', 'reports') }}

),

loaded_documents as (

    select doc from {{ ref('stg_raw__documents') }}
    where is_loaded

),

renamed as (

    select

        ----------  ids
        source.doc,

        ---------- measures
        source.report_year,
        source.text_chars,

        ---------- text
        nullif(trim(source.title), '') as title,
        nullif(trim(source.jurisdiction), '') as jurisdiction,
        nullif(trim(source.parent), '') as parent,
        nullif(trim(source.province), '') as province,
        lower(trim(source.level)) as level,
        nullif(trim(source.publisher), '') as publisher,

        ---------- booleans
        coalesce(source.masked, false) as masked,

        ---------- dates
        source.published_on

    from source
    inner join loaded_documents
        on source.doc = loaded_documents.doc

)

select * from renamed
