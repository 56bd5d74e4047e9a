{#-
    Use the folder's `+schema` as the schema name itself (staging, intermediate, marts)
    instead of dbt's default `<target_schema>_<custom_schema>` (main_marts), so analysts
    read `marts.fct_legal_aid_cases`. Nodes without a custom schema go to the target schema.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
