-- Within one report, breakdown and period, disputes mediated successfully can never
-- exceed disputes mediated. Returns the offending report cells.
{{ config(severity='error') }}

with

facts as (

    select * from {{ ref('int_facts__enriched') }}

),

mediated as (

    select
        doc,
        breakdown,
        period,
        max(value) as mediated
    from facts
    where metric = 'disputes.mediated'
    group by doc, breakdown, period

),

mediated_success as (

    select
        doc,
        breakdown,
        period,
        max(value) as mediated_success
    from facts
    where metric = 'disputes.mediated_success'
    group by doc, breakdown, period

)

select
    mediated_success.doc,
    mediated_success.breakdown,
    mediated_success.period,
    mediated.mediated,
    mediated_success.mediated_success
from mediated_success
inner join mediated
    on mediated_success.doc = mediated.doc
    and mediated_success.breakdown = mediated.breakdown
    and mediated_success.period = mediated.period
where mediated_success.mediated_success > mediated.mediated
