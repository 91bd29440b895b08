"""``openness seed``: generated demo records (owned by the seed work)."""
