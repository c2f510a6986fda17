"""Reads for publishing grants: which may be published, loaded for grants.publication.

A grant may be published once its offer is accepted (accepted, active or completed), when
the group (or an officer) has written its public summary and no officer has withheld it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from accounts.models import District
from grants.models import Application, Award, PaymentInstalment, PublicationChange
from grants.publication import PublicText, Publisher, grant_record

PUBLISHABLE_STATUSES = (
    Application.Status.ACCEPTED,
    Application.Status.ACTIVE,
    Application.Status.COMPLETED,
)


def awards_loaded_for_publication() -> QuerySet[Award]:
    """Awards with everything grants.publication reads: five queries however many."""
    return Award.objects.select_related(
        "application__organisation__district",
        "application__round__fund",
        "plan",
        "primary_priority",
    ).prefetch_related(
        Prefetch("application__districts", queryset=District.objects.order_by("position", "name")),
        "outcomes",
        "themes",
        Prefetch("instalments", queryset=PaymentInstalment.objects.order_by("position")),
    )


def awards_to_publish() -> QuerySet[Award]:
    """Every grant that may be published now, oldest decision first."""
    return (
        awards_loaded_for_publication()
        .filter(
            application__status__in=PUBLISHABLE_STATUSES,
            accepted_at__isnull=False,
            publication_withheld=False,
        )
        .exclude(public_summary="")
        .order_by("decided_at", "reference")
    )


@dataclass(frozen=True)
class PublishedRecord:
    """A grant as 360Giving gets it, and the award it comes from."""

    award_id: int
    located: bool  # the record gives where the project works
    record: dict[str, Any]


def records_to_publish(*, publisher: Publisher) -> list[PublishedRecord]:
    """The 360Giving record of every grant that may be published."""
    records = []
    for award in awards_to_publish():
        record = grant_record(award, publisher)
        records.append(
            PublishedRecord(
                award_id=award.pk,
                located=bool(record.get("beneficiaryLocation")),
                record=record,
            )
        )
    return records


def award_for_publication(*, award_id: int) -> Award | None:
    return awards_loaded_for_publication().filter(pk=award_id).first()


def publication_preview(
    *, award: Award, publisher: Publisher, text: PublicText | None = None
) -> dict[str, Any]:
    """What would be published about `award` (with `text` as typed, if given)."""
    loaded = award_for_publication(award_id=award.pk)
    assert loaded is not None  # the page already loaded it
    return grant_record(loaded, publisher, text)


@dataclass(frozen=True)
class WithheldAwards:
    """Awards withheld from publication, and those whose location is."""

    grants: frozenset[int]
    locations: frozenset[int]


def withheld_awards() -> WithheldAwards:
    """Two small queries: withholding is rare, so the sets stay small."""
    return WithheldAwards(
        grants=frozenset(
            Award.objects.filter(publication_withheld=True).values_list("pk", flat=True)
        ),
        locations=frozenset(
            Award.objects.filter(location_withheld=True).values_list("pk", flat=True)
        ),
    )


@dataclass(frozen=True)
class PublicationOverview:
    waiting_for_summary: list[Award]
    withheld: list[Award]


def publication_overview() -> PublicationOverview:
    """For the officers' open data page: accepted grants with no public summary yet, and
    grants withheld or with their location withheld (with the reasons)."""
    base = Award.objects.select_related("application__organisation").order_by("reference")
    return PublicationOverview(
        waiting_for_summary=list(
            base.filter(
                application__status__in=PUBLISHABLE_STATUSES,
                accepted_at__isnull=False,
                publication_withheld=False,
                public_summary="",
            )
        ),
        withheld=list(base.filter(Q(publication_withheld=True) | Q(location_withheld=True))),
    )


def publication_history(*, award: Award) -> list[PublicationChange]:
    return list(award.publication_changes.select_related("actor").order_by("at", "pk"))
