-- One value per jurisdiction_key x metric x breakdown x period (stated_change excluded).
--
-- When several mentions compete for the same cell (a figure repeated in one report, or
-- restated by a later report), keep exactly one, in this order:
--   1. the report whose report_year equals the period (a report's own year beats a restatement)
--   2. qualifier `exact` over at_least / at_most / approx
--   3. the latest published report (published_on, then report_year; unknown dates last)
--   4. the earliest mention in that report (smallest evidence_start)
--   5. doc, then fact_id, so the choice is deterministic
with

facts as (

    select * from {{ ref('int_facts__enriched') }}
    where metric <> 'stated_change'

),

ranked as (

    select
        *,
        count(*) over cell as n_mentions,
        min(value) over cell <> max(value) over cell as has_conflicting_mentions,
        row_number() over (
            partition by jurisdiction_key, metric, breakdown, period
            order by
                case when report_year = period then 0 else 1 end,
                case when qualifier = 'exact' then 0 else 1 end,
                published_on desc nulls last,
                report_year desc nulls last,
                evidence_start asc nulls last,
                doc asc,
                fact_id asc
        ) as mention_rank
    from facts
    window cell as (partition by jurisdiction_key, metric, breakdown, period)

),

final as (

    select
        jurisdiction_key,
        metric,
        breakdown,
        period,
        value,
        unit,
        qualifier,
        jurisdiction,
        parent,
        province,
        level,
        masked,
        domain,
        fact_model,
        metric_label,
        fact_id,
        doc,
        report_year,
        evidence,
        n_mentions,
        has_conflicting_mentions
    from ranked
    where mention_rank = 1

)

select * from final
