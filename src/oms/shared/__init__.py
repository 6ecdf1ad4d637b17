"""Pure building blocks of every context: money, ids, clock, errors, events, state machines."""
