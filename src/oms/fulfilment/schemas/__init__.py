"""The fulfilment context's schemas."""
