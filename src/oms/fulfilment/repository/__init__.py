"""The fulfilment context's repository."""
