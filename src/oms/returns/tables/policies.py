"""Return policies per channel and their per-product overrides."""
