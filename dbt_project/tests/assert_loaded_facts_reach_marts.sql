-- Every fact of a loaded document lands in exactly one fact mart. A fact is lost when its
-- document has no raw.reports row or its metric has no fact_model in the catalog.
{{ config(severity='warn') }}

with

staged as (

    select fact_id, doc, metric from {{ ref('stg_raw__facts') }}

),

in_marts as (

    select fact_id from {{ ref('fct_disputes_mediated') }}
    union all
    select fact_id from {{ ref('fct_legal_aid_cases') }}
    union all
    select fact_id from {{ ref('fct_enforcement_personnel') }}
    union all
    select fact_id from {{ ref('fct_admin_review_litigation') }}
    union all
    select fact_id from {{ ref('fct_stated_changes') }}

)

select
    staged.fact_id,
    staged.doc,
    staged.metric
from staged
where staged.fact_id not in (select in_marts.fact_id from in_marts)
