"""Tables of the sourcing context."""
