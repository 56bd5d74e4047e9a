-- One row per fact (fact_id) whose metric the catalog assigns to fct_legal_aid_cases.
{{ fact_mart('fct_legal_aid_cases') }}
