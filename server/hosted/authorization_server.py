"""The authorization server's routes: the SDK's (`create_auth_routes`), plus what the SDK does not do yet.

- Its metadata advertises neither client ID metadata documents (SEP-991) nor RFC 9207's `iss` parameter, and
  lists no `none` token endpoint auth method (public clients such as metadata-document clients): we serve the
  same metadata with those added.
- Its /authorize handler builds error redirects itself (invalid scope, invalid target, ...), without `iss`:
  `IssuerInRedirects` adds it to every redirect /authorize sends back to a client. Our own redirects (consent
  denied, Zoom's callback) add it where they are built (consent.py).
"""

from __future__ import annotations

from typing import Any

from mcp.server.auth.handlers.metadata import MetadataHandler
from mcp.server.auth.provider import OAuthAuthorizationServerProvider, construct_redirect_uri
from mcp.server.auth.routes import AUTHORIZATION_PATH, build_metadata, cors_middleware, create_auth_routes
from mcp.server.auth.settings import AuthSettings, ClientRegistrationOptions, RevocationOptions
from mcp.shared.auth import OAuthMetadata
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zoom_mcp.server.hosted.oauth import CONSENT_PATH

METADATA_PATH = "/.well-known/oauth-authorization-server"


def issuer_identifier(auth: AuthSettings) -> str:
    """The issuer exactly as our metadata spells it (RFC 9207 compares `iss` as a plain string)."""
    return str(authorization_server_metadata(auth).issuer)


def authorization_server_metadata(auth: AuthSettings) -> OAuthMetadata:
    metadata = build_metadata(
        auth.issuer_url,
        auth.service_documentation_url,
        auth.client_registration_options or ClientRegistrationOptions(),
        auth.revocation_options or RevocationOptions(),
    )
    return metadata.model_copy(
        update={
            "client_id_metadata_document_supported": True,
            "authorization_response_iss_parameter_supported": True,
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic", "none"],
        }
    )


def authorization_server_routes(
    provider: OAuthAuthorizationServerProvider[Any, Any, Any], auth: AuthSettings
) -> list[BaseRoute]:
    routes: list[BaseRoute] = []
    metadata = authorization_server_metadata(auth)
    issuer = str(metadata.issuer)
    consent_url = str(auth.issuer_url).rstrip("/") + CONSENT_PATH
    for route in create_auth_routes(
        provider=provider,
        issuer_url=auth.issuer_url,
        client_registration_options=auth.client_registration_options,
        revocation_options=auth.revocation_options,
    ):
        if route.path == METADATA_PATH:
            handler = MetadataHandler(metadata).handle
            route = Route(
                METADATA_PATH, endpoint=cors_middleware(handler, ["GET", "OPTIONS"]), methods=["GET", "OPTIONS"]
            )
        elif route.path == AUTHORIZATION_PATH:
            route = Route(
                AUTHORIZATION_PATH,
                endpoint=IssuerInRedirects(route.app, issuer=issuer, consent_url=consent_url),
                methods=["GET", "POST"],
            )
        routes.append(route)
    return routes


class IssuerInRedirects:
    """Adds `iss` to each redirect the wrapped endpoint sends to a client (not to our own consent page)."""

    def __init__(self, app: ASGIApp, *, issuer: str, consent_url: str) -> None:
        self.app = app
        self.issuer = issuer
        self.consent_url = consent_url

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def add_issuer(message: Message) -> None:
            if message["type"] == "http.response.start" and 300 <= message["status"] < 400:
                headers = [
                    (
                        name,
                        self._with_issuer(value.decode("latin-1")).encode("latin-1") if name == b"location" else value,
                    )
                    for name, value in message["headers"]
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, add_issuer)

    def _with_issuer(self, location: str) -> str:
        if location.startswith(self.consent_url + "?"):
            return location  # our consent page: the authorization response comes later
        return construct_redirect_uri(location, iss=self.issuer)
