-- rpt_metric_yoy restricted to the metrics of fct_enforcement_personnel (same grain and columns).
{{ config(materialized='view') }}

with

yoy as (

    select * from {{ ref('rpt_metric_yoy') }}

)

select * from yoy
where fact_model = 'fct_enforcement_personnel'
