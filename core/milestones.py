"""Which reminder something due on a date gets today: shared by grants and commissioning."""

from __future__ import annotations

import datetime as dt

AHEAD_DAYS = 14


def reminder_milestone(due: dt.date, today: dt.date, *, ahead: int = AHEAD_DAYS) -> str | None:
    """ "due_14" within `ahead` days, "due_today" on the day, then "overdue_0",
    "overdue_1"... once a week. Each is sent once, so the name is the outbox period."""
    days_left = (due - today).days
    if 1 <= days_left <= ahead:
        return "due_14"
    if days_left == 0:
        return "due_today"
    if days_left < 0:
        return f"overdue_{(-days_left - 1) // 7}"
    return None
