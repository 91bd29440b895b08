"""Every Streamlit option of the dashboard's server, pinned (docs/deploy.md, "What
``openness serve`` pins").

The list is Streamlit's own (``streamlit.config._config_options_template``): each
option is given on the command line, which wins over every config file and
``STREAMLIT_*`` variable, with the product's value (:data:`PRODUCT`) or else
Streamlit's default. What a command line cannot carry stays unset and nothing can
set it either: the server runs with ``HOME`` and its working folder an empty
temporary folder and no ``STREAMLIT_*`` variable (openness/cmd_serve.py):

- sensitive options (``server.cookieSecret``: Streamlit refuses them on a command
  line; sign-in cookies are signed with the ``--auth`` file's ``cookie_secret``);
- options without a default (``None``: most ``theme.*``, ``server.sslCertFile``, ...)
  and list options whose default is empty.
"""

from __future__ import annotations

from collections.abc import Sequence

from queries.model.settings.declarations import setting

# the product's values; every other option is pinned to Streamlit's default
PRODUCT: dict[str, str | Sequence[str]] = {
    "server.headless": "true",
    "server.fileWatcherType": "none",
    "server.runOnSave": "false",
    "server.allowRunOnSave": "false",
    # a WebSocket whose Host is not ours is refused (DNS rebinding)
    "server.enableCORS": "true",
    "server.corsAllowedOrigins": ("",),
    "server.enableXsrfProtection": "true",
    "server.xsrfCookieSameSite": "lax",
    "server.enableAgentApi": "false",
    "server.enableStaticServing": "false",
    # identity only from the sign-in, never from a request header
    "server.trustedUserHeaders": "{}",
    # no st.user attribute on the metrics endpoint (closed anyway: dashboard/guard.py;
    # an empty list cannot be given on a command line, a key st.user never has is as good)
    "server.unsafeMetricsUserAttributes": ("openness_none",),
    # the Data page's uploads: the setting upload_max_mb (its default here; `serve` gives
    # the value of the settings file in force), so Streamlit refuses no file the page takes
    "server.maxUploadSize": str(setting("upload_max_mb").default),
    "server.enableExpensiveMemoryStats": "false",
    "client.showErrorDetails": "none",
    "client.showErrorLinks": "false",
    "client.toolbarMode": "minimal",
    # no table leaves by its toolbar: every file goes through the audited export layer
    "client.disableDataExport": "true",
    # no parent frame may drive the app by postMessage
    "client.allowedOrigins": ("",),
    "global.developmentMode": "false",
    "global.e2eTest": "false",
    "global.unitTest": "false",
    "global.appTest": "false",
    "browser.gatherUsageStats": "false",
    # no debug logging: it writes session ids and messages into the log
    "logger.level": "info",
    "logger.messageFormat": "%(asctime)s %(message)s",
    "logger.enableRich": "false",
    "server.showEmailPrompt": "false",
    # lets the warm-up (with its token, dashboard/guard.py) run the script once
    "server.scriptHealthCheckEnabled": "true",
    # no full garbage collection after every script run: with many sessions it cost
    # as much as the runs themselves, holding the interpreter lock all along
    # (docs/DECISIONS.md, "Many sessions at once"); Python's own collector still runs
    "runner.postScriptGC": "false",
    "theme.base": "light",
    "theme.primaryColor": "#1f4e96",
}


def _text(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def pinned_options(
    own: dict[str, str | Sequence[str]],
) -> list[tuple[str, str]]:
    """``(key, value)`` for the command line: every option of Streamlit's list with
    ``own`` (port, address, hosts, secrets, base path), else :data:`PRODUCT`, else
    Streamlit's default. A list option gives one pair per item.

    Raises ``KeyError`` naming a key of ``own`` or :data:`PRODUCT` that Streamlit does
    not know (a renamed option must not be silently dropped).
    """
    from streamlit import config

    template = config._config_options_template
    values = {**PRODUCT, **own}
    unknown = sorted(k for k in values if k not in template)
    if unknown:
        raise KeyError(f"Streamlit has no option {', '.join(unknown)}")
    out: list[tuple[str, str]] = []
    for key, option in template.items():
        if option.sensitive or option.deprecated:
            continue
        value = values.get(key, option.default_val)
        if value is None:
            continue
        if option.multiple:
            items = [value] if isinstance(value, str) else list(value)
            out += [(key, _text(v)) for v in items]
        elif isinstance(value, dict):
            out.append((key, "{}" if not value else str(value)))
        else:
            out.append((key, _text(value)))
    return out
