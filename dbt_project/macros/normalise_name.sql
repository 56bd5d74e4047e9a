{#-
    A place name reduced to a comparable form: lower-cased, with every ASCII, full-width
    (U+3000) and no-break (U+00A0) space removed; null when nothing is left.
-#}
{% macro normalise_name(column) -%}
    nullif(regexp_replace(lower(trim({{ column }})), '[\s\x{3000}\x{00a0}]+', '', 'g'), '')
{%- endmacro %}
