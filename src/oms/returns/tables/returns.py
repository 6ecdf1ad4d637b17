"""Returns (RMAs), their lines, exchanges and claims."""
