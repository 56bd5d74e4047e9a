-- One row per jurisdiction_key. Names come from the jurisdiction's latest report; level is
-- the latest non-department level (a department's report speaks for its jurisdiction), or
-- `department` when every report is a department's.
with

reports as (

    select * from {{ ref('int_reports__jurisdiction_keyed') }}

),

ordered as (

    select
        *,
        row_number() over (
            partition by jurisdiction_key
            order by report_year desc nulls last, published_on desc nulls last, doc desc
        ) as recency_rank,
        row_number() over (
            partition by jurisdiction_key
            order by
                case when level = 'department' then 1 else 0 end,
                report_year desc nulls last,
                published_on desc nulls last,
                doc desc
        ) as level_rank
    from reports

),

latest as (

    select * from ordered
    where recency_rank = 1

),

jurisdiction_level as (

    select
        jurisdiction_key,
        level
    from ordered
    where level_rank = 1

),

summary as (

    select
        jurisdiction_key,
        bool_or(masked) as masked,
        min(report_year) as first_report_year,
        max(report_year) as last_report_year,
        count(*) as report_count
    from reports
    group by jurisdiction_key

),

final as (

    select
        latest.jurisdiction_key,
        latest.jurisdiction,
        latest.resolved_parent as parent,
        latest.resolved_province as province,
        jurisdiction_level.level,
        summary.masked,
        summary.first_report_year,
        summary.last_report_year,
        summary.report_count
    from latest
    inner join summary
        on latest.jurisdiction_key = summary.jurisdiction_key
    inner join jurisdiction_level
        on latest.jurisdiction_key = jurisdiction_level.jurisdiction_key

)

select * from final
