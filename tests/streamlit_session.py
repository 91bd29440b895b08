"""A dashboard reader without a browser: Streamlit's own WebSocket protocol.

One :class:`Session` is one browser tab as the server sees it: it connects to
``/_stcore/stream``, sends ``BackMsg`` protobufs (``rerun_script`` with the page,
the URL's query string and the widget changed; ``backend_operation_request`` for
a download) and reads the ``ForwardMsg`` protobufs back until the script run has
finished. Far lighter than Chromium (20 pages of Chromium do not fit on 2 cores),
and the server does the same work for it: the same script run, the same caches,
the same deferred download callable.

Used by tests/test_load_sessions.py and benchmarks/many_sessions.py.
"""

from __future__ import annotations

import asyncio
import itertools
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Any

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

# script_finished statuses (ForwardMsg.ScriptFinishedStatus)
FINISHED_EARLY_FOR_RERUN = 2
# widgets whose value the reader changes, by their key (the id ends with "-<key>")
SELECTS = ("f_quarter", "f_month", "f_year", "f_scope", "f_level", "f_ptype")


class SessionError(AssertionError):
    """The server answered a reader with something a reader must never see."""


@dataclass
class Run:
    """One script run as the reader saw it: seconds from the request to the run's end,
    the elements drawn (kind, widget id, text) and the errors shown."""

    seconds: float
    elements: list[tuple[str, str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    metrics: dict[str, str] = field(default_factory=dict)  # label -> value shown
    tables: list[bytes] = field(default_factory=list)  # st.dataframe's Arrow IPC bytes

    def texts(self) -> list[str]:
        return [text for _, _, text in self.elements]


@dataclass
class Widget:
    kind: str
    id: str
    options: list[str]
    label: str


class Session:
    """One reader's connection; ``await open()``, then actions, then ``await close()``.

    ``query``: the query string of the link the reader opened (without ``?``).
    """

    def __init__(self, port: int, query: str = "", *, timeout: float = 120) -> None:
        self.port = port
        self.query = query
        self.timeout = timeout
        self.ws: Any = None
        self.session_id = ""
        self.pages: dict[str, str] = {}  # url path -> page script hash
        self.page = ""  # the page script hash shown
        self.widgets: dict[str, Widget] = {}  # key -> the widget drawn in the last run
        self.downloads: dict[str, str] = {}  # key -> deferred file id
        self._ids = itertools.count(1)
        self.cookie = ""  # the browser cookie the app's page set

    async def open(self) -> Run:
        """Open the app's page as a browser does (its answer sets the browser cookie that
        the server binds made files to: dashboard/guard.py), then its WebSocket."""
        self.cookie = await asyncio.to_thread(_browser_cookie, self.port, self.timeout)
        self.ws = await websockets.connect(
            f"ws://127.0.0.1:{self.port}/_stcore/stream",
            subprotocols=[websockets.Subprotocol("streamlit")],
            additional_headers={"Cookie": self.cookie},
            max_size=None,
            open_timeout=self.timeout,
        )
        return await self._rerun()

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def go_to(self, url_path: str) -> Run:
        """Open a page from the menu."""
        self.page = self.pages[url_path]
        return await self._rerun(page=self.page)

    async def choose(self, key: str, option: str) -> Run:
        """Pick ``option`` (as shown) in the select box or button group ``key``."""
        w = self.widgets[key]
        state = WidgetState(id=w.id)
        if w.kind == "button_group":
            state.string_array_value.data.append(option)
        else:
            state.string_value = option
        return await self._rerun(page=self.page, widget=state)

    async def download(self, key: str) -> bytes:
        """Click the download button ``key``; the file's bytes."""
        request = BackMsg()
        op = request.backend_operation_request
        op.request_id = f"dl{next(self._ids)}"
        op.session_id = self.session_id
        op.deferred_file.file_id = self.downloads[key]
        await self.ws.send(request.SerializeToString())
        deadline = time.monotonic() + self.timeout
        while True:
            msg = await self._receive(deadline)
            if msg.WhichOneof("type") != "backend_operation_response":
                continue
            answer = msg.backend_operation_response
            if answer.request_id != op.request_id:
                continue
            if answer.error_msg:
                raise SessionError(f"download {key}: {answer.error_msg}")
            url = f"http://127.0.0.1:{self.port}{answer.deferred_file.url}"
            return await asyncio.to_thread(_get, url, self.timeout, self.cookie)

    async def _receive(self, deadline: float) -> ForwardMsg:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no answer within {self.timeout} s")
        raw = await asyncio.wait_for(self.ws.recv(), timeout=left)
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        return msg

    async def _rerun(self, page: str = "", widget: WidgetState | None = None) -> Run:
        request = BackMsg()
        state = request.rerun_script
        state.query_string = self.query
        state.page_script_hash = page
        if widget is not None:
            state.widget_states.widgets.append(widget)
        start = time.monotonic()
        await self.ws.send(request.SerializeToString())
        run = Run(0.0)
        self.widgets, self.downloads = {}, {}
        deadline = start + self.timeout
        while True:
            msg = await self._receive(deadline)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.session_id = msg.new_session.initialize.session_id or self.session_id
                if msg.new_session.page_script_hash:
                    self.page = msg.new_session.page_script_hash
            elif kind == "page_info_changed":
                self.query = msg.page_info_changed.query_string
            elif kind == "navigation":
                self.pages = {
                    p.url_pathname or p.page_name: p.page_script_hash
                    for p in msg.navigation.app_pages
                }
                self.page = msg.navigation.page_script_hash or self.page
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                self._element(msg.delta.new_element, run)
            elif kind == "script_finished":
                if msg.script_finished == FINISHED_EARLY_FOR_RERUN:
                    continue  # the script asked for another run (st.rerun, switch_page)
                run.seconds = time.monotonic() - start
                return run

    def _element(self, element: Any, run: Run) -> None:
        kind = element.WhichOneof("type")
        body = getattr(element, kind)
        wid = str(getattr(body, "id", ""))
        key = wid.rsplit("-", 1)[-1] if wid.startswith("$$ID-") else ""
        if kind == "exception":
            run.errors.append(f"exception: {body.type}: {body.message}")
        elif kind == "alert" and body.format == body.ERROR:
            run.errors.append(f"error: {body.body}")
        elif kind == "selectbox" and key:
            self.widgets[key] = Widget(kind, wid, list(body.options), body.label)
        elif kind == "button_group" and key:
            options = [o.content for o in body.options]
            self.widgets[key] = Widget(kind, wid, options, body.label)
        elif kind == "download_button" and key and body.deferred_file_id:
            self.downloads[key] = body.deferred_file_id
        elif kind == "metric":
            run.metrics[body.label] = body.body
        elif kind == "arrow_data_frame" or kind == "dataframe":
            data = getattr(body, "arrow_data", None)
            if data is not None and data.data:
                run.tables.append(bytes(data.data))
        text = ""
        for name in ("body", "label", "value"):
            value = getattr(body, name, None)
            if isinstance(value, str) and value:
                text = value
                break
        run.elements.append((kind, key, text))


def _get(url: str, timeout: float, cookie: str = "") -> bytes:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=timeout) as answer:
        return bytes(answer.read())


def _browser_cookie(port: int, timeout: float) -> str:
    """``name=value`` of the cookies the app's page sets (``""`` when it sets none)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=timeout) as answer:
        answer.read()
        cookies = answer.headers.get_all("Set-Cookie") or []
    return "; ".join(c.split(";", 1)[0] for c in cookies)
