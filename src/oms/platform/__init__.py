"""Technical backbone of all contexts: settings, database, unit of work, outbox, HTTP edges."""
