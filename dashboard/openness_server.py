"""The server process of ``openness serve``: Streamlit's own server for dashboard/app.py,
with the product's hooks (dashboard/guard.py) around it. ``openness serve`` runs
``streamlit run`` on this file, which Streamlit recognises as an ``st.App`` and serves
with uvicorn; every option comes from that command line (openness/cmd_serve.py).

Two hooks, nothing else: the ASGI middleware :class:`dashboard.guard.Guard`
(headers, closed endpoints, media files served to their own browser only, foreign
origins refused) and the deferred-download handler bound to its session
(:func:`dashboard.guard.install`).
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

from dashboard import guard  # noqa: E402

guard.install()
app = st.App(str(_ROOT / "dashboard" / "app.py"), middleware=[Middleware(guard.Guard)])
