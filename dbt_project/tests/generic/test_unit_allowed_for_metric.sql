{#-
    The unit in `column_name` is one the catalog allows for the row's metric
    (`units` list of stg_raw__metrics). `metric_column` names the metric column.
-#}
{% test unit_allowed_for_metric(model, column_name, metric_column='metric') %}

with

catalog as (

    select metric, units from {{ ref('stg_raw__metrics') }}

),

checked as (

    select
        model_rows.{{ metric_column }} as metric,
        model_rows.{{ column_name }} as unit
    from {{ model }} as model_rows
    inner join catalog
        on model_rows.{{ metric_column }} = catalog.metric
    where model_rows.{{ column_name }} is not null
        and not list_contains(catalog.units, model_rows.{{ column_name }})

)

select
    metric,
    unit,
    count(*) as n_rows
from checked
group by metric, unit

{% endtest %}
