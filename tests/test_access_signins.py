"""Sign-ins kept on the server and the (iss, sub) each user is bound to
(queries.access.signins, access.md "Sign-in"), on both databases. The same in a real
browser through a real provider: tests/test_browser_signin.py."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from queries.access import audit, signins
from queries.access.users import add_user, remove_user

ISS = "https://idp.bureau.cn/realms/police"
NOW = 1_800_000_000.0


def claims(email: str = "chief@bureau.cn", sub: str = "s-1", **more: object) -> dict[str, object]:
    base: dict[str, object] = {"iss": ISS, "sub": sub, "email": email, "email_verified": True}
    return base | {"iat": int(NOW), "exp": int(NOW) + 600} | more


def start(engine: sa.Engine, c: dict[str, object], **kw: object) -> str:
    return signins.start(engine, c, issuer=ISS, now=NOW, **kw)  # type: ignore[arg-type]


def last_denied(engine: sa.Engine) -> dict[str, object]:
    return audit.read(engine, events=("denied",)).row(-1, named=True)


@pytest.fixture
def chief(engine: sa.Engine) -> sa.Engine:
    add_user(engine, "chief@bureau.cn", "admin", by="test")
    return engine


def test_a_verified_token_starts_a_sign_in_that_lives_until_it_expires(chief: sa.Engine) -> None:
    key = start(chief, claims())
    found = signins.find(chief, key)
    assert found is not None
    assert (found.email, found.iss, found.sub, found.expires) == (
        "chief@bureau.cn",
        ISS,
        "s-1",
        int(NOW) + 600,
    )
    assert found.alive(NOW + 599) and not found.alive(NOW + 600)
    assert signins.find(chief, "a key the server never gave") is None
    assert signins.find(chief, None) is None


@pytest.mark.parametrize("flag", [False, None, "false", 0])
def test_an_unverified_email_is_refused_and_audited(chief: sa.Engine, flag: object) -> None:
    c = claims(email="Chief@Bureau.cn", sub="attacker")
    if flag is None:
        del c["email_verified"]
    else:
        c["email_verified"] = flag
    with pytest.raises(signins.Refused) as refused:
        start(chief, c)
    assert refused.value.code == "unverified"
    last = last_denied(chief)
    assert last["user"] == "chief@bureau.cn" and last["role"] is None
    assert "not say the email address is verified" in str(last["detail"])
    assert "sub attacker" in str(last["detail"])  # the trail tells the two apart
    # nothing started, nothing bound: the real chief still signs in
    with chief.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM sign_in")).scalar_one() == 0
        assert conn.execute(sa.text("SELECT count(*) FROM user_identity")).scalar_one() == 0
    assert signins.find(chief, start(chief, claims())) is not None


def test_a_trusted_issuer_may_send_no_email_verified_claim_but_not_a_false_one(
    chief: sa.Engine,
) -> None:
    c = claims()
    del c["email_verified"]
    assert start(chief, c, trusted=[ISS])
    with pytest.raises(signins.Refused):
        start(chief, claims(email_verified=False), trusted=[ISS])
    with pytest.raises(signins.Refused):
        start(chief, c, trusted=["https://another.idp"])


def test_a_user_is_bound_to_the_first_iss_and_sub(chief: sa.Engine) -> None:
    start(chief, claims(sub="s-1"))
    with pytest.raises(signins.Refused) as refused:
        start(chief, claims(sub="s-2"))
    assert refused.value.code == "other_identity"
    assert "sub s-2" in str(last_denied(chief)["detail"])
    # a change of role keeps the binding; a removal forgets it
    add_user(chief, "chief@bureau.cn", "viewer", by="test")
    with pytest.raises(signins.Refused):
        start(chief, claims(sub="s-2"))
    remove_user(chief, "chief@bureau.cn", by="test")
    add_user(chief, "chief@bureau.cn", "admin", by="test")
    assert start(chief, claims(sub="s-2"))
    with pytest.raises(signins.Refused):
        start(chief, claims(sub="s-1"))


def test_someone_without_a_role_is_not_bound(engine: sa.Engine) -> None:
    start(engine, claims(email="newcomer@bureau.cn", sub="n-1"))
    start(engine, claims(email="newcomer@bureau.cn", sub="n-2"))
    add_user(engine, "newcomer@bureau.cn", "viewer", by="test")
    start(engine, claims(email="newcomer@bureau.cn", sub="n-2"))
    with pytest.raises(signins.Refused):
        start(engine, claims(email="newcomer@bureau.cn", sub="n-1"))


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"iss": "https://evil.example"}, "issuer"),
        ({"exp": int(NOW)}, "expired"),
        ({"sub": ""}, "incomplete"),
        ({"exp": None}, "incomplete"),
    ],
)
def test_other_refusals(chief: sa.Engine, change: dict[str, object], code: str) -> None:
    with pytest.raises(signins.Refused) as refused:
        start(chief, claims() | change)
    assert refused.value.code == code
    assert str(last_denied(chief)["detail"]).startswith("sign-in refused: ")


def test_sign_out_removal_and_a_change_of_role_end_sign_ins(chief: sa.Engine) -> None:
    first, second = start(chief, claims()), start(chief, claims())
    assert signins.end(chief, first, "signed_out")
    assert not signins.end(chief, first, "signed_out")  # once
    assert signins.find(chief, first).ended == "signed_out"  # type: ignore[union-attr]
    assert signins.find(chief, second).alive(NOW)  # type: ignore[union-attr]
    # the same role again changes nothing; another role ends every sign-in
    add_user(chief, "chief@bureau.cn", "admin", by="test")
    assert signins.find(chief, second).alive(NOW)  # type: ignore[union-attr]
    add_user(chief, "chief@bureau.cn", "viewer", by="test")
    assert signins.find(chief, second).ended == "role_changed"  # type: ignore[union-attr]
    third = start(chief, claims())
    remove_user(chief, "chief@bureau.cn", by="test")
    assert signins.find(chief, third).ended == "removed"  # type: ignore[union-attr]


def test_the_key_is_not_stored(chief: sa.Engine) -> None:
    key = start(chief, claims())
    with chief.connect() as conn:
        stored = conn.execute(sa.text("SELECT key_hash FROM sign_in")).scalar_one()
    assert key not in stored and stored == signins.key_hash(key) and len(stored) == 64
