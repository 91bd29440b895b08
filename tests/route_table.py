"""The dashboard server's own route table, as JSON on stdout: every route Streamlit and
the product's entry point (dashboard/openness_server.py) build for the options of
``openness serve``. Run as a separate process (it loads Streamlit's config):

    python tests/route_table.py --server.port 8501 --server.baseUrlPath openness ...

(the flags of :func:`openness.cmd_serve.streamlit_command`). Prints a list of
``{"path", "methods", "kind"}``; kind is ``http``, ``websocket`` or ``mount``.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def _typed(option: Any, values: list[str]) -> Any:
    kind = option.type

    def one(v: str) -> Any:
        if kind is bool:
            return v.lower() == "true"
        return kind(v) if kind in (int, float) else v

    return [one(v) for v in values] if option.multiple else one(values[-1])


def main(args: list[str]) -> None:
    from streamlit import config
    from streamlit.web import bootstrap

    given: dict[str, list[str]] = {}
    for key, value in zip(args[::2], args[1::2], strict=True):
        given.setdefault(key.removeprefix("--"), []).append(value)
    template = config._config_options_template
    bootstrap.load_config_options(
        {k.replace(".", "_"): _typed(template[k], v) for k, v in given.items()}
    )
    from dashboard import openness_server

    routes = []
    for route in openness_server.app._build_starlette_app().routes:
        kind = type(route).__name__
        routes.append(
            {
                "path": getattr(route, "path", ""),
                "methods": sorted(getattr(route, "methods", None) or []),
                "kind": {"WebSocketRoute": "websocket", "Mount": "mount"}.get(kind, "http"),
            }
        )
    print(json.dumps(routes))


if __name__ == "__main__":
    main(sys.argv[1:])
