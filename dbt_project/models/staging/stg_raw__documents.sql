with

source as (

    select * from {{ source('raw', 'documents') }}

),

renamed as (

    select

        ----------  ids
        doc,
        duplicate_of,
        run_id,
        sha256,

        ---------- measures
        bytes,

        ---------- text
        path,
        lower(trim(status)) as status,
        nullif(trim(error), '') as error,
        encoding,
        content_type,
        extractor_version,

        ---------- booleans
        lower(trim(status)) = 'loaded' as is_loaded,

        ---------- timestamps
        ingested_at

    from source

)

select * from renamed
