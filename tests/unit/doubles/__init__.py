"""In-memory doubles of repository ports, for service tests on ``FakeUnitOfWork``.

One module per context; each double implements its port's Protocol over plain dicts, so mypy
checks it against the real port. ``FakeUnitOfWork`` finds a double by the port's name.
"""
