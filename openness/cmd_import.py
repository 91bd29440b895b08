"""``openness import``: record files into the database (owned by the importer work)."""
