-- One row per jurisdiction x metric x breakdown x year (grain key: jurisdiction_key, metric,
-- breakdown, year), comparing the annual value with the value for year - 1.
-- Works on jurisdiction_key so masked jurisdictions (all named **区) never merge.
-- prior_value, abs_change and pct_change are null when there is no comparable value for
-- year - 1 (no figure, or a figure in a different unit); pct_change is null when prior is 0.
with

annual as (

    select * from {{ ref('int_facts__annual') }}

),

compared as (

    select
        this_year.jurisdiction,
        this_year.metric,
        this_year.breakdown,
        this_year.period as year,
        this_year.value,
        prior_year.value as prior_value,
        this_year.value - prior_year.value as abs_change,
        case
            when prior_year.value is null or prior_year.value = 0 then null
            else round(100.0 * (this_year.value - prior_year.value) / prior_year.value, 2)
        end as pct_change,
        this_year.jurisdiction_key,
        this_year.parent,
        this_year.province,
        this_year.level,
        this_year.masked,
        this_year.domain,
        this_year.fact_model,
        this_year.metric_label,
        this_year.unit,
        this_year.qualifier,
        prior_year.qualifier as prior_qualifier,
        this_year.fact_id,
        prior_year.fact_id as prior_fact_id
    from annual as this_year
    left join annual as prior_year
        on this_year.jurisdiction_key = prior_year.jurisdiction_key
        and this_year.metric = prior_year.metric
        and this_year.breakdown = prior_year.breakdown
        and this_year.period - 1 = prior_year.period
        and this_year.unit is not distinct from prior_year.unit

)

select * from compared
