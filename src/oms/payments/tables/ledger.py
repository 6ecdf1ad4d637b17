"""Tables of ledger (H1 fills this module)."""
