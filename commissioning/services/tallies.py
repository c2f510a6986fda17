"""The dashboard's tallies (commissioning.models.tallies), kept in step with returns and
funding by the services that write them, in their transaction: each reads what a row
added to the tallies before its change and after, and moves the difference with F()
updates (so concurrent writers add up rather than overwrite). `recount_tallies` rebuilds
both from the rows themselves: for data written around the services (bulk loads) and as
the check that the kept tallies are right."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, Sum

from commissioning.models import (
    Contract,
    ContractFunding,
    ContractValueTally,
    MonitoringReturn,
    ReturnTally,
)

RETURN_KEY = ("financial_year", "quarter", "status", "due_date", "was_submitted")
VALUE_KEY = ("financial_year", "stream", "service_id", "priority_id", "live")

ReturnKey = tuple[int, int, str, dt.date, bool]
ValueLine = tuple[tuple[Any, ...], Decimal]  # (VALUE_KEY values, amount)


def return_key(monitoring_return: MonitoringReturn) -> ReturnKey | None:
    """Where the return counts in the tallies: nowhere unless it is its quarter's newest
    version."""
    if not monitoring_return.is_newest:
        return None
    return (
        monitoring_return.financial_year,
        monitoring_return.quarter,
        monitoring_return.status,
        monitoring_return.due_date,
        monitoring_return.submitted_at is not None,
    )


def tally_returns(
    before: Iterable[ReturnKey | None] = (), after: Iterable[ReturnKey | None] = ()
) -> None:
    """Move the returns counted under the `before` keys to the `after` keys."""
    moves: Counter[ReturnKey] = Counter(key for key in after if key is not None)
    moves.subtract(key for key in before if key is not None)
    _apply(ReturnTally, RETURN_KEY, {key: {"count": n} for key, n in moves.items() if n})


def contract_value(contract_pk: int | None) -> list[ValueLine]:
    """What a contract's funding lines add to the value tallies (one small query)."""
    if contract_pk is None:
        return []
    rows = ContractFunding.objects.filter(contract_id=contract_pk).values_list(
        "financial_year",
        "stream",
        "contract__service_id",
        "contract__primary_priority_id",
        "contract__status",
        "amount",
    )
    return [
        ((year, stream, service, priority, status != Contract.Status.DRAFT), amount)
        for year, stream, service, priority, status, amount in rows.order_by()
    ]


def tally_contract_value(before: list[ValueLine], after: list[ValueLine]) -> None:
    """Replace a contract's funding lines read before a change with those read after."""
    moves: dict[tuple[Any, ...], dict[str, Any]] = {}
    for lines, sign in ((before, -1), (after, 1)):
        for key, amount in lines:
            move = moves.setdefault(key, {"lines": 0, "amount": Decimal(0)})
            move["lines"] += sign
            move["amount"] += sign * amount
    _apply(
        ContractValueTally,
        VALUE_KEY,
        {key: move for key, move in moves.items() if move["lines"] or move["amount"]},
    )


def _apply(
    model: type[models.Model], fields: tuple[str, ...], moves: dict[tuple, dict[str, Any]]
) -> None:
    """Add each move to its key's row, creating the row at zero the first time. Keys in
    one order, so two transactions moving the same rows wait rather than deadlock."""
    zero = {"count": 0} if model is ReturnTally else {"lines": 0, "amount": Decimal(0)}
    for key in sorted(moves, key=str):
        where = dict(zip(fields, key, strict=True))
        change = {name: F(name) + by for name, by in moves[key].items()}
        if not model._default_manager.filter(**where).update(**change):
            model._default_manager.bulk_create([model(**where, **zero)], ignore_conflicts=True)
            model._default_manager.filter(**where).update(**change)


@transaction.atomic
def recount_tallies() -> dict[str, int]:
    """Rebuild both tallies from the returns and funding lines; answer their row counts."""
    return recount_models(
        returns=MonitoringReturn,
        funding=ContractFunding,
        return_tally=ReturnTally,
        value_tally=ContractValueTally,
    )


def recount_models(*, returns, funding, return_tally, value_tally) -> dict[str, int]:
    """The recount, on the models given (the data migration passes its historical ones)."""
    was_submitted = ExpressionWrapper(Q(submitted_at__isnull=False), output_field=BooleanField())
    counted = (
        returns.objects.filter(is_newest=True)
        .annotate(was_submitted=was_submitted)
        .values(*RETURN_KEY)
        .annotate(count=Count("pk"))
        .order_by()
    )
    return_tally.objects.all().delete()
    return_tally.objects.bulk_create(return_tally(**row) for row in counted)
    live = ExpressionWrapper(~Q(contract__status="draft"), output_field=BooleanField())
    summed = (
        funding.objects.annotate(
            service_id=F("contract__service_id"),
            priority_id=F("contract__primary_priority_id"),
            live=live,
        )
        .values(*VALUE_KEY)
        .annotate(lines=Count("pk"), amount=Sum("amount"))
        .order_by()
    )
    value_tally.objects.all().delete()
    value_tally.objects.bulk_create(value_tally(**row) for row in summed)
    return {
        "return_tallies": return_tally.objects.count(),
        "value_tallies": value_tally.objects.count(),
    }
