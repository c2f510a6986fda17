"""The result of a bulk action on bids an officer selected on a list."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from core.errors import ApplicationError


@dataclass
class BulkResult:
    """What a bulk action on selected bids did: all of them, or none and why not."""

    done: int = 0
    # (reference, why) for every bid that could not take the action; then nothing changed.
    refused: list[tuple[str, str]] = field(default_factory=list)


def bulk_apply[T](
    items: Callable[[], Iterable[T]], action: Callable[[T], object], *, name: Callable[[T], str]
) -> BulkResult:
    """Call `action` on each item inside one transaction, all or none.

    Each refusal (ValidationError or ApplicationError) is collected with the item's name; when
    there is any, the whole transaction is rolled back and nothing is counted as done."""
    result = BulkResult()
    with transaction.atomic():
        for item in items():
            try:
                action(item)
            except (ValidationError, ApplicationError) as problem:
                result.refused.append((name(item), refusal_text(problem)))
            else:
                result.done += 1
        if result.refused:
            transaction.set_rollback(True)
            result.done = 0
    return result


def refusal_text(problem: Exception) -> str:
    if isinstance(problem, ApplicationError):
        return problem.message
    return " ".join(problem.messages)  # type: ignore[attr-defined]  # a ValidationError
