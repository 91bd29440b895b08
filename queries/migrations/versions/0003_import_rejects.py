"""import: the rejected record's key and columns, the log's cause and owner

Revision ID: 0003_import
Revises: 0002_access
Create Date: 2026-11-30 09:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_import"
down_revision = "0002_access"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("import_reject", schema=None) as batch_op:
        batch_op.add_column(sa.Column("record_key", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("record", sa.String(), nullable=True))
    with op.batch_alter_table("import_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("owner", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("import_log", schema=None) as batch_op:
        batch_op.drop_column("owner")
        batch_op.drop_column("message")
    with op.batch_alter_table("import_reject", schema=None) as batch_op:
        batch_op.drop_column("record")
        batch_op.drop_column("record_key")
