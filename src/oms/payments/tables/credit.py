"""Tables of credit (H3 fills this module)."""
