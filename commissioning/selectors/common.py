"""What several commissioning reads share: the newest version of each quarter's return
and the statuses still open for editing."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import DecimalField, QuerySet, Value

from commissioning.models import MonitoringReturn

R = MonitoringReturn.Status
EDITABLE = sorted(MonitoringReturn.EDITABLE)
ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=14, decimal_places=2))


def newest_versions(returns: QuerySet[MonitoringReturn]) -> QuerySet[MonitoringReturn]:
    """Each quarter's newest version: the one no correction has been started on. Read
    from the stored marker (a plain filter, no join of returns to themselves)."""
    return returns.filter(is_newest=True)
