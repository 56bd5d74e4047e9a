-- One row per fact (fact_id) whose metric the catalog assigns to fct_disputes_mediated.
{{ fact_mart('fct_disputes_mediated') }}
