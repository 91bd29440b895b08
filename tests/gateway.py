"""A gateway for the tests: a tiny reverse proxy on loopback that serves the dashboard
under a path, as a bureau's gateway does (docs/deploy.md, "A gateway and a base path").

Requests whose path is under ``prefix`` go to the dashboard unchanged (path and Host
header too); any other path is answered 404 and listed in :attr:`Gateway.outside`, so
a link that leaves the path shows. One request per connection (``Connection: close``);
a WebSocket upgrade is piped both ways until either side closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from types import TracebackType


class Gateway:
    def __init__(self, port: int, backend_port: int, prefix: str) -> None:
        self.port, self.backend_port, self.prefix = port, backend_port, prefix.rstrip("/")
        self.passed: list[str] = []
        self.outside: list[str] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.AbstractServer | None = None

    def __enter__(self) -> Gateway:
        self._thread.start()
        started = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._serve, "127.0.0.1", self.port), self._loop
        )
        self._server = started.result(timeout=10)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        async def stop() -> None:
            if self._server is not None:
                self._server.close()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            writer.close()
            return
        line, *headers = head.decode("latin-1").rstrip("\r\n").split("\r\n")
        target = line.split(" ")[1] if line.count(" ") >= 2 else ""
        path = target.split("?", 1)[0]
        if not (path == self.prefix or path.startswith(self.prefix + "/")):
            self.outside.append(target)
            writer.write(
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nNot found"
            )
            await writer.drain()
            writer.close()
            return
        self.passed.append(target)
        upgrade = any(h.lower().startswith("upgrade:") for h in headers)
        if not upgrade:
            headers = [h for h in headers if not h.lower().startswith("connection:")]
            headers.append("Connection: close")
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.backend_port)
        up_writer.write(("\r\n".join([line, *headers]) + "\r\n\r\n").encode("latin-1"))
        await up_writer.drain()
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError, OSError):
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()
    with contextlib.suppress(ConnectionError, OSError):
        sink.close()
