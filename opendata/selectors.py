"""Reads for the open data pages: the versions of the file, and the grants of the newest.

A version holding a grant that has since been withheld, or giving a location since
withheld, is withdrawn at once: it is listed as withdrawn and its files are no longer
served, whether or not a new version has replaced it yet. The public page of grants leaves
out a withheld grant and hides a withheld location straight away too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Case, CharField, Count, F, QuerySet, Sum, Value, When

from accounts.models import District
from grants.publication import LOCATION_NOT_PUBLISHED
from grants.selectors.publication import (
    PublicationOverview,
    WithheldAwards,
    publication_overview,
    withheld_awards,
)
from grants.selectors.rounds import AREA_ORDER
from opendata.models import PackageVersion, PublishedGrant

PUBLIC_VERSIONS_SHOWN = 20
GRANTS_PER_PAGE = 50


def is_withdrawn(version: PackageVersion, withheld: WithheldAwards) -> bool:
    """Whether the version holds a grant, or gives a location, withheld since."""
    return bool(
        withheld.grants.intersection(version.award_ids)
        or withheld.locations.intersection(version.located_award_ids)
    )


@dataclass
class VersionRow:
    version: PackageVersion
    withdrawn: bool


def published_versions(*, limit: int = PUBLIC_VERSIONS_SHOWN) -> list[VersionRow]:
    """The newest published versions, each marked withdrawn or not. Three queries."""
    withheld = withheld_awards()
    versions = PackageVersion.objects.filter(status=PackageVersion.Status.PUBLISHED).order_by(
        "-number"
    )[:limit]
    return [VersionRow(version, is_withdrawn(version, withheld)) for version in versions]


def current_version(rows: list[VersionRow]) -> PackageVersion | None:
    """The newest version still up."""
    return next((row.version for row in rows if not row.withdrawn), None)


def version_to_serve(*, number: int) -> PackageVersion | None:
    """A published version whose files may be downloaded (not withdrawn), or None."""
    version = PackageVersion.objects.filter(
        status=PackageVersion.Status.PUBLISHED, number=number
    ).first()
    if version is None or is_withdrawn(version, withheld_awards()):
        return None
    return version


def runs_for_staff(*, limit: int = 10) -> list[PackageVersion]:
    """The latest runs, published and refused, newest first (with who asked)."""
    return list(PackageVersion.objects.select_related("created_by")[:limit])


@dataclass
class StaffOverview:
    runs: list[PackageVersion]
    versions: list[VersionRow]
    publication: PublicationOverview


def staff_overview() -> StaffOverview:
    return StaffOverview(
        runs=runs_for_staff(),
        versions=published_versions(limit=5),
        publication=publication_overview(),
    )


# The public page of grants ---------------------------------------------------------------


@dataclass(frozen=True)
class FundedFilters:
    year: int | None = None
    round: str = ""
    district: str = ""
    priority: str = ""


@dataclass
class TotalRow:
    label: str
    projects: int = 0
    total: Decimal = Decimal(0)


@dataclass
class FundedPage:
    version: PackageVersion | None
    page: Page | None
    by_area: list[TotalRow]
    by_priority: list[TotalRow]
    total: TotalRow
    options: dict[str, list[Any]] = field(default_factory=dict)


# The area a grant may be shown under: none once its location is withheld.
AREA_SHOWN = Case(
    When(award__location_withheld=True, then=Value(LOCATION_NOT_PUBLISHED)),
    default=F("area"),
    output_field=CharField(),
)


def _grants(version: PackageVersion) -> QuerySet[PublishedGrant]:
    """The version's grants less any withheld since, with the area as it may be shown."""
    return (
        PublishedGrant.objects.filter(version=version)
        .exclude(award__publication_withheld=True)
        .annotate(area_shown=AREA_SHOWN)
    )


def _filtered(grants: QuerySet[PublishedGrant], filters: FundedFilters):
    if filters.year is not None:
        grants = grants.filter(financial_year=filters.year)
    if filters.round:
        grants = grants.filter(round_code=filters.round)
    if filters.priority:
        grants = grants.filter(priority_code=filters.priority)
    if filters.district:
        grants = grants.filter(district_names__contains=f"|{filters.district}|").exclude(
            award__location_withheld=True
        )
    return grants


def _options(grants: QuerySet[PublishedGrant]) -> dict[str, list[Any]]:
    """What each filter offers, from the whole version. Four queries."""
    return {
        "years": list(
            grants.order_by("-financial_year").values_list("financial_year", flat=True).distinct()
        ),
        "rounds": list(
            grants.order_by("round_code").values_list("round_code", "round_title").distinct()
        ),
        "priorities": list(
            grants.exclude(priority_code="")
            .order_by("priority_code")
            .values_list("priority_code", "priority_title")
            .distinct()
        ),
        "districts": list(
            District.objects.order_by("position", "name").values_list("name", flat=True)
        ),
    }


def _area_rows(grants: QuerySet[PublishedGrant]) -> list[TotalRow]:
    """The Police and Crime Panel report's table: each district, Multi-District, Across
    West Yorkshire (a row each, even when empty), then any grant without a location."""
    found = {
        row["shown"]: TotalRow(row["shown"], row["projects"], row["total"])
        for row in grants.order_by()
        .values(shown=AREA_SHOWN)
        .annotate(projects=Count("pk"), total=Sum("amount_awarded"))
    }
    rows = [found.pop(label, TotalRow(label)) for label in AREA_ORDER]
    hidden = found.pop(LOCATION_NOT_PUBLISHED, None)
    rows += sorted(found.values(), key=lambda row: row.label)  # districts of another plan
    return rows + ([hidden] if hidden else [])


def _priority_rows(grants: QuerySet[PublishedGrant]) -> list[TotalRow]:
    return [
        TotalRow(
            f"{row['priority_code']} {row['priority_title']}".strip(), row["projects"], row["total"]
        )
        for row in grants.order_by("priority_code")
        .values("priority_code", "priority_title")
        .annotate(projects=Count("pk"), total=Sum("amount_awarded"))
    ]


def funded_page(*, filters: FundedFilters, page_number: str | int = 1) -> FundedPage:
    """Every published grant matching the filters, a page at a time, with totals by area
    and by plan priority. A fixed number of queries however many grants there are."""
    version = (
        PackageVersion.objects.filter(status=PackageVersion.Status.PUBLISHED)
        .order_by("-number")
        .first()
    )
    if version is None:
        return FundedPage(None, None, [], [], TotalRow("Total"))
    everything = _grants(version)
    grants = _filtered(everything, filters)
    by_area = _area_rows(grants)
    total = TotalRow(
        "Total",
        sum(row.projects for row in by_area),
        sum((row.total for row in by_area), Decimal(0)),
    )
    paginator = Paginator(grants.order_by("-award_date", "grant_id"), GRANTS_PER_PAGE)
    return FundedPage(
        version=version,
        page=paginator.get_page(page_number),
        by_area=by_area,
        by_priority=_priority_rows(grants),
        total=total,
        options=_options(everything),
    )
