{#-
    Every non-null value of `column_name` is a calendar year between `min_year`
    (default: var fazhi_min_year, 2000) and the current year.
-#}
{% test valid_year(model, column_name, min_year=none) %}

{%- set lower = min_year if min_year is not none else var('fazhi_min_year', 2000) %}

select {{ column_name }} as invalid_year
from {{ model }}
where {{ column_name }} is not null
    and (
        {{ column_name }} < {{ lower }}
        or {{ column_name }} > extract(year from current_date)
    )

{% endtest %}
