"""A scripted browser for the sandbox's OAuth pages: it reads the consent form and submits it as a person would."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urljoin

import httpx2

_FORM = re.compile(r"<form method='post' action='([^']*)'>(.*?)</form>", re.S)
_HIDDEN = re.compile(r"<input type='hidden' name='([^']*)' value='([^']*)'>")
_OPTION = re.compile(r"<option value='([^']*)'>")


async def consent(
    http: httpx2.AsyncClient, page_url: str, *, allow: bool = True, user_id: str | None = None
) -> httpx2.Response:
    """Open a consent page, choose a user (the first listed unless given), press Allow or Deny.

    Returns the answer to the form submission (a 302 to the redirect URI for the authorize page).
    """
    page = await http.get(page_url)
    assert page.status_code == 200, page.text
    found = _FORM.search(page.text)
    assert found is not None, "no consent form on the page"
    action, inner = found.groups()
    fields = {unescape(name): unescape(value) for name, value in _HIDDEN.findall(inner)}
    users = [unescape(value) for value in _OPTION.findall(inner)]
    fields["user_id"] = user_id or users[0]
    fields["decision"] = "allow" if allow else "deny"
    return await http.post(urljoin(page_url, unescape(action)), data=fields)


def page_users(html: str) -> list[str]:
    return [unescape(value) for value in _OPTION.findall(html)]
