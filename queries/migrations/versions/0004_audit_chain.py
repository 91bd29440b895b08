"""audit trail: iss/sub columns, the HMAC chain (mac, the chain's head), no TRUNCATE

Revision ID: 0004_audit_chain
Revises: 0003_import
Create Date: 2026-12-06 22:00:00

Columns are added with plain ALTER TABLE (never a batch copy of the table, which
would drop the SQLite triggers of 0002). Events written before this revision keep
an empty mac: the chain starts at the first event written after it
(docs/DECISIONS.md).
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_audit_chain"
down_revision = "0003_import"
branch_labels = None
depends_on = None

_REFUSE_HEAD = "the audit chain head cannot be removed"


def upgrade() -> None:
    op.add_column("audit_event", sa.Column("iss", sa.String(), nullable=True))
    op.add_column("audit_event", sa.Column("sub", sa.String(), nullable=True))
    op.add_column("audit_event", sa.Column("mac", sa.String(length=64), nullable=True))
    op.create_table(
        "audit_chain",
        sa.Column("chain_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_event_id", sa.Integer(), nullable=True),
        sa.Column("last_mac", sa.String(length=64), nullable=True),
        sa.Column("key_check", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("chain_id"),
    )
    op.execute("INSERT INTO audit_chain (chain_id) VALUES (1)")
    if op.get_bind().dialect.name == "postgresql":
        # row triggers do not see TRUNCATE: a statement trigger refuses it (0002's
        # function raises "the audit trail is append-only")
        op.execute(
            "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
        )
        op.execute(
            "CREATE OR REPLACE FUNCTION audit_chain_keep() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{_REFUSE_HEAD}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain "
            "FOR EACH ROW EXECUTE FUNCTION audit_chain_keep()"
        )
        op.execute(
            "CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_keep()"
        )
    else:
        op.execute(
            "CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain "
            f"BEGIN SELECT RAISE(ABORT, '{_REFUSE_HEAD}'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
        op.execute("DROP TRIGGER IF EXISTS audit_chain_no_truncate ON audit_chain")
        op.execute("DROP TRIGGER IF EXISTS audit_chain_no_delete ON audit_chain")
        op.execute("DROP FUNCTION IF EXISTS audit_chain_keep()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_chain_no_delete")
    op.drop_table("audit_chain")
    with op.batch_alter_table("audit_event", recreate="never") as batch_op:
        batch_op.drop_column("mac")
        batch_op.drop_column("sub")
        batch_op.drop_column("iss")
