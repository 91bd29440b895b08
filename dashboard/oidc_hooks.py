"""The server's side of sign-in: where Streamlit's OpenID Connect callback
(``/oauth2callback``, streamlit/web/server/starlette/starlette_auth_routes.py) starts
the server-side sign-in (queries.access.signins) and where a failed callback is
sent to a page that says why (access.md, docs/deploy.md).

Streamlit's callback exchanges the code for tokens, verifies the ID token (Authlib:
signature, issuer, audience, nonce, times with 120 s of leeway) and writes the
signed cookies; on any failure it logs a line and redirects to ``/`` without a
word. :func:`install` wraps two of its module's functions:

- the OAuth client's ``authorize_access_token``: a verified token starts a sign-in
  (or is refused: unverified email, another identity, …), whose key is added to
  the claims Streamlit puts in its signed cookie (:data:`signins.KEY_CLAIM`); an
  exception is classified (clock, issuer, exchange) and audited;
- the callback itself: a failure redirects to ``/?signin_failed=CODE`` (the
  sign-in page then says what failed and what the administrator should check);
  cookies larger than :data:`MAX_COOKIE_BYTES` (a token carrying many groups)
  end the sign-in and are not set, since the server would refuse every later
  request carrying them (HTTP 431, a blank page).

Installed by ``dashboard/openness_server.py`` (what ``openness serve`` runs) before the server starts (and, as a
fallback, by the first run of the dashboard). Runs in the server process.
"""

from __future__ import annotations

import logging
import os
import re
import urllib.parse
from typing import Any

import sqlalchemy as sa
from starlette.concurrency import run_in_threadpool
from streamlit.auth_util import get_secrets_auth_section
from streamlit.web.server.starlette import starlette_auth_routes as routes

from queries.access import audit, signins
from queries.model.db import make_engine, resolve_url

FAILED_PARAM = "signin_failed"
# the auth cookies' name=value bytes at most: under uvicorn's 16 KiB of request
# headers with room for the other headers and cookies (docs/deploy.md, "Token size")
MAX_COOKIE_BYTES = 8192
# why a callback failed: the sign-in page's texts "signin.failed.<code>"
CODES = ("clock", "issuer", "exchange", "provider", "stale", "too_large", *signins.REASONS)
_COOKIE_PREFIX = "_streamlit_user"

_engine: sa.Engine | None = None


def _db() -> sa.Engine:
    global _engine
    if _engine is None:
        _engine = make_engine(resolve_url(os.environ.get("OPENNESS_DB") or None))
    return _engine


def trusted_issuers() -> list[str]:
    """``[auth] trust_email_from``: issuers whose email is believed without an
    ``email_verified`` claim (docs/deploy.md); [] when not set."""
    value = get_secrets_auth_section().get("trust_email_from")
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list) else []


def classify(exc: BaseException) -> tuple[str, str]:
    """A failed token exchange's code (:data:`CODES`) and the audit trail's words."""
    claim = getattr(exc, "claim", None)
    said = re.sub(r"[\r\n]+", " ", str(getattr(exc, "description", "") or exc))[:200]
    if claim in ("iat", "nbf", "exp"):
        return "clock", (
            f"sign-in failed: the ID token's {claim} is outside this server's clock "
            f"(2 minutes' leeway): the provider's and the server's clocks differ ({said})"
        )
    if claim == "iss":
        return "issuer", f"sign-in failed: {signins.REASONS['issuer']} ({said})"
    return "exchange", f"sign-in failed: the token exchange failed ({type(exc).__name__}: {said})"


def _audit_failure(email: str, detail: str) -> None:
    audit.write(_db(), "denied", None, audit.Where(page="sign_in"), detail=detail, email=email)


class SignInFailed(Exception):
    """A token exchange that failed for a known cause (``code``): Streamlit clears the
    cookies and redirects as for any failure, and logs one line, not a traceback."""

    def __init__(self, code: str, detail: str) -> None:
        self.code = code
        super().__init__(detail)


class _OneLine(logging.Filter):
    """Streamlit's "token exchange failed" warning for a :class:`SignInFailed`: one
    line naming the cause instead of a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, SignInFailed):
            record.msg, record.args = f"{record.getMessage()} {exc}", ()
            record.exc_info, record.exc_text = None, None
        return True


class _Client:
    """Streamlit's OAuth client, whose token exchange also starts the sign-in."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    async def authorize_access_token(self, request: Any, **kwargs: Any) -> Any:
        try:
            token = await self._client.authorize_access_token(request, **kwargs)
        except Exception as exc:
            code, detail = classify(exc)
            request.state.openness_failed = code
            await run_in_threadpool(_audit_failure, "(sign-in failed)", detail)
            if code == "exchange":
                raise  # an unknown cause: Streamlit logs its traceback
            raise SignInFailed(code, detail) from exc
        claims = token.get("userinfo")
        if not claims:
            return token
        metadata = await self._client.load_server_metadata()
        try:
            key = await run_in_threadpool(
                signins.start,
                _db(),
                dict(claims),
                issuer=metadata.get("issuer"),
                trusted=trusted_issuers(),
            )
        except signins.Refused as exc:
            request.state.openness_failed = exc.code
            raise SignInFailed(exc.code, str(exc)) from exc
        claims[signins.KEY_CLAIM] = key
        request.state.openness_key = key
        request.state.openness_email = str(claims.get("email") or "") or "(no email claim)"
        return token


def _failed_location(base_url: str, code: str) -> str:
    return routes.make_url_path(base_url, "/") + "?" + urllib.parse.urlencode({FAILED_PARAM: code})


def cookie_bytes(response: Any) -> int:
    """The bytes of the auth cookies (name=value) a response sets."""
    total = 0
    for name, value in response.raw_headers:
        if name.lower() != b"set-cookie":
            continue
        pair = value.split(b";", 1)[0]
        lower = value.lower()
        if pair.startswith(_COOKIE_PREFIX.encode()) and b"max-age=0" not in lower:
            total += len(pair)
    return total


async def _callback(original: Any, request: Any, base_url: str) -> Any:
    response = await original(request, base_url)
    state = request.state
    key = getattr(state, "openness_key", None)
    failed = getattr(state, "openness_failed", None)
    query = request.query_params
    if key is None and failed is None:
        if not any(query.get(k) for k in ("code", "state", "error")):
            # the provider's return after sign-out (Streamlit gives it this URL as the
            # post-logout redirect): nothing failed
            return response
        # the provider answered with an error, or a stale or replayed callback
        failed = "provider" if query.get("error") else "stale"
    if key is not None and failed is None:
        size = cookie_bytes(response)
        if size <= MAX_COOKIE_BYTES:
            return response
        await run_in_threadpool(signins.end, _db(), key, "cookie_too_large")
        detail = (
            f"sign-in failed: the ID token makes {size} bytes of cookies, more than "
            f"{MAX_COOKIE_BYTES} (leave group claims out of the ID token)"
        )
        await run_in_threadpool(_audit_failure, state.openness_email, detail)
        from starlette.responses import RedirectResponse

        response = RedirectResponse(_failed_location(base_url, "too_large"), status_code=302)
        routes._clear_auth_cookie(response, request)
        return response
    response.headers["location"] = _failed_location(base_url, str(failed))
    return response


def install() -> None:
    """Wrap Streamlit's callback and OAuth client (once per process)."""
    if getattr(routes, "_openness_hooks", False):
        return
    create = routes._create_oauth_client
    callback = routes._auth_callback

    def create_client(provider: str) -> tuple[Any, str]:
        client, redirect_uri = create(provider)
        return _Client(client), redirect_uri

    async def auth_callback(request: Any, base_url: str) -> Any:
        return await _callback(callback, request, base_url)

    routes._LOGGER.addFilter(_OneLine())
    routes._create_oauth_client = create_client
    routes._auth_callback = auth_callback
    routes._openness_hooks = True  # type: ignore[attr-defined]
