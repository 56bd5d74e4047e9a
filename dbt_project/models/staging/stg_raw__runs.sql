with

source as (

    select * from {{ source('raw', 'runs') }}

),

renamed as (

    select

        ----------  ids
        run_id,

        ---------- measures
        files_seen,
        loaded as files_loaded,
        rejected as files_rejected,
        duplicates as files_duplicate,
        skipped as files_skipped,
        facts as facts_loaded,
        date_diff('millisecond', started_at, finished_at) / 1000.0 as duration_seconds,

        ---------- text
        input_dir,

        ---------- timestamps
        started_at,
        finished_at

    from source

)

select * from renamed
