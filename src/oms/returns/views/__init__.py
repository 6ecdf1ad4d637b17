"""The returns context's views."""
