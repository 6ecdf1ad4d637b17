"""Billing reconciliation: settlement files matched against the payments ledger (H5)."""
