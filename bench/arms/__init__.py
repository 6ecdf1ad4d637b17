"""The ways of placing an order that a run compares: raw driver SQL, the service, HTTP."""
