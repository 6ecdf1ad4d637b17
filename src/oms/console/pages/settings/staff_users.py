"""Staff users (``oms user create/list/disable`` in the console): who may log in, with which
role, location (warehouse staff) and language, and an initial password they change after their
first login. Disabling a user ends their sessions at once.

No API route manages staff users; the page takes ``api_keys:manage``, the permission of the
auth context's other admin-only act (issuing machine credentials), which only admins have.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from starlette.datastructures import FormData

from oms import auth, channels
from oms.auth import STAFF_LOCALES, Role
from oms.console.pages.settings.fields import FormReader, attempt_form, id_cursor, redirect, refuse
from oms.console.shell import ConsoleRequires, FormErrors, Staff, form_data, render
from oms.console.shell.guard import uow_of
from oms.platform.security import Permission

router = APIRouter(prefix="/console/settings", include_in_schema=False)

UserManager = Annotated[Staff, Depends(ConsoleRequires(Permission.API_KEYS_MANAGE))]
Form = Annotated[FormData, Depends(form_data)]

PAGE = 100
LOCATIONS_SHOWN = 200
STAFF_ROLES = [role.value for role in Role if role is not Role.CHANNEL]


def _page(
    request: Request,
    staff: Staff,
    *,
    after: str | None = None,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
    done: str | None = None,
) -> Response:
    uow = uow_of(request)
    found = auth.list_staff_users(
        uow=uow, after=id_cursor(after, "a staff user's id"), limit=PAGE + 1
    )
    shown = found[:PAGE]
    more = len(found) > PAGE
    context = {
        "users": shown,
        "me": staff.user.id,
        "next_url": f"/console/settings/staff?after={shown[-1].id}" if more else None,
        "values": values if values is not None else {"role": Role.CSR.value, "locale": "en"},
        "errors": errors,
        "roles": STAFF_ROLES,
        "locales": STAFF_LOCALES,
        "locations": channels.list_locations(uow=uow, after=None, limit=LOCATIONS_SHOWN),
        "done": done,
    }
    return render(request, "console/settings/staff.html", context, status=status)


@router.get("/staff")
def staff_users(
    request: Request, staff: UserManager, after: str | None = None, done: str | None = None
) -> Response:
    return _page(request, staff, after=after, done=done)


@router.post("/staff")
def create_staff_user(request: Request, staff: UserManager, form: Form) -> Response:
    """A new staff user with an initial password (never shown again, never kept in the form)."""
    read = FormReader(form)
    email = read.text("email", required=True)
    name = read.optional("name", max_length=200)
    role = read.choice("role", Role)
    location = read.optional("location", max_length=40)
    locale = read.text("locale") or "en"
    raw_password = form.get("password")
    password = raw_password if isinstance(raw_password, str) else ""

    def create() -> auth.StaffUser:
        read.done("the staff user has invalid fields")
        assert role is not None
        command = auth.CreateStaffUser(
            email=email,
            role=role,
            password=password,
            name=name,
            location_code=location,
            locale=locale,
        )
        return auth.create_staff_user(command, uow=uow_of(request))

    created, errors, status = attempt_form(create, fields={"staff-email-taken": "email"})
    if errors is not None or created is None:
        return _page(request, staff, values=read.values, errors=errors, status=status)
    return redirect("/console/settings/staff", "created")


@router.post("/staff/disable")
def disable_staff_user(request: Request, staff: UserManager, form: Form) -> Response:
    """Disable a user (by email) and end their sessions; one's own account stays (an admin
    who locked themselves out could not undo it)."""
    read = FormReader(form)
    email = read.text("email")
    if email and email.casefold() == staff.user.email.casefold():
        errors = refuse("email", "you cannot disable your own account")
        return _page(request, staff, errors=errors, status=422)
    auth.disable_staff_user(email, uow=uow_of(request))
    return redirect("/console/settings/staff", "disabled")
