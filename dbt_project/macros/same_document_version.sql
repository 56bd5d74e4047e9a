{% macro same_document_version(built, current) %}
{#- True where a row of an incremental fact model (`built`) was built from the document
    version `current` still has: same doc and raw.documents run id, same jurisdiction
    resolution (which another report can change). -#}
{{ built }}.doc = {{ current }}.doc
            and {{ built }}.document_run_id = {{ current }}.document_run_id
            and {{ built }}.jurisdiction_key = {{ current }}.jurisdiction_key
            and {{ built }}.parent is not distinct from {{ current }}.parent
            and {{ built }}.province is not distinct from {{ current }}.province
{%- endmacro %}
