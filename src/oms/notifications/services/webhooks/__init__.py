"""Webhooks: endpoints, deliveries, signing and sending."""
