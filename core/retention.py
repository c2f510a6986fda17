"""Retention: personal data is kept only as long as settings.RETENTION says.

Each app registers the rules for what it holds (`register(Rule(...))` in its ready()); a
rule's key names its entry in settings.RETENTION, which gives the years and the words the
privacy notice shows. `retention_run` finds what is due under every rule and, unless it is
a dry run, purges it: files are deleted and personal fields (names, contact details, bank
details, free text) are cleared, while the figures and amounts that open data and the
plan-delivery totals need are kept. Every purge writes a `PurgeRecord` (which rule, what
kind of thing, its id and reference, when; no personal data), and nothing already recorded
under a rule is purged again. The daily Celery task and `manage.py retention` both call
`retention_run`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from core.models import PurgeRecord

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rule:
    """One line of the schedule.

    `candidates(cutoff)` is a queryset of the objects whose clock (decision, completion,
    final payment, quarter end) stopped on or before `cutoff`; `reference(obj)` names one
    without personal data; `purge(obj)` clears it and says what it did, without personal data.
    """

    key: str
    kind: str
    candidates: Callable[[dt.datetime], models.QuerySet]
    reference: Callable[[models.Model], str]
    purge: Callable[[models.Model], str]


_RULES: dict[str, Rule] = {}


def register(rule: Rule) -> None:
    if rule.key not in settings.RETENTION:
        raise ValueError(f"settings.RETENTION has no entry {rule.key!r}")
    _RULES[rule.key] = rule


def rules() -> list[Rule]:
    """The registered rules, in the order of settings.RETENTION."""
    return [_RULES[key] for key in settings.RETENTION if key in _RULES]


def years_before(moment: dt.datetime, years: int) -> dt.datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


class _Gone(Exception):
    """The object went between listing and purging."""


@dataclass(frozen=True)
class Due:
    rule: str
    kind: str
    object_id: int
    reference: str


@dataclass
class RetentionResult:
    dry_run: bool
    due: list[Due] = field(default_factory=list)
    purged: list[PurgeRecord] = field(default_factory=list)

    def by_rule(self) -> dict[str, list[Due]]:
        grouped: dict[str, list[Due]] = {key: [] for key in settings.RETENTION}
        for item in self.due:
            grouped.setdefault(item.rule, []).append(item)
        return grouped


def _due_objects(rule: Rule, now: dt.datetime):
    years = settings.RETENTION[rule.key]["years"]
    done = PurgeRecord.objects.filter(rule=rule.key).values("object_id")
    return rule.candidates(years_before(now, years)).exclude(pk__in=done).order_by("pk")


def retention_due(*, now: dt.datetime | None = None) -> list[Due]:
    """What every rule would purge now; changes nothing."""
    now = now or timezone.now()
    return [
        Due(rule.key, rule.kind, obj.pk, rule.reference(obj))
        for rule in rules()
        for obj in _due_objects(rule, now)
    ]


def retention_run(*, dry_run: bool, now: dt.datetime | None = None) -> RetentionResult:
    """Purge what is due (or, with dry_run, only list it). Each object is purged and
    recorded in its own transaction, so one failure leaves the others done."""
    now = now or timezone.now()
    result = RetentionResult(dry_run=dry_run, due=retention_due(now=now))
    if dry_run:
        return result
    by_key = {rule.key: rule for rule in rules()}
    for item in result.due:
        rule = by_key[item.rule]
        try:
            with transaction.atomic():
                # The record first: a second run at the same moment (two beats, the command
                # beside the task) fails on the unique (rule, object) and purges nothing.
                record = PurgeRecord.objects.create(
                    rule=rule.key,
                    kind=rule.kind,
                    object_id=item.object_id,
                    reference=item.reference,
                    detail="",
                    purged_at=now,
                )
                cutoff = years_before(now, settings.RETENTION[rule.key]["years"])
                obj = rule.candidates(cutoff).filter(pk=item.object_id).first()
                if obj is None:
                    raise _Gone
                record.detail = rule.purge(obj)[:300]
                record.save(update_fields=["detail"])
        except (IntegrityError, _Gone):
            continue
        result.purged.append(record)
        logger.info("Retention: purged %s %s under %s", item.kind, item.reference, item.rule)
    return result


def delete_files(files) -> int:
    """Delete each stored file (a FieldFile), on commit; how many there were."""
    names = [(f.storage, f.name) for f in files if f]
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in names])
    return len(names)
