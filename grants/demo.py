"""Demo fund, round, pots and applications for `manage.py seed_demo` (safe to run again)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import District, Membership, Organisation, User
from core.models import StatusChange
from core.workflow import SYSTEM
from grants import services
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
    Pot,
    Round,
    Screening,
)
from grants.models.awards import add_months
from grants.services import awards as award_services
from grants.services import monitoring as report_services
from grants.services import publication as publication_services
from grants.services.assessment import ScoreInput
from grants.services.panel import InstalmentInput
from grants.services.screening import CheckAnswer
from outcomes.models import Plan

LONDON = ZoneInfo("Europe/London")
# A valid one-page PDF: uploads are parsed, and a file without its cross-reference table is
# refused (grants.uploads).
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n2 0 obj\n"
    b"<</Type/Pages/Kids[3 0 R]/Count 1>>\nendobj\n3 0 obj\n"
    b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>\nendobj\nxref\n0 4\n"
    b"0000000000 65535 f \n0000000009 00000 n \n0000000054 00000 n \n0000000105 00000 n \n"
    b"trailer\n<</Size 4/Root 1 0 R>>\nstartxref\n170\n%%EOF\n"
)


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12, 0), tzinfo=LONDON)


DEMO_APPLICATIONS = [
    # organisation, title, pot, amount, priority, submit?
    (
        "Manningham Youth Boxing Project",
        "Gloves Up, Knives Down",
        "Pot 2: Community grants",
        Decimal("7500"),
        "P3",
        True,
    ),
    (
        "Calder Valley Women's Centre",
        "Safe Spaces Halifax",
        "Pot 1: Larger projects",
        Decimal("18000"),
        "P2",
        True,
    ),
    (
        "Kirklees Street Angels",
        "Night-time Economy Street Angels",
        "Pot 2: Community grants",
        Decimal("6000"),
        "P3",
        True,
    ),
    (
        "Chapeltown Community Safety Partnership",
        "Chapeltown Youth Voices",
        "Pot 2: Community grants",
        Decimal("5200"),
        "P4",
        False,
    ),
    (
        "Wakefield Restorative Futures CIC",
        "Restorative Conversations in Schools",
        "Pot 1: Larger projects",
        Decimal("16500"),
        "P4",
        False,
    ),
]


# name, guidance, weight, minimum, n/a allowed; every criterion is scored 0 to 4.
MSCF_CRITERIA = [
    (
        "Need and evidence",
        "Is the need clear, local and backed by evidence (data, consultation, experience)?",
        30,
        2,
        False,
    ),
    (
        "Fit with the Police and Crime Plan",
        "How well does the project deliver the plan's priorities and outcomes?",
        25,
        None,
        False,
    ),
    (
        "Delivery and value for money",
        "Is the plan realistic, the budget sound and the cost per person reasonable?",
        25,
        None,
        False,
    ),
    (
        "Partnership and sustainability",
        "Does the group work with others, and will the benefit last beyond the grant?",
        20,
        None,
        True,
    ),
]
DESCRIPTORS = [
    "No evidence: does not meet the criterion",
    "Weak: meets it in part, with major gaps",
    "Adequate: meets it, with some gaps",
    "Good: meets it well",
    "Excellent: meets it fully, with strong evidence",
]


def seed_criteria(round: Round) -> None:
    for position, (name, guidance, weight, minimum, not_applicable) in enumerate(
        MSCF_CRITERIA, start=1
    ):
        Criterion.objects.get_or_create(
            round=round,
            name=name,
            defaults={
                "guidance": guidance,
                "weight": weight,
                "scale_max": 4,
                "descriptors": DESCRIPTORS,
                "minimum_score": minimum,
                "allow_not_applicable": not_applicable,
                "position": position,
            },
        )
    services.screening_checks_ensure(round=round)


def seed_fund_and_rounds(plan: Plan) -> list[str]:
    fund, _ = Fund.objects.get_or_create(
        code="mscf",
        defaults={
            "name": "Mayor's Safer Communities Fund",
            "funding_source": "Proceeds of Crime Act: money and assets seized from criminals",
            "description": (
                "Grants for voluntary and community groups, charities, not-for-profit "
                "organisations and public bodies for projects that keep West Yorkshire safe, "
                "just and inclusive."
            ),
        },
    )
    today = timezone.localdate()
    open_round, created = Round.objects.get_or_create(
        fund=fund,
        number=8,
        defaults={
            "title": "Safer Neighbourhoods",
            "theme": "Safer places and thriving communities",
            "description": (
                "Projects that prevent anti-social behaviour and serious violence, help "
                "people feel safer where they live, and divert young people from crime."
            ),
            "opens_at": _noon(today - dt.timedelta(days=14)),
            "closes_at": _noon(today + dt.timedelta(days=21)),
            "status": Round.Status.OPEN,
            "plan": plan,
            "reference_prefix": "MSCF-R8",
        },
    )
    open_round.priorities.set(plan.priorities.filter(code__in=["P2", "P3", "P4"]))
    Pot.objects.get_or_create(
        round=open_round,
        name="Pot 1: Larger projects",
        defaults={
            "min_award": Decimal("15000"),
            "max_award": Decimal("20000"),
            "budget": Decimal("750000"),
            "position": 1,
        },
    )
    Pot.objects.get_or_create(
        round=open_round,
        name="Pot 2: Community grants",
        defaults={
            "min_award": Decimal("500"),
            "max_award": Decimal("8000"),
            "budget": Decimal("250000"),
            "position": 2,
        },
    )
    seed_criteria(open_round)
    if created:
        _seed_applications(open_round)
    past_round = _seed_past_round(fund, plan)
    decided_round = _seed_decided_round(fund, plan)
    _seed_old_withdrawn_bid(decided_round)
    return [str(past_round), str(decided_round), str(open_round)]


# Withdrawn on this day in round 7, over two years ago: the retention schedule's first item
# due (`manage.py retention --dry-run` lists it; see settings.RETENTION).
OLD_WITHDRAWAL = dt.datetime(2024, 11, 20, 12, 0, tzinfo=ZoneInfo("Europe/London"))


def _seed_old_withdrawn_bid(round: Round) -> None:
    """A draft the group withdrew in November 2024 (it applied again later in the round)."""
    organisation = Organisation.objects.get(name="Calder Valley Women's Centre")
    if Application.objects.filter(round=round, organisation=organisation, status="withdrawn"):
        return
    owner = Membership.objects.filter(organisation=organisation, role="owner").first().user
    reason = "We found other funding for this project."
    # Written as it stood then: a withdrawn draft beside the group's live bid.
    application = Application.objects.create(
        round=round,
        organisation=organisation,
        status=Application.Status.WITHDRAWN,
        created_by=owner,
        project_title="Safe Spaces Drop-in",
        summary="A weekly drop-in for women who have experienced domestic abuse.",
        postcodes="HX7 5AD",
        submitter_name=owner.full_name,
        withdrawn_reason=reason,
    )
    Application.objects.filter(pk=application.pk).update(updated_at=OLD_WITHDRAWAL)
    StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(Application),
        object_id=application.pk,
        from_status=Application.Status.DRAFT,
        to_status=Application.Status.WITHDRAWN,
        actor=owner,
        reason=reason,
        at=OLD_WITHDRAWAL,
    )


def _seed_applications(round: Round) -> None:
    for name, title, pot_name, amount, priority_code, submit in DEMO_APPLICATIONS:
        organisation = Organisation.objects.get(name=name)
        owner = Membership.objects.filter(organisation=organisation, role="owner").first().user
        application = services.application_start(
            round=round, organisation=organisation, actor=owner
        )
        _fill(application, owner, title, pot_name, amount, priority_code, [organisation.district])
        if submit:
            services.application_submit(
                application=Application.objects.get(pk=application.pk), actor=owner
            )


def _fill(
    application, owner, title, pot_name, amount, priority_code, districts, themes=("CCT-EIP",)
) -> None:
    """Answer every section of a draft so it can be submitted."""
    round = application.round
    name = application.organisation.name
    start = timezone.localtime(round.closes_at).date() + dt.timedelta(days=30)
    priority = round.plan.priorities.get(code=priority_code)
    services.application_save_section(
        application=application,
        actor=owner,
        section="project",
        values={
            "project_title": title,
            "summary": f"{title}: a 12-month project run by {name} for local people.",
            "activities": "Weekly sessions, mentoring by trained volunteers, and a celebration event.",
            "start_date": start,
            "end_date": start + dt.timedelta(days=300),
            "pot": round.pots.get(name=pot_name),
            "amount_requested": amount,
        },
    )
    services.application_save_section(
        application=application,
        actor=owner,
        section="where",
        values={
            "districts": [d for d in districts if d is not None],
            "across_west_yorkshire": not districts,
            "beneficiary_groups": "Young people aged 11 to 18 and their families",
            "beneficiary_count": 120,
        },
    )
    services.application_save_section(
        application=application,
        actor=owner,
        section="alignment",
        values={
            "primary_priority": priority,
            "outcomes": list(priority.outcomes.all()[:2]),
            "themes": list(round.plan.themes.filter(code__in=themes)),
            "contribution": "The project reaches people early, before harm happens.",
        },
    )
    services.budget_line_add(
        application=application,
        actor=owner,
        description="Sessional youth workers",
        category=BudgetLine.Category.STAFF,
        amount=amount - Decimal("1000"),
    )
    services.budget_line_add(
        application=application,
        actor=owner,
        description="Venue hire",
        category=BudgetLine.Category.VENUE,
        amount=Decimal("1000"),
    )
    for kind in ApplicationDocument.REQUIRED:
        services.document_upload(
            application=application,
            actor=owner,
            kind=kind,
            uploaded=SimpleUploadedFile(
                f"{kind.replace('_', '-')}.pdf", TINY_PDF, content_type="application/pdf"
            ),
        )
    services.application_save_section(
        application=application,
        actor=owner,
        section="declarations",
        values={
            "declaration_true": True,
            "declaration_terms": True,
            "declaration_data": True,
            "submitter_name": owner.full_name,
            "submitter_position": "Chair",
        },
    )


ROUND_7_BIDS = [
    # organisation, title, pot, amount, priority, districts (empty: across West Yorkshire),
    # scores by the two assessors, the officers' mark and recommended amount
    (
        "Manningham Youth Boxing Project",
        "Gloves Up, Knives Down",
        "Pot 2: Community grants",
        Decimal("7500"),
        "P3",
        ["Bradford"],
        ([4, 3, 3, 3], [3, 3, 3, 2]),
        "recommended",
        Decimal("7000"),
    ),
    (
        "Calder Valley Women's Centre",
        "Safe Spaces Halifax",
        "Pot 1: Larger projects",
        Decimal("18000"),
        "P2",
        ["Calderdale"],
        ([4, 4, 3, 3], [4, 3, 4, 3]),
        "recommended",
        None,
    ),
    (
        "Kirklees Street Angels",
        "Night-time Economy Street Angels",
        "Pot 2: Community grants",
        Decimal("6000"),
        "P3",
        ["Kirklees", "Wakefield"],
        ([3, 3, 3, None], [3, 2, 3, None]),
        "recommended",
        None,
    ),
    (
        "Chapeltown Community Safety Partnership",
        "Chapeltown Youth Voices",
        "Pot 2: Community grants",
        Decimal("5200"),
        "P4",
        [],
        ([3, 3, 2, 2], [2, 3, 3, 2]),
        "recommended",
        None,
    ),
    (
        "Wakefield Restorative Futures CIC",
        "Restorative Conversations in Schools",
        "Pot 1: Larger projects",
        Decimal("16500"),
        "P4",
        ["Wakefield"],
        ([1, 2, 2, 1], [2, 2, 1, 1]),
        "not_recommended",
        None,
    ),
]


# Round 6 ran in the financial year before this one, so the plan-delivery dashboard has a
# finished year: grants paid and reported on, and a district (Leeds) whose only bid was
# declined. Same fields as ROUND_7_BIDS, then the cross-cutting themes.
ROUND_6_BIDS = [
    (
        "Manningham Youth Boxing Project",
        "Ringside Mentors",
        "Pot 2: Community grants",
        Decimal("5800"),
        "P3",
        ["Bradford"],
        ([3, 3, 3, 3], [3, 3, 3, 2]),
        "recommended",
        None,
        ("CCT-EIP",),
    ),
    (
        "Calder Valley Women's Centre",
        "Sisters Together",
        "Pot 1: Larger projects",
        Decimal("17500"),
        "P2",
        ["Calderdale", "Kirklees"],
        ([4, 4, 3, 3], [4, 3, 4, 3]),
        "recommended",
        None,
        ("CCT-SWG", "CCT-EIP"),
    ),
    (
        "Wakefield Restorative Futures CIC",
        "Restorative Justice Champions",
        "Pot 1: Larger projects",
        Decimal("15000"),
        "P4",
        [],
        ([3, 3, 3, 3], [3, 3, 2, 3]),
        "recommended",
        None,
        ("CCT-EIP", "CCT-EDI"),
    ),
    (
        "Chapeltown Community Safety Partnership",
        "Chapeltown After Dark",
        "Pot 2: Community grants",
        Decimal("6500"),
        "P3",
        ["Leeds"],
        ([1, 2, 1, 1], [2, 1, 1, 1]),
        "not_recommended",
        None,
        ("CCT-EIP",),
    ),
]


def _seed_past_round(fund: Fund, plan: Plan) -> Round:
    """Round 6, run in the previous financial year: open in April and May, decided in June,
    projects from July to March, paid when they started and reported on."""
    existing = Round.objects.filter(fund=fund, number=6).first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    year = today.year - 1 if today.month >= 4 else today.year - 2  # the previous year's April
    round = _run_round(
        fund,
        plan,
        number=6,
        title="Stronger Communities",
        theme="Safer places and thriving communities",
        description="Community projects that keep people safe where they live.",
        bids=ROUND_6_BIDS,
        opens=_noon(dt.date(year, 4, 8)),
        closes=_noon(dt.date(year, 5, 13)),
        submitted=_noon(dt.date(year, 5, 6)),
        start=dt.date(year, 7, 1),
        months=8,
    )
    decided = _noon(dt.date(year, 6, 10))
    Award.objects.filter(application__round=round).update(decided_at=decided)
    PanelItem.objects.filter(panel__round=round).update(decided_at=decided)
    _seed_past_after_award(round)
    return round


def _seed_past_after_award(round: Round) -> None:
    """Each round 6 grant accepted, its bank details checked and paid in full when the
    project started; both reports accepted for two grants (so they are complete), the
    6-month report for the third."""
    officer = User.objects.get(email="officer@demo.example")
    people = {
        "Ringside Mentors": ((18, 6, 0, 0), (41, 12, 3, 0)),
        "Sisters Together": ((9, 48, 77, 6), (15, 96, 160, 11)),
        "Restorative Justice Champions": ((22, 31, 18, 1), None),
    }
    for award in Award.objects.filter(application__round=round).select_related(
        "application__organisation"
    ):
        member = (
            Membership.objects.filter(organisation=award.application.organisation, role="owner")
            .first()
            .user
        )
        _accept(award, member)
        award_services.bank_details_verify(details=award.bank_details.get(), actor=officer)
        # Decided (backdated) before the project started: paid on the day it started.
        award.instalments.update(due_date=award.planned_start)
        for instalment in award.instalments.all():
            award_services.payment_record(
                instalment=instalment,
                actor=officer,
                paid_on=award.planned_start,
                amount=instalment.amount,
                reference=f"BACS-{award.reference[-4:]}{instalment.position}",
            )
        six_month, final = people[award.application.project_title]
        for kind, reached, share in (("six_month", six_month, "0.5"), ("final", final, "1")):
            if reached is None:
                continue
            report = award.reports.get(kind=kind)
            report_services.report_save(
                report=report,
                actor=member,
                values=_report_values(
                    report,
                    share=Decimal(share),
                    people=reached,
                    progress="Sessions ran every week as planned, with more people each month.",
                    successes="More people came than we planned for, and most came back.",
                    challenges="Finding a venue for the winter months; the library helped.",
                    case_study="A young person who had been excluded from school came to every "
                    "session, now volunteers with us and has started college.",
                ),
                submit=True,
            )
            report_services.report_accept(report=report, actor=officer)
            MonitoringReport.objects.filter(pk=report.pk).update(
                submitted_at=_noon(report.due_date - dt.timedelta(days=3)),
                reviewed_at=_noon(report.due_date + dt.timedelta(days=4)),
            )


def _seed_decided_round(fund: Fund, plan: Plan) -> Round:
    """Round 7, closed and decided: screened, scored by two assessors, moderated where
    they disagreed, frozen into a panel list, and decided, so every page has data."""
    existing = Round.objects.filter(fund=fund, number=7).first()
    if existing is not None:
        return existing
    # Round 7 really ran in late 2024: it closed at noon on Friday 13 December.
    round = _run_round(
        fund,
        plan,
        number=7,
        title="Safer Together",
        theme="Early intervention and prevention",
        description="Community projects that prevent crime and anti-social behaviour.",
        bids=ROUND_7_BIDS,
        opens=_noon(dt.date(2024, 10, 14)),
        closes=_noon(dt.date(2024, 12, 13)),
        submitted=_noon(dt.date(2024, 12, 2)),
    )
    _seed_after_award(round)
    return round


def _run_round(
    fund: Fund,
    plan: Plan,
    *,
    number: int,
    title: str,
    theme: str,
    description: str,
    bids: list,
    opens: dt.datetime,
    closes: dt.datetime,
    submitted: dt.datetime,
    start: dt.date | None = None,
    months: int = 11,
) -> Round:
    """A round run from start to decision: the groups in `bids` apply (submitting at
    `submitted`), and the round is closed, screened, scored and decided."""
    now = timezone.now()
    round = Round.objects.create(
        fund=fund,
        number=number,
        title=title,
        theme=theme,
        description=description,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=1),
        status=Round.Status.OPEN,
        plan=plan,
        reference_prefix=f"MSCF-R{number}",
    )
    round.priorities.set(plan.priorities.filter(code__in=["P2", "P3", "P4"]))
    Pot.objects.create(
        round=round,
        name="Pot 1: Larger projects",
        min_award=Decimal("15000"),
        max_award=Decimal("20000"),
        budget=Decimal("750000"),
        position=1,
    )
    Pot.objects.create(
        round=round,
        name="Pot 2: Community grants",
        min_award=Decimal("500"),
        max_award=Decimal("8000"),
        budget=Decimal("250000"),
        position=2,
    )
    seed_criteria(round)
    drafts = []
    for name, *_ in bids:
        organisation = Organisation.objects.get(name=name)
        owner = Membership.objects.filter(organisation=organisation, role="owner").first().user
        drafts.append(
            (
                services.application_start(round=round, organisation=organisation, actor=owner),
                owner,
            )
        )
    Round.objects.filter(pk=round.pk).update(opens_at=opens, closes_at=closes)
    round.refresh_from_db()
    for (application, owner), bid in zip(drafts, bids, strict=True):
        _, bid_title, pot_name, amount, priority, districts, *rest = bid
        _fill(
            application,
            owner,
            bid_title,
            pot_name,
            amount,
            priority,
            [District.objects.get(name=d) for d in districts],
            *rest[3:],  # the themes, when the bid names its own
        )
        services.application_submit(
            application=Application.objects.get(pk=application.pk), actor=owner, now=submitted
        )
    services.round_close(round=round, actor=SYSTEM)
    _decide_round(round, bids, start=start, months=months)
    return round


# What each group wrote for publication when it accepted (title, summary, and whether
# where it works is withheld: the women's centre runs a refuge, so its location never is).
PUBLIC_TEXT = {
    # Round 6 (last financial year), by the bid's title.
    "Ringside Mentors": (
        "Ringside Mentors",
        "Boxing coaches mentor young people at risk of getting drawn into crime, with weekly "
        "training sessions and one-to-one time.",
        False,
    ),
    "Sisters Together": (
        "Peer support for women and girls",
        "Peer support groups, led by women who have been through it, for women and girls "
        "recovering from domestic abuse.",
        True,
    ),
    "Restorative Justice Champions": (
        "Restorative Justice Champions",
        "Volunteers trained to run restorative meetings between people harmed by crime and "
        "those who harmed them, across West Yorkshire.",
        False,
    ),
    # Round 7, by the organisation.
    "Calder Valley Women's Centre": (
        "Safe spaces for women and girls",
        "Drop-in sessions and one-to-one support, run by trained staff and volunteers, for "
        "women and girls who have lived with domestic abuse.",
        True,
    ),
    "Chapeltown Community Safety Partnership": (
        "Chapeltown Youth Voices",
        "Young people design and lead workshops on staying safe online and in their "
        "neighbourhood, ending with an event for their families.",
        False,
    ),
    "Kirklees Street Angels": (
        "Night-time Economy Street Angels",
        "Trained volunteers out on Friday and Saturday nights in the town centres, helping "
        "people who are vulnerable or alone get home safely.",
        False,
    ),
}


def _accept(award, member) -> None:
    organisation = award.application.organisation
    title, summary, withhold_location = PUBLIC_TEXT.get(
        award.application.project_title, PUBLIC_TEXT.get(organisation.name)
    )
    publication_services.award_accept_with_publication(
        award=award,
        actor=member,
        publication=publication_services.PublicationInput(
            public_title=title, public_summary=summary, withhold_location=withhold_location
        ),
        data=award_services.AcceptanceInput(
            signatory_name=member.full_name,
            signatory_position="Chair",
            terms_accepted=True,
            supplier_name=organisation.name,
            supplier_address=f"{organisation.address_line_1}\n{organisation.town}\n{organisation.postcode}",
            supplier_email=member.email,
            bank=award_services.BankInput(
                account_name=organisation.name,
                sort_code="309457",
                account_number="00733445",
                evidence=SimpleUploadedFile("bank-statement.pdf", TINY_PDF, "application/pdf"),
            ),
        ),
    )


def _seed_after_award(round: Round) -> None:
    """Round 7's awards at every stage after the decision: Manningham's offer waits for
    applicant@ to accept; Calder Valley's bank details wait for a second check; Chapeltown
    has an overdue payment and one due this month; Kirklees is paid and its 6-month report
    waits for review."""
    officer = User.objects.get(email="officer@demo.example")
    today = timezone.localdate()
    awards = {
        a.application.organisation.name: a
        for a in Award.objects.filter(application__round=round).select_related(
            "application__organisation"
        )
    }

    def owner(award):
        return (
            Membership.objects.filter(organisation=award.application.organisation, role="owner")
            .first()
            .user
        )

    calder = awards["Calder Valley Women's Centre"]
    _accept(calder, owner(calder))

    chapeltown = awards["Chapeltown Community Safety Partnership"]
    half = (chapeltown.amount / 2).quantize(Decimal("0.01"))
    services.award_schedule_set(
        award=chapeltown,
        actor=officer,
        instalments=[
            InstalmentInput(today - dt.timedelta(days=12), half),
            InstalmentInput(
                add_months(today, 1).replace(day=1) - dt.timedelta(days=1), chapeltown.amount - half
            ),
        ],
    )
    _accept(chapeltown, owner(chapeltown))
    award_services.bank_details_verify(details=chapeltown.bank_details.get(), actor=officer)

    kirklees = awards["Kirklees Street Angels"]
    member = owner(kirklees)
    _accept(kirklees, member)
    award_services.bank_details_verify(details=kirklees.bank_details.get(), actor=officer)
    instalment = kirklees.instalments.get()
    award_services.payment_record(
        instalment=instalment,
        actor=officer,
        paid_on=today,
        amount=instalment.amount,
        reference="BACS-204117",
    )
    report = kirklees.reports.get(kind="six_month")
    report_services.report_save(
        report=report,
        actor=member,
        values=_report_values(
            report,
            share=Decimal("0.55"),
            people=(12, 96, 141, 9),
            progress="Volunteers were out on 19 Friday and Saturday nights in Huddersfield "
            "town centre and helped 258 people get home safely.",
            successes="Twelve new volunteers trained, and the taxi marshals now call us first.",
            challenges="Recruiting volunteers for the late shift; we now pair new volunteers "
            "with experienced ones.",
            case_study="A young woman separated from her friends at 2am had lost her phone. "
            "Our volunteers stayed with her, charged her phone and waited until her sister "
            "collected her. She wrote afterwards that she had felt safe for the first time "
            "that night.",
        ),
        submit=True,
    )


def _report_values(
    report,
    *,
    share: Decimal,
    people: tuple[int, int, int, int],
    progress: str,
    successes: str,
    challenges: str,
    case_study: str,
) -> dict[str, str]:
    """A complete monitoring report as the group would type it: `share` of each budget
    line spent, and the people reached in each age group (BENEFICIARY_GROUPS' order)."""
    values = {
        f"spent-{line.pk}": f"{(line.budget_line.amount * share).quantize(Decimal('0.01'))}"
        for line in report.spend.select_related("budget_line")
    }
    values.update(
        {
            f"beneficiaries-{key}": str(count)
            for key, count in zip(("under_18", "18_24", "25_64", "65_plus"), people, strict=True)
        }
    )
    values.update({f"progress-{p.pk}": progress for p in report.outcome_progress.all()})
    values.update(successes=successes, challenges=challenges, case_study=case_study)
    return values


def _decide_round(round: Round, bids, *, start: dt.date | None = None, months: int = 11) -> None:
    officer = User.objects.get(email="officer@demo.example")
    assessors = list(
        User.objects.filter(email__in=["assessor@demo.example", "assessor2@demo.example"]).order_by(
            "email"
        )
    )
    decider = User.objects.get(email="decision@demo.example")
    checks = services.screening_checks_ensure(round=round)
    applications = list(round.applications.order_by("reference"))
    criteria = list(round.criteria.all())
    for application in applications:
        services.application_screen(
            application=application,
            actor=officer,
            answers=[CheckAnswer(check.question, True) for check in checks],
            outcome=Screening.Outcome.ELIGIBLE,
        )
    services.assessors_assign_balanced(
        round=round, assessors=assessors, per_application=2, actor=officer
    )
    for application, bid in zip(applications, bids, strict=True):
        for assessor, values in zip(assessors, bid[6], strict=True):
            assessment = Assessment.objects.get(application=application, assessor=assessor)
            services.assessment_declare(assessment=assessment, actor=assessor, conflict=False)
            services.assessment_save(
                assessment=assessment,
                actor=assessor,
                scores={
                    c.pk: ScoreInput(
                        value=v,
                        not_applicable=v is None,
                        comment="Clear evidence from the local ward profile."
                        if v and v >= 3
                        else "Little evidence given.",
                    )
                    for c, v in zip(criteria, values, strict=True)
                },
                overall_comment="A well-run group with a clear plan.",
                recommendation=Assessment.Recommendation.FUND
                if bid[7] == "recommended"
                else Assessment.Recommendation.DO_NOT_FUND,
            )
            services.assessment_submit(assessment=assessment, actor=assessor)
    for application, bid in zip(applications, bids, strict=True):
        application.refresh_from_db()
        services.application_mark(
            application=application, actor=officer, mark=bid[7], recommended_amount=bid[8]
        )
    # The projects start about five months before today, so the 6-month reports fall due
    # in the coming weeks and the demo shows live payments and monitoring.
    # (A past round passes its own dates.)
    start = start or add_months(timezone.localdate(), -5) - dt.timedelta(days=10)
    Application.objects.filter(round=round).update(
        start_date=start, end_date=add_months(start, months)
    )
    panel = services.panel_freeze(round=round, actor=officer, note="Independent Advisory Board")
    services.panel_approve_recommended(panel=panel, actor=decider)
    for item in panel.items.filter(decision=PanelItem.Decision.PENDING):
        services.panel_item_decline(
            item=item,
            actor=decider,
            feedback=(
                "The panel liked the idea but the application gave too little evidence of need "
                "in the schools named, and the cost per pupil was high compared with similar bids."
            ),
        )
