"""Sign-ins kept on the server, and the provider identity each user is bound to
(access.md, "Sign-in"). SQLAlchemy Core only; no Streamlit.

A sign-in starts when the provider's ID token comes back (:func:`start`): the
token's claims are checked (the pinned issuer, a verified email, the user's bound
``(iss, sub)``, not expired), a row of ``sign_in`` is written, and the caller gets
a random key to keep in the browser's signed cookie. Every run of every page looks
the key up again (:func:`find`): the sign-in lives until it is ended (sign-out,
the user removed or their role changed: :func:`end`, :func:`end_for`) or its ID
token expires. A refused token is audited as ``denied`` with the reason and
raises :class:`Refused`.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from queries.access import audit
from queries.model.clock import now_local
from queries.model.schema import app_user, sign_in, user_identity

# the claim of the signed cookie that carries the key of the server-side sign-in
KEY_CLAIM = "openness_sign_in"

# why a token is refused: code -> the audit trail's words (the dashboard's failure
# page names the code's own text, dashboard/texts/access.py "signin.failed.<code>")
REASONS = {
    "issuer": "the ID token's issuer is not the configured provider",
    "unverified": "the provider does not say the email address is verified",
    "other_identity": "the address is bound to another identity at the provider",
    "incomplete": "the ID token lacks iss, sub or exp",
    "expired": "the ID token has expired",
}


class Refused(Exception):
    """A token that may not sign in (already audited as ``denied``); ``code`` is a key
    of :data:`REASONS`."""

    def __init__(self, code: str, detail: str) -> None:
        self.code = code
        super().__init__(detail)


@dataclass(frozen=True)
class SignIn:
    """One sign-in: who (``email``, lower case, "" without an email claim), the
    provider identity, the ID token's ``issued``/``expires`` (seconds since 1970,
    UTC) and, once ended, why (``ended``: None while it lives)."""

    email: str
    iss: str
    sub: str
    issued: int | None
    expires: int
    ended: str | None = None

    def alive(self, now: float | None = None) -> bool:
        return self.ended is None and self.expires > (time.time() if now is None else now)


def key_hash(key: str) -> str:
    """The stored form of a sign-in key: its SHA-256, hex (64 characters)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _int(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def verified(claims: Mapping[str, object], trusted: Collection[str] = ()) -> bool:
    """Whether the token's email may be believed: ``email_verified`` is true, or the
    token has no such claim and its issuer is one of ``trusted``.

    >>> verified({"email_verified": True})
    True
    >>> verified({"email_verified": False, "iss": "x"}, trusted=["x"])
    False
    >>> verified({"iss": "x"}, trusted=["x"]), verified({"iss": "y"}, trusted=["x"])
    (True, False)
    """
    flag = claims.get("email_verified")
    if flag is None:
        return str(claims.get("iss") or "") in trusted
    return flag is True or (isinstance(flag, str) and flag.lower() == "true")


def start(
    engine: sa.Engine,
    claims: Mapping[str, object],
    *,
    issuer: str | None,
    trusted: Collection[str] = (),
    now: float | None = None,
) -> str:
    """Start a sign-in for a verified ID token's ``claims``; its new key (43 URL-safe
    characters, for the browser's signed cookie).

    ``issuer``: the configured provider's issuer (None: not checked here); ``trusted``:
    issuers whose email is believed without an ``email_verified`` claim. A user with a
    role is bound to the token's ``(iss, sub)`` at their first sign-in. Raises
    :class:`Refused` (audited as ``denied``) for a token of another issuer, an
    unverified email, an address bound to another identity, missing claims or an
    expired token; nothing is written then but the audit event.
    """
    now = time.time() if now is None else now
    email = str(claims.get("email") or "").strip().lower()
    iss, sub = str(claims.get("iss") or ""), str(claims.get("sub") or "")
    expires, issued = _int(claims.get("exp")), _int(claims.get("iat"))
    code: str | None = None
    if not iss or not sub or expires is None:
        code = "incomplete"
    elif issuer is not None and iss != issuer:
        code = "issuer"
    elif expires <= now:
        code = "expired"
    elif email and not verified(claims, trusted):
        code = "unverified"
    key = secrets.token_urlsafe(32)
    if code is None:
        with engine.begin() as conn:
            if email and _has_role(conn, email):
                bound = conn.execute(
                    sa.select(user_identity.c.iss, user_identity.c.sub).where(
                        user_identity.c.email == email
                    )
                ).first()
                if bound is None:
                    conn.execute(
                        sa.insert(user_identity),
                        [{"email": email, "iss": iss, "sub": sub, "bound_at": now_local()}],
                    )
                elif (bound.iss, bound.sub) != (iss, sub):
                    code = "other_identity"
            if code is None:
                row = {
                    "key_hash": key_hash(key),
                    "email": email,
                    "iss": iss,
                    "sub": sub,
                    "issued": issued,
                    "expires": expires,
                    "started_at": now_local(),
                }
                conn.execute(sa.insert(sign_in), [row])
    if code is not None:
        detail = f"sign-in refused: {REASONS[code]} (iss {iss or '-'}, sub {sub or '-'})"
        audit.write(
            engine,
            "denied",
            None,
            audit.Where(page="sign_in"),
            detail=detail,
            email=email or "(no email claim)",
        )
        raise Refused(code, detail)
    return key


def _has_role(conn: sa.Connection, email: str) -> bool:
    q = sa.select(app_user.c.email).where(app_user.c.email == email)
    return conn.execute(q).first() is not None


def find(engine: sa.Engine, key: object) -> SignIn | None:
    """The sign-in of ``key`` (the cookie's :data:`KEY_CLAIM`), ended or not; None for
    a key the server never gave (or none)."""
    if not isinstance(key, str) or not key:
        return None
    t = sign_in
    q = sa.select(t.c.email, t.c.iss, t.c.sub, t.c.issued, t.c.expires, t.c.end_reason).where(
        t.c.key_hash == key_hash(key)
    )
    with engine.connect() as conn:
        row = conn.execute(q).first()
    if row is None:
        return None
    ended = row.end_reason or None
    return SignIn(row.email, row.iss, row.sub, row.issued, int(row.expires), ended)


def end(engine: sa.Engine, key: object, reason: str) -> bool:
    """End the sign-in of ``key`` (``reason``: ``signed_out`` …); whether one was live."""
    if not isinstance(key, str) or not key:
        return False
    with engine.begin() as conn:
        done = conn.execute(
            sa.update(sign_in)
            .where(sign_in.c.key_hash == key_hash(key), sign_in.c.ended_at.is_(None))
            .values(ended_at=now_local(), end_reason=reason)
        )
    return bool(done.rowcount)


def end_for(conn: sa.Connection, email: str, reason: str) -> int:
    """End every live sign-in of ``email`` inside the caller's transaction (``reason``:
    ``removed``, ``role_changed``); how many."""
    done = conn.execute(
        sa.update(sign_in)
        .where(sign_in.c.email == email.strip().lower(), sign_in.c.ended_at.is_(None))
        .values(ended_at=now_local(), end_reason=reason)
    )
    return int(done.rowcount or 0)


def unbind(conn: sa.Connection, email: str) -> None:
    """Forget ``email``'s provider identity (the user is removed): the next first
    sign-in binds it anew."""
    conn.execute(sa.delete(user_identity).where(user_identity.c.email == email.strip().lower()))
