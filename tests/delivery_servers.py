"""Real servers on loopback for the delivery tests: an SMTP server (aiosmtpd) with
STARTTLS on a certificate made here and AUTH, and an HTTP receiver whose answer each
test decides (a webhook, or a WeCom / DingTalk robot that checks the documented
message format and signature and rejects anything else)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import socket
import ssl
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for ``localhost`` and 127.0.0.1, and its key: (cert, key) files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mailbox:
    """What the SMTP server received: (envelope sender, recipients, raw bytes, whether
    the session was under TLS, the login used) per mail."""

    mails: list[tuple[str, list[str], bytes, bool, str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        auth = session.auth_data
        login = auth.login.decode() if isinstance(auth, LoginPassword) else ""
        self.mails.append(
            (
                str(envelope.mail_from),
                list(envelope.rcpt_tos),
                raw,
                # STARTTLS (session.ssl), or TLS from the first byte (the transport's)
                session.ssl is not None
                or server.transport.get_extra_info("ssl_object") is not None,
                login,
            )
        )
        return "250 OK"


class _Controller(Controller):
    def factory(self) -> SMTP:
        with warnings.catch_warnings():
            # implicit TLS is TLS, though aiosmtpd counts only STARTTLS and warns
            warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS")
            return super().factory()


@contextmanager
def smtp_server(
    folder: Path, user: str, password: str, implicit_tls: bool = False
) -> Iterator[tuple[int, Mailbox, Path]]:
    """An SMTP server on 127.0.0.1 that requires STARTTLS (or, ``implicit_tls``, TLS
    from the first byte, as on port 465) and AUTH (``user`` and ``password``): (port,
    mailbox, the certificate to trust)."""
    cert, key = self_signed(folder)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)

    def authenticator(
        server: Any, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and data.login == user.encode()
            and data.password == password.encode()
        )
        return AuthResult(success=ok, handled=False, auth_data=data)

    box = Mailbox()
    port = free_port()
    controller = _Controller(
        box,
        hostname="127.0.0.1",
        port=port,
        server_hostname="localhost",
        ssl_context=tls if implicit_tls else None,
        tls_context=None if implicit_tls else tls,
        require_starttls=not implicit_tls,
        auth_required=True,
        auth_require_tls=not implicit_tls,  # aiosmtpd sees only STARTTLS as TLS
        authenticator=authenticator,
    )
    controller.start()
    try:
        yield port, box, cert
    finally:
        controller.stop()


@dataclass
class Request:
    path: str
    query: dict[str, str]
    raw_query: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


# an answer: (HTTP status, JSON body)
Answer = tuple[int, dict[str, Any]]


@contextmanager
def http_receiver(
    answer: Callable[[Request], Answer], tls: tuple[Path, Path] | None = None
) -> Iterator[tuple[str, list[Request]]]:
    """An HTTP server on 127.0.0.1 answering each POST (or GET) with ``answer(request)``
    (a 3xx points to ``/elsewhere``), over HTTPS with ``tls`` (certificate, key):
    (its base URL, the requests received)."""
    received: list[Request] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            parts = urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            req = Request(
                parts.path,
                {k: v[0] for k, v in parse_qs(parts.query).items()},
                parts.query,
                {k.lower(): v for k, v in self.headers.items()},
                body,
            )
            received.append(req)
            status, data = answer(req)
            out = json.dumps(data, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", "/elsewhere")
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        do_GET = do_POST  # what a client following a redirect would send

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    scheme = "http"
    if tls is not None:  # HTTPS on the certificate and key given
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{scheme}://localhost:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()


OK: Answer = (200, {"errcode": 0, "errmsg": "ok"})


def wecom_robot(key: str) -> Callable[[Request], Answer]:
    """A WeCom group robot as its documentation describes it: the key in the query,
    msgtype text (content <= 2048 bytes) or markdown (content <= 4096 bytes)."""

    def answer(req: Request) -> Answer:
        if req.path != "/cgi-bin/webhook/send" or req.query.get("key") != key:
            return 200, {"errcode": 93000, "errmsg": "invalid webhook url"}
        data = req.json()
        kind = data.get("msgtype")
        limit = {"text": 2048, "markdown": 4096}.get(kind)
        body = data.get(kind) if limit else None
        if not isinstance(body, dict) or not isinstance(body.get("content"), str):
            return 200, {"errcode": 40008, "errmsg": "invalid message type"}
        if len(body["content"].encode("utf-8")) > limit:  # type: ignore[operator]
            return 200, {"errcode": 40058, "errmsg": f"{kind}.content exceed max length {limit}"}
        return OK

    return answer


def dingtalk_sign(timestamp: str, secret: str) -> str:
    """The documented signature, base64 (before URL encoding), computed here on its own."""
    digest = hmac.new(
        secret.encode("utf-8"), f"{timestamp}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def dingtalk_robot(token: str, secret: str | None) -> Callable[[Request], Answer]:
    """A DingTalk group robot: access_token, the signature of a signed robot (timestamp
    within an hour), msgtype text or markdown (title and text), body <= 20000 bytes."""

    def answer(req: Request) -> Answer:
        if req.path != "/robot/send" or req.query.get("access_token") != token:
            return 200, {"errcode": 300001, "errmsg": "token is not exist"}
        if secret is not None:
            stamp = req.query.get("timestamp", "")
            if not stamp.isdigit() or abs(time.time() * 1000 - int(stamp)) > 3600_000:
                return 200, {"errcode": 310000, "errmsg": "timestamp invalid"}
            # the base64 signature must arrive URL-encoded ("+", "/", "=" escaped)
            raw = dict(p.partition("=")[::2] for p in req.raw_query.split("&")).get("sign", "")
            if any(c in raw for c in "+/=") or unquote(raw) != dingtalk_sign(stamp, secret):
                return 200, {"errcode": 310000, "errmsg": "sign not match"}
        if len(req.body) > 20000:
            return 200, {"errcode": 460101, "errmsg": "message too long, exceed 20000 bytes"}
        data = req.json()
        kind = data.get("msgtype")
        fields = {"text": ("content",), "markdown": ("title", "text")}.get(kind)
        body = data.get(kind) if fields else None
        if not isinstance(body, dict) or not all(isinstance(body.get(f), str) for f in fields):  # type: ignore[union-attr]
            return 200, {"errcode": 40035, "errmsg": "缺少参数 json"}
        return OK

    return answer
