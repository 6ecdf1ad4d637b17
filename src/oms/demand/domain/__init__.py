"""Demand's pure rules: weekly series from order lines, forecast scores, reorder arithmetic."""
