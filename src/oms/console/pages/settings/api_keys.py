"""API keys (``/v1/api-keys``): listed oldest first (never their secrets), issued for a role
(a channel key for its channel, a warehouse key possibly for one location) and revoked.

The secret appears once, in the answer to the form that issued it: that answer is a page, not
a redirect (a secret must never travel in a URL), sent with ``Cache-Control: no-store`` like
every console page. A lost secret means: revoke the key and issue another.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response
from starlette.datastructures import FormData

from oms import auth, channels
from oms.auth import Role
from oms.console.pages.settings.fields import FormReader, attempt_form, id_cursor, redirect
from oms.console.shell import ConsoleRequires, FormErrors, Staff, form_data, render
from oms.console.shell.guard import uow_of
from oms.platform.security import Permission

router = APIRouter(prefix="/console/settings", include_in_schema=False)

KeyManager = Annotated[Staff, Depends(ConsoleRequires(Permission.API_KEYS_MANAGE))]
Form = Annotated[FormData, Depends(form_data)]

PAGE = 50
NAME_LENGTH = 200
CHOICES_SHOWN = 200


def _page(
    request: Request,
    *,
    after: str | None = None,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    issued: auth.IssuedKey | None = None,
    status: int = 200,
    done: str | None = None,
) -> Response:
    uow = uow_of(request)
    found = auth.list_api_keys(uow=uow, after=id_cursor(after, "an API key's id"), limit=PAGE + 1)
    shown = found[:PAGE]
    more = len(found) > PAGE
    context = {
        "keys": shown,
        "next_url": f"/console/settings/api-keys?after={shown[-1].id}" if more else None,
        "values": values if values is not None else {"role": Role.CHANNEL.value},
        "errors": errors,
        "issued": issued,
        "roles": [role.value for role in Role],
        "channels": channels.list_channels(uow=uow, after=None, limit=CHOICES_SHOWN),
        "locations": channels.list_locations(uow=uow, after=None, limit=CHOICES_SHOWN),
        "done": done,
    }
    return render(request, "console/settings/api_keys.html", context, status=status)


@router.get("/api-keys")
def api_keys(
    request: Request, _staff: KeyManager, after: str | None = None, done: str | None = None
) -> Response:
    return _page(request, after=after, done=done)


@router.post("/api-keys")
def issue_api_key(request: Request, _staff: KeyManager, form: Form) -> Response:
    """Issue a key and show its secret this once."""
    read = FormReader(form)
    name = read.text("name", required=True, max_length=NAME_LENGTH)
    role = read.choice("role", Role)
    channel = read.optional("channel")
    location = read.optional("location", max_length=40)

    def issue() -> auth.IssuedKey:
        read.done("the API key has invalid fields")
        assert role is not None
        command = auth.CreateApiKey(
            name=name, role=role, channel_code=channel, location_code=location
        )
        return auth.create_api_key(command, uow=uow_of(request))

    issued, errors, status = attempt_form(issue, fields={"channel-not-found": "channel"})
    if errors is not None or issued is None:
        return _page(request, values=read.values, errors=errors, status=status)
    return _page(request, issued=issued, status=201)


@router.post("/api-keys/{key_id}/revoke")
def revoke_api_key(request: Request, _staff: KeyManager, key_id: UUID) -> Response:
    """Revoke a key (revoking twice is harmless); every process stops accepting it within the
    authenticator's cache time."""
    auth.revoke_api_key(key_id, uow=uow_of(request))
    return redirect("/console/settings/api-keys", "revoked")
