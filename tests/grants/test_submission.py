import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import NotAllowed
from core.models import StatusChange
from grants import services
from grants.errors import DeadlinePassed, IncompleteApplication
from grants.models import Application
from tests.factories import MembershipFactory
from tests.grants.conftest import LONDON, complete_application, make_round, noon

# Round 3 closed at noon on Friday 11 November 2022 (GMT); a summer round closes in BST.
DEADLINES = {"GMT": noon(2022, 11, 11), "BST": noon(2023, 6, 30)}


@pytest.mark.parametrize("season", ["GMT", "BST"])
def test_a_bid_at_11_59_59_london_time_is_in_time(personas, plan, season):
    closes = DEADLINES[season]
    round = make_round(plan, opens_at=closes - dt.timedelta(days=30), closes_at=closes)
    application = _complete_before(round, personas, closes)
    services.application_submit(
        application=application, actor=personas.applicant_a, now=closes - dt.timedelta(seconds=1)
    )
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.reference == "MSCF-R5-0001"


@pytest.mark.parametrize("season", ["GMT", "BST"])
def test_a_bid_at_12_00_00_london_time_is_refused_and_stays_a_draft(personas, plan, season):
    closes = DEADLINES[season]
    round = make_round(plan, opens_at=closes - dt.timedelta(days=30), closes_at=closes)
    application = _complete_before(round, personas, closes)
    with pytest.raises(DeadlinePassed) as refused:
        services.application_submit(application=application, actor=personas.applicant_a, now=closes)
    day = "Friday 11 November 2022" if season == "GMT" else "Friday 30 June 2023"
    assert f"closed at 12 noon on {day}" in refused.value.message
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    assert application.reference is None
    assert application.project_title == "Gloves Up, Knives Down"
    round.refresh_from_db()
    assert round.last_reference_number == 0


def test_noon_in_summer_is_eleven_utc_and_noon_in_winter_is_twelve_utc():
    assert DEADLINES["BST"].astimezone(dt.UTC).hour == 11
    assert DEADLINES["GMT"].astimezone(dt.UTC).hour == 12


@settings(max_examples=40, deadline=None)
@given(
    day=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31)),
    offset=st.integers(-3600, 3600),
)
def test_in_time_means_strictly_before_noon_london_on_any_day(day, offset):
    from grants.models import Round

    closes = dt.datetime.combine(day, dt.time(12), tzinfo=LONDON)
    round = Round(
        status=Round.Status.OPEN, opens_at=closes - dt.timedelta(days=60), closes_at=closes
    )
    instant = closes + dt.timedelta(seconds=offset)
    assert round.is_open_at(instant) is (offset < 0)


def _complete_before(round, personas, closes):
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=closes - dt.timedelta(days=1)):
        return complete_application(round, personas.org_a, personas.applicant_a)


def test_submitting_gives_a_reference_a_receipt_and_an_audit_row(
    personas, open_round, django_capture_on_commit_callbacks
):
    application = complete_application(open_round, personas.org_a, personas.applicant_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, actor=personas.applicant_a)
    application.refresh_from_db()
    assert application.reference == "MSCF-R5-0001"
    assert application.submitted_by == personas.applicant_a
    change = StatusChange.objects.get(object_id=application.pk)
    assert (change.from_status, change.to_status, change.actor) == (
        "draft",
        "submitted",
        personas.applicant_a,
    )
    receipt = mail.outbox[-1]
    assert receipt.subject == "Application MSCF-R5-0001 received"
    assert set(receipt.to) == {personas.applicant_a.email, personas.colleague_a.email}
    assert "Gloves Up, Knives Down" in receipt.body
    assert "Coaches (Staff and sessional workers): £6,000" in receipt.body


def test_an_incomplete_draft_is_refused_with_every_problem(personas, open_round):
    application = services.application_start(
        round=open_round, organisation=personas.org_a, actor=personas.applicant_a
    )
    with pytest.raises(IncompleteApplication) as refused:
        services.application_submit(application=application, actor=personas.applicant_a)
    messages = [p.message for p in refused.value.extra["problems"]]
    assert "Enter a project title" in messages
    assert "Upload your governing document" in messages
    application.refresh_from_db()
    assert application.status == "draft"


def test_references_count_up_without_gaps_within_a_round(personas, open_round, plan):
    other_round = make_round(plan, number=6)
    first = complete_application(open_round, personas.org_a, personas.applicant_a)
    second = complete_application(open_round, personas.org_b, personas.applicant_b)
    elsewhere = complete_application(other_round, personas.org_a, personas.applicant_a)
    for application, user in (
        (first, personas.applicant_a),
        (elsewhere, personas.applicant_a),
        (second, personas.applicant_b),
    ):
        services.application_submit(application=application, actor=user)
    assert sorted(Application.objects.values_list("reference", flat=True)) == [
        "MSCF-R5-0001",
        "MSCF-R5-0002",
        "MSCF-R6-0001",
    ]


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_many_groups_submitting_at_once_get_unique_gap_free_references(plan):
    round = make_round(plan, number=9)
    drafts = []
    for _ in range(8):
        membership = MembershipFactory()
        drafts.append(
            (complete_application(round, membership.organisation, membership.user), membership.user)
        )
    barrier = threading.Barrier(len(drafts))
    errors = []

    def submit(application, user):
        try:
            barrier.wait()
            services.application_submit(application=application, actor=user)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=pair) for pair in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    references = sorted(Application.objects.filter(round=round).values_list("reference", flat=True))
    assert references == [f"MSCF-R9-{n:04d}" for n in range(1, 9)]


def test_the_web_deadline_refusal_keeps_the_draft_and_says_why(client_for, personas, plan):
    from unittest import mock

    closes = noon(2023, 11, 10)
    round = make_round(plan, opens_at=closes - dt.timedelta(days=30), closes_at=closes)
    application = _complete_before(round, personas, closes)
    client = client_for(personas.applicant_a)
    with mock.patch("django.utils.timezone.now", return_value=closes):
        response = client.post(reverse("grants:application-submit", args=[application.uuid]))
    assert response.status_code == 409
    assert "This round closed at 12 noon on Friday 10 November 2023" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "draft"
    assert application.project_title == "Gloves Up, Knives Down"


def test_withdrawing_needs_a_reason_and_is_audited(personas, open_round):
    from django.core.exceptions import ValidationError

    application = complete_application(open_round, personas.org_a, personas.applicant_a)
    services.application_submit(application=application, actor=personas.applicant_a)
    with pytest.raises(ValidationError):
        services.application_withdraw(
            application=application, actor=personas.applicant_a, reason="  "
        )
    services.application_withdraw(
        application=application, actor=personas.colleague_a, reason="Lost our venue"
    )
    application.refresh_from_db()
    assert application.status == "withdrawn"
    assert StatusChange.objects.filter(
        object_id=application.pk, to_status="withdrawn", reason="Lost our venue"
    ).exists()


def test_start_from_a_previous_application_copies_answers_and_documents(personas, open_round, plan):
    source = complete_application(open_round, personas.org_a, personas.applicant_a)
    services.application_submit(application=source, actor=personas.applicant_a)
    new_round = make_round(plan, number=7)
    draft = services.application_copy(source=source, round=new_round, actor=personas.colleague_a)
    assert draft.round == new_round and draft.status == "draft"
    assert draft.summary == "Boxing and mentoring." and draft.across_west_yorkshire
    assert (
        draft.start_date is None and draft.amount_requested is None and not draft.declaration_true
    )
    assert draft.documents.count() == 3
    assert draft.documents.first().file.read().startswith(b"%PDF")


@pytest.mark.parametrize("who", ["officer", "applicant_b", "administrator"])
def test_only_the_groups_members_may_copy_its_application(personas, open_round, plan, who):
    source = complete_application(open_round, personas.org_a, personas.applicant_a)
    services.application_submit(application=source, actor=personas.applicant_a)
    new_round = make_round(plan, number=7)
    with pytest.raises(
        NotAllowed, match="Only members of Org A Youth Project can copy its applications"
    ):
        services.application_copy(source=source, round=new_round, actor=personas.get(who))
    assert not Application.objects.filter(round=new_round).exists()
