-- One row per fact (fact_id) whose metric the catalog assigns to fct_admin_review_litigation.
{{ fact_mart('fct_admin_review_litigation') }}
