"""The fulfilment context's views."""
