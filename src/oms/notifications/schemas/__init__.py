"""notifications: schemas."""
