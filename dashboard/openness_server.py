"""The server process of ``openness serve``: Streamlit's own server for dashboard/app.py,
with the product's hooks (dashboard/guard.py) around it. ``openness serve`` runs
``streamlit run`` on this file, which Streamlit recognises as an ``st.App`` and serves
with uvicorn; every option comes from that command line (openness/cmd_serve.py).

Three hooks, nothing else: the ASGI middleware :class:`dashboard.guard.Guard`
(headers, closed endpoints, media files served to their own browser only, foreign
origins refused), the deferred-download handler bound to its session
(:func:`dashboard.guard.install`), and the sign-in callback's server side
(:func:`dashboard.oidc_hooks.install`: the server-side sign-in, a failed callback
sent to a page that says why).
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

# uvicorn imports this file by its name, with dashboard/ on the path
_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from dashboard import guard, oidc_hooks  # noqa: E402

guard.install()
oidc_hooks.install()
app = st.App(str(_ROOT / "dashboard" / "app.py"), middleware=[Middleware(guard.Guard)])
