"""Publishing the 360Giving file: build it from the grants that may be published, validate it
against the official schema, make 360Giving's quality checks, and keep it as a version.

A file with an error is never published: the run is kept as a refused version with its
problems for officers to put right, and the version before it stays up. The same grants
as the newest version make no new one, so the nightly run and an officer's "publish now"
can run any number of times (and at once).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from celery import current_app, signature
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from grants.publication import ACROSS_THE_AREA, LOCATION_NOT_PUBLISHED, Publisher, area_label
from grants.selectors.publication import PublishedRecord, records_to_publish
from opendata import flat, quality
from opendata.models import PackageVersion, PublishedGrant
from opendata.package import Licence, build, fingerprint, json_bytes, newest_change, totals
from opendata.schema import schema_errors

logger = logging.getLogger(__name__)

PUBLISH_TASK = "opendata.publish"  # opendata.tasks; sent by name
QUEUED = "queued"
PUBLISHED = "published"
REFUSED = "refused"
UNCHANGED = "unchanged"
EMPTY = "empty"
# Problems kept with a refused run; a systematic fault would otherwise store thousands.
KEEP_PROBLEMS = 500


@dataclass(frozen=True)
class PublishResult:
    outcome: str  # PUBLISHED, REFUSED, UNCHANGED or EMPTY
    version: PackageVersion | None  # the version made, or the one that already holds these

    @property
    def message(self) -> str:
        version = self.version
        if self.outcome == PUBLISHED and version is not None:
            return f"Version {version.number} published, with {version.grants_count} grants."
        if self.outcome == REFUSED:
            return "The file was not published: it has errors. The version before it stays up."
        if self.outcome == UNCHANGED:
            return "Nothing has changed since the last run, so no new version was made."
        if self.outcome == QUEUED:
            return "Publishing has started. Refresh this page in a minute to see the result."
        return "There are no grants to publish yet."


def licence() -> Licence:
    return Licence(url=settings.OPEN_DATA_LICENCE_URL, name=settings.OPEN_DATA_LICENCE_NAME)


def _financial_year(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def _money(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _published_grant(
    version: PackageVersion, position: int, published: PublishedRecord, publisher: Publisher
) -> PublishedGrant:
    record = published.record
    award_day = dt.date.fromisoformat(record["awardDate"])
    area = area_label(record, publisher)
    places = [place["name"] for place in record.get("beneficiaryLocation") or []]
    named = area not in (ACROSS_THE_AREA, LOCATION_NOT_PUBLISHED)
    priority = (record.get("classifications") or [{}])[0]
    programme = record["grantProgramme"][0]
    return PublishedGrant(
        version=version,
        award_id=published.award_id,
        position=position,
        grant_id=record["id"],
        title=record["title"],
        description=record["description"],
        recipient=record["recipientOrganization"][0]["name"],
        amount_awarded=_money(record["amountAwarded"]),
        amount_disbursed=_money(record.get("amountDisbursed")),
        award_date=award_day,
        financial_year=_financial_year(award_day),
        round_code=programme["code"],
        round_title=programme["title"],
        area=area,
        district_names="|" + "|".join(places) + "|" if named else "",
        priority_code=priority.get("code", ""),
        priority_title=priority.get("title", ""),
    )


def _problems(package: dict, grants: list[dict], today: dt.date) -> tuple[list, list]:
    errors = [
        {"check": "schema", "severity": quality.ERROR, "grant": e.grant, "field": e.path,
         "message": e.message}
        for e in schema_errors(package)
    ]  # fmt: skip
    notices: list[dict] = []
    for problem in quality.problems(grants, today=today):
        (errors if problem.severity == quality.ERROR else notices).append(problem.as_dict())
    return _kept(errors), _kept(notices)


def _kept(problems: list[dict]) -> list[dict]:
    if len(problems) <= KEEP_PROBLEMS:
        return problems
    more = len(problems) - KEEP_PROBLEMS
    return [
        *problems[:KEEP_PROBLEMS],
        {"check": "more", "severity": "", "grant": "", "field": "", "message": f"And {more} more."},
    ]


def _already_made(digest: str) -> PackageVersion | None:
    """The newest published version, or a refusal since it, holding exactly these grants."""
    newest = PackageVersion.objects.filter(status=PackageVersion.Status.PUBLISHED).first()
    if newest is not None and newest.content_hash == digest:
        return newest
    refusals = PackageVersion.objects.filter(status=PackageVersion.Status.REFUSED)
    if newest is not None:
        refusals = refusals.filter(created_at__gte=newest.created_at)
    refused = refusals.first()
    if refused is not None and refused.content_hash == digest:
        return refused
    return None


def _save_files(version: PackageVersion, package: dict, grants: list[dict], prefix: str) -> None:
    stem = f"{prefix}-grants-v{version.number}"
    for extension, content in (
        ("json", json_bytes(package)),
        ("csv", flat.csv_bytes(grants)),
        ("xlsx", flat.xlsx_bytes(grants)),
    ):
        getattr(version, f"{extension}_file").save(
            f"{stem}.{extension}", ContentFile(content), save=False
        )
        setattr(version, f"{extension}_size", len(content))


def package_publish(*, actor: User | None, now: dt.datetime | None = None) -> PublishResult:
    """Publish a new version of the file if the grants changed and the file has no errors.

    `actor` is the officer who asked, or None for the nightly run. A refused run keeps its
    problems (for officers) and no file; the version before it stays up."""
    now = now or timezone.now()
    publisher = Publisher.from_settings()
    published = records_to_publish(publisher=publisher)
    grants = [item.record for item in published]
    if not grants:
        return PublishResult(EMPTY, None)
    digest = fingerprint(grants)
    try:
        with transaction.atomic():
            return _publish(actor, now, publisher, published, grants, digest)
    except IntegrityError:
        # Another run took the same version number at the same moment: it published these.
        return PublishResult(UNCHANGED, _already_made(digest))


def _publish(actor, now, publisher, published, grants, digest) -> PublishResult:
    existing = _already_made(digest)
    if existing is not None:
        return PublishResult(UNCHANGED, existing)
    number = (PackageVersion.objects.aggregate(top=Max("number"))["top"] or 0) + 1
    download = settings.SITE_URL + reverse(
        "opendata:file", kwargs={"version": number, "extension": "json"}
    )
    package = build(
        grants, publisher=publisher, licence=licence(), issued=now, version=number,
        download_url=download,
    )  # fmt: skip
    errors, notices = _problems(package, grants, timezone.localdate(now))
    sums = totals(grants)
    version = PackageVersion(
        status=PackageVersion.Status.REFUSED if errors else PackageVersion.Status.PUBLISHED,
        number=None if errors else number,
        created_at=now,
        created_by=actor,
        grants_count=sums.grants,
        total_awarded=sums.awarded,
        total_disbursed=sums.disbursed,
        content_hash=digest,
        modified=newest_change(grants),
        award_ids=[item.award_id for item in published],
        located_award_ids=[item.award_id for item in published if item.located],
        errors=errors,
        notices=notices,
    )
    if errors:
        version.save()
        return PublishResult(REFUSED, version)
    _save_files(version, package, grants, publisher.prefix)
    version.save()
    PublishedGrant.objects.bulk_create(
        (
            _published_grant(version, position, item, publisher)
            for position, item in enumerate(published, start=1)
        ),
        batch_size=500,
    )
    PublishedGrant.objects.exclude(version=version).delete()
    return PublishResult(PUBLISHED, version)


def package_publish_soon(*, actor: User) -> PublishResult:
    """An officer's "publish now": handed to a worker (a file of thousands of grants takes
    longer than a page should wait), or made here when tasks run in-process or the broker
    is down."""
    if not current_app.conf.task_always_eager:
        try:
            signature(PUBLISH_TASK, kwargs={"actor_id": actor.pk}).apply_async(retry=False)
        except Exception:  # kombu raises several kinds of connection error
            logger.warning("Broker unavailable; publishing in the web process")
        else:
            return PublishResult(QUEUED, None)
    return package_publish(actor=actor)
