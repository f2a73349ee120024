"""Turn Zoom failures into messages that tell the model what happened and what to do next.

Only Zoom's own text and our words go in: never a credential or a token.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from mcp.server.mcpserver.exceptions import ToolError

from zoom_mcp.server.zoom.errors import (
    TokenHolder,
    ZoomAPIError,
    ZoomAuthenticationError,
    ZoomConfigError,
    ZoomError,
    ZoomInvalidResponse,
    ZoomNotFound,
    ZoomPermissionDenied,
    ZoomRateLimited,
    ZoomServerError,
    ZoomTimeout,
    ZoomTokenError,
    ZoomTransportError,
)


class InvalidArguments(ToolError):
    """Arguments that pass the schema but not a tool's own checks; reported like schema errors."""


_TOKEN_ERROR_HINTS = {
    "invalid_client": "Check ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET: they must be the Client ID and Client Secret "
    "of an activated Zoom app (Server-to-Server OAuth, or the General app you sign in to with `zoom-mcp login`).",
    "unsupported_grant_type": "These credentials are not from a Server-to-Server OAuth app (or the app is not "
    "activated). Create or activate one in the Zoom App Marketplace and use its credentials.",
    "invalid_request": "Check ZOOM_ACCOUNT_ID: it must be the Account ID shown on the app's credentials page.",
}


# What fixes a token Zoom rejects (after the one refresh and replay the client already made), by whose it is.
_REJECTED_TOKEN_REMEDY: dict[TokenHolder | None, str] = {
    "account_app": "Check that the Server-to-Server OAuth app is still activated and its credentials current.",
    "static_token": "Generate a new token (`zoom-mcp token`), or configure Server-to-Server OAuth (ZOOM_ACCOUNT_ID, "
    "ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET) so tokens are refreshed automatically.",
    "signed_in_user": "Sign in to Zoom again: `zoom-mcp login`.",
    "hosted_user": "Sign in to Zoom again: reconnect this server in your assistant.",
    None: "Check the Zoom credentials this server is configured with.",
}
# A missing scope (Zoom names it) or data the token may not see.
_MISSING_ACCESS_REMEDY: dict[TokenHolder | None, str] = {
    "account_app": "The Zoom app lacks a scope or the user lacks access. Add the scope Zoom names (see the "
    "README's scope list) to the Server-to-Server OAuth app, or act on a user this account administers.",
    "static_token": "The access token lacks a scope or the user lacks access. Use a token from an app with the "
    "scope Zoom names (see the README's scope list), or act on a user it may see.",
    "signed_in_user": "Your sign-in lacks a scope, or the data is not yours to see (a user-managed app sees only "
    "your own: use 'me'). Add the scope Zoom names to the Zoom app (see the README's scope list), then sign in "
    "again so the new grant carries it: `zoom-mcp login`.",
    "hosted_user": "Your sign-in lacks a scope, or the data is not yours to see (use 'me'). Whoever runs this "
    "server must add the scope Zoom names to its Zoom app; then reconnect this server in your assistant.",
    None: "The credentials lack a scope or the user lacks access (see the README's scope list).",
}


def explain(error: ZoomError) -> str:
    """The message an `isError` tool result carries for `error`.

    Whether a change may have been made is read from the failed request itself (its method, whether it
    could have reached Zoom, whether it was only the token request), never from which tool was running.
    """
    if isinstance(error, ZoomConfigError):
        return str(error)
    if isinstance(error, ZoomTokenError):
        hint = _TOKEN_ERROR_HINTS.get(error.error, "Check ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET.")
        return f"Zoom refused to issue an access token ({error.error}: {error.reason}). {hint}"
    if isinstance(error, ZoomTransportError):
        return _explain_transport(error)
    if isinstance(error, ZoomInvalidResponse):
        if error.change_probably_made:
            return (
                f"{error}: Zoom accepted the request, so the change was probably made, but the outcome is unknown. "
                "Do not repeat it blindly: check first (list_meetings or get_meeting), then retry only if it is "
                "missing."
            )
        return f"Zoom's answer could not be read: {error}. Try again later."
    if isinstance(error, ZoomAPIError):
        return _explain_api(error)
    return str(error)


def _explain_transport(error: ZoomTransportError) -> str:
    what = "did not answer in time" if isinstance(error, ZoomTimeout) else "could not be reached"
    where = f" at {error.url}" if error.url else ""
    if error.token_request:
        return (
            f"Zoom's token endpoint {what}{where} ({error}), so nothing was sent to the Zoom API. Check the network "
            "connection or ZOOM_OAUTH_TOKEN_URL, then try again."
        )
    if error.may_have_changed_something:
        return (
            f"Zoom {what} after the {error.method} request was sent, so it is unknown whether the change was made. "
            "Do not repeat it blindly: check first (list_meetings or get_meeting), then retry only if it is missing."
        )
    # The token endpoint and the API are set separately: name the one that failed.
    setting = "ZOOM_OAUTH_TOKEN_URL" if "/oauth/" in error.url else "ZOOM_API_BASE_URL"
    return f"Zoom {what}{where} ({error}). Check the network connection or {setting}, then try again."


def _explain_api(error: ZoomAPIError) -> str:
    said = f"Zoom answered {error.status}" + (f" (code {error.code})" if error.code is not None else "")
    said += f": {_bounded(error.message)}"
    if isinstance(error, ZoomRateLimited):
        return f"{said} {_rate_limit_hint(error)}"
    if isinstance(error, ZoomAuthenticationError):
        return f"{said} The access token was rejected. {_REJECTED_TOKEN_REMEDY[error.token_holder]}"
    if isinstance(error, ZoomPermissionDenied) or error.code in {4700, 4711}:
        return f"{said} {_MISSING_ACCESS_REMEDY[error.token_holder]}"
    if isinstance(error, ZoomNotFound):
        return f"{said} {_not_found_hint(error.code)}"
    if error.field_errors:
        fields = "; ".join(f"{item.field} ({item.message.rstrip('.')})" for item in error.field_errors)
        return f"{said} Invalid fields: {fields}. Correct them and call again."
    if isinstance(error, ZoomServerError):
        if error.may_have_changed_something:
            return (
                f"{said} Zoom failed while handling the {error.method} request, so it is unknown whether it was made. "
                "Check with list_meetings or get_meeting before trying again."
            )
        return f"{said} Zoom had a temporary failure; try again in a minute."
    return f"{said} Correct the request and call again."


def _not_found_hint(code: int | None) -> str:
    if code == 1001:
        return "Check the user id or email; use 'me' for the account owner, or list_users to find users."
    if code == 3001:
        return "Check the meeting id (a number, not the uuid); list_meetings shows current meetings."
    if code == 3301:
        return "list_recordings shows which meetings have a cloud recording."
    if code in (None, 404):
        # A missing user, meeting or recording has its own code: a bare 404 means no such endpoint.
        return "No such endpoint, so the address may be wrong: check ZOOM_API_BASE_URL."
    return "Check the id and try again."


def _rate_limit_hint(error: ZoomRateLimited) -> str:
    kind = "daily" if error.is_daily else "per-second"
    if "create/update" in error.message.lower():
        # Zoom's cap of 100 meeting creates/updates per host per day, whatever the category header says.
        label = " on meeting create/update requests for this host"
    else:
        label = f" ({error.category} requests)" if error.category else ""
    if error.resets_at is not None:
        when = error.resets_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        return f"Zoom's {kind} rate limit{label} is used up until {when}; do not retry before then."
    if error.is_daily:
        return f"Zoom's daily rate limit{label} is used up until 00:00 UTC; do not retry before then."
    return f"Zoom's per-second rate limit{label} was hit; wait a few seconds and try again."


@contextmanager
def reported_to_the_model(*, done: str | None = None) -> Iterator[None]:
    """Turn a ZoomError raised inside into an `isError` tool result with an actionable message.

    `done` says what already happened before the failing request (e.g. the change was made), so the model
    never repeats a write that succeeded.
    """
    try:
        yield
    except ZoomError as error:
        message = explain(error)
        raise ToolError(f"{done} {message}" if done else message) from error


def _bounded(text: str, limit: int = 300) -> str:
    """Zoom's own words, cut to a few hundred characters (a broken or hostile answer can be any size)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
