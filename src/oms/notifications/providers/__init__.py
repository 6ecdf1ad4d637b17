"""notifications: providers."""
