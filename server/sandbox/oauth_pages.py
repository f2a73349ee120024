"""The pages a person clicks through in a browser: the authorize consent page and the device-code pages.

Zoom's real pages differ in looks; what matters is the protocol around them: the consent decision redirects
to the registered redirect URI with ``code`` and ``state`` (or ``error=access_denied``, RFC 6749's answer,
since Zoom's denial redirect is not documented), and a bad client or redirect URI never redirects at all.
"""

from html import escape
from urllib.parse import parse_qsl, urlencode

from zoom_mcp.server.sandbox.backend import Backend
from zoom_mcp.server.sandbox.exchange import Call, Reply
from zoom_mcp.server.sandbox.model import User
from zoom_mcp.server.sandbox.user_oauth import USER_SCOPES

SCOPE_WORDS = {
    "meeting:read": "View your meetings",
    "meeting:write": "Create, change and delete your meetings",
    "recording:read": "View your cloud recordings and transcripts",
    "user:read": "View your profile",
}
_AUTHORIZE_FIELDS = ("client_id", "redirect_uri", "state", "code_challenge", "code_challenge_method")


def _page(title: str, body: str, status: int = 200) -> Reply:
    html = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:34em;margin:3em auto;line-height:1.5}"
        "button{font-size:1em;padding:.4em 1.2em;margin-right:.6em}</style></head>"
        f"<body><h1>{escape(title)}</h1>{body}</body></html>"
    )
    return Reply(status, raw=html.encode(), content_type="text/html; charset=utf-8")


def _form_fields(call: Call) -> dict[str, str]:
    return dict(parse_qsl(call.body.decode(errors="replace"), keep_blank_values=True))


def _active_users(backend: Backend) -> list[User]:
    return [user for user in backend.state.users if user.status == "active"]


def _consent_form(backend: Backend, action: str, hidden: dict[str, str]) -> str:
    app = backend.user_grants.app
    scopes = "".join(f"<li>{escape(SCOPE_WORDS.get(s, s))} <code>{escape(s)}</code></li>" for s in USER_SCOPES.split())
    options = "".join(
        f"<option value='{escape(u.id)}'>{escape(u.display_name)} &lt;{escape(u.email)}&gt;</option>"
        for u in _active_users(backend)
    )
    inputs = "".join(
        f"<input type='hidden' name='{escape(name)}' value='{escape(value)}'>" for name, value in hidden.items()
    )
    return (
        f"<p><strong>{escape(app.name)}</strong> would like to access your Zoom account.</p>"
        f"<p>It will be able to:</p><ul>{scopes}</ul>"
        f"<form method='post' action='{escape(action)}'>{inputs}"
        f"<p><label>Sign in as <select name='user_id'>{options}</select></label></p>"
        "<p><button type='submit' name='decision' value='allow'>Allow</button>"
        "<button type='submit' name='decision' value='deny'>Deny</button></p></form>"
    )


def _authorize_problem(backend: Backend, values: dict[str, str]) -> Reply | None:
    grants = backend.user_grants
    if not grants.knows_client(values.get("client_id", "")):
        return _page("Invalid client_id", "<p>This app does not exist (Zoom error 4702).</p>", 400)
    if values.get("redirect_uri", "") not in grants.redirect_uris:
        return _page(
            "Redirect URI mismatch",
            "<p>The redirect URI is not on the app's allow list (Zoom error 4709).</p>",
            400,
        )
    method = values.get("code_challenge_method", "plain")
    if method not in ("plain", "S256"):
        return _page("Invalid request", "<p>code_challenge_method must be S256 or plain.</p>", 400)
    return None


def authorize_page(backend: Backend, call: Call) -> Reply:
    query = dict(call.query)
    problem = _authorize_problem(backend, query)
    if problem is not None:
        return problem
    if query.get("response_type") != "code":
        return _page("Invalid request", "<p>response_type must be code.</p>", 400)
    hidden = {name: query[name] for name in _AUTHORIZE_FIELDS if name in query}
    return _page("Authorize app", _consent_form(backend, "/oauth/authorize", hidden))


def authorize_decision(backend: Backend, call: Call) -> Reply:
    form = _form_fields(call)
    problem = _authorize_problem(backend, form)
    if problem is not None:
        return problem
    redirect_uri = form["redirect_uri"]
    answer: dict[str, str] = {}
    if form.get("decision") != "allow":
        answer["error"] = "access_denied"
        answer["error_description"] = "The user denied the authorization request."
    else:
        user = next((u for u in _active_users(backend) if u.id == form.get("user_id")), None)
        if user is None:
            return _page("Invalid request", "<p>Choose a user to sign in as.</p>", 400)
        challenge = form.get("code_challenge") or None
        answer["code"] = backend.user_grants.new_code(
            client_id=form["client_id"],
            redirect_uri=redirect_uri,
            user_id=user.id,
            challenge=challenge,
            method=form.get("code_challenge_method", "plain"),
            now=call.now,
        )
    if "state" in form:
        answer["state"] = form["state"]
    separator = "&" if "?" in redirect_uri else "?"
    return Reply(302, raw=b"", headers={"Location": f"{redirect_uri}{separator}{urlencode(answer)}"})


def device_entry_page(backend: Backend, call: Call) -> Reply:
    user_code = call.query.get("user_code")
    if user_code:
        return _device_consent(backend, user_code)
    return _page(
        "Connect a device",
        "<form method='get' action='/oauth_device'><p><label>Code shown on your device "
        "<input name='user_code' autofocus></label></p><p><button type='submit'>Continue</button></p></form>",
    )


def device_complete_page(backend: Backend, call: Call) -> Reply:
    return _device_consent(backend, call.params["userCode"])


def _device_consent(backend: Backend, user_code: str) -> Reply:
    request = backend.user_grants.device_request(user_code)
    if request is None or request.decision is not None:
        return _page("Unknown code", "<p>This code is unknown or was already used.</p>", 404)
    action = f"/oauth/device/complete/{request.user_code}"
    return _page("Authorize device", _consent_form(backend, action, {}))


def device_decision(backend: Backend, call: Call) -> Reply:
    request = backend.user_grants.device_request(call.params["userCode"])
    if request is None or request.decision is not None or call.now >= request.expires_at:
        return _page("Unknown code", "<p>This code is unknown, expired or was already used.</p>", 404)
    form = _form_fields(call)
    user = next((u for u in _active_users(backend) if u.id == form.get("user_id")), None)
    if form.get("decision") == "allow" and user is not None:
        request.decision, request.user_id = "allow", user.id
        return _page("Device connected", "<p>You can close this window and return to your device.</p>")
    request.decision = "deny"
    return _page("Access denied", "<p>The device was not connected.</p>")
