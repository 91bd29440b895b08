"""sign-ins kept on the server, and each user's bound provider identity (access.md)

Revision ID: 0005_sign_in
Revises: 0004_audit_chain
Create Date: 2026-12-06 22:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_sign_in"
down_revision = "0004_audit_chain"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_identity",
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("iss", sa.String(), nullable=False),
        sa.Column("sub", sa.String(), nullable=False),
        sa.Column("bound_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("email"),
    )
    op.create_table(
        "sign_in",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("iss", sa.String(), nullable=False),
        sa.Column("sub", sa.String(), nullable=False),
        sa.Column("issued", sa.BigInteger(), nullable=True),
        sa.Column("expires", sa.BigInteger(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("end_reason", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("key_hash"),
    )
    op.create_index("ix_sign_in_email", "sign_in", ["email"])


def downgrade() -> None:
    op.drop_index("ix_sign_in_email", table_name="sign_in")
    op.drop_table("sign_in")
    op.drop_table("user_identity")
