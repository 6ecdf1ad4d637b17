"""Who is at the console: the session cookie resumed into a staff user, their role's
permissions (the same table API keys use) and the CSRF check of every form.

Every console route depends on ``ConsoleRequires(permission)`` (or ``ConsoleRequires(None)``:
any signed-in staff user) or, for the login and the customer's pages, ``Public()``; a test walks
every route for every role, as the API's matrix test does.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from oms import auth
from oms.auth import ROLE_PERMISSIONS, SessionEnded, StaffSession, StaffUser
from oms.console.shell.templating import language_of
from oms.platform.security import Permission, Principal
from oms.platform.unit_of_work import UnitOfWork

COOKIE = "oms_console"
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class Staff:
    """The signed-in staff user of this request."""

    user: StaffUser
    session: StaffSession
    principal: Principal
    csrf: str

    def can(self, permission: Permission | str) -> bool:
        return Permission(permission) in self.principal.permissions

    @property
    def language(self) -> str:
        return language_of(self.user.locale)


class LoginNeeded(Exception):
    """No live session: a page answers with the login form, an htmx request with a redirect."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class ConsoleForbidden(Exception):
    """The staff user's role lacks the page's permission."""

    def __init__(self, permission: Permission) -> None:
        super().__init__(permission.value)
        self.permission = permission


def uow_of(request: Request) -> UnitOfWork:
    return UnitOfWork(request.app.state.engine, request.app.state.clock)


def principal_of(user: StaffUser) -> Principal:
    """A staff user acts with their role's permissions, bound to their location if they are."""
    return Principal(
        key_id=user.id,
        name=user.name or user.email,
        role=user.role.value,
        permissions=ROLE_PERMISSIONS[user.role],
        location_code=user.location_code,
        kind="staff",
    )


def login_path(next_path: str) -> str:
    return "/console/login?next=" + quote(next_path, safe="/")


class ConsoleRequires:
    """Route dependency: a live console session whose role has ``permission`` (None: any
    staff user), and for every unsafe method a CSRF token (form field ``csrf`` or header
    ``X-CSRF-Token``) that is this session's."""

    def __init__(self, permission: Permission | None) -> None:
        self.permission = permission

    async def __call__(self, request: Request) -> Staff:
        token = request.cookies.get(COOKIE)
        where = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if not token:
            raise LoginNeeded(where)
        rules = auth.access_rules(request.app.state.settings)
        try:
            resumed = await run_in_threadpool(
                auth.resume_session, token, uow=uow_of(request), rules=rules
            )
        except SessionEnded:
            raise LoginNeeded(where) from None
        staff = Staff(
            user=resumed.user,
            session=resumed.session,
            principal=principal_of(resumed.user),
            csrf=auth.csrf_token(resumed.session),
        )
        request.state.staff = staff
        request.state.principal = staff.principal
        if request.method not in SAFE_METHODS:
            presented = request.headers.get(CSRF_HEADER)
            if presented is None:
                form = await request.form()
                field = form.get(CSRF_FIELD)
                presented = field if isinstance(field, str) else None
            auth.check_csrf(resumed.session, presented)
        if self.permission is not None and not staff.can(self.permission):
            raise ConsoleForbidden(self.permission)
        return staff

    def __repr__(self) -> str:
        return f"ConsoleRequires({self.permission.value if self.permission else 'staff'})"


@dataclass(frozen=True, slots=True)
class Visitor:
    """Someone on a public page (the login form, a customer tracking an order)."""

    language: str


def public_context(request: Request) -> Visitor:
    """The language a public page speaks: ``?lang=``, else the ``oms_lang`` cookie, else the
    browser's ``Accept-Language``, else English."""
    chosen = request.query_params.get("lang") or request.cookies.get("oms_lang")
    if not chosen:
        for part in request.headers.get("accept-language", "").split(","):
            tag = part.split(";")[0].strip()
            if tag and (language_of(tag) != "en" or tag.lower().startswith("en")):
                chosen = tag
                break
    language = language_of(chosen)
    request.state.language = language
    return Visitor(language)


class Public:
    """Route dependency of a page anyone may open (the login form, the customer's pages)."""

    async def __call__(self, request: Request) -> Visitor:
        return public_context(request)

    def __repr__(self) -> str:
        return "Public()"
