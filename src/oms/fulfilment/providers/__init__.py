"""The fulfilment context's providers."""
