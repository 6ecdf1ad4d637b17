"""oms: an order management system for merchants that sell on many channels."""

__version__ = "0.1.0"
