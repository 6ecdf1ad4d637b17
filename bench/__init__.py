"""The order placement benchmark: ``make bench`` (``python -m bench``), see docs/performance.md.

Modules by concern: ``config`` (run sizes), ``databases`` (fresh PostgreSQL and SQLite),
``merchant`` and ``history`` (generated data, bulk-loaded), ``workload`` (the orders),
``arms`` (raw driver SQL, the service, HTTP, the naive control), ``loadgen`` (the HTTP client
process), ``measure`` (timing), ``invariants`` (checks after every arm), ``search``,
``calibration``, ``report`` and ``suite`` (the order of a run).
"""
