"""notifications: views."""
