{#-
    Every non-null value of `column_name` lies within [min_value, max_value]. Scope it with
    the `where` config, e.g. percentages only:
    `config: {where: "unit = 'percent' and metric <> 'stated_change'"}`.
-#}
{% test within_range(model, column_name, min_value, max_value) %}

select {{ column_name }} as out_of_range_value
from {{ model }}
where {{ column_name }} is not null
    and (
        {{ column_name }} < {{ min_value }}
        or {{ column_name }} > {{ max_value }}
    )

{% endtest %}
