"""The sandbox served on 127.0.0.1, a free loopback redirect URI, and a scripted browser."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx2
import pytest
from pydantic import SecretStr

from tests.oauth_browser import consent
from zoom_mcp.server.sandbox import Sandbox
from zoom_mcp.server.sandbox.http import serve_sandbox
from zoom_mcp.server.zoom.grant import Grant, SignedInUser
from zoom_mcp.server.zoom.grant_store import FileGrantStore
from zoom_mcp.server.zoom.http import ZoomHTTP
from zoom_mcp.server.zoom.user_oauth import OAuthEndpoints, UserOAuthClient


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Served:
    sandbox: Sandbox
    origin: str
    redirect_uri: str
    store: FileGrantStore

    def endpoints(self) -> OAuthEndpoints:
        return OAuthEndpoints(
            authorize_url=f"{self.origin}/oauth/authorize",
            token_url=f"{self.origin}/oauth/token",
            revoke_url=f"{self.origin}/oauth/revoke",
        )

    def oauth(self, http: ZoomHTTP, *, public: bool = False) -> UserOAuthClient:
        app = self.sandbox.user_app
        return UserOAuthClient(
            http,
            endpoints=self.endpoints(),
            client_id=app.public_client_id if public else app.client_id,
            client_secret=None if public else SecretStr(app.client_secret),
        )

    def environment(self, *, public: bool = False) -> dict[str, str]:
        """What `zoom-mcp login` needs in its environment to sign in against this sandbox."""
        app = self.sandbox.user_app
        env = {
            "ZOOM_API_BASE_URL": f"{self.origin}/v2",
            "ZOOM_OAUTH_TOKEN_URL": f"{self.origin}/oauth/token",
            "ZOOM_OAUTH_AUTHORIZE_URL": f"{self.origin}/oauth/authorize",
            "ZOOM_OAUTH_REVOKE_URL": f"{self.origin}/oauth/revoke",
            "ZOOM_OAUTH_REDIRECT_URI": self.redirect_uri,
            "ZOOM_MCP_TOKEN_FILE": str(self.store.path),
            "ZOOM_CLIENT_ID": app.public_client_id if public else app.client_id,
        }
        if not public:
            env["ZOOM_CLIENT_SECRET"] = app.client_secret
        return env

    async def identify(self, grant: Grant) -> SignedInUser:
        async with httpx2.AsyncClient(timeout=10.0) as http:
            response = await http.get(
                f"{self.origin}/v2/users/me",
                headers={"Authorization": f"Bearer {grant.access_token.get_secret_value()}"},
            )
        me = response.json()
        return SignedInUser(me["id"], me["email"], me["display_name"])


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    sandbox = Sandbox(seed=7)
    sandbox.strict_rotation = True
    redirect_uri = f"http://127.0.0.1:{free_port()}/callback"
    sandbox.allow_redirect_uri(redirect_uri)
    async with serve_sandbox(sandbox) as origin:
        yield Served(sandbox, origin, redirect_uri, FileGrantStore(tmp_path / "grant.json"))


async def follow_sign_in_link(
    url: str, *, allow: bool = True, user_id: str | None = None, state: str | None = None
) -> httpx2.Response:
    """What a person's browser does: open the link, answer the consent page, follow the redirect home."""
    async with httpx2.AsyncClient(timeout=10.0) as browser:
        answer = await consent(browser, url, allow=allow, user_id=user_id)
        assert answer.status_code == 302, answer.text
        location = answer.headers["location"]
        if state is not None:
            parts = urlsplit(location)
            query = {name: values[0] for name, values in parse_qs(parts.query).items()} | {"state": state}
            location = urlunsplit(parts._replace(query=urlencode(query)))
        return await browser.get(location)
