"""The result of a bulk action on bids an officer selected on a list."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.errors import ApplicationError


@dataclass
class BulkResult:
    """What a bulk action on selected bids did: all of them, or none and why not."""

    done: int = 0
    # (reference, why) for every bid that could not take the action; then nothing changed.
    refused: list[tuple[str, str]] = field(default_factory=list)


def refusal_text(problem: Exception) -> str:
    if isinstance(problem, ApplicationError):
        return problem.message
    return " ".join(problem.messages)  # type: ignore[attr-defined]  # a ValidationError
