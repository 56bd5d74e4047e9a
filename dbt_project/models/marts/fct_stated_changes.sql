-- One row per fact (fact_id) whose metric the catalog assigns to fct_stated_changes.
{{ fact_mart('fct_stated_changes') }}
