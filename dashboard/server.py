"""``python -m dashboard.server run APP [OPTIONS]``: Streamlit's own command line, with
the sign-in hooks (dashboard.oidc_hooks) installed before the server starts.
``openness serve`` runs the dashboard this way."""

from __future__ import annotations

from streamlit.web import cli

from dashboard import oidc_hooks


def main() -> None:
    oidc_hooks.install()
    cli.main(prog_name="streamlit")


if __name__ == "__main__":
    main()
