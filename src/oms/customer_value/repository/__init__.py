"""Where purchases come from (the database's completed orders, the retail dataset's file) and
where scores go (``customer_values``, ``customer_value_runs``)."""
