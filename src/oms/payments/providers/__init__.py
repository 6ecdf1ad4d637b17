"""Payment providers: one path for every tender (stripe, manual, marketplace, pos, store credit)."""
