"""Composition roots: the HTTP app, the CLI and the worker. The only modules that import every
context."""
