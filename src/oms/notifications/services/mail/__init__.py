"""Customer mail: deciding, queueing, composing and sending."""
