"""The staff console (``/console``) and the customer's own pages (``/track``).

A composition root above every context, as ``oms.app`` is: its pages call the same services the
API's routes call, through each context's public interface, with a ``Principal`` built from the
staff user's role (one permission table for keys and people). It never reads tables or
repositories itself. ``install(app)`` mounts it on the HTTP application.
"""

from oms.console.shell.install import install

__all__ = ["install"]
