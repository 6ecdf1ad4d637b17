"""Storage behind the payments ports."""
