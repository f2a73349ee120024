"""The Zoom sandbox: an in-memory Zoom account served as an ASGI app (OAuth, REST API, file downloads)."""

import json
import logging
import random
from dataclasses import replace
from datetime import datetime
from http import HTTPStatus
from urllib.parse import quote

import anyio
import httpx2
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from zoom_mcp.server.sandbox.backend import Backend, PastStartOnUpdate
from zoom_mcp.server.sandbox.errors import DAILY_LIMIT_MESSAGE, INVALID_TOKEN, QPS_LIMIT_MESSAGE, ApiError
from zoom_mcp.server.sandbox.exchange import Call, Reply
from zoom_mcp.server.sandbox.faults import Fault, FaultQueue
from zoom_mcp.server.sandbox.ids import IdFactory
from zoom_mcp.server.sandbox.model import AccountState
from zoom_mcp.server.sandbox.paging import Pager
from zoom_mcp.server.sandbox.ratelimits import RateLimits
from zoom_mcp.server.sandbox.routes import Match, resolve
from zoom_mcp.server.sandbox.seed import build_account
from zoom_mcp.server.sandbox.stats import RecordedRequest, SandboxStats
from zoom_mcp.server.sandbox.timeutil import Clock, system_clock
from zoom_mcp.server.sandbox.tokens import SANDBOX_CREDENTIALS, SandboxCredentials, TokenStore
from zoom_mcp.server.sandbox.user_oauth import UserAppCredentials, UserGrants

logger = logging.getLogger(__name__)

SANDBOX_ORIGIN = "http://zoom.sandbox"
TOKEN_PATH = "/oauth/token"
API_PREFIX = "/v2/"
# What a body that is cut off mid-way looks like: the start of a meeting object.
MALFORMED_BODY = b'{"uuid":"aDYlohsHRtCd4ii1uC2+hA==","id":8575'


class Sandbox:
    """A fake Zoom account. ``app`` serves it; the methods script tokens and faults; ``stats`` watches."""

    def __init__(
        self,
        seed: int = 0,
        clock: Clock | None = None,
        token_ttl_seconds: int = 3599,
        daily_create_update_limit: int = 100,
    ) -> None:
        self._clock = clock or system_clock
        self.credentials: SandboxCredentials = SANDBOX_CREDENTIALS
        ids = IdFactory(random.Random(seed))
        tokens = TokenStore(token_ttl_seconds)
        self._backend = Backend(
            state=build_account(ids, SANDBOX_CREDENTIALS.account_id, self._now()),
            ids=ids,
            pager=Pager(seed),
            limits=RateLimits(daily_create_update_limit),
            tokens=tokens,
            credentials=self.credentials,
            user_grants=UserGrants(tokens),
        )
        self.user_app: UserAppCredentials = self._backend.user_grants.app
        self._expire_tokens_after: int | None = None
        self._faults = FaultQueue()
        self._hung: set[anyio.CancelScope] = set()
        self.stats = SandboxStats()
        self.app: ASGIApp = self._asgi

    # -- inspection and control -------------------------------------------------------------------

    @property
    def state(self) -> AccountState:
        return self._backend.state

    @property
    def issued_tokens(self) -> list[str]:
        return self._backend.tokens.issued

    @property
    def single_token_mode(self) -> bool:
        return self._backend.tokens.single_token_mode

    @single_token_mode.setter
    def single_token_mode(self, enabled: bool) -> None:
        """Zoom's legacy behaviour: issuing a token invalidates every earlier one."""
        self._backend.tokens.single_token_mode = enabled

    @property
    def past_start_on_update(self) -> PastStartOnUpdate:
        return self._backend.past_start_on_update

    @past_start_on_update.setter
    def past_start_on_update(self, behaviour: PastStartOnUpdate) -> None:
        """What PATCH does with a past start_time: ignore it (the spec), move the meeting to now, or reject."""
        self._backend.past_start_on_update = behaviour

    @property
    def storage_origin(self) -> str | None:
        return self._backend.storage_origin

    @storage_origin.setter
    def storage_origin(self, origin: str | None) -> None:
        """Where recording downloads redirect to (e.g. "https://storage.example.net"); None: the sandbox itself."""
        self._backend.storage_origin = origin

    @property
    def recordings_carry_timezone(self) -> bool:
        return self._backend.recordings_carry_timezone

    @recordings_carry_timezone.setter
    def recordings_carry_timezone(self, carried: bool) -> None:
        """False: recording objects have no `timezone`, as in Zoom's spec."""
        self._backend.recordings_carry_timezone = carried

    def revoke_tokens(self) -> None:
        self._backend.tokens.revoke_all()

    def expire_tokens(self) -> None:
        self._backend.tokens.expire_all()

    def expire_tokens_after(self, api_requests: int) -> None:
        """Expire every access token just before the ``api_requests``-th next API request is answered."""
        if api_requests < 1:
            raise ValueError("api_requests must be at least 1")
        self._expire_tokens_after = api_requests

    # -- user-level OAuth (a user-managed app) -----------------------------------------------------

    @property
    def strict_rotation(self) -> bool:
        return self._backend.user_grants.strict_rotation

    @strict_rotation.setter
    def strict_rotation(self, enabled: bool) -> None:
        """Presenting a spent refresh token revokes the whole grant (OAuth 2.1's advice)."""
        self._backend.user_grants.strict_rotation = enabled

    @property
    def refreshes(self) -> int:
        """Successful refresh_token grants so far."""
        return self._backend.user_grants.refreshes

    @property
    def device_poll_interval(self) -> int:
        return self._backend.user_grants.device_poll_interval

    @device_poll_interval.setter
    def device_poll_interval(self, seconds: int) -> None:
        self._backend.user_grants.device_poll_interval = seconds

    @property
    def allowed_redirect_uris(self) -> frozenset[str]:
        return frozenset(self._backend.user_grants.redirect_uris)

    def allow_redirect_uri(self, uri: str) -> None:
        """Add a redirect URI to the user-managed app's allow list."""
        self._backend.user_grants.redirect_uris.add(uri)

    def grant_is_valid(self, refresh_token: str) -> bool:
        """Whether ``refresh_token`` is the current refresh token of a live user grant."""
        return self._backend.user_grants.grant_is_valid(refresh_token)

    @property
    def live_user_grants(self) -> int:
        return self._backend.user_grants.live_grants

    def revoke_user_grants(self) -> None:
        """What removing the app in Zoom's web portal does: every user grant ends."""
        self._backend.user_grants.revoke_user_grants()

    def inject(self, fault: Fault) -> Fault:
        return self._faults.add(fault)

    def clear_faults(self) -> None:
        self._faults.clear()

    def transport(self) -> httpx2.ASGITransport:
        return httpx2.ASGITransport(app=self.app)

    def release_hung_requests(self) -> None:
        """End requests held by ``hang`` faults (they answer 503), e.g. before a server shuts down."""
        for scope in list(self._hung):
            scope.cancel()

    # -- serving ----------------------------------------------------------------------------------

    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise ValueError("the sandbox clock must return timezone-aware datetimes")
        return now

    async def _asgi(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _serve_lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        body = await request.body()
        method, path = request.method, request.url.path
        record = RecordedRequest(
            method,
            path,
            dict(request.query_params),
            _json_or_none(body),
            host=request.url.netloc,
            authorized="authorization" in request.headers,
        )
        client = scope.get("client")
        self.stats.request_started(record, (client[0], client[1]) if client else None)
        if method == "POST" and path == TOKEN_PATH:
            self.stats.token_requests += 1
        try:
            match = resolve(method, _raw_path(scope))
            call = Call(
                method=method,
                path=path,
                params=match.params,
                query=dict(request.query_params),
                headers=dict(request.headers),
                body=body,
                origin=f"{request.url.scheme}://{request.url.netloc}",
                now=self._now(),
            )
            reply = await self._answer(call, match)
            record.status = reply.status
            logger.debug("%s %s -> %s", method, path, reply.status)
            response = Response(reply.content(), reply.status, reply.headers, _media_type(reply))
            await response(scope, receive, send)
        finally:
            self.stats.request_finished()

    async def _answer(self, call: Call, match: Match) -> Reply:
        fault = self._faults.take(call.method, call.path)
        if fault is None:
            return self._handle(call, match)
        if fault.cut_short:
            reply = self._handle(call, match)
            content = reply.content()
            return replace(reply, raw=content[: len(content) // 2])
        if fault.after_handling:
            reply = self._handle(call, match)
            await anyio.sleep(fault.delay_seconds)
            return await self._fault_reply(fault, call, match) if fault.replaces_answer else reply
        await anyio.sleep(fault.delay_seconds)
        return await self._fault_reply(fault, call, match) if fault.replaces_answer else self._handle(call, match)

    def _handle(self, call: Call, match: Match) -> Reply:
        route = match.route
        category = _category(match)
        spent: dict[str, str] | None = None
        try:
            if route is None:
                status = HTTPStatus.METHOD_NOT_ALLOWED if match.wrong_method else HTTPStatus.NOT_FOUND
                raise ApiError(status.value, status.value, f"{status.phrase}.")
            if route.needs_api_token:
                self._count_down_to_expiry()
                issued = self._backend.tokens.check_header(call.headers.get("authorization"), call.now)
                call = replace(call, token_user_id=issued.user_id)
                spent = self._backend.limits.spend(category, call.now)
            reply = route.handler(self._backend, call)
        except ApiError as error:
            reply = Reply.from_error(error)
        return self._with_api_headers(reply, call, category, spent)

    def _count_down_to_expiry(self) -> None:
        if self._expire_tokens_after is None:
            return
        self._expire_tokens_after -= 1
        if self._expire_tokens_after == 0:
            self._expire_tokens_after = None
            self._backend.tokens.expire_all()

    def _with_api_headers(self, reply: Reply, call: Call, category: str, spent: dict[str, str] | None) -> Reply:
        if call.path.startswith(API_PREFIX):
            for name, value in (spent or self._backend.limits.headers(category, call.now)).items():
                reply.headers.setdefault(name, value)
            reply.headers["x-zm-trackingid"] = self._backend.ids.tracking_id()
        return reply

    async def _fault_reply(self, fault: Fault, call: Call, match: Match) -> Reply:
        if fault.hang:
            await self._hang()
            reply = _status_reply(HTTPStatus.SERVICE_UNAVAILABLE.value, None)
        elif fault.malformed:
            reply = Reply(200, raw=MALFORMED_BODY)
        else:
            assert fault.status is not None
            reply = _status_reply(fault.status, fault.rate_limit_type)
            if fault.zoom_code is not None:
                reply = replace(reply, body={"code": fault.zoom_code, "message": fault.zoom_message or ""})
        if fault.retry_after is not None:
            reply.headers["Retry-After"] = fault.retry_after
        if fault.rate_limit_type is not None:
            reply.headers["X-RateLimit-Type"] = fault.rate_limit_type
        return self._with_api_headers(reply, call, _category(match), None)

    async def _hang(self) -> None:
        with anyio.CancelScope() as scope:
            self._hung.add(scope)
            try:
                await anyio.sleep_forever()
            finally:
                self._hung.discard(scope)


def _raw_path(scope: Scope) -> str:
    """The path as sent, so an encoded "/" (%2F) inside a segment does not split it."""
    raw = scope.get("raw_path")
    return raw.decode("latin-1") if raw else quote(scope["path"])


def _category(match: Match) -> str:
    """The rate-limit label reported for a request; paths Zoom does not have are labelled Light."""
    route = match.route
    return route.category if route is not None and route.category is not None else "Light"


def _status_reply(status: int, rate_limit_type: str | None) -> Reply:
    if status == HTTPStatus.TOO_MANY_REQUESTS:
        message = DAILY_LIMIT_MESSAGE if rate_limit_type == "Daily-limit" else QPS_LIMIT_MESSAGE
        return Reply(status, {"code": 429, "message": message})
    if status == HTTPStatus.UNAUTHORIZED:
        return Reply(status, {"code": 124, "message": INVALID_TOKEN})
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    return Reply(status, {"code": status, "message": f"{phrase}."})


def _media_type(reply: Reply) -> str | None:
    return None if reply.status == HTTPStatus.NO_CONTENT else reply.content_type


def _json_or_none(body: bytes) -> object | None:
    if not body:
        return None
    try:
        parsed: object = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return parsed


async def _serve_lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
