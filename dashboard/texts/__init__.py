"""The dashboard's own texts, one module per page group; :mod:`dashboard.i18n` merges them."""
