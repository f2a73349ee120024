"""Signing a person in to Zoom from a terminal: the browser flow (PKCE + loopback redirect) and the device flow.

Knows Zoom's OAuth client and the grant store, nothing of MCP. Every failure is a `LoginFailed` whose message
says what happened and what to do; no message ever carries a code, a verifier or a token.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from html import escape
from urllib.parse import parse_qs, urlsplit

import anyio
import anyio.abc

from zoom_mcp.server.zoom.errors import ZoomTokenError
from zoom_mcp.server.zoom.grant import Grant, GrantStore, SignedInUser
from zoom_mcp.server.zoom.user_oauth import UserOAuthClient, new_code_verifier

DEFAULT_LOGIN_TIMEOUT_SECONDS = 300.0
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
# A request line and headers fit in far less; a peer that sends more is not a browser redirect.
MAX_REQUEST_BYTES = 16 * 1024
# A connection that sends nothing (a browser's speculative pre-connection) is dropped after this long.
CONNECTION_READ_SECONDS = 10.0

Identify = Callable[[Grant], Awaitable[SignedInUser]]


class LoginFailed(Exception):
    """The sign-in did not complete; the message says why and what to do."""


def check_loopback_redirect(redirect_uri: str) -> tuple[str, int, str]:
    """(host, port, path) of an `http://127.0.0.1:PORT/path`-style redirect URI, or LoginFailed."""
    parts = urlsplit(redirect_uri)
    host = parts.hostname or ""
    if parts.scheme != "http" or host not in LOOPBACK_HOSTS or parts.port is None:
        raise LoginFailed(
            f"ZOOM_OAUTH_REDIRECT_URI must be a loopback address with a port, like http://127.0.0.1:8976/callback "
            f"(it is {redirect_uri!r}); `zoom-mcp login` listens there for the browser's redirect."
        )
    return host, parts.port, parts.path or "/"


async def browser_login(
    oauth: UserOAuthClient,
    store: GrantStore,
    *,
    redirect_uri: str,
    identify: Identify,
    show_url: Callable[[str], object],
    timeout_seconds: float = DEFAULT_LOGIN_TIMEOUT_SECONDS,
) -> Grant:
    """Authorization code with PKCE (S256) and `state`; the redirect is caught on the loopback interface.

    `show_url` is called once the listener is up (print it, open a browser, or hand it to an MCP client).
    """
    verifier, state = new_code_verifier(), secrets.token_urlsafe(32)
    url = oauth.authorization_url(redirect_uri=redirect_uri, state=state, verifier=verifier)
    code = await receive_redirect(
        redirect_uri, state=state, timeout_seconds=timeout_seconds, on_listening=lambda: show_url(url)
    )
    try:
        grant = await oauth.exchange_code(code=code, verifier=verifier, redirect_uri=redirect_uri)
    except ZoomTokenError as error:
        raise LoginFailed(
            f"Zoom refused to exchange the sign-in code ({error.error}: {error.reason}). "
            "Check ZOOM_CLIENT_ID/ZOOM_CLIENT_SECRET and that ZOOM_OAUTH_REDIRECT_URI is on the app's allow list, "
            "then run `zoom-mcp login` again."
        ) from None
    return await save_signed_in(store, grant, identify)


async def device_login(
    oauth: UserOAuthClient,
    store: GrantStore,
    *,
    identify: Identify,
    show_code: Callable[[str, str, str | None], None],
    sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Grant:
    """RFC 8628: show a code to type in on any device with a browser, then poll until the person decides."""
    try:
        device = await oauth.request_device_code()
    except ZoomTokenError as error:
        raise LoginFailed(
            f"Zoom refused the device authorization request ({error.error}: {error.reason}). Zoom enables the "
            "device flow only for some apps; use `zoom-mcp login --no-browser` and open the link on any device "
            "whose browser can reach this machine's redirect URI."
        ) from None
    show_code(device.verification_uri, device.user_code, device.verification_uri_complete)
    deadline = clock() + device.expires_in
    interval = float(device.interval)
    while True:
        if clock() >= deadline:
            raise LoginFailed("The device code expired before it was approved. Run `zoom-mcp login --device` again.")
        await sleep(interval)
        try:
            grant = await oauth.poll_device_code(device.device_code)
        except ZoomTokenError as error:
            if error.error == "authorization_pending":
                continue
            if error.error == "slow_down":
                interval += 5  # RFC 8628 section 3.5
                continue
            if error.error == "access_denied":
                raise LoginFailed("Access was denied on the Zoom page; nothing was saved.") from None
            if error.error == "expired_token":
                raise LoginFailed(
                    "The device code expired before it was approved. Run `zoom-mcp login --device` again."
                ) from None
            raise LoginFailed(f"Zoom refused the device sign-in ({error.error}: {error.reason}).") from None
        return await save_signed_in(store, grant, identify)


async def save_signed_in(store: GrantStore, grant: Grant, identify: Identify) -> Grant:
    """Learn who signed in, then store the grant (under the lock: a running server may be refreshing)."""
    signed_in = replace(grant, user=await identify(grant))
    async with store.locked() as slot:
        await slot.save(signed_in)
    return signed_in


async def receive_redirect(
    redirect_uri: str, *, state: str, timeout_seconds: float, on_listening: Callable[[], object]
) -> str:
    """Listen on the redirect URI until the browser brings Zoom's answer; the authorization code, or LoginFailed."""
    host, port, path = check_loopback_redirect(redirect_uri)
    bind_host = host.strip("[]")
    try:
        listener = await anyio.create_tcp_listener(local_host=bind_host, local_port=port, reuse_port=False)
    except OSError as error:
        raise LoginFailed(
            f"Cannot listen on {host}:{port} for the sign-in redirect ({error.strerror or error}). Another "
            "`zoom-mcp login` may be running; or set ZOOM_OAUTH_REDIRECT_URI to another loopback port and add it "
            "to the Zoom app's redirect allow list."
        ) from None
    outcome: list[str | LoginFailed] = []
    done = anyio.Event()

    async def handle(stream: anyio.abc.SocketStream) -> None:
        async with stream:
            with anyio.move_on_after(CONNECTION_READ_SECONDS):
                request = await _read_request_head(stream)
                if request is None:
                    return
                result = _judge(request, path=path, state=state)
                if result is None:
                    await stream.send(_http_page(404, "Not found", "This address only receives Zoom's sign-in."))
                    return
                if done.is_set():
                    await stream.send(_http_page(409, "Already answered", "This sign-in has already finished."))
                    return
                if isinstance(result, LoginFailed):
                    await stream.send(_http_page(400, "Sign-in failed", str(result)))
                else:
                    await stream.send(
                        _http_page(
                            200, "Zoom sign-in received", "You can close this window and return to the terminal."
                        )
                    )
                outcome.append(result)
                done.set()

    async with listener, anyio.create_task_group() as group:
        group.start_soon(listener.serve, handle, group)
        on_listening()
        with anyio.move_on_after(timeout_seconds):
            await done.wait()
        group.cancel_scope.cancel()
    # Raised outside the task group, so callers get the LoginFailed itself, not an exception group.
    if not outcome:
        raise LoginFailed(
            f"No sign-in arrived from the browser within {timeout_seconds:g} s. Run `zoom-mcp login` again "
            "(with --no-browser to copy the link yourself)."
        )
    result = outcome[0]
    if isinstance(result, LoginFailed):
        raise result
    return result


async def _read_request_head(stream: anyio.abc.SocketStream) -> str | None:
    data = b""
    while b"\r\n\r\n" not in data and b"\n\n" not in data:
        try:
            chunk = await stream.receive()
        except (anyio.EndOfStream, anyio.BrokenResourceError):
            return None
        data += chunk
        if len(data) > MAX_REQUEST_BYTES:
            return None
    return data.decode("latin-1").split("\n", 1)[0].strip()


def _judge(request_line: str, *, path: str, state: str) -> str | LoginFailed | None:
    """The code, a LoginFailed, or None when the request is not the redirect at all."""
    method, _, rest = request_line.partition(" ")
    target = rest.rsplit(" ", 1)[0] if " " in rest else rest
    parts = urlsplit(target)
    if method != "GET" or parts.path != path:
        return None
    query = {name: values[0] for name, values in parse_qs(parts.query, keep_blank_values=True).items()}
    if not secrets.compare_digest(query.get("state", ""), state):
        return LoginFailed(
            "The redirect did not carry this sign-in's state (an old or forged link); nothing was saved. "
            "Run `zoom-mcp login` again and use the new link."
        )
    if "error" in query:
        if query["error"] == "access_denied":
            return LoginFailed("Access was denied on Zoom's page; nothing was saved.")
        return LoginFailed(f"Zoom answered the sign-in with an error ({query['error'][:80]}); nothing was saved.")
    code = query.get("code")
    if not code:
        return LoginFailed("Zoom's redirect carried no authorization code; run `zoom-mcp login` again.")
    return code


def _http_page(status: int, title: str, message: str) -> bytes:
    body = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title></head><body style='font-family:system-ui,sans-serif;margin:3em'>"
        f"<h1>{escape(title)}</h1><p>{escape(message)}</p></body></html>"
    ).encode()
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 409: "Conflict"}[status]
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n"
    )
    return head.encode("latin-1") + body
