"""What the server lets out, whatever a page or a request asks: the product's hooks
around Streamlit's web server (docs/security.md). Installed by the server's entry
point (dashboard/openness_server.py), which ``openness serve`` runs.

- Every HTTP answer carries anti-framing and content-security headers (Streamlit
  has no option for response headers).
- A request whose ``Origin`` is not the server's own host is refused before
  Streamlit sees it: Streamlit would judge it by asking an outside service for this
  machine's external IP address.
- Endpoints the product does not use are closed (404): the metrics, the agent API,
  components, app static files; the script health check answers only the warm-up of
  ``openness serve`` (a token in ``OPENNESS_WARM_UP`` that it alone knows).
- Each browser gets a random HttpOnly cookie (:data:`COOKIE`) with the app's page, which
  its sessions carry.
- A deferred download runs only for the session that drew its button, with
  :data:`REQUESTER` naming that session (the download's own callable checks it and
  authorises the person: dashboard/downloads.py); the file it makes is served, for
  :data:`FILE_TTL` seconds, only to the browser holding that session's cookie.
  Any other downloadable media file is refused.
- A document the page shows (the briefing, the public pages:
  :func:`publish_document`) is served only to the browser of the session that drew
  it, with ``Content-Security-Policy: sandbox allow-scripts ...``: its scripts run
  in an opaque origin, never with the dashboard's (Streamlit's iframes always allow
  both scripts and same-origin).
"""

from __future__ import annotations

import asyncio
import contextvars
import hmac
import os
import re
import secrets
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any

from streamlit.logger import get_logger

_LOGGER = get_logger(__name__)

COOKIE = "openness_browser"
WARM_UP_ENV = "OPENNESS_WARM_UP"
WARM_UP_HEADER = "x-openness-warm-up"
FILE_TTL = 60.0  # seconds a made file waits for its browser
# the session id of the download request being served (set by the deferred handler)
REQUESTER: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "openness_requester", default=None
)
HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-frame-options", b"DENY"),
    (
        b"content-security-policy",
        b"frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
)
# paths under the base path the product uses; any other /_stcore/ path is closed
OPEN_CORE = ("_stcore/health", "_stcore/host-config", "_stcore/stream", "_stcore/upload_file/")
CLOSED = ("_stcore/", "component/", "app/static/")
# a document shown in the page: its own origin (sandbox), framed by this server only
DOCUMENT_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-frame-options", b"SAMEORIGIN"),
    (
        b"content-security-policy",
        b"sandbox allow-scripts allow-popups allow-popups-to-escape-sandbox; "
        b"frame-ancestors 'self'; object-src 'none'; base-uri 'none'; form-action 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
)
REFUSED_OTHER_SESSION = "拒绝：此文件不属于本会话 · Refused: this file belongs to another session"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class Refused(Exception):
    """A download refused when its file was to be made; the message is shown under the
    button (in the person's language)."""


class _Bindings:
    """Made files waiting for their browser: file id -> {browser cookie: deadline}."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._files: dict[str, dict[str, float]] = {}

    def bind(self, file_id: str, browser: str) -> None:
        with self._lock:
            self._files.setdefault(file_id, {})[browser] = time.monotonic() + FILE_TTL

    def bound(self, file_id: str) -> bool:
        with self._lock:
            return file_id in self._files

    def take(self, file_id: str, browser: str | None) -> bool:
        """Whether ``browser`` may fetch ``file_id`` now (until its deadline: Chromium's
        download manager asks a second time for a file its page already fetched)."""
        now = time.monotonic()
        with self._lock:
            waiting = self._files.get(file_id, {})
            for who in [w for w, d in waiting.items() if d < now]:
                del waiting[who]
            if not waiting:
                self._files.pop(file_id, None)
            return browser is not None and browser in waiting


BINDINGS = _Bindings()
# documents shown in pages: file id -> the browsers (cookies) of the sessions that drew them
_DOCUMENTS: dict[str, set[str]] = {}
_DOCUMENTS_LOCK = threading.Lock()


def _cookie(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header: no binding
                return None
            if COOKIE in jar:
                return jar[COOKIE].value
    return None


def _header(scope: Scope, key: bytes) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == key:
            return str(value.decode("latin-1"))
    return None


def _base() -> str:
    from streamlit import config

    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/" if base else "/"


def _is_downloadable(name: str) -> bool:
    from streamlit.runtime import Runtime
    from streamlit.runtime.media_file_storage import MediaFileKind, MediaFileStorageError

    storage = Runtime.instance().media_file_mgr._storage
    try:
        return bool(storage.get_file(name).kind == MediaFileKind.DOWNLOADABLE)  # type: ignore[attr-defined]
    except MediaFileStorageError:
        return False


class Guard:
    """The ASGI middleware around Streamlit's server (see the module's docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        origin, host = _header(scope, b"origin"), _header(scope, b"host")
        # "null" too: a sandboxed document of ours never calls the server back
        if origin and origin.split("://", 1)[-1] != host:
            await _refuse(scope, send, 403)
            return
        base = _base()
        path = scope.get("path", "")
        rest = path[len(base) :] if path.startswith(base) else ""
        answer = self._decide(scope, rest)
        if answer is None:
            await _refuse(scope, send, 404)
            return
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        new = None if _cookie(scope) else secrets.token_urlsafe(32)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                ours = {k for k, _ in answer}
                headers = [h for h in message.get("headers", []) if h[0].lower() not in ours]
                headers += answer
                # on the app's page only: responses to the page's parallel requests would
                # each set another cookie, one arriving after the WebSocket took the first
                page = any(k == b"content-type" and v.startswith(b"text/html") for k, v in headers)
                if new is not None and page and message.get("status") == 200:
                    cookie = f"{COOKIE}={new}; Path={base}; HttpOnly; SameSite=Lax"
                    headers.append((b"set-cookie", cookie.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

    @staticmethod
    def _decide(scope: Scope, rest: str) -> tuple[tuple[bytes, bytes], ...] | None:
        """The headers of the answer to a request for ``rest`` (the path under the base
        path), or None: refused (404)."""
        if rest == "_stcore/script-health-check":
            token = os.environ.get(WARM_UP_ENV)
            given = _header(scope, WARM_UP_HEADER.encode())
            return HEADERS if token and given and hmac.compare_digest(token, given) else None
        if rest.startswith("media/"):
            if scope.get("method") not in ("GET", "HEAD"):
                return None
            name = rest[len("media/") :]
            file_id = os.path.splitext(name)[0]
            browser = _cookie(scope)
            if BINDINGS.bound(file_id):
                return HEADERS if BINDINGS.take(file_id, browser) else None
            with _DOCUMENTS_LOCK:
                readers = _DOCUMENTS.get(file_id)
            if readers is not None:
                return DOCUMENT_HEADERS if browser in readers else None
            return None if _is_downloadable(name) else HEADERS
        if rest.startswith(OPEN_CORE) or not rest.startswith(CLOSED):
            return HEADERS
        return None


async def _refuse(scope: Scope, send: Send, status: int) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    body = b"Not found" if status == 404 else b"Forbidden"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain"), *HEADERS],
        }
    )
    await send({"type": "http.response.body", "body": body})


_MEDIA_ID = re.compile(r"/media/([0-9a-f]+)[^/]*$")


def _browser_of(session_id: str) -> str | None:
    """The :data:`COOKIE` the browser of ``session_id`` sent when it connected."""
    from streamlit.runtime import Runtime

    client = Runtime.instance().get_client(session_id)
    context = client.client_context if client is not None else None
    return context.cookies.get(COOKIE) if context is not None else None


async def _deferred_file(self: Any, request: Any, session_id: str) -> Any:
    """Streamlit's deferred-download handler, for the session that drew the button only
    (Streamlit's own runs any session's file id), the file bound to that browser."""
    from streamlit.proto.ForwardMsg_pb2 import BackendOperationResponse, DeferredFileResponsePayload
    from streamlit.runtime.media_file_storage import MediaFileStorageError

    mgr = self._get_media_file_mgr()
    file_id = request.deferred_file.file_id
    entry = mgr._deferred_callables.get(file_id)
    browser = _browser_of(session_id)
    if entry is None or entry["session_id"] != session_id or not browser:
        _LOGGER.warning("A download asked from another session was refused")
        return BackendOperationResponse(
            request_id=request.request_id, error_msg=REFUSED_OTHER_SESSION
        )
    token = REQUESTER.set(session_id)
    try:
        url = await asyncio.to_thread(mgr.execute_deferred, file_id)
    except MediaFileStorageError as exc:
        refused = isinstance(exc.__cause__, Refused)
        if not refused:
            _LOGGER.error("A download failed", exc_info=exc)
        return BackendOperationResponse(
            request_id=request.request_id,
            error_msg=str(exc.__cause__) if refused else "Failed to generate file for download",
        )
    finally:
        REQUESTER.reset(token)
    found = _MEDIA_ID.search(url)
    if found is None:  # pragma: no cover - Streamlit's media URLs always match
        return BackendOperationResponse(request_id=request.request_id, error_msg="no file")
    BINDINGS.bind(found.group(1), browser)
    return BackendOperationResponse(
        request_id=request.request_id, deferred_file=DeferredFileResponsePayload(url=url)
    )


def publish_document(html: bytes, key: str) -> str:
    """The address of ``html`` for an iframe of this script run's page: a media file of
    this server, served only to this session's browser and in a sandbox of its own
    (see :class:`Guard`). ``key``: names the iframe on its page."""
    import streamlit as st
    from streamlit.runtime import Runtime

    url = Runtime.instance().media_file_mgr.add(html, "text/html", f"openness-document-{key}")
    found = _MEDIA_ID.search(url)
    browser = st.context.cookies.get(COOKIE)
    if found is not None and browser:
        with _DOCUMENTS_LOCK:
            _DOCUMENTS.setdefault(found.group(1), set()).add(browser)
    return _base().rstrip("/") + url


def install() -> None:
    """Replace Streamlit's deferred-download handler by :func:`_deferred_file` (every
    session's dispatcher looks the method up on the class)."""
    from streamlit.runtime.backend_operation_handler import DeferredFileHandler

    DeferredFileHandler.handle = _deferred_file  # type: ignore[method-assign]
