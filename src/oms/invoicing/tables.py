"""Tables of invoices and credit notes (H4 fills this module)."""
