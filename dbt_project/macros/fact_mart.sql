{% macro fact_mart(fact_model) %}
{#- Incremental by document, like int_facts__enriched: a run rewrites the documents whose
    facts changed in int_facts__enriched (version or jurisdiction resolution) or whose
    is_annual_value flags changed (a new report can win a year's cell from an old one). -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='doc',
        on_schema_change='fail',
        pre_hook="{{ delete_stale_documents(ref('int_facts__enriched')) }}",
    )
}}

with

facts as (

    select * from {{ ref('int_facts__enriched') }}
    where fact_model = '{{ fact_model }}'

),

annual as (

    select fact_id from {{ ref('int_facts__annual') }}

),

flagged as (

    select
        facts.*,
        annual.fact_id is not null as is_annual_value
    from facts
    left join annual
        on facts.fact_id = annual.fact_id

),

changed_documents as (

    select distinct flagged.doc
    from flagged
    {% if is_incremental() %}
    where not exists (
        select 1
        from {{ this }} as built
        where built.fact_id = flagged.fact_id
            and {{ same_document_version('built', 'flagged') }}
            and built.is_annual_value = flagged.is_annual_value
    )
    {% endif %}

),

final as (

    select
        flagged.fact_id,
        flagged.doc,
        flagged.jurisdiction_key,
        flagged.jurisdiction,
        flagged.parent,
        flagged.province,
        flagged.level,
        flagged.report_year,
        flagged.period,
        flagged.metric,
        flagged.metric_label,
        flagged.breakdown,
        flagged.value,
        flagged.unit,
        flagged.qualifier,
        flagged.evidence,
        flagged.evidence_start,
        flagged.evidence_end,
        flagged.metric_label_zh,
        flagged.published_on,
        flagged.masked,
        flagged.is_annual_value,
        flagged.document_run_id
    from flagged
    inner join changed_documents
        on flagged.doc = changed_documents.doc

)

select * from final
{% endmacro %}
