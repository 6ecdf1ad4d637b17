"""Tables of reconciliation runs (H5 fills this module)."""
