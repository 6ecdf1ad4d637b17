"""Customer value: lifetime value and churn probability per customer (BG/NBD + Gamma-Gamma),
with their holdout check."""
