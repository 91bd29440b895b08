"""record_version: a counter of the statements that wrote to the record tables

Revision ID: 0006_record_version
Revises: 0005_sign_in
Create Date: 2026-12-07 01:30:00

PostgreSQL: one statement-level trigger per record table (INSERT, UPDATE, DELETE,
TRUNCATE) adds one to the single row, in the writing transaction, so the database's
change marker moves exactly when the records may have (the server's write position,
used before, moved with every write anywhere on the server: a lake was never current).
SQLite keeps its file-based marker; the table is there, unused, on both.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_record_version"
down_revision = "0005_sign_in"
branch_labels = None
depends_on = None

_TABLES = ("units", "disclosures", "feedback", "supervision")


def upgrade() -> None:
    op.create_table(
        "record_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute("INSERT INTO record_version (id, version) VALUES (1, 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION record_version_bump() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            "UPDATE record_version SET version = version + 1 WHERE id = 1; "
            "RETURN NULL; END $$"
        )
        for t in _TABLES:
            op.execute(
                f"CREATE TRIGGER {t}_record_version AFTER INSERT OR UPDATE OR DELETE "
                f"OR TRUNCATE ON {t} FOR EACH STATEMENT EXECUTE FUNCTION record_version_bump()"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for t in _TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {t}_record_version ON {t}")
        op.execute("DROP FUNCTION IF EXISTS record_version_bump()")
    op.drop_table("record_version")
