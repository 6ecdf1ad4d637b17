"""The fulfilment domain: fulfilment orders per location, shipments, tracking and pickup."""
