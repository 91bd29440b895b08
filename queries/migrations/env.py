"""Alembic environment: the engine comes from ``queries.model.db.init_db``."""

from alembic import context

from queries.model.schema import metadata

engine = context.config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        version_table=context.config.attributes["version_table"],
    )
    context.run_migrations()
