"""The returns context's schemas."""
