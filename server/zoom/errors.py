"""One exception tree for everything that can go wrong between us and Zoom.

Messages carry what Zoom said and never a credential: exceptions end up in logs and tool results.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import httpx2


class ZoomError(Exception):
    """Base class: anything the Zoom client raises on purpose.

    `token_request` marks a failure while getting an access token: no API request was sent, so nothing in
    the account can have changed.
    """

    token_request: bool = False


class ZoomConfigError(ZoomError):
    """The server has no usable credentials."""


class ZoomSignInRequired(ZoomConfigError):
    """User-level OAuth has no usable grant: never signed in, signed out, or the grant was revoked."""

    def __init__(self, what_happened: str) -> None:
        super().__init__(f"{what_happened} Run `zoom-mcp login` in a terminal to sign in to Zoom, then try again.")
        self.what_happened = what_happened


class ZoomTokenError(ZoomError):
    """The OAuth token endpoint refused to issue a token (`{"reason", "error"}` bodies)."""

    def __init__(self, status: int, error: str, reason: str) -> None:
        super().__init__(f"Zoom's token endpoint answered {status}: {error}: {reason}")
        self.status = status
        self.error = error
        self.reason = reason


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class ZoomTransportError(ZoomError):
    """No HTTP answer: connection failure or timeout.

    `request_sent` tells whether Zoom may have received (and acted on) the request; `url` is where it went
    (without its query), so that a message can name the setting to check.
    """

    def __init__(self, message: str, *, method: str, request_sent: bool, url: str = "") -> None:
        super().__init__(message)
        self.method = method
        self.request_sent = request_sent
        self.url = url

    @property
    def may_have_changed_something(self) -> bool:
        """Only a write that may have reached Zoom leaves its outcome unknown."""
        return self.request_sent and not self.token_request and self.method in WRITE_METHODS


class ZoomTimeout(ZoomTransportError):
    """The request did not complete within the configured timeout."""


class ZoomInvalidResponse(ZoomError):
    """Zoom answered with a body we cannot read (not JSON, or not the documented shape).

    `status` and `method` are set when the answer was a success status to a request: a 2xx to a POST, PATCH
    or DELETE means Zoom (probably) made the change, whatever the body says.
    """

    def __init__(self, message: str, *, status: int | None = None, method: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.method = method

    @property
    def change_probably_made(self) -> bool:
        return self.status is not None and 200 <= self.status < 300 and self.method in {"POST", "PATCH", "DELETE"}


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


# Whose token the request carried: it decides what fixes a refused token or a missing scope.
#   account_app: a Server-to-Server OAuth app acting for the account; static_token: ZOOM_ACCESS_TOKEN;
#   signed_in_user: a person signed in on this machine; hosted_user: a person signed in to a hosted server.
TokenHolder = Literal["account_app", "static_token", "signed_in_user", "hosted_user"]


class ZoomAPIError(ZoomError):
    """A non-2xx answer from the Zoom API, with Zoom's `{"code", "message", "errors"?}` body."""

    # Set by the ZoomClient that sent the request; None where no client did (a token endpoint's answer).
    token_holder: TokenHolder | None = None

    def __init__(
        self,
        *,
        status: int,
        code: int | None,
        message: str,
        tracking_id: str | None = None,
        field_errors: tuple[FieldError, ...] = (),
    ) -> None:
        super().__init__(f"Zoom API error {status} (code {code}): {message}")
        self.status = status
        self.code = code
        self.message = message
        self.tracking_id = tracking_id
        self.field_errors = field_errors
        # The request that got this answer.
        self.method: str | None = None

    @property
    def may_have_changed_something(self) -> bool:
        """A 5xx to a write: Zoom may have acted before failing. Any 4xx means it did not."""
        return self.status >= 500 and not self.token_request and self.method in WRITE_METHODS


class ZoomBadRequest(ZoomAPIError):
    """400: invalid input (code 300 validation) or a request Zoom will not serve for this account."""


class ZoomAuthenticationError(ZoomAPIError):
    """401: the access token is invalid or expired (code 124)."""


class ZoomPermissionDenied(ZoomAPIError):
    """403: the app lacks a scope or the user lacks access."""


class ZoomNotFound(ZoomAPIError):
    """404: user (1001), meeting (3001) or recording (3301) does not exist."""


class ZoomConflict(ZoomAPIError):
    """409: the resource is in a conflicting state."""


class ZoomServerError(ZoomAPIError):
    """5xx: Zoom failed; for a write, whether it acted is unknown."""


class ZoomRateLimited(ZoomAPIError):
    """429: a per-second or daily limit was hit. Zoom's rate-limit headers say which, and until when."""

    limit_type: str | None = None
    category: str | None = None
    resets_at: datetime | None = None

    @property
    def is_daily(self) -> bool:
        return (self.limit_type or "").lower().startswith("daily") or "daily" in self.message.lower()


_ERROR_BY_STATUS: dict[int, type[ZoomAPIError]] = {
    400: ZoomBadRequest,
    401: ZoomAuthenticationError,
    403: ZoomPermissionDenied,
    404: ZoomNotFound,
    409: ZoomConflict,
    429: ZoomRateLimited,
}


def error_from_response(response: httpx2.Response, *, resets_at: datetime | None = None) -> ZoomError:
    """Map an error response to its exception: the token endpoint's `{"error", "reason"}` bodies, else the
    status -> exception table for the API's `{"code", "message", "errors"?}` bodies."""
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        body = {}
    if "code" not in body and ("error" in body or "reason" in body):
        return ZoomTokenError(status, str(body.get("error", "")), str(body.get("reason", "")))
    raw_code = body.get("code")
    message = body.get("message")
    raw_errors = body.get("errors")
    field_errors = tuple(
        FieldError(field=str(item.get("field", "")), message=str(item.get("message", "")))
        for item in (raw_errors if isinstance(raw_errors, list) else [])
        if isinstance(item, dict)
    )
    error_type = ZoomServerError if status >= 500 else _ERROR_BY_STATUS.get(status, ZoomAPIError)
    error = error_type(
        status=status,
        code=raw_code if isinstance(raw_code, int) else None,
        message=message if isinstance(message, str) else response.reason_phrase or f"HTTP {status}",
        tracking_id=response.headers.get("x-zm-trackingid"),
        field_errors=field_errors,
    )
    try:
        error.method = response.request.method
    except RuntimeError:  # a response built without its request (tests)
        error.method = None
    if isinstance(error, ZoomRateLimited):
        error.limit_type = response.headers.get("x-ratelimit-type")
        error.category = response.headers.get("x-ratelimit-category")
        error.resets_at = resets_at
    return error
