"""Fulfilment orders, their lines and each location's fulfilment settings."""
