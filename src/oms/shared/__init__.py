"""Pure building blocks shared by every context: money, ids, clock, errors, events, state machines."""
