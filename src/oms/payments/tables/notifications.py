"""Tables of notifications (H2 fills this module)."""
