"""Zoom's OAuth endpoints: ``/oauth/token`` (Server-to-Server and user grants), ``/oauth/revoke``,
``/oauth/devicecode``. Errors use ``{"reason", "error"}``, not the REST API's ``{"code", "message"}``."""

import base64
import binascii
from urllib.parse import parse_qsl

from zoom_mcp.server.sandbox.backend import Backend
from zoom_mcp.server.sandbox.exchange import Call, Reply
from zoom_mcp.server.sandbox.tokens import SCOPES
from zoom_mcp.server.sandbox.user_oauth import USER_SCOPES, IssuedGrant, OAuthRefusal

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
USER_GRANT_TYPES = ("authorization_code", "refresh_token", DEVICE_CODE_GRANT)


def _error(reason: str, error: str, status: int = 400) -> Reply:
    # The token endpoint answers with reason/error, not the REST API's code/message.
    return Reply(status, {"reason": reason, "error": error})


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


def _user_client(backend: Backend, call: Call, parameters: dict[str, str]) -> str | None:
    """The user-managed app's client id when the caller authenticated as it (Basic, or public with PKCE)."""
    app = backend.user_grants.app
    basic = _basic_credentials(call.headers.get("authorization"))
    if basic is not None:
        return app.client_id if basic == (app.client_id, app.client_secret) else None
    client_id = parameters.get("client_id")
    return client_id if client_id == app.public_client_id else None


def issue_token(backend: Backend, call: Call) -> Reply:
    parameters = _parameters(call)
    grant_type = parameters.get("grant_type")
    credentials = backend.credentials
    if _basic_credentials(call.headers.get("authorization")) == (credentials.client_id, credentials.client_secret):
        return _account_credentials(backend, call, parameters)
    client_id = _user_client(backend, call, parameters)
    if client_id is None:
        return _error("Invalid client_id or client_secret", "invalid_client")
    if grant_type not in USER_GRANT_TYPES:
        return _error("unsupported grant type", "unsupported_grant_type")
    grants = backend.user_grants
    try:
        if grant_type == "authorization_code":
            issued, _ = grants.exchange_code(
                client_id=client_id,
                code=parameters.get("code", ""),
                redirect_uri=parameters.get("redirect_uri"),
                verifier=parameters.get("code_verifier"),
                now=call.now,
            )
        elif grant_type == "refresh_token":
            issued = grants.refresh(
                client_id=client_id, refresh_token=parameters.get("refresh_token", ""), now=call.now
            )
        else:
            issued, _ = grants.redeem_device_code(
                client_id=client_id, device_code=parameters.get("device_code", ""), now=call.now
            )
    except OAuthRefusal as refusal:
        return _error(refusal.reason, refusal.error, refusal.status)
    return _user_token_reply(backend, call, issued)


def _account_credentials(backend: Backend, call: Call, parameters: dict[str, str]) -> Reply:
    if parameters.get("grant_type") != "account_credentials":
        return _error("unsupported grant type", "unsupported_grant_type")
    if parameters.get("account_id") != backend.credentials.account_id:
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


def _user_token_reply(backend: Backend, call: Call, issued: IssuedGrant) -> Reply:
    return Reply(
        200,
        {
            "access_token": issued.access_token,
            "token_type": "bearer",
            "refresh_token": issued.refresh_token,
            "expires_in": backend.tokens.ttl_seconds,
            "scope": USER_SCOPES,
            "api_url": call.origin,
        },
        headers={"Cache-Control": "no-store"},
    )


def revoke_token(backend: Backend, call: Call) -> Reply:
    parameters = _parameters(call)
    client_id = _user_client(backend, call, parameters)
    if client_id is None:
        return _error("Invalid client_id or client_secret", "invalid_client")
    token = parameters.get("token")
    if not token:
        return _error("Token cannot be empty.", "invalid_request")
    # RFC 7009: an unknown or already revoked token is not an error.
    backend.user_grants.revoke(client_id=client_id, token=token)
    return Reply(200, {"status": "success"})


def device_code(backend: Backend, call: Call) -> Reply:
    parameters = _parameters(call)
    client_id = _user_client(backend, call, parameters)
    if client_id is None:
        return _error("Invalid client_id or client_secret", "invalid_client")
    request = backend.user_grants.new_device_request(client_id, call.now)
    return Reply(
        200,
        {
            "device_code": request.device_code,
            "user_code": request.user_code,
            "verification_uri": f"{call.origin}/oauth_device",
            "verification_uri_complete": f"{call.origin}/oauth/device/complete/{request.user_code}",
            "expires_in": int((request.expires_at - call.now).total_seconds()),
            "interval": backend.user_grants.device_poll_interval,
        },
    )
