"""Database tables (SQLAlchemy Core), derived from the record declarations.

The schema itself is created and upgraded by the Alembic migrations in
``queries/migrations``; this module is what the code queries against.
"""

from __future__ import annotations

import sqlalchemy as sa

from queries.model.records import KINDS, FieldType, RecordKind

metadata = sa.MetaData()

_SQL_TYPES: dict[FieldType, sa.types.TypeEngine] = {
    FieldType.TEXT: sa.String(),
    FieldType.ENUM: sa.String(32),
    FieldType.DATE: sa.Date(),
    FieldType.DATETIME: sa.DateTime(),
    FieldType.BOOL: sa.Boolean(),
}


def _record_table(kind: RecordKind) -> sa.Table:
    cols = [
        sa.Column(
            f.name,
            _SQL_TYPES[f.type],
            primary_key=(f.name == kind.key),
            nullable=not f.required,
        )
        for f in kind.fields
    ]
    # which import last wrote the row (for the Data page's freshness view)
    cols.append(sa.Column("import_id", sa.Integer, nullable=True))
    indexes = []
    if kind.name != "units":
        indexes.append(sa.Index(f"ix_{kind.name}_unit", "unit_id"))
    if kind.anchor:
        indexes.append(sa.Index(f"ix_{kind.name}_anchor", kind.anchor))
    return sa.Table(kind.name, metadata, *cols, *indexes)


units = _record_table(KINDS["units"])
disclosures = _record_table(KINDS["disclosures"])
feedback = _record_table(KINDS["feedback"])
supervision = _record_table(KINDS["supervision"])

RECORD_TABLES: dict[str, sa.Table] = {
    "units": units,
    "disclosures": disclosures,
    "feedback": feedback,
    "supervision": supervision,
}

import_log = sa.Table(
    "import_log",
    metadata,
    sa.Column("import_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("file", sa.String, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("started_at", sa.DateTime, nullable=False),
    sa.Column("finished_at", sa.DateTime, nullable=True),
    sa.Column("rows_read", sa.Integer, nullable=False, default=0),
    sa.Column("rows_accepted", sa.Integer, nullable=False, default=0),
    sa.Column("rows_rejected", sa.Integer, nullable=False, default=0),
    sa.Column("checksum", sa.String(64), nullable=False),
    # running | committed | rolled_back (strict mode with rejects) | failed (unusable
    # file or environment: ``message`` says why) | interrupted (its process died)
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("rejects_file", sa.String, nullable=True),
    sa.Column("message", sa.String, nullable=True),
    # host:pid of the importing process, to tell a running import from a dead one
    sa.Column("owner", sa.String, nullable=True),
)

# rejected rows, one per problem: row number, column, reason, the record's key and
# its record columns as read (JSON; never a column records.md does not name)
import_reject = sa.Table(
    "import_reject",
    metadata,
    sa.Column("import_id", sa.Integer, nullable=False),
    sa.Column("row_number", sa.Integer, nullable=False),
    sa.Column("column_name", sa.String, nullable=True),
    sa.Column("reason", sa.String, nullable=False),
    sa.Column("record_key", sa.String, nullable=True),
    sa.Column("record", sa.String, nullable=True),
    sa.Index("ix_import_reject_import", "import_id"),
)

# who may sign in, with which role (access.md; queries.access.users). One role a
# person; ``unit_id`` only for unit_head (the unit whose subtree they reach).
app_user = sa.Table(
    "app_user",
    metadata,
    sa.Column("email", sa.String(320), primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("unit_id", sa.String, nullable=True),
    sa.Column("added_at", sa.DateTime, nullable=False),
)

# a user's identity at the provider, bound at their first sign-in (access.md,
# queries.access.signins): a later token for the address from another (iss, sub) is
# refused; kept through a change of role, dropped with the user
user_identity = sa.Table(
    "user_identity",
    metadata,
    sa.Column("email", sa.String(320), primary_key=True),
    sa.Column("iss", sa.String, nullable=False),
    sa.Column("sub", sa.String, nullable=False),
    sa.Column("bound_at", sa.DateTime, nullable=False),
)

# each sign-in, kept on the server (access.md; queries.access.signins): the cookie
# holds a random key whose SHA-256 is ``key_hash``; a sign-in lives while ``ended_at``
# is empty and ``expires`` (the ID token's exp, seconds since 1970, UTC) is ahead
sign_in = sa.Table(
    "sign_in",
    metadata,
    sa.Column("key_hash", sa.String(64), primary_key=True),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("iss", sa.String, nullable=False),
    sa.Column("sub", sa.String, nullable=False),
    sa.Column("issued", sa.BigInteger, nullable=True),
    sa.Column("expires", sa.BigInteger, nullable=False),
    sa.Column("started_at", sa.DateTime, nullable=False),
    sa.Column("ended_at", sa.DateTime, nullable=True),
    sa.Column("end_reason", sa.String(64), nullable=True),
    sa.Index("ix_sign_in_email", "email"),
)

# the audit trail (access.md; queries.access.audit): append-only, triggers in the
# migration refuse UPDATE and DELETE on both databases and TRUNCATE on PostgreSQL; each
# event's mac chains it to the one before (queries.access.chain); None before 0004
audit_event = sa.Table(
    "audit_event",
    metadata,
    sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("user_email", sa.String(320), nullable=False),
    sa.Column("role", sa.String(16), nullable=True),
    sa.Column("event", sa.String(16), nullable=False),
    sa.Column("page", sa.String(64), nullable=True),
    sa.Column("unit_id", sa.String, nullable=True),
    sa.Column("period", sa.String(64), nullable=True),
    sa.Column("as_of", sa.DateTime, nullable=True),
    sa.Column("records", sa.Integer, nullable=True),
    sa.Column("detail", sa.String, nullable=True),
    sa.Column("iss", sa.String, nullable=True),
    sa.Column("sub", sa.String, nullable=True),
    sa.Column("mac", sa.String(64), nullable=True),
    sa.Index("ix_audit_event_at", "at"),
    sa.Index("ix_audit_event_user", "user_email"),
)

# the chain's head: one row (chain_id 1), locked by each append so that appends from
# several processes chain one after another; it names the last chained event (a cut
# end shows) and a check of the key (a wrong key file shows). Deletes are refused.
audit_chain = sa.Table(
    "audit_chain",
    metadata,
    sa.Column("chain_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("last_event_id", sa.Integer, nullable=True),
    sa.Column("last_mac", sa.String(64), nullable=True),
    sa.Column("key_check", sa.String(64), nullable=True),
)

# how many statements have written to the record tables (PostgreSQL: a statement
# trigger on each adds one, in the writer's transaction): the exact part of
# queries.store.changes.change_marker, which a lake of the database records
record_version = sa.Table(
    "record_version",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("version", sa.BigInteger, nullable=False),
)

# scheduled jobs (cli.md, "Jobs"): what to run, when, and how the last run went;
# options as JSON; memory: what the job keeps between runs (alerts: the signals seen)
job = sa.Table(
    "job",
    metadata,
    sa.Column("job_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("schedule", sa.String(128), nullable=False),
    sa.Column("options", sa.Text, nullable=False),
    sa.Column("unit_id", sa.String, nullable=True),
    sa.Column("created_by", sa.String(320), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_run", sa.DateTime, nullable=True),
    sa.Column("last_result", sa.Text, nullable=True),
    sa.Column("next_run", sa.DateTime, nullable=False),
    sa.Column("memory", sa.Text, nullable=True),
    sa.UniqueConstraint("name", name="uq_job_name"),
)

# each run of a job; a run is claimed by inserting its row: the unique (job_id, slot)
# makes two processes that find the same slot due run it once
job_run = sa.Table(
    "job_run",
    metadata,
    sa.Column("run_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("job_id", sa.Integer, nullable=False),
    sa.Column("slot", sa.DateTime, nullable=False),
    sa.Column("started", sa.DateTime, nullable=False),
    sa.Column("finished", sa.DateTime, nullable=True),
    sa.Column("result", sa.Text, nullable=True),
    sa.Column("started_by", sa.String(320), nullable=False),
    sa.UniqueConstraint("job_id", "slot", name="uq_job_run_slot"),
)

# goals (目标值; cli.md "Goals and notes", queries.access.goals): an indicator's value to
# reach, as the indicator table writes it, for every unit or one level, unit kind or
# unit (at most one of the three), from ``from_year`` on
goal = sa.Table(
    "goal",
    metadata,
    sa.Column("goal_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(32), nullable=False),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("level", sa.String(32), nullable=True),
    sa.Column("kind", sa.String(32), nullable=True),
    sa.Column("unit_id", sa.String, nullable=True),
    sa.Column("from_year", sa.Integer, nullable=False),
    sa.Column("set_by", sa.String(320), nullable=False),
    sa.Column("set_at", sa.DateTime, nullable=False),
)

# notes on the charts (queries.access.notes): a text for a unit and the units below it,
# over the days from_date..to_date, with who wrote it and when
note = sa.Table(
    "note",
    metadata,
    sa.Column("note_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("unit_id", sa.String, nullable=False),
    sa.Column("from_date", sa.Date, nullable=False),
    sa.Column("to_date", sa.Date, nullable=False),
    sa.Column("text", sa.String, nullable=False),
    sa.Column("author", sa.String(320), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Index("ix_note_unit", "unit_id"),
)
