"""Where customers are kept: one port per repository, bound to the unit of work.

``CUSTOMERS`` holds profiles with their addresses, tags and consent history; ``NOTES`` what
staff wrote about them.
"""

from oms.customers.repository.customers import CUSTOMERS, Customers, SqlCustomers
from oms.customers.repository.notes import NOTES, Notes, SqlNotes

__all__ = ["CUSTOMERS", "NOTES", "Customers", "Notes", "SqlCustomers", "SqlNotes"]
