"""The fulfilment context's services."""
