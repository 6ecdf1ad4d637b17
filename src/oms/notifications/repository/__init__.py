"""notifications: repository."""
