"""The facts every plan-delivery figure is counted from: one row per award, contract and
bid in scope, with its alignment, area and money, read in a fixed number of queries.

Every table and every drill-down groups these same facts with the same `keys()`, so a
figure and the list behind it cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import Count, FilteredRelation, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import District
from commissioning.models import Contract, ContractFunding, FundingStream, MonitoringReturn, Service
from commissioning.models.returns import ReturnValue
from delivery.selectors.scope import (
    ACROSS_WEST_YORKSHIRE,
    AREA_LABELS,
    NOT_STATED,
    Scope,
    area_key,
    named_districts,
    slug,
)
from grants.models import Application, Award, MonitoringReport, PaymentInstalment
from outcomes.models import CrosswalkLink, Outcome, Plan, Priority, Theme

ZERO = Decimal(0)

# The cope-and-recover measures of the victim services returns: the percentage of those
# leaving support in the quarter who said so.
COPE_MEASURES = [
    ("OUT_HEALTH", "Improved health and wellbeing"),
    ("OUT_COPE", "Better able to cope with aspects of everyday life"),
    ("OUT_SAFER", "Feel safer"),
    ("OUT_INFORMED", "Better informed and empowered"),
]
SUPPORTED, CLOSED = "SUPPORTED", "CLOSED"
RESULT_CODES = [SUPPORTED, CLOSED, *(code for code, _ in COPE_MEASURES)]


@dataclass(frozen=True)
class Alignment:
    """Where something sits in the plan and on the map, as keys: priority and outcome and
    theme codes, the reporting area, and the districts it counts for."""

    priority: str
    outcomes: frozenset[str]
    themes: frozenset[str]
    area: str
    area_label: str
    districts: frozenset[str]


@dataclass(frozen=True)
class AwardFact:
    pk: int
    uuid: UUID
    reference: str
    organisation: str
    title: str
    round_label: str
    decided_on: dt.date
    status: str
    amount: Decimal
    paid: Decimal
    # From the newest accepted monitoring report ("so far" figures: the end-of-grant report
    # replaces the 6-month one); None when no report has been accepted yet.
    people_reached: int | None
    alignment: Alignment
    round_id: int = 0
    mapped_from: str = ""  # "mapped from 2021-24 P2": aligned to an earlier plan


@dataclass(frozen=True)
class BidFact:
    pk: int
    uuid: UUID
    reference: str
    organisation: str
    title: str
    round_label: str
    submitted_on: dt.date
    status: str
    requested: Decimal
    alignment: Alignment
    round_id: int = 0
    mapped_from: str = ""  # "mapped from 2021-24 P2": aligned to an earlier plan


@dataclass(frozen=True)
class ContractFact:
    pk: int
    uuid: UUID
    reference: str
    provider: str
    service: str
    status: str
    value: Decimal  # funding for the period (and the chosen stream)
    streams: tuple[tuple[str, Decimal], ...]  # (stream label, amount), largest first
    by_stream: dict[str, Decimal]  # {FundingStream value: amount}
    returns: int  # accepted, current returns in the period
    victims_supported: int
    cases_closed: int
    # {measure code: (people reporting it, people leaving support on those returns)}
    cope: dict[str, tuple[Decimal, int]]
    alignment: Alignment
    mapped_from: str = ""


@dataclass
class Facts:
    scope: Scope
    priorities: list[Priority]
    outcomes: list[Outcome]
    themes: list[Theme]
    districts: list[District]
    awards: list[AwardFact] = field(default_factory=list)
    contracts: list[ContractFact] = field(default_factory=list)
    bids: list[BidFact] = field(default_factory=list)


class _Plan:
    """The plan's codes by id and the districts' keys, to turn ids into keys; with a
    crosswalk into the plan, an earlier plan's ids too, as the codes they map to."""

    def __init__(self, facts: Facts) -> None:
        self.plan_ids = [facts.scope.plan.pk]
        self.priority = {p.pk: p.code for p in facts.priorities}
        self.outcome: dict[int, tuple[str, ...]] = {o.pk: (o.code,) for o in facts.outcomes}
        self.theme: dict[int, tuple[str, ...]] = {t.pk: (t.code,) for t in facts.themes}
        self.district = {d.pk: slug(d.name) for d in facts.districts}
        self.area_labels = {slug(d.name): d.name for d in facts.districts} | AREA_LABELS
        # An earlier plan's id: its short name ("2021-24"); its priorities' ids: their codes.
        self.earlier: dict[int, str] = {}
        self.earlier_priority: dict[int, str] = {}

    def map_earlier(self, scope: Scope) -> None:
        """Add the earlier plans a crosswalk maps into this one: 1 query without one, 4
        with any."""
        links = list(
            CrosswalkLink.objects.filter(crosswalk__to_plan=scope.plan).select_related(
                "crosswalk__from_plan"
            )
        )
        if not links:
            return
        to: dict[tuple[int, str, str], list[str]] = defaultdict(list)
        for link in links:
            plan = link.crosswalk.from_plan
            self.earlier[plan.pk] = plan_short_name(plan)
            to[(plan.pk, link.kind, link.from_code)].append(link.to_code)
        self.plan_ids += list(self.earlier)
        kinds = CrosswalkLink.Kind
        for pk, plan_id, code in Priority.objects.filter(plan__in=self.earlier).values_list(
            "pk", "plan_id", "code"
        ):
            self.earlier_priority[pk] = code
            mapped = to.get((plan_id, kinds.PRIORITY, code))
            self.priority[pk] = mapped[0] if mapped else NOT_STATED
        for model, kind, into in (
            (Outcome, kinds.OUTCOME, self.outcome),
            (Theme, kinds.THEME, self.theme),
        ):
            for pk, plan_id, code in model.objects.filter(plan__in=self.earlier).values_list(
                "pk", "plan_id", "code"
            ):
                into[pk] = tuple(to.get((plan_id, kind, code), ()))

    def mapped_from(self, plan_id: int, priority_id: int | None) -> str:
        """'mapped from 2021-24 P2' for something aligned to an earlier plan; else ''."""
        if plan_id not in self.earlier:
            return ""
        code = self.earlier_priority.get(priority_id or 0, "no priority")
        return f"mapped from {self.earlier[plan_id]} {code}"

    def alignment(
        self,
        *,
        priority_id: int | None,
        outcome_ids: Iterable[int],
        theme_ids: Iterable[int],
        area: str,
        district_ids: Iterable[int],
    ) -> Alignment:
        districts = frozenset(self.district[d] for d in district_ids if d in self.district)
        return Alignment(
            priority=self.priority.get(priority_id or 0, NOT_STATED),
            outcomes=frozenset(c for o in outcome_ids for c in self.outcome.get(o, ())),
            themes=frozenset(c for t in theme_ids for c in self.theme.get(t, ())),
            area=area,
            area_label=self.area_labels.get(area, area),
            districts=named_districts(area, districts),
        )

    def area(self, *, across_west_yorkshire: bool, district_ids: set[int]) -> str:
        known = frozenset(d for d in district_ids if d in self.district)
        return area_key(
            across_west_yorkshire=across_west_yorkshire, district_ids=known, slugs=self.district
        )


def plan_short_name(plan: Plan) -> str:
    """'2021-24' for the 2021-24 plan (its years), to say where a mapped award came from."""
    return f"{plan.starts_on.year}-{plan.ends_on.year % 100:02d}"


def _pairs(rows: Iterable[tuple[int, int]]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    for owner, other in rows:
        found[owner].add(other)
    return found


def _award_links(
    ids: QuerySet,
) -> tuple[dict[int, set[int]], dict[int, set[int]], dict[int, set[int]]]:
    """3 queries: the outcomes and themes of the awards `ids` (a values("pk") subquery),
    by award id, and their bids' districts, by bid id."""
    outcomes = _pairs(
        Award.outcomes.through.objects.filter(award__in=ids).values_list("award_id", "outcome_id")
    )
    themes = _pairs(
        Award.themes.through.objects.filter(award__in=ids).values_list("award_id", "theme_id")
    )
    districts = _pairs(
        Application.districts.through.objects.filter(application__award__in=ids).values_list(
            "application_id", "district_id"
        )
    )
    return outcomes, themes, districts


def _paid_by_award(ids: QuerySet) -> dict[int, Decimal]:
    """1 query: what has been paid on each of the awards `ids` (a values("pk") subquery)."""
    return dict(
        PaymentInstalment.objects.filter(award__in=ids, paid_amount__isnull=False)
        .values("award_id")
        .annotate(total=Sum("paid_amount"))
        .values_list("award_id", "total")
        .order_by()
    )


def _bid_links(
    ids: QuerySet,
) -> tuple[dict[int, set[int]], dict[int, set[int]], dict[int, set[int]]]:
    """3 queries: the outcomes, themes and districts of the bids `ids` (a values("pk")
    subquery), by bid id."""
    through = Application.outcomes.through.objects.filter(application__in=ids)
    outcomes = _pairs(through.values_list("application_id", "outcome_id"))
    themes = _pairs(
        Application.themes.through.objects.filter(application__in=ids).values_list(
            "application_id", "theme_id"
        )
    )
    districts = _pairs(
        Application.districts.through.objects.filter(application__in=ids).values_list(
            "application_id", "district_id"
        )
    )
    return outcomes, themes, districts


def _round_label(number: int, title: str) -> str:
    return f"Round {number}: {title}"


def _local_date(moment: dt.datetime | None, zone: dt.tzinfo) -> dt.date:
    """The local (London) date of an instant; the queries only read rows where it is set.
    The zone is looked up once per query: timezone.localtime() per row is slow."""
    assert moment is not None
    return moment.astimezone(zone).date()


def _awards_in_scope(scope: Scope, plan_ids: list[int] | None = None) -> QuerySet[Award]:
    """Awards under the plan version decided in the period; offers the group declined are
    left out (the money went back to the pot)."""
    awards = Award.objects.filter(
        plan_id__in=plan_ids or [scope.plan.pk], offer_declined_at__isnull=True
    )
    instants = scope.instants()
    if instants:
        awards = awards.filter(decided_at__gte=instants[0], decided_at__lt=instants[1])
    if scope.fund_id:
        awards = awards.filter(application__round__fund_id=scope.fund_id)
    if scope.round_id:
        awards = awards.filter(application__round_id=scope.round_id)
    return awards


def with_people_reached(awards: QuerySet) -> QuerySet:
    """The awards with `reached`: the people their newest accepted report reached (the
    end-of-grant report when accepted, else the 6-month one), NULL when none is accepted.
    people_reached in SQL, so the database adds them up (a sum) and counts the awards
    reporting (a count): an award has one report of each kind, so joining its two
    accepted reports adds no rows."""
    accepted = MonitoringReport.Status.ACCEPTED
    kinds = MonitoringReport.Kind
    return awards.annotate(
        final_report=FilteredRelation(
            "reports", condition=Q(reports__kind=kinds.FINAL, reports__status=accepted)
        ),
        six_month_report=FilteredRelation(
            "reports", condition=Q(reports__kind=kinds.SIX_MONTH, reports__status=accepted)
        ),
        reached=Coalesce(
            "final_report__people_reached",
            "six_month_report__people_reached",
            output_field=IntegerField(),
        ),
    )


def _award_facts(
    scope: Scope, plan: _Plan, awards: QuerySet[Award] | None = None
) -> list[AwardFact]:
    """The facts of the awards in scope, or of `awards` (some of them: a page of a list)."""
    awards = _awards_in_scope(scope, plan.plan_ids) if awards is None else awards
    ids = awards.values("pk")
    outcomes, themes, districts = _award_links(ids)
    paid = _paid_by_award(ids)
    statuses = dict(Application.Status.choices)
    zone = timezone.get_current_timezone()
    facts = []
    for (
        pk,
        uuid,
        reference,
        organisation,
        title,
        round_number,
        round_title,
        decided_at,
        amount,
        priority_id,
        application_id,
        across,
        status,
        round_id,
        plan_id,
        reached,
    ) in (
        with_people_reached(awards)
        .order_by("decided_at", "pk")
        .values_list(
            "pk",
            "uuid",
            "reference",
            "application__organisation__name",
            "application__project_title",
            "application__round__number",
            "application__round__title",
            "decided_at",
            "amount",
            "primary_priority_id",
            "application_id",
            "application__across_west_yorkshire",
            "application__status",
            "application__round_id",
            "plan_id",
            "reached",
        )
    ):
        district_ids = districts.get(application_id, set())
        area = plan.area(across_west_yorkshire=across, district_ids=district_ids)
        facts.append(
            AwardFact(
                pk=pk,
                uuid=uuid,
                reference=reference,
                organisation=organisation,
                title=title or "Untitled project",
                round_label=_round_label(round_number, round_title),
                decided_on=_local_date(decided_at, zone),
                status=statuses.get(status, status),
                amount=amount,
                paid=paid.get(pk) or ZERO,
                people_reached=reached,
                alignment=plan.alignment(
                    priority_id=priority_id,
                    outcome_ids=outcomes.get(pk, ()),
                    theme_ids=themes.get(pk, ()),
                    area=area,
                    district_ids=district_ids,
                ),
                round_id=round_id,
                mapped_from=plan.mapped_from(plan_id, priority_id),
            )
        )
    return facts


def _bids_in_scope(scope: Scope, plan_ids: list[int] | None = None) -> QuerySet[Application]:
    """Bids to the plan version's rounds submitted in the period, whatever became of them."""
    bids = Application.objects.filter(
        round__plan_id__in=plan_ids or [scope.plan.pk], submitted_at__isnull=False
    )
    instants = scope.instants()
    if instants:
        bids = bids.filter(submitted_at__gte=instants[0], submitted_at__lt=instants[1])
    if scope.fund_id:
        bids = bids.filter(round__fund_id=scope.fund_id)
    if scope.round_id:
        bids = bids.filter(round_id=scope.round_id)
    return bids


def _bid_facts(
    scope: Scope, plan: _Plan, bids: QuerySet[Application] | None = None
) -> list[BidFact]:
    """The facts of the bids in scope, or of `bids` (some of them: a page of a list)."""
    bids = _bids_in_scope(scope, plan.plan_ids) if bids is None else bids
    ids = bids.values("pk")
    outcomes, themes, districts = _bid_links(ids)
    statuses = dict(Application.Status.choices)
    zone = timezone.get_current_timezone()
    facts = []
    for (
        pk,
        uuid,
        reference,
        organisation,
        title,
        round_number,
        round_title,
        submitted_at,
        requested,
        priority_id,
        across,
        status,
        round_id,
        plan_id,
    ) in bids.order_by("submitted_at", "pk").values_list(
        "pk",
        "uuid",
        "reference",
        "organisation__name",
        "project_title",
        "round__number",
        "round__title",
        "submitted_at",
        "amount_requested",
        "primary_priority_id",
        "across_west_yorkshire",
        "status",
        "round_id",
        "round__plan_id",
    ):
        district_ids = districts.get(pk, set())
        area = plan.area(across_west_yorkshire=across, district_ids=district_ids)
        facts.append(
            BidFact(
                pk=pk,
                uuid=uuid,
                reference=reference or "",
                organisation=organisation,
                title=title or "Untitled project",
                round_label=_round_label(round_number, round_title),
                submitted_on=_local_date(submitted_at, zone),
                status=statuses.get(status, status),
                requested=requested or ZERO,
                alignment=plan.alignment(
                    priority_id=priority_id,
                    outcome_ids=outcomes.get(pk, ()),
                    theme_ids=themes.get(pk, ()),
                    area=area,
                    district_ids=district_ids,
                ),
                round_id=round_id,
                mapped_from=plan.mapped_from(plan_id, priority_id),
            )
        )
    return facts


def _funding_in_scope(scope: Scope, plan_ids: list[int] | None = None) -> QuerySet[ContractFunding]:
    """Funding lines of the plan version's contracts for the period (the contract year is
    the financial year), from the chosen stream; drafts are not commissioned yet."""
    funding = ContractFunding.objects.filter(
        contract__plan_id__in=plan_ids or [scope.plan.pk]
    ).exclude(contract__status=Contract.Status.DRAFT)
    if scope.year is not None:
        funding = funding.filter(financial_year=scope.year)
    if scope.stream:
        funding = funding.filter(stream=scope.stream)
    return funding


def _contract_results(
    contract_ids: QuerySet, year: int | None, quarter: int | None = None
) -> dict[int, tuple[int, int, int, dict[str, tuple[Decimal, int]]]]:
    """Per contract: (accepted returns, victims supported, cases closed, cope-and-recover)
    from its accepted, current returns for the period's quarters.

    A cope-and-recover percentage is of those leaving support (cases closed), so it is
    carried as people: percentage x cases closed / 100, over the cases closed on the
    returns that gave it. Adding these up across returns and contracts weights each
    return by how many people it is about."""
    returns = MonitoringReturn.objects.filter(
        contract__in=contract_ids,
        status=MonitoringReturn.Status.ACCEPTED,
        superseded_at__isnull=True,
    )
    if year is not None:
        returns = returns.filter(financial_year=year)
        if quarter:
            returns = returns.filter(quarter=quarter)
    by_return: dict[int, dict[str, Decimal]] = defaultdict(dict)
    contract_of: dict[int, int] = {}
    for return_id, contract_id, code, value in ReturnValue.objects.filter(
        monitoring_return__in=returns.values("pk"), category="", measure__code__in=RESULT_CODES
    ).values_list(
        "monitoring_return_id", "monitoring_return__contract_id", "measure__code", "value"
    ):
        contract_of[return_id] = contract_id
        if value is not None:
            by_return[return_id][code] = value
    counted = dict(
        returns.values("contract_id")
        .annotate(n=Count("pk"))
        .values_list("contract_id", "n")
        .order_by()
    )
    results: dict[int, tuple[int, int, int, dict[str, tuple[Decimal, int]]]] = {}
    totals: dict[int, list] = {}
    for return_id, values in by_return.items():
        contract_id = contract_of[return_id]
        row = totals.setdefault(contract_id, [0, 0, {}])
        row[0] += int(values.get(SUPPORTED, 0))
        closed = int(values.get(CLOSED, 0))
        row[1] += closed
        for code, _label in COPE_MEASURES:
            if code in values and closed > 0:
                people, base = row[2].get(code, (ZERO, 0))
                row[2][code] = (people + values[code] * closed / 100, base + closed)
    for contract_id, n in counted.items():
        supported, closed, cope = totals.get(contract_id, [0, 0, {}])
        results[contract_id] = (int(n), supported, closed, cope)
    return results


def _contract_facts(scope: Scope, plan: _Plan) -> list[ContractFact]:
    """The facts of the contracts funded in scope (before the district and theme filters)."""
    funding = _funding_in_scope(scope, plan.plan_ids)
    ids = funding.values("contract_id")
    outcomes = _pairs(
        Contract.outcomes.through.objects.filter(contract__in=ids).values_list(
            "contract_id", "outcome_id"
        )
    )
    themes = _pairs(
        Contract.themes.through.objects.filter(contract__in=ids).values_list(
            "contract_id", "theme_id"
        )
    )
    areas = _pairs(
        Service.areas.through.objects.filter(service__contracts__in=ids).values_list(
            "service_id", "district_id"
        )
    )
    results = _contract_results(ids, scope.year, scope.quarter)
    every_district = set(plan.district)
    streams = dict(FundingStream.choices)
    statuses = dict(Contract.Status.choices)
    rows: dict[int, dict[str, Any]] = {}
    for (
        contract_id,
        stream,
        amount,
        uuid,
        reference,
        provider,
        service,
        service_id,
        priority_id,
        status,
        plan_id,
    ) in funding.order_by("contract__reference", "stream").values_list(
        "contract_id",
        "stream",
        "amount",
        "contract__uuid",
        "contract__reference",
        "contract__provider__name",
        "contract__service__name",
        "contract__service_id",
        "contract__primary_priority_id",
        "contract__status",
        "contract__plan_id",
    ):
        row = rows.setdefault(
            contract_id,
            {
                "uuid": uuid,
                "reference": reference,
                "provider": provider,
                "service": service,
                "service_id": service_id,
                "priority_id": priority_id,
                "status": status,
                "plan_id": plan_id,
                "streams": defaultdict(lambda: ZERO),
                "by_stream": defaultdict(lambda: ZERO),
            },
        )
        row["streams"][streams.get(stream, stream)] += amount
        row["by_stream"][stream] += amount
    facts = []
    for contract_id, row in rows.items():
        covered = areas.get(row["service_id"], set())
        # A service covering every district is across West Yorkshire, like a grant that is.
        across = bool(every_district) and every_district <= covered
        area = plan.area(across_west_yorkshire=across, district_ids=covered)
        n, supported, closed, cope = results.get(contract_id, (0, 0, 0, {}))
        by_stream = sorted(row["streams"].items(), key=lambda item: (-item[1], item[0]))
        facts.append(
            ContractFact(
                pk=contract_id,
                uuid=row["uuid"],
                reference=row["reference"],
                provider=row["provider"],
                service=row["service"],
                status=statuses.get(row["status"], row["status"]),
                value=sum((amount for _, amount in by_stream), ZERO),
                streams=tuple(by_stream),
                by_stream=dict(row["by_stream"]),
                returns=n,
                victims_supported=supported,
                cases_closed=closed,
                cope=cope,
                alignment=plan.alignment(
                    priority_id=row["priority_id"],
                    outcome_ids=outcomes.get(contract_id, ()),
                    theme_ids=themes.get(contract_id, ()),
                    area=area,
                    district_ids=() if area == ACROSS_WEST_YORKSHIRE else covered,
                ),
                mapped_from=plan.mapped_from(row["plan_id"], row["priority_id"]),
            )
        )
    return facts


def _kept(alignment: Alignment, district_key: str | None, theme_code: str | None) -> bool:
    if district_key is not None and district_key not in alignment.districts:
        return False
    return theme_code is None or theme_code in alignment.themes


# A priority's lists of objectives, focus areas and partnerships (JSON): the figures are
# labelled with its code and title only.
_PRIORITY_TEXT = ("objectives", "focus_areas", "partnerships")


def plan_facts(scope: Scope) -> tuple[Facts, _Plan]:
    """The plan's priorities, outcomes, themes and the districts (no awards, contracts or
    bids yet), and its codes by id: 5 queries (8 with a crosswalk into the plan)."""
    facts = Facts(
        scope=scope,
        priorities=list(scope.plan.priorities.defer(*_PRIORITY_TEXT).order_by("position", "code")),
        outcomes=list(
            scope.plan.outcomes.select_related("priority")
            .defer(*(f"priority__{name}" for name in _PRIORITY_TEXT))
            .order_by("priority__position", "position", "code")
        ),
        themes=list(scope.plan.themes.order_by("position", "code")),
        districts=list(District.objects.order_by("position", "name")),
    )
    plan = _Plan(facts)
    plan.map_earlier(scope)
    return facts, plan


def chosen_keys(scope: Scope, plan: _Plan) -> tuple[str | None, str | None]:
    """The district filter's key and the theme filter's code (the plan's own theme: its one
    code; an earlier plan's maps to several), or None."""
    return (
        plan.district.get(scope.district_id or 0),
        next(iter(plan.theme.get(scope.theme_id or 0, ())), None),
    )


def load_facts(scope: Scope) -> Facts:
    """Every award, contract and bid the scope counts, with its keys: 19 queries at most
    (22 with a crosswalk into the plan), however many there are. Through a crosswalk,
    what is aligned to an earlier plan counts under the codes it maps to, marked as
    mapped.

    Every award and bid becomes an object here: the dashboard counts with
    delivery.selectors.counting instead, and a list reads only its page."""
    facts, plan = plan_facts(scope)
    if scope.includes_grants:
        facts.awards = _award_facts(scope, plan)
        facts.bids = _bid_facts(scope, plan)
    if scope.includes_contracts:
        facts.contracts = contract_facts(scope, plan)
    return _filtered(facts, plan)


def contract_facts(scope: Scope, plan: _Plan) -> list[ContractFact]:
    """The contracts the scope counts (the district and theme filters applied)."""
    found = _contract_facts(scope, plan)
    district_key, theme_code = chosen_keys(scope, plan)
    if district_key or theme_code:
        found = [f for f in found if _kept(f.alignment, district_key, theme_code)]
    return found


def _filtered(facts: Facts, plan: _Plan) -> Facts:
    district_key, theme_code = chosen_keys(facts.scope, plan)
    if district_key or theme_code:
        facts.awards = [f for f in facts.awards if _kept(f.alignment, district_key, theme_code)]
        facts.bids = [f for f in facts.bids if _kept(f.alignment, district_key, theme_code)]
    return facts
