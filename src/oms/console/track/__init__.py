"""The customer's own pages: track an order, start a return, follow it."""
