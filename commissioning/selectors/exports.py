"""The export log, newest first, for the commissioners' page."""

from __future__ import annotations

from django.db.models import QuerySet

from commissioning.models import ReturnExport


def return_exports() -> QuerySet[ReturnExport]:
    return ReturnExport.objects.select_related("contract__provider").order_by("-exported_at", "-pk")
