"""The returns context's services."""
