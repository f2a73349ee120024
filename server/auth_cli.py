"""`zoom-mcp login`, `zoom-mcp logout` and `zoom-mcp auth status`: a person's own Zoom sign-in.

Human-facing commands: they print to stdout (these processes are not MCP servers). Nothing printed is a
token, a code or a secret.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from zoom_mcp.server.login import Identify
    from zoom_mcp.server.settings import Settings
    from zoom_mcp.server.zoom.credentials import UserOAuthCredentials
    from zoom_mcp.server.zoom.grant import Grant, GrantStore
    from zoom_mcp.server.zoom.user_oauth import UserOAuthClient

_T = TypeVar("_T")


LOGIN_HELP = "sign in to Zoom as yourself (user-level OAuth; needs ZOOM_CLIENT_ID of a General app)"
LOGOUT_HELP = "revoke your Zoom sign-in at Zoom and delete it from this machine"
AUTH_HELP = "sign-in information"


def login_arguments(login: argparse.ArgumentParser) -> None:
    login.add_argument("--no-browser", action="store_true", help="print the sign-in link instead of opening it")
    login.add_argument(
        "--device", action="store_true", help="sign in with a code on another device (Zoom's device flow)"
    )
    login.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for the browser (default 300)")


def auth_arguments(auth: argparse.ArgumentParser) -> None:
    auth_commands = auth.add_subparsers(dest="auth_command", metavar="COMMAND", required=True)
    auth_commands.add_parser("status", help="who is signed in, with which scopes, and where the grant is kept")


def run_auth_command(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "auth":
        return _status(settings)
    credentials = _user_credentials(settings, args.command)
    if credentials is None:
        return 2
    if args.command == "login":
        return _run(lambda: _login(args, settings, credentials))
    return _run(lambda: _logout(settings, credentials))


def _run(action: Callable[[], Awaitable[int]]) -> int:
    import anyio

    from zoom_mcp.server.login import LoginFailed
    from zoom_mcp.server.zoom.errors import ZoomError

    try:
        return anyio.run(action)
    except LoginFailed as error:
        print(f"zoom-mcp: {error}", file=sys.stderr)
        return 1
    except ZoomError as error:
        # Imported only here: it pulls in the MCP SDK, which a sign-in does not otherwise need.
        from zoom_mcp.tools.errors import explain

        print(f"zoom-mcp: {explain(error)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("zoom-mcp: sign-in interrupted; nothing was saved.", file=sys.stderr)
        return 130


def _user_credentials(settings: Settings, command: str) -> UserOAuthCredentials | None:
    from zoom_mcp.server.zoom.credentials import UserOAuthCredentials

    credentials = settings.credentials()
    if isinstance(credentials, UserOAuthCredentials):
        return credentials
    print(
        f"zoom-mcp {command} needs ZOOM_CLIENT_ID of a user-managed General app (with its ZOOM_CLIENT_SECRET, or "
        "without one for a public PKCE client) and no ZOOM_ACCOUNT_ID: with ZOOM_ACCOUNT_ID set, the server uses "
        "Server-to-Server OAuth and nobody signs in.",
        file=sys.stderr,
    )
    return None


async def _with_client(
    settings: Settings,
    credentials: UserOAuthCredentials,
    use: Callable[[UserOAuthClient, GrantStore, Identify], Awaitable[_T]],
) -> _T:
    from pydantic import SecretStr

    from zoom_mcp.server.user_auth import grant_store, oauth_client
    from zoom_mcp.server.zoom.auth import StaticToken
    from zoom_mcp.server.zoom.client import ZoomClient
    from zoom_mcp.server.zoom.grant import SignedInUser
    from zoom_mcp.server.zoom.http import ZoomHTTP

    async with ZoomHTTP(timeout_seconds=settings.timeout_seconds) as http:

        async def identify(grant: Grant) -> SignedInUser:
            token = StaticToken(SecretStr(grant.access_token.get_secret_value()))
            me = await ZoomClient(http, api_base_url=settings.api_base_url, tokens=token).get_user("me")
            name = me.display_name or " ".join(part for part in (me.first_name, me.last_name) if part)
            return SignedInUser(id=me.id, email=me.email or "", display_name=name or me.email or me.id)

        return await use(oauth_client(settings, credentials, http), grant_store(settings, credentials), identify)


async def _login(args: argparse.Namespace, settings: Settings, credentials: UserOAuthCredentials) -> int:
    from zoom_mcp.server.login import browser_login, device_login

    async def sign_in(oauth: UserOAuthClient, store: GrantStore, identify: Identify) -> Grant:
        if args.device:

            def show_code(uri: str, user_code: str, complete: str | None) -> None:
                print(f"On any device with a browser, open {uri} and enter the code {user_code}")
                if complete:
                    print(f"(or open {complete})")
                print("Waiting for you to approve...", flush=True)

            return await device_login(oauth, store, identify=identify, show_code=show_code)

        def show_url(url: str) -> None:
            opened = False if args.no_browser else _open_browser(url)
            lead = "Opened your browser to sign in to Zoom. If it did not open, visit" if opened else "Open"
            print(f"{lead} this link to sign in to Zoom:\n\n  {url}\n", flush=True)
            print(f"Waiting up to {args.timeout:g} s for the sign-in...", flush=True)

        return await browser_login(
            oauth,
            store,
            redirect_uri=settings.oauth_redirect_uri,
            identify=identify,
            show_url=show_url,
            timeout_seconds=args.timeout,
        )

    grant = await _with_client(settings, credentials, sign_in)
    store_location = _store_location(settings, credentials)
    user = grant.user
    who = f"{user.display_name} <{user.email}> (user id {user.id})" if user else "an unknown user"
    print(f"Signed in to Zoom as {who}.")
    print(f"Granted scopes: {grant.scope or '(none reported)'}")
    print(f"Saved in: {store_location}")
    return 0


def _open_browser(url: str) -> bool:
    import webbrowser

    try:
        return webbrowser.open(url)
    except webbrowser.Error:
        return False


async def _logout(settings: Settings, credentials: UserOAuthCredentials) -> int:
    from zoom_mcp.server.zoom.errors import ZoomError

    async def sign_out(oauth: UserOAuthClient, store: GrantStore, _: Identify) -> int:
        async with store.locked() as slot:
            grant = slot.grant
            if grant is None:
                print(f"Not signed in ({store.location}); nothing to do.")
                return 0
            revoked = True
            try:
                await oauth.revoke(grant.access_token)
            except ZoomError as error:
                from zoom_mcp.tools.errors import explain

                revoked = False
                print(f"zoom-mcp: Zoom did not confirm the revocation: {explain(error)}", file=sys.stderr)
            await slot.delete()
        print(f"Deleted the Zoom sign-in from {store.location}.")
        if revoked:
            print("Zoom revoked the grant.")
        else:
            print("To be sure it is revoked, remove the app in Zoom (App Marketplace > Manage > Added Apps).")
        return 0

    return await _with_client(settings, credentials, sign_out)


def _store_location(settings: Settings, credentials: UserOAuthCredentials) -> str:
    from zoom_mcp.server.user_auth import grant_store

    return grant_store(settings, credentials).location


def _status(settings: Settings) -> int:
    from zoom_mcp.server.zoom.credentials import ServerToServerCredentials, StaticTokenCredentials

    credentials = settings.credentials()
    if credentials is None:
        print(settings.missing_credentials_message())
        return 1
    if isinstance(credentials, ServerToServerCredentials):
        print("Mode: Server-to-Server OAuth (an account-level app; nobody signs in)")
        print(f"Account id: {credentials.account_id}")
        print(f"Client id: {credentials.client_id}")
        print("Tokens: fetched by each server process and kept in memory only")
        return 0
    if isinstance(credentials, StaticTokenCredentials):
        print("Mode: a fixed access token from ZOOM_ACCESS_TOKEN (never refreshed; Zoom's tokens last one hour)")
        return 0
    return _user_status(settings, credentials)


def _user_status(settings: Settings, credentials: UserOAuthCredentials) -> int:
    import anyio

    from zoom_mcp.server.user_auth import grant_store

    kind = "confidential client" if credentials.client_secret else "public client with PKCE"
    print(f"Mode: user-level OAuth, signed in as yourself ({kind}, client id {credentials.client_id})")
    store = grant_store(settings, credentials)
    grant = anyio.run(store.read)
    print(f"Stored in: {store.location}")
    if grant is None:
        print("Signed in: no. Run `zoom-mcp login`.")
        return 1
    if grant.client_id != credentials.client_id:
        print(f"Signed in: with another app (client id {grant.client_id}). Run `zoom-mcp login`.")
        return 1
    user = grant.user
    print(f"Signed in as: {user.display_name} <{user.email}> (user id {user.id})" if user else "Signed in as: unknown")
    print(f"Scopes: {grant.scope or '(none reported)'}")
    expires = datetime.fromtimestamp(grant.expires_at, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    now = datetime.now(UTC).timestamp()
    state = "valid" if now < grant.expires_at else "expired"
    print(f"Access token: {state}, expires {expires}; refreshed automatically with the stored refresh token")
    return 0
