"""Our consent page and Zoom's callback: the confused-deputy defence of an MCP server that proxies Zoom OAuth.

One Zoom app serves every MCP client, and anyone can register a client: without this page, a crafted authorize
link could send a person's Zoom sign-in to an attacker's redirect URI. So before anyone is sent to Zoom, the
person sees which client asks, where its answer goes and what it may do, and approves it in the same browser:

- GET /oauth/consent shows the request and sets a cookie (`__Host-` prefixed, Secure, HttpOnly, SameSite=Lax
  on https) whose digest is stored with the request, plus a CSRF token in the form;
- POST /oauth/consent needs both, once; only then is the Zoom `state` minted (single use, 10 minutes) and
  the browser sent to Zoom;
- GET /oauth/zoom/callback needs that `state` and the same browser's cookie; it exchanges Zoom's code, learns who
  signed in (GET /users/me), stores their grant (encrypted) and sends the browser back to the client with our
  own code. Pages cannot be framed (X-Frame-Options, CSP frame-ancestors).
"""

from __future__ import annotations

import hmac
import html
import logging
import secrets
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from mcp.server.auth.provider import construct_redirect_uri
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from zoom_mcp.server.hosted.client_metadata import host_of, looks_like_metadata_url
from zoom_mcp.server.hosted.grants import GrantVault, StoredGrant
from zoom_mcp.server.hosted.oauth import CONSENT_PATH, PENDING_SECONDS, PendingAuthorization, ZoomSignInProvider, digest
from zoom_mcp.server.hosted.state import StateStore
from zoom_mcp.server.zoom.auth import StaticToken
from zoom_mcp.server.zoom.client import ZoomClient
from zoom_mcp.server.zoom.errors import ZoomError
from zoom_mcp.server.zoom.grant import SignedInUser
from zoom_mcp.server.zoom.http import ZoomHTTP
from zoom_mcp.server.zoom.user_oauth import UserOAuthClient, new_code_verifier

logger = logging.getLogger(__name__)

CALLBACK_PATH = "/oauth/zoom/callback"
PAGE_HEADERS = {
    "X-Frame-Options": "DENY",
    # The form posts to us, and our answer redirects to Zoom: form-action must allow the redirect's target too.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' *; "
    "frame-ancestors 'none'",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
}
WHAT_IT_MAY_DO = (
    "Act as you in Zoom through this server's tools: read your profile, your users list where your role allows, "
    "your meetings, cloud recordings and transcripts; create, change and delete your meetings."
)


class _ZoomState(BaseModel):
    """Minted after consent, for Zoom's round trip: which request, which browser, our PKCE verifier to Zoom."""

    request: PendingAuthorization
    browser: str
    verifier: str


@dataclass
class ConsentFlow:
    provider: ZoomSignInProvider
    state: StateStore
    vault: GrantVault
    zoom: UserOAuthClient
    http: ZoomHTTP
    api_base_url: str
    public_url: str
    # RFC 9207: every authorization response we send a client names us (as our metadata spells it).
    issuer: str

    @property
    def callback_url(self) -> str:
        return self.public_url + CALLBACK_PATH

    @property
    def secure(self) -> bool:
        return urlsplit(self.public_url).scheme == "https"

    @property
    def cookie_name(self) -> str:
        # __Host- requires Secure, which a browser only keeps over https; on a loopback http URL the plain name.
        return "__Host-zoom-mcp-consent" if self.secure else "zoom-mcp-consent"

    def routes(self) -> list[Route]:
        return [
            Route(CONSENT_PATH, self.show, methods=["GET"]),
            Route(CONSENT_PATH, self.decide, methods=["POST"]),
            Route(CALLBACK_PATH, self.callback, methods=["GET"]),
        ]

    async def show(self, request: Request) -> Response:
        request_id = request.query_params.get("request", "")
        pending = await self.provider.pending(request_id) if request_id else None
        if pending is None:
            return _page("This sign-in link has expired or was already used. Start again from your MCP client.", 400)
        client = await self.provider.get_client(pending.client_id)
        if client is None:
            return _page("The application that asked is no longer registered. Start again from your MCP client.", 400)
        browser, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        await self.provider.park(request_id, pending.model_copy(update={"browser": digest(browser), "csrf": csrf}))
        name = client.client_name or "An unnamed application"
        body = f"""
<h1>Allow {html.escape(name)} to use Zoom as you?</h1>
{_who_is_asking(name, pending.client_id)}
<p>If you allow it, you will sign in to Zoom next, and then be sent back to:</p>
<p><code>{html.escape(pending.redirect_uri)}</code></p>
<p>It may: {html.escape(WHAT_IT_MAY_DO)}</p>
<p>Only allow it if you started this sign-in yourself and you recognise that address.</p>
<form method="post" action="{CONSENT_PATH}">
<input type="hidden" name="request" value="{html.escape(request_id)}">
<input type="hidden" name="csrf" value="{html.escape(csrf)}">
<button type="submit" name="decision" value="allow">Allow and sign in with Zoom</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>"""
        response = _page(body, 200)
        response.set_cookie(
            self.cookie_name,
            browser,
            max_age=PENDING_SECONDS,
            path="/",
            secure=self.secure,
            httponly=True,
            samesite="lax",
        )
        return response

    async def decide(self, request: Request) -> Response:
        form = await request.form()
        request_id, csrf = str(form.get("request", "")), str(form.get("csrf", ""))
        browser = request.cookies.get(self.cookie_name, "")
        pending = await self.provider.pending(request_id) if request_id else None
        if (
            pending is None
            or pending.csrf is None
            or pending.browser is None
            or not hmac.compare_digest(csrf, pending.csrf)
            or not hmac.compare_digest(digest(browser), pending.browser)
        ):
            return _page("This approval could not be verified (expired, used, or from another browser).", 400)
        # Used once, whatever the decision.
        if await self.provider.take_pending(request_id) is None:
            return _page("This sign-in link was already used. Start again from your MCP client.", 400)
        if form.get("decision") != "allow":
            return self._back_to_client(pending, error="access_denied", error_description="The person denied access.")
        zoom_state, verifier = secrets.token_urlsafe(32), new_code_verifier()
        minted = _ZoomState(request=pending, browser=pending.browser, verifier=verifier)
        await self.state.put(
            f"zstate:{digest(zoom_state)}", minted.model_dump_json().encode(), ttl_seconds=PENDING_SECONDS
        )
        url = self.zoom.authorization_url(redirect_uri=self.callback_url, state=zoom_state, verifier=verifier)
        return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})

    async def callback(self, request: Request) -> Response:
        zoom_state = request.query_params.get("state", "")
        stored = await self.state.take(f"zstate:{digest(zoom_state)}") if zoom_state else None
        if stored is None:
            return _page("This Zoom sign-in has expired or was already used. Start again from your MCP client.", 400)
        minted = _ZoomState.model_validate_json(stored)
        browser = request.cookies.get(self.cookie_name, "")
        if not hmac.compare_digest(digest(browser), minted.browser):
            return _page("This Zoom sign-in was started in another browser. Start again from your MCP client.", 400)
        pending = minted.request
        code = request.query_params.get("code")
        if not code:
            return self._back_to_client(
                pending, error="access_denied", error_description="Zoom sign-in was not completed."
            )
        try:
            grant = await self.zoom.exchange_code(code=code, verifier=minted.verifier, redirect_uri=self.callback_url)
            me = await ZoomClient(
                self.http, api_base_url=self.api_base_url, tokens=StaticToken(grant.access_token)
            ).get_user("me")
        except ZoomError as error:
            logger.warning("Zoom sign-in failed at the code exchange: %s", type(error).__name__)
            return self._back_to_client(pending, error="server_error", error_description="Zoom refused the sign-in.")
        user = SignedInUser(id=me.id, email=me.email or "", display_name=me.display_name or "")
        store = StoredGrant(self.state, self.vault, me.id)
        # Under the person's lock: a refresh of their previous grant must not overwrite this newer one.
        async with store.locked() as slot:
            await slot.save(replace(grant, user=user))
        our_code = await self.provider.issue_code(pending, subject=me.id)
        logger.info("Zoom user %s signed in for client %s", me.id, pending.client_id)
        response = self._back_to_client(pending, code=our_code)
        response.delete_cookie(self.cookie_name, path="/", secure=self.secure, httponly=True, samesite="lax")
        return response

    def _back_to_client(self, pending: PendingAuthorization, **params: str) -> RedirectResponse:
        location = construct_redirect_uri(pending.redirect_uri, state=pending.state, iss=self.issuer, **params)
        return RedirectResponse(location, status_code=302, headers={"Cache-Control": "no-store"})


def _who_is_asking(name: str, client_id: str) -> str:
    """Who asks, saying which part is verified: any client can call itself anything."""
    if looks_like_metadata_url(client_id):
        host = html.escape(host_of(client_id))
        return (
            f"<p>An application published by <b>{host}</b> asks to connect to this Zoom MCP server. It calls itself "
            f"<b>{html.escape(name)}</b>; only <b>{host}</b> is verified (its description is at "
            f"<code>{html.escape(client_id)}</code>).</p>"
        )
    return (
        f"<p>An application calling itself <b>{html.escape(name)}</b> (client id "
        f"<code>{html.escape(client_id)}</code>, registered without verification) asks "
        "to connect to this Zoom MCP server.</p>"
    )


def _page(body: str, status: int) -> HTMLResponse:
    document = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Zoom MCP server</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}"
        "button{font-size:1rem;margin-right:1rem;padding:.5rem 1rem}code{word-break:break-all}</style>"
        f"</head><body>{body}</body></html>"
    )
    return HTMLResponse(document, status_code=status, headers=PAGE_HEADERS)
