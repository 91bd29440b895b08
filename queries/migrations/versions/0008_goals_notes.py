"""goals (目标值) and notes on the charts (cli.md, "Goals and notes")

Revision ID: 0008_goals_notes
Revises: 0007_jobs
Create Date: 2026-12-07 04:00:00

A goal: an indicator's value to reach, for all units, a level, a unit kind or one
unit (at most one of ``level``, ``kind``, ``unit_id``), from a year on; who set it and
when. A note: a text on a unit's charts for a date range (it covers the unit and the
units below), who wrote it and when.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_goals_notes"
down_revision = "0007_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "goal",
        sa.Column("goal_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("level", sa.String(length=32), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=True),
        sa.Column("unit_id", sa.String(), nullable=True),
        sa.Column("from_year", sa.Integer(), nullable=False),
        sa.Column("set_by", sa.String(length=320), nullable=False),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("goal_id"),
    )
    op.create_table(
        "note",
        sa.Column("note_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("unit_id", sa.String(), nullable=False),
        sa.Column("from_date", sa.Date(), nullable=False),
        sa.Column("to_date", sa.Date(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("author", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("note_id"),
    )
    op.create_index("ix_note_unit", "note", ["unit_id"])


def downgrade() -> None:
    op.drop_index("ix_note_unit", table_name="note")
    op.drop_table("note")
    op.drop_table("goal")
