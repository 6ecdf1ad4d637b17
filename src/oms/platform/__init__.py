"""Technical backbone shared by all contexts: settings, database, unit of work, outbox, HTTP edges."""
