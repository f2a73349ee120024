"""A browser, an MCP client with the SDK's OAuth support, and an oauth-mode server wired to a sandbox over HTTP."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx2
from cryptography.fernet import Fernet
from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientInformationFull, OAuthClientMetadata, OAuthToken

from tests.hosted.conftest import RunningServer, free_port, hosted_server
from zoom_mcp.server.sandbox import Sandbox

CLIENT_REDIRECT = "http://127.0.0.1:9/mcp-client/callback"  # never reached: the test browser stops there
HIDDEN = re.compile(r"<input type=['\"]hidden['\"] name=['\"]([^'\"]+)['\"] value=['\"]([^'\"]*)['\"]>")


def oauth_environment(
    sandbox: Sandbox, sandbox_origin: str, public_url: str, state_url: str, key: str
) -> dict[str, str]:
    app = sandbox.user_app
    return {
        "ZOOM_CLIENT_ID": app.client_id,
        "ZOOM_CLIENT_SECRET": app.client_secret,
        "ZOOM_API_BASE_URL": f"{sandbox_origin}/v2",
        "ZOOM_OAUTH_TOKEN_URL": f"{sandbox_origin}/oauth/token",
        "ZOOM_OAUTH_AUTHORIZE_URL": f"{sandbox_origin}/oauth/authorize",
        "ZOOM_OAUTH_REVOKE_URL": f"{sandbox_origin}/oauth/revoke",
        "ZOOM_MCP_AUTH": "oauth",
        "ZOOM_MCP_PUBLIC_URL": public_url,
        "ZOOM_MCP_STATE_URL": state_url,
        "ZOOM_MCP_STATE_KEY": key,
    }


def new_state_key() -> str:
    return Fernet.generate_key().decode()


@asynccontextmanager
async def oauth_server(
    cwd: Path,
    sandbox: Sandbox,
    sandbox_origin: str,
    *,
    state_url: str | None = None,
    key: str | None = None,
    port: int | None = None,
    public_url: str | None = None,
    extra_env: Mapping[str, str] | None = None,
) -> AsyncIterator[RunningServer]:
    """An oauth-mode server on `port` (default: a free one); its public URL defaults to its own address.

    The state store defaults to an SQLite file in `cwd`, its key to a new one.
    """
    state_url = state_url or f"sqlite:///{cwd}/state.sqlite3"
    key = key or new_state_key()
    port = port or free_port()
    public_url = public_url or f"http://127.0.0.1:{port}"
    sandbox.allow_redirect_uri(f"{public_url}/oauth/zoom/callback")
    env = {**oauth_environment(sandbox, sandbox_origin, public_url, state_url, key), **(extra_env or {})}
    async with hosted_server(cwd, env=env, args=(), serve_args=("--port", str(port))) as server:
        yield server


class Browser:
    """Follows redirects and submits the consent forms as a person clicking "Allow" would, with a cookie jar."""

    def __init__(
        self,
        *,
        sign_in_as: str | None = None,
        decision: str = "allow",
        zoom_decision: str = "allow",
        transport: httpx2.AsyncBaseTransport | None = None,
    ) -> None:
        self.http = httpx2.AsyncClient(follow_redirects=False, transport=transport)
        self.sign_in_as = sign_in_as
        self.decision = decision
        self.zoom_decision = zoom_decision
        self.pages: list[str] = []
        self.landed: str | None = None

    async def aclose(self) -> None:
        await self.http.aclose()

    async def open(self, url: str) -> str:
        """Visit `url` and keep going until the browser lands on the MCP client's redirect URI; return it."""
        response = await self.http.get(url)
        for _ in range(10):
            if response.is_redirect:
                location = urljoin(str(response.url), response.headers["location"])
                if location.startswith(CLIENT_REDIRECT):
                    self.landed = location
                    return location
                response = await self.http.get(location)
                continue
            assert response.status_code == 200, f"{response.status_code} at {response.url}: {response.text[:500]}"
            page = response.text
            self.pages.append(page)
            response = await self.submit(str(response.url), page)
        raise AssertionError("too many redirects")

    async def submit(self, url: str, page: str) -> httpx2.Response:
        action = re.search(r"<form method=['\"]post['\"] action=['\"]([^'\"]+)['\"]", page)
        assert action, page[:500]
        fields = {name: unescape(value) for name, value in HIDDEN.findall(page)}
        if "user_id" in page and "<select" in page:  # the sandbox's Zoom consent page
            options = re.findall(r"<option value=['\"]([^'\"]+)['\"]", page)
            fields["user_id"] = self.sign_in_as or options[0]
            fields["decision"] = self.zoom_decision
        else:  # our consent page
            fields["decision"] = self.decision
        return await self.http.post(urljoin(url, unescape(action.group(1))), data=fields)


@dataclass
class MemoryTokens:
    tokens: OAuthToken | None = None
    client: OAuthClientInformationFull | None = None
    history: list[OAuthToken] = field(default_factory=list)

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens
        self.history.append(tokens)

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client = client_info


def oauth_provider(
    mcp_url: str,
    browser: Browser,
    storage: MemoryTokens,
    *,
    client_metadata_url: str | None = None,
    forged_iss: str | None = None,
) -> OAuthClientProvider:
    """The SDK's OAuth client; `client_metadata_url` makes it use a metadata document where the server offers it,
    `forged_iss` replaces the RFC 9207 `iss` the browser landed with (an authorization response mix-up)."""

    async def redirect(url: str) -> None:
        await browser.open(url)

    async def callback() -> AuthorizationCodeResult:
        assert browser.landed is not None
        query = parse_qs(urlsplit(browser.landed).query)
        if "error" in query:
            raise PermissionError(query["error"][0])
        iss = query.get("iss", [None])[0] if forged_iss is None else forged_iss
        return AuthorizationCodeResult(code=query["code"][0], state=query.get("state", [None])[0], iss=iss)

    metadata = OAuthClientMetadata(
        client_name="Test MCP client",
        redirect_uris=[CLIENT_REDIRECT],  # type: ignore[list-item]
        grant_types=["authorization_code", "refresh_token"],
        response_types=["code"],
        token_endpoint_auth_method="client_secret_post",
    )
    return OAuthClientProvider(
        mcp_url,
        metadata,
        storage,
        redirect_handler=redirect,
        callback_handler=callback,
        client_metadata_url=client_metadata_url,
    )


@asynccontextmanager
async def signed_in_client(
    mcp_url: str,
    browser: Browser,
    storage: MemoryTokens,
    *,
    mode: str = "auto",
    headers: Mapping[str, str] | None = None,
    client_metadata_url: str | None = None,
    forged_iss: str | None = None,
    seen: list[tuple[str, str, int]] | None = None,
) -> AsyncIterator[Client]:
    """An MCP client signed in with the SDK's OAuth support; `seen` collects (method, path, status) of every
    HTTP response it gets, those inside its auth flow (401s, discovery, token requests) included; a POST to
    the MCP endpoint has the JSON-RPC method after its path ("/mcp tools/call")."""
    auth = oauth_provider(mcp_url, browser, storage, client_metadata_url=client_metadata_url, forged_iss=forged_iss)

    async def record(response: httpx2.Response) -> None:
        if seen is not None:
            path = response.request.url.path
            if path == urlsplit(mcp_url).path and response.request.method == "POST":
                path += " " + str(json.loads(response.request.content).get("method"))
            seen.append((response.request.method, path, response.status_code))

    async with (
        httpx2.AsyncClient(
            auth=auth, headers=dict(headers or {}), timeout=60, event_hooks={"response": [record]}
        ) as http,
        Client(streamable_http_client(mcp_url, http_client=http), mode=mode) as client,  # type: ignore[arg-type]
    ):
        yield client
