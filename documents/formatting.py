"""Money and date wording used on pages, in emails and in letters (no queries)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone


def clock_text(moment: dt.datetime) -> str:
    """'12 noon', 'midnight', '9am' or '2:30pm' in London time."""
    local = timezone.localtime(moment)
    if local.hour == 12 and local.minute == 0:
        return "12 noon"
    if local.hour == 0 and local.minute == 0:
        return "midnight"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def deadline_text(moment: dt.datetime) -> str:
    """'12 noon on Friday 10 November 2023', in London time."""
    local = timezone.localtime(moment)
    return f"{clock_text(local)} on {local:%A} {local.day} {local:%B %Y}"


def date_text(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def time_left_text(moment: dt.datetime, now: dt.datetime | None = None) -> str:
    """'3 days left', '5 hours left', 'less than an hour left' or 'closed'."""
    remaining = moment - (now or timezone.now())
    if remaining.total_seconds() <= 0:
        return "closed"
    if remaining.days >= 2:
        return f"{remaining.days} days left"
    hours = int(remaining.total_seconds() // 3600)
    if hours >= 1:
        return f"{hours} hour{'s' if hours != 1 else ''} left"
    return "less than an hour left"


def list_text(items: Iterable[object], conjunction: str = "and") -> str:
    """'Calderdale, Kirklees and Leeds'; 'Leeds'; '' for none. Each item as str()."""
    words = [str(item) for item in items if item is not None and str(item).strip()]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def count_text(count: int, singular: str, plural: str | None = None) -> str:
    """'1 bid', '3 bids', '1 person', '2 people' (give the plural when it is not +s)."""
    noun = singular if count == 1 else (plural or f"{singular}s")
    return f"{count} {noun}"


def number_text(value: Decimal | int | float | None) -> str:
    """'7.25', '12', '-0.5' as Django's localize() prints them in English (no thousands
    separator), without its locale lookups; '' for None. For scores and counts in rows."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def money(amount: Decimal | int | float | None, pence: bool = False) -> str:
    """'£6,000' (or '£6,000.00' with pence); '' for None."""
    if amount is None:
        return ""
    amount = Decimal(str(amount))
    if pence or amount != amount.to_integral_value():
        return f"£{amount:,.2f}"
    return f"£{amount:,.0f}"
