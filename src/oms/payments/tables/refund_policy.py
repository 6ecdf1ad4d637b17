"""Tables of refund policy (H3 fills this module)."""
