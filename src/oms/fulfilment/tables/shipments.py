"""Shipments (one per package), their lines and tracking events."""
