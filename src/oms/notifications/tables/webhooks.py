"""Tables of webhooks: endpoints (subscriptions) and their deliveries."""
