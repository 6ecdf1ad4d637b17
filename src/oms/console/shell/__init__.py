"""What every console page stands on: templates, the staff guard, forms, errors."""

from oms.console.shell.forms import N_, FormErrors, attempt, form_data
from oms.console.shell.guard import (
    COOKIE,
    ConsoleRequires,
    LoginNeeded,
    Public,
    Staff,
    public_context,
)
from oms.console.shell.templating import Pages, pages, render

__all__ = [
    "COOKIE",
    "N_",
    "ConsoleRequires",
    "FormErrors",
    "LoginNeeded",
    "Pages",
    "Public",
    "Staff",
    "attempt",
    "form_data",
    "pages",
    "public_context",
    "render",
]
