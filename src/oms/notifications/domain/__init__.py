"""The pure rules of notifications: which mails exist and when, mail settings per channel,
webhook endpoints, their event-type patterns, deliveries and retries, and safe targets."""
