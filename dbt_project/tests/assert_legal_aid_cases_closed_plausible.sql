-- Within one report and period, legal_aid.cases_closed should be in the range of
-- legal_aid.cases (total). Closing more than accepted is possible (carry-over from the year
-- before), so only a ratio above var fazhi_closed_to_cases_max_ratio (1.5) is flagged.
{{ config(severity='warn') }}

{%- set max_ratio = var('fazhi_closed_to_cases_max_ratio', 1.5) %}

with

facts as (

    select * from {{ ref('int_facts__enriched') }}
    where breakdown = 'total'

),

cases as (

    select
        doc,
        period,
        max(value) as cases
    from facts
    where metric = 'legal_aid.cases'
    group by doc, period

),

cases_closed as (

    select
        doc,
        period,
        max(value) as cases_closed
    from facts
    where metric = 'legal_aid.cases_closed'
    group by doc, period

)

select
    cases_closed.doc,
    cases_closed.period,
    cases.cases,
    cases_closed.cases_closed
from cases_closed
inner join cases
    on cases_closed.doc = cases.doc
    and cases_closed.period = cases.period
where cases_closed.cases_closed > cases.cases * {{ max_ratio }}
