{#-
    The combination of `combination_of_columns` is unique in the model (a multi-column grain
    key). Returns one row per duplicated combination. Nulls count as values, so a grain key
    with a null part must be guarded by not_null tests on its columns.
-#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with

validation as (

    select
        {{ combination_of_columns | join(', ') }},
        count(*) as n_rows
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1

)

select * from validation

{% endtest %}
