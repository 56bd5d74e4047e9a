{% macro delete_stale_documents(current, run_id_column='document_run_id') %}
{#- Pre-hook of the incremental fact models: drop every row whose document version
    (doc, run id) is no longer current in `current`, so documents re-extracted, rejected,
    found duplicate or gone lose their old facts before the new ones are inserted. -#}
{% if is_incremental() %}
delete from {{ this }} as built
where not exists (
    select 1
    from {{ current }} as current_documents
    where current_documents.doc = built.doc
        and current_documents.{{ run_id_column }} = built.document_run_id
)
{% endif %}
{% endmacro %}
