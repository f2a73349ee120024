"""``POST /oauth/token``: the Server-to-Server ``account_credentials`` grant."""

import base64
import binascii
from urllib.parse import parse_qsl

from .backend import Backend
from .exchange import Call, Reply
from .tokens import SCOPES


def _error(reason: str, error: str) -> Reply:
    # The token endpoint answers with reason/error, not the REST API's code/message.
    return Reply(400, {"reason": reason, "error": error})


def _basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    if not authorization:
        return None
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, colon, secret = decoded.partition(":")
    return (client_id, secret) if colon else None


def _parameters(call: Call) -> dict[str, str]:
    """Zoom's docs put the parameters in the query string, its SDKs in a form body: take both."""
    merged = dict(call.query)
    merged.update(parse_qsl(call.body.decode(errors="replace"), keep_blank_values=True))
    return merged


def issue_token(backend: Backend, call: Call) -> Reply:
    credentials = backend.credentials
    if _basic_credentials(call.headers.get("authorization")) != (credentials.client_id, credentials.client_secret):
        return _error("Invalid client_id or client_secret", "invalid_client")
    parameters = _parameters(call)
    if parameters.get("grant_type") != "account_credentials":
        return _error("unsupported grant type", "unsupported_grant_type")
    if parameters.get("account_id") != credentials.account_id:
        # Assumption: no capture of Zoom's answer to a wrong account_id was found; the shape follows
        # the endpoint's other errors.
        return _error("Invalid request : account_id is invalid", "invalid_request")
    token = backend.tokens.issue(call.now)
    return Reply(
        200,
        {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": backend.tokens.ttl_seconds,
            "scope": SCOPES,
            "api_url": call.origin,
        },
        headers={"Cache-Control": "no-store"},
    )
