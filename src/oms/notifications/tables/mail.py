"""Tables of outgoing mail: per-channel settings, queued and sent messages, refused addresses."""
