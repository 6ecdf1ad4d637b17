"""The returns context's repository."""
