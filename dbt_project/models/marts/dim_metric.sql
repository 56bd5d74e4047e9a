-- One row per metric code of the catalog (raw.metrics, written by the Python catalog).
with

metrics as (

    select * from {{ ref('stg_raw__metrics') }}

),

fact_counts as (

    select
        metric,
        count(*) as fact_count
    from {{ ref('stg_raw__facts') }}
    group by metric

),

final as (

    select
        metrics.metric,
        metrics.domain,
        metrics.fact_model,
        metrics.label,
        metrics.label_zh,
        metrics.description,
        metrics.unit,
        metrics.units,
        metrics.breakdowns,
        coalesce(fact_counts.fact_count, 0) as fact_count
    from metrics
    left join fact_counts
        on metrics.metric = fact_counts.metric

)

select * from final
