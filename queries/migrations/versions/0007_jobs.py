"""jobs and their runs: scheduled imports, briefings, public bundles and alerts (cli.md, "Jobs")

Revision ID: 0007_jobs
Revises: 0006_record_version
Create Date: 2026-12-07 04:10:00

``job_run``'s unique (job_id, slot) is the lock of ``openness jobs run-due``: a run is
claimed by inserting its row, so two processes (two servers, cron and a person) that
find the same slot due insert once, on SQLite and PostgreSQL alike.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_jobs"
down_revision = "0006_record_version"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job",
        sa.Column("job_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("schedule", sa.String(length=128), nullable=False),
        sa.Column("options", sa.Text(), nullable=False),
        sa.Column("unit_id", sa.String(), nullable=True),
        sa.Column("created_by", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_run", sa.DateTime(), nullable=True),
        sa.Column("last_result", sa.Text(), nullable=True),
        sa.Column("next_run", sa.DateTime(), nullable=False),
        sa.Column("memory", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("job_id"),
        sa.UniqueConstraint("name", name="uq_job_name"),
    )
    op.create_table(
        "job_run",
        sa.Column("run_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.DateTime(), nullable=False),
        sa.Column("started", sa.DateTime(), nullable=False),
        sa.Column("finished", sa.DateTime(), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("started_by", sa.String(length=320), nullable=False),
        sa.PrimaryKeyConstraint("run_id"),
        sa.UniqueConstraint("job_id", "slot", name="uq_job_run_slot"),
    )


def downgrade() -> None:
    op.drop_table("job_run")
    op.drop_table("job")
