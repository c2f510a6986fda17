"""The export log: every download of return data is recorded before it is handed over."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from accounts.models import User
from commissioning.models import Contract, ReturnExport


@transaction.atomic
def return_export_record(
    *,
    actor: User,
    kind: str,
    format: str,
    description: str,
    rows: int,
    contract: Contract | None = None,
    financial_year: int | None = None,
    period: str = "",
    filters: Mapping[str, Any] | None = None,
) -> ReturnExport:
    """Record that `actor` exported `rows` rows of return data (who, when, what, how)."""
    return ReturnExport.objects.create(
        actor=actor,
        actor_name=f"{actor.get_full_name()} ({actor.email})"[:300],
        kind=kind,
        format=format,
        description=description[:300],
        rows=rows,
        contract=contract,
        financial_year=financial_year,
        period=period,
        filters={key: str(value) for key, value in (filters or {}).items()},
    )
