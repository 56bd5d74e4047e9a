{% macro fact_mart(fact_model) %}
with

facts as (

    select * from {{ ref('int_facts__enriched') }}
    where fact_model = '{{ fact_model }}'

),

annual as (

    select fact_id from {{ ref('int_facts__annual') }}

),

final as (

    select
        facts.fact_id,
        facts.doc,
        facts.jurisdiction_key,
        facts.jurisdiction,
        facts.parent,
        facts.province,
        facts.level,
        facts.report_year,
        facts.period,
        facts.metric,
        facts.metric_label,
        facts.breakdown,
        facts.value,
        facts.unit,
        facts.qualifier,
        facts.evidence,
        facts.evidence_start,
        facts.evidence_end,
        facts.metric_label_zh,
        facts.published_on,
        facts.masked,
        annual.fact_id is not null as is_annual_value
    from facts
    left join annual
        on facts.fact_id = annual.fact_id

)

select * from final
{% endmacro %}
