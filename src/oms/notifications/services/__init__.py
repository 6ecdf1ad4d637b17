"""notifications: services."""
