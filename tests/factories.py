from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db.models import F
from django.utils import timezone

from accounts.models import District, Membership, Organisation, User
from accounts.roles import Role
from grants.models import (
    Application,
    ApplicationDocument,
    Assessment,
    Award,
    BudgetLine,
    Criterion,
    Fund,
    MonitoringReport,
    PanelItem,
    PanelRecommendation,
    PaymentInstalment,
    Pot,
    Round,
    Score,
    Screening,
)

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def roles(self, create, extracted: list[Role] | None, **kwargs):
        if create and extracted:
            # get_or_create: live-server tests flush the tables, taking the groups that a
            # data migration made with them.
            self.groups.add(
                *(Group.objects.get_or_create(name=role.label)[0] for role in extracted)
            )


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("name",)

    name = factory.Iterator(["Bradford", "Calderdale", "Kirklees", "Leeds", "Wakefield"])


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Community Group {n}")
    type = Organisation.Type.COMMUNITY_GROUP
    address_line_1 = "1 High Street"
    town = "Leeds"
    postcode = "LS1 1AA"
    district = factory.SubFactory(DistrictFactory, name="Leeds")
    is_applicant = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.OWNER


# ---------------------------------------------------------------------------------------
# Grants: rows made straight in the database, for tests where the journey is not the point.
# Tests of a journey (submitting, screening, scoring, deciding) call the services instead.


def minimal_pdf(*extra: bytes, catalog_extra: bytes = b"", padding: int = 0) -> bytes:
    """A valid one-page PDF (uploads are parsed): `extra` objects numbered from 4,
    `catalog_extra` added to the catalog, `padding` bytes of comment after the header."""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R" + catalog_extra + b">>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
        *extra,
    ]
    out = bytearray(b"%PDF-1.4\n")
    if padding:
        out += b"%" + b"0" * (padding - 2) + b"\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdf_of_size(size: int) -> bytes:
    """A valid PDF of exactly `size` bytes (for the 10 MB limit)."""
    padding = size - len(minimal_pdf())
    padding -= len(minimal_pdf(padding=padding)) - size  # the xref offset grows digits
    content = minimal_pdf(padding=padding)
    assert len(content) == size
    return content


PDF = minimal_pdf()


def _latest_plan():
    from outcomes.models import Plan

    plan = Plan.objects.order_by("-pk").first()
    if plan is None:
        raise LookupError("Load a plan first: ask for the `plan` fixture.")
    return plan


def _next_reference(round: Round) -> str:
    """The round's next bid reference, as submitting takes it."""
    Round.objects.filter(pk=round.pk).update(last_reference_number=F("last_reference_number") + 1)
    round.refresh_from_db(fields=["last_reference_number"])
    return f"{round.reference_prefix}-{round.last_reference_number:04d}"


class FundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fund
        django_get_or_create = ("code",)

    code = "mscf"
    name = "Mayor's Safer Communities Fund"


class RoundFactory(factory.django.DjangoModelFactory):
    """An open round (closing in ten days) with the two MSCF pots; `pots=False` for none."""

    class Meta:
        model = Round
        skip_postgeneration_save = True

    fund = factory.SubFactory(FundFactory)
    number = factory.Sequence(lambda n: 100 + n)
    title = "Multiple and Complex Needs"
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10))
    status = Round.Status.OPEN
    plan = factory.LazyFunction(_latest_plan)
    reference_prefix = factory.LazyAttribute(lambda o: f"MSCF-R{o.number}")

    @factory.post_generation
    def pots(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        PotFactory(
            round=self, name="Pot 1", min_award=15000, max_award=20000, budget=750000, position=1
        )
        PotFactory(
            round=self, name="Pot 2", min_award=500, max_award=8000, budget=250000, position=2
        )


class PotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pot

    round = factory.SubFactory(RoundFactory, pots=False)
    name = factory.Sequence(lambda n: f"Pot {n}")
    min_award = Decimal("500")
    max_award = Decimal("8000")
    budget = Decimal("250000")
    position = factory.Sequence(lambda n: n)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    round = factory.SubFactory(RoundFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    weight = 25
    scale_max = 4
    position = factory.Sequence(lambda n: n)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft with every section answered, one budget line and the three required
    documents: ready to submit. `submitted=True` gives a submitted bid with a reference."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    class Params:
        submitted = factory.Trait(
            status=Application.Status.SUBMITTED,
            reference=factory.LazyAttribute(lambda o: _next_reference(o.round)),
            submitted_at=factory.LazyFunction(timezone.now),
            submitted_by=factory.SelfAttribute("created_by"),
        )

    round = factory.SubFactory(RoundFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    created_by = None
    status = Application.Status.DRAFT
    project_title = "Gloves Up, Knives Down"
    summary = "Boxing and mentoring."
    activities = "Weekly sessions."
    start_date = factory.LazyAttribute(
        lambda o: timezone.localtime(o.round.closes_at).date() + dt.timedelta(days=30)
    )
    end_date = factory.LazyAttribute(lambda o: o.start_date + dt.timedelta(days=200))
    pot = factory.LazyAttribute(lambda o: o.round.pots.get(name="Pot 2"))
    amount_requested = Decimal("6000")
    across_west_yorkshire = True
    beneficiary_groups = "Young people"
    beneficiary_count = 80
    primary_priority = factory.LazyAttribute(lambda o: o.round.plan.priorities.get(code="P3"))
    contribution = "Diverts young people from violence."
    declaration_true = True
    declaration_terms = True
    declaration_data = True
    submitter_name = "Aisha Khan"
    saved_sections = factory.LazyFunction(
        lambda: ["project", "where", "alignment", "budget", "declarations"]
    )

    @factory.post_generation
    def budget_lines(self, create, extracted, **kwargs):
        """One £amount_requested staff line by default; pass [(description, category,
        amount), ...] for others, or [] for none."""
        if not create:
            return
        lines = (
            [("Coaches", BudgetLine.Category.STAFF, self.amount_requested)]
            if extracted is None
            else extracted
        )
        BudgetLine.objects.bulk_create(
            BudgetLine(
                application=self,
                description=description,
                category=category,
                amount=Decimal(amount),
                position=position,
            )
            for position, (description, category, amount) in enumerate(lines)
        )

    @factory.post_generation
    def documents(self, create, extracted, **kwargs):
        """The required documents (PDFs) by default; pass a list of kinds, or [] for none."""
        if not create:
            return
        for kind in ApplicationDocument.REQUIRED if extracted is None else extracted:
            document = ApplicationDocument(
                application=self,
                kind=kind,
                original_name="constitution.pdf",
                content_type="application/pdf",
                size=len(PDF),
                uploaded_by=self.created_by,
            )
            document.file.save("upload", ContentFile(PDF), save=False)
            document.save()


class PaymentInstalmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaymentInstalment

    position = factory.Sequence(lambda n: n + 1)
    due_date = factory.LazyAttribute(lambda o: o.award.planned_start)
    amount = factory.LazyAttribute(lambda o: o.award.amount)


class AwardFactory(factory.django.DjangoModelFactory):
    """An award on a submitted bid, made straight in the database (no panel, no letter).

    `instalments`: [(due date, amount, paid on or None), ...]; none by default.
    """

    class Meta:
        model = Award
        skip_postgeneration_save = True

    application = factory.SubFactory(
        ApplicationFactory, submitted=True, status=Application.Status.OFFERED
    )
    reference = factory.LazyAttribute(lambda o: o.application.reference)
    amount = factory.LazyAttribute(lambda o: o.application.amount_requested)
    planned_start = factory.LazyAttribute(lambda o: o.application.start_date)
    planned_end = factory.LazyAttribute(lambda o: o.application.end_date)
    plan = factory.LazyAttribute(lambda o: o.application.round.plan)
    primary_priority = factory.LazyAttribute(lambda o: o.application.primary_priority)
    decided_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def instalments(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        PaymentInstalment.objects.bulk_create(
            PaymentInstalment(
                award=self,
                position=position,
                due_date=due,
                amount=Decimal(amount),
                paid_on=paid_on,
                paid_amount=Decimal(amount) if paid_on else None,
            )
            for position, (due, amount, paid_on) in enumerate(extracted, start=1)
        )


class MonitoringReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonitoringReport

    award = factory.SubFactory(AwardFactory)
    kind = MonitoringReport.Kind.SIX_MONTH
    due_date = factory.LazyAttribute(lambda o: o.award.planned_start + dt.timedelta(days=183))


class AssessmentFactory(factory.django.DjangoModelFactory):
    """An assessment assigned to a new assessor; `scores=[4, 3, None, ...]` (None: n/a, one
    per criterion of the round in order) declares no conflict and submits it."""

    class Meta:
        model = Assessment
        skip_postgeneration_save = True

    application = factory.SubFactory(ApplicationFactory, submitted=True)
    assessor = factory.SubFactory(UserFactory, roles=[Role.ASSESSOR])
    status = Assessment.Status.ASSIGNED

    @factory.post_generation
    def scores(self, create, extracted, **kwargs):
        if not create or extracted is None:
            return
        from grants.scoring import CriterionScore, weighted_score

        criteria = list(self.application.round.criteria.order_by("position", "pk"))
        Score.objects.bulk_create(
            Score(
                assessment=self,
                criterion=criterion,
                value=value,
                not_applicable=value is None,
                comment="Because.",
            )
            for criterion, value in zip(criteria, extracted, strict=True)
        )
        now = timezone.now()
        self.status = Assessment.Status.SUBMITTED
        self.declared_at = self.submitted_at = now
        self.overall_comment = "Overall fine."
        self.recommendation = kwargs.get("recommendation", "fund")
        self.weighted_score = weighted_score(
            CriterionScore(weight=criterion.weight, scale_max=criterion.scale_max, value=value)
            for criterion, value in zip(criteria, extracted, strict=True)
        )
        self.save()


class PanelRecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PanelRecommendation

    round = factory.SubFactory(RoundFactory)
    frozen_at = factory.LazyFunction(timezone.now)


class PanelItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PanelItem

    panel = factory.SubFactory(PanelRecommendationFactory)
    application = factory.SubFactory(
        ApplicationFactory,
        submitted=True,
        status=Application.Status.ASSESSED,
        round=factory.SelfAttribute("..panel.round"),
    )
    pot = factory.LazyAttribute(lambda o: o.application.pot)
    rank = factory.Sequence(lambda n: n + 1)
    score = Decimal("75.00")
    mark = Application.Mark.RECOMMENDED
    amount_requested = factory.LazyAttribute(lambda o: o.application.amount_requested)
    recommended_amount = factory.LazyAttribute(lambda o: o.application.amount_requested)
    within_budget = True


class ScreeningFactory(factory.django.DjangoModelFactory):
    """An eligible screening: every one of the round's checks passed."""

    class Meta:
        model = Screening

    application = factory.SubFactory(ApplicationFactory, submitted=True)
    outcome = Screening.Outcome.ELIGIBLE
    results = factory.LazyAttribute(
        lambda o: [
            {"question": check.question, "passed": True, "note": ""}
            for check in o.application.round.screening_checks.order_by("position", "pk")
        ]
    )
    screened_at = factory.LazyFunction(timezone.now)
