-- One row per fact (fact_id) whose metric the catalog assigns to fct_enforcement_personnel.
{{ fact_mart('fct_enforcement_personnel') }}
