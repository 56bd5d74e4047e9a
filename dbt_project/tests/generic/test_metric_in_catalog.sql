{#-
    Every non-null metric code in `column_name` exists in the metric catalog
    (stg_raw__metrics, i.e. raw.metrics written from the Python catalog): no code list is
    hard-coded here, the catalog is the single source of truth.
-#}
{% test metric_in_catalog(model, column_name) %}

with

catalog as (

    select metric from {{ ref('stg_raw__metrics') }}

),

checked as (

    select {{ column_name }} as unknown_metric
    from {{ model }}
    where {{ column_name }} is not null
        and {{ column_name }} not in (select catalog.metric from catalog)

)

select
    unknown_metric,
    count(*) as n_rows
from checked
group by unknown_metric

{% endtest %}
