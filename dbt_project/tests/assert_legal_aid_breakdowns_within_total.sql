-- Within one report and period, legal_aid.cases breakdowns must fit inside the stated total
-- (tolerance: var fazhi_breakdown_tolerance, 5%). Groups overlap (an elderly woman counts
-- twice; group cases are a subset of migrant-worker cases), so two rules are checked:
--   * the case types civil + criminal + administrative sum to at most the total;
--   * no single breakdown exceeds the total.
{{ config(severity='warn') }}

{%- set tolerance = var('fazhi_breakdown_tolerance', 0.05) %}

with

cases as (

    select * from {{ ref('int_facts__enriched') }}
    where metric = 'legal_aid.cases'

),

totals as (

    select
        doc,
        period,
        max(value) as total
    from cases
    where breakdown = 'total'
    group by doc, period

),

by_breakdown as (

    select
        doc,
        period,
        breakdown,
        max(value) as value
    from cases
    where breakdown <> 'total'
    group by doc, period, breakdown

),

case_type_sums as (

    select
        doc,
        period,
        'civil+criminal+administrative' as breakdown,
        sum(value) as value
    from by_breakdown
    where breakdown in ('civil', 'criminal', 'administrative')
    group by doc, period

),

candidates as (

    select * from by_breakdown
    union all
    select * from case_type_sums

)

select
    candidates.doc,
    candidates.period,
    candidates.breakdown,
    candidates.value,
    totals.total
from candidates
inner join totals
    on candidates.doc = totals.doc
    and candidates.period = totals.period
where candidates.value > totals.total * (1 + {{ tolerance }})
