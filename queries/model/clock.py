"""The bureau's clock: Beijing time (Asia/Shanghai), kept naive like the records.

Records are stamped in local time (records.md); the import log, the audit trail,
the users table and the default as-of use the same clock, declared once here, so
that every time the product shows can be read against every other.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

LOCAL_TIME = ZoneInfo("Asia/Shanghai")


def now_local() -> datetime:
    """Now in Beijing time, naive, to the microsecond (whatever the machine's zone)."""
    return datetime.now(LOCAL_TIME).replace(tzinfo=None)
