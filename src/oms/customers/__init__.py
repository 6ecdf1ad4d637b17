"""The customers context."""
