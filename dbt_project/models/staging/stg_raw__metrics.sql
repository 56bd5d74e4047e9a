-- The loader fills catalog columns it does not know with null (warehouse/frames.py
-- metrics_frame). Fall back so every metric still has a domain, a fact model, a unit and a
-- label: domain = the code's prefix, fact model by domain, unit = first allowed unit.
with

source as (

    select * from {{ source('raw', 'metrics') }}

),

renamed as (

    select

        ----------  ids
        lower(trim(metric)) as metric,
        coalesce(domain, split_part(lower(trim(metric)), '.', 1)) as domain,
        coalesce(
            fact_model,
            case split_part(lower(trim(metric)), '.', 1)
                when 'disputes' then 'fct_disputes_mediated'
                when 'legal_aid' then 'fct_legal_aid_cases'
                when 'enforcement' then 'fct_enforcement_personnel'
                when 'admin_review' then 'fct_admin_review_litigation'
                when 'admin_litigation' then 'fct_admin_review_litigation'
                when 'stated_change' then 'fct_stated_changes'
            end
        ) as fact_model,

        ---------- measures
        coalesce(unit, units[1]) as unit,
        units,
        breakdowns,

        ---------- text
        coalesce(label, metric) as label,
        label_zh,
        description

    from source

)

select * from renamed
