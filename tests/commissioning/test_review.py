"""A commissioner reviews a submitted return: asks for changes (overall and against measures)
or accepts it with a red/amber/green rating, which locks it. A correction of an accepted
return is a new version with a reason; the accepted version stands until it is accepted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from commissioning import selectors
from commissioning.models import (
    MeasureComment,
    MonitoringReturn,
    Rating,
    ReturnReview,
    ReturnValue,
)
from commissioning.services.returns import (
    return_accept,
    return_correct,
    return_request_changes,
    return_save,
    return_upload_csv,
)
from core.errors import InvalidTransition, NotAllowed
from core.models import OutboxMessage, StatusChange
from core.outbox import outbox_relay
from tests.commissioning.builders import complete_figures
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
R = MonitoringReturn.Status
TITLE = "2026/27 Q1 return for VS-TEST-01"


def at(day: dt.date, hour: int = 10):
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), LONDON), tick=False)


@pytest.fixture
def sent(django_capture_on_commit_callbacks, mailoutbox):
    """sent(fn, *args, **kwargs) -> (fn's result, the emails relayed on commit)."""

    def run(fn, *args, **kwargs):
        outbox_relay()  # whatever set the scene queued is sent first, and not counted
        before = len(mailoutbox)
        with django_capture_on_commit_callbacks(execute=True):
            result = fn(*args, **kwargs)
        return result, mailoutbox[before:]

    return run


@pytest.fixture
def colleague(personas):
    """A second member of the provider organisation."""
    return MembershipFactory(organisation=personas.provider_org, user__email="pam@example.org").user


@pytest.fixture
def submitted(q1_return, personas) -> MonitoringReturn:
    with at(dt.date(2026, 7, 10)):
        result = return_save(
            monitoring_return=q1_return,
            actor=personas.provider,
            typed=complete_figures(),
            submit=True,
        )
    assert result.submitted, result.errors
    q1_return.refresh_from_db()
    return q1_return


def accept(r, actor, rating=Rating.GREEN, comment=""):
    return return_accept(monitoring_return=r, actor=actor, rating=rating, comment=comment)


def changes(r) -> list[tuple[str, str, object, str]]:
    return list(
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(MonitoringReturn), object_id=r.pk
        )
        .order_by("pk")
        .values_list("from_status", "to_status", "actor__email", "reason")
    )


def rollup_value(code: str, category: str = "") -> Decimal | None:
    from tests.commissioning.builders import measure_set

    result = selectors.rollup(measure_set=measure_set(), financial_year=2026, period="Q1")
    [row] = [r for r in result.rows if r.measure.code == code and r.category == category]
    return row.value


def return_url(r) -> str:
    return settings.SITE_URL + reverse("commissioning:return", args=[r.uuid])


# ---------------------------------------------------------------------------------------
# Submission


def test_the_lead_commissioner_is_told_when_a_return_is_submitted(q1_return, personas, sent):
    result, emails = sent(
        return_save,
        monitoring_return=q1_return,
        actor=personas.provider,
        typed=complete_figures(),
        submit=True,
    )
    assert result.submitted
    [email] = emails
    assert email.to == [personas.commissioner.email]
    assert email.subject == f"Submitted for review: Victim Care Provider's {TITLE}"
    assert "Victim Care Provider has submitted the 2026/27 Q1 monitoring return" in email.body
    review_url = settings.SITE_URL + reverse("commissioning:return-review", args=[q1_return.uuid])
    assert review_url in email.body


# ---------------------------------------------------------------------------------------
# Changes requested, then resubmitted, then accepted


def test_changes_requested_then_resubmitted_then_accepted(submitted, personas, colleague, sent):
    with at(dt.date(2026, 7, 14)):
        review, emails = sent(
            return_request_changes,
            monitoring_return=submitted,
            actor=personas.commissioner,
            comment="Nearly there.",
            measure_comments={
                "SPEND": "This is more than the quarter's allocation.",
                "OUT_SAFER": "Is this from the exit survey?",
                "CLOSED": "   ",  # blank notes are dropped
            },
        )
    assert review.outcome == ReturnReview.Outcome.CHANGES_REQUESTED
    assert review.comment == "Nearly there."
    assert review.reviewer == personas.commissioner
    assert sorted(
        MeasureComment.objects.filter(review=review).values_list("measure__code", "comment")
    ) == [
        ("OUT_SAFER", "Is this from the exit survey?"),
        ("SPEND", "This is more than the quarter's allocation."),
    ]
    submitted.refresh_from_db()
    assert submitted.status == R.CHANGES_REQUESTED
    assert submitted.reviewed_by == personas.commissioner
    assert submitted.is_editable

    # Every member of the provider hears, with the notes against the measures.
    [email] = emails
    assert sorted(email.to) == sorted([personas.provider.email, colleague.email])
    assert email.subject == f"Changes needed to your {TITLE}"
    assert "Nearly there." in email.body
    assert "- Spend in the quarter: This is more than the quarter's allocation." in email.body
    assert "- Feel safer: Is this from the exit survey?" in email.body
    assert "Cases closed" not in email.body
    assert return_url(submitted) in email.body

    # The provider corrects the spend and submits again; the commissioner hears again.
    with at(dt.date(2026, 7, 15)):
        result, emails = sent(
            return_save,
            monitoring_return=submitted,
            actor=colleague,
            typed={("SPEND", ""): "20000"},
            submit=True,
        )
    assert result.submitted, result.errors
    [email] = emails
    assert email.to == [personas.commissioner.email]
    assert email.subject.startswith("Submitted for review:")
    submitted.refresh_from_db()
    assert submitted.status == R.SUBMITTED
    assert submitted.submitted_by == colleague
    assert ReturnValue.objects.get(
        monitoring_return=submitted, measure__code="SPEND"
    ).value == Decimal("20000")

    with at(dt.date(2026, 7, 16)):
        accepted, emails = sent(
            accept, submitted, personas.commissioner, Rating.AMBER, "Spend is running high."
        )
    assert accepted.status == R.ACCEPTED
    assert accepted.rating == Rating.AMBER
    assert accepted.review_comment == "Spend is running high."
    assert accepted.reviewed_at == dt.datetime(2026, 7, 16, 10, tzinfo=LONDON)
    [email] = emails
    assert sorted(email.to) == sorted([personas.provider.email, colleague.email])
    assert email.subject == f"Accepted: your {TITLE}"
    assert "has been accepted and rated amber" in email.body
    assert "Spend is running high." in email.body

    assert list(
        ReturnReview.objects.filter(monitoring_return=submitted)
        .order_by("pk")
        .values_list("outcome", "rating")
    ) == [("changes_requested", ""), ("accepted", "amber")]
    assert changes(submitted) == [
        (R.NOT_STARTED, R.DRAFT, personas.provider.email, ""),
        (R.DRAFT, R.SUBMITTED, personas.provider.email, ""),
        (R.SUBMITTED, R.CHANGES_REQUESTED, personas.commissioner.email, "Nearly there."),
        (R.CHANGES_REQUESTED, R.SUBMITTED, colleague.email, ""),
        (R.SUBMITTED, R.ACCEPTED, personas.commissioner.email, "Spend is running high."),
    ]
    # Two submissions, two "submitted" messages: each is its own outbox row.
    assert sorted(
        OutboxMessage.objects.filter(
            kind="commissioning.return_submitted", object_id=submitted.pk
        ).values_list("period", flat=True)
    ) == ["submitted-0", "submitted-1"]


def test_measure_comments_alone_are_enough(submitted, personas):
    review = return_request_changes(
        monitoring_return=submitted,
        actor=personas.commissioner,
        measure_comments={"REF": "Police referrals look low."},
        rating=Rating.RED,
    )
    assert review.comment == "" and review.rating == Rating.RED
    assert review.comments.get().measure.code == "REF"


def test_asking_for_changes_needs_something_to_change(submitted, personas):
    with pytest.raises(ValidationError) as refused:
        return_request_changes(
            monitoring_return=submitted,
            actor=personas.commissioner,
            comment="  ",
            measure_comments={"SPEND": " "},
        )
    assert refused.value.message_dict == {
        "comment": ["Say what needs to change, overall or against the measures."]
    }
    submitted.refresh_from_db()
    assert submitted.status == R.SUBMITTED
    assert not ReturnReview.objects.exists()


def test_a_comment_on_a_measure_not_in_the_return_is_refused(submitted, personas):
    with pytest.raises(ValidationError) as refused:
        return_request_changes(
            monitoring_return=submitted,
            actor=personas.commissioner,
            comment="See notes.",
            measure_comments={"NOPE": "What is this?"},
        )
    assert refused.value.message_dict == {"comment": ["There is no measure NOPE in this return."]}
    assert not ReturnReview.objects.exists()


def test_a_red_or_amber_rating_when_asking_for_changes_needs_a_reason(submitted, personas):
    with pytest.raises(ValidationError) as refused:
        return_request_changes(
            monitoring_return=submitted, actor=personas.commissioner, rating=Rating.AMBER
        )
    assert "comment" in refused.value.message_dict


# ---------------------------------------------------------------------------------------
# Accepting


@pytest.mark.parametrize("rating", [Rating.AMBER, Rating.RED])
def test_amber_and_red_need_a_comment(submitted, personas, rating):
    for comment in ("", "   "):
        with pytest.raises(ValidationError) as refused:
            accept(submitted, personas.commissioner, rating, comment)
        assert refused.value.message_dict == {"comment": [f"Say why the return is rated {rating}."]}
    submitted.refresh_from_db()
    assert submitted.status == R.SUBMITTED and submitted.rating == ""
    assert not ReturnReview.objects.exists()
    accepted = accept(submitted, personas.commissioner, rating, "  Late referrals.  ")
    assert accepted.status == R.ACCEPTED
    assert accepted.review_comment == "Late referrals."


def test_green_needs_no_comment(submitted, personas):
    accepted = accept(submitted, personas.commissioner, Rating.GREEN)
    assert accepted.status == R.ACCEPTED
    assert accepted.rating == Rating.GREEN
    assert accepted.review_comment == ""
    assert accepted.reviewed_by == personas.commissioner


@pytest.mark.parametrize(
    ("rating", "message"),
    [("", "Rate the return red, amber or green."), ("purple", "Choose red, amber or green.")],
)
def test_accepting_needs_a_rating(submitted, personas, rating, message):
    with pytest.raises(ValidationError) as refused:
        accept(submitted, personas.commissioner, rating, "Fine.")
    assert refused.value.message_dict == {"rating": [message]}
    submitted.refresh_from_db()
    assert submitted.status == R.SUBMITTED


def test_an_accepted_return_is_locked(submitted, personas):
    accept(submitted, personas.commissioner)
    before = sorted(
        ReturnValue.objects.filter(monitoring_return=submitted).values_list(
            "measure__code", "category", "value", "text"
        )
    )
    with pytest.raises(NotAllowed, match="accepted and cannot be changed"):
        return_save(
            monitoring_return=submitted, actor=personas.provider, typed={("CLOSED", ""): "1"}
        )
    with pytest.raises(NotAllowed):
        return_upload_csv(
            monitoring_return=submitted,
            actor=personas.provider,
            content=b"measure_code,category,value\nCLOSED,,1\n",
        )
    with pytest.raises(InvalidTransition):
        accept(submitted, personas.commissioner)
    with pytest.raises(InvalidTransition):
        return_request_changes(
            monitoring_return=submitted, actor=personas.commissioner, comment="Too late."
        )
    after = sorted(
        ReturnValue.objects.filter(monitoring_return=submitted).values_list(
            "measure__code", "category", "value", "text"
        )
    )
    assert after == before


@pytest.mark.parametrize("status", [R.NOT_STARTED, R.DRAFT, R.CHANGES_REQUESTED])
def test_only_a_submitted_return_can_be_reviewed(q1_return, personas, status):
    MonitoringReturn.objects.filter(pk=q1_return.pk).update(status=status)
    with pytest.raises(InvalidTransition, match="This cannot be done now"):
        accept(q1_return, personas.commissioner)
    with pytest.raises(InvalidTransition):
        return_request_changes(
            monitoring_return=q1_return, actor=personas.commissioner, comment="Check it."
        )
    q1_return.refresh_from_db()
    assert q1_return.status == status
    assert q1_return.rating == ""
    assert not ReturnReview.objects.exists()


@pytest.mark.parametrize("who", ["provider", "officer", "administrator", "applicant_a"])
def test_only_a_commissioner_reviews(submitted, personas, who):
    actor = getattr(personas, who)
    with pytest.raises(NotAllowed, match=r"Only a commissioner can review returns\."):
        accept(submitted, actor)
    with pytest.raises(NotAllowed):
        return_request_changes(monitoring_return=submitted, actor=actor, comment="No.")
    submitted.refresh_from_db()
    assert submitted.status == R.SUBMITTED
    assert not ReturnReview.objects.exists()


def test_a_commissioner_who_is_not_the_lead_may_review(submitted, personas):
    from accounts.roles import Role
    from tests.factories import UserFactory

    another = UserFactory(email="cora@example.org", roles=[Role.COMMISSIONER])
    assert accept(submitted, another).reviewed_by == another


# ---------------------------------------------------------------------------------------
# Corrections


@pytest.fixture
def accepted(submitted, personas) -> MonitoringReturn:
    with at(dt.date(2026, 7, 16)):
        return accept(submitted, personas.commissioner)


def test_a_correction_needs_a_reason(accepted, personas):
    for reason in ("", "   "):
        with pytest.raises(ValidationError) as refused:
            return_correct(monitoring_return=accepted, actor=personas.provider, reason=reason)
        assert refused.value.message_dict == {
            "reason": ["Say what is wrong in the accepted return."]
        }
    with pytest.raises(ValidationError) as refused:
        return_correct(monitoring_return=accepted, actor=personas.provider, reason="x" * 2001)
    assert "reason" in refused.value.message_dict
    assert MonitoringReturn.objects.count() == 1


def test_only_the_provider_corrects(accepted, personas, other_provider):
    _organisation, stranger = other_provider
    for actor in (personas.commissioner, personas.administrator, stranger):
        with pytest.raises(NotAllowed):
            return_correct(monitoring_return=accepted, actor=actor, reason="Wrong.")
    assert MonitoringReturn.objects.count() == 1


def test_only_an_accepted_return_is_corrected(submitted, personas):
    with pytest.raises(NotAllowed, match="Only the accepted, current version"):
        return_correct(monitoring_return=submitted, actor=personas.provider, reason="Wrong.")


def test_a_correction_replaces_the_accepted_version_once_accepted(accepted, personas, sent):
    assert rollup_value("SUPPORTED") == Decimal(40)
    assert rollup_value("SPEND") == Decimal("25000.00")
    with at(dt.date(2026, 8, 3)):
        correction = return_correct(
            monitoring_return=accepted,
            actor=personas.provider,
            reason="  We double-counted continuing victims.  ",
        )
    assert correction.version == 2
    assert correction.corrects == accepted
    assert correction.correction_reason == "We double-counted continuing victims."
    assert correction.status == R.DRAFT
    assert correction.due_date == dt.date(2026, 8, 23)
    assert (correction.financial_year, correction.quarter) == (2026, 1)

    def values(r):
        return sorted(
            ReturnValue.objects.filter(monitoring_return=r).values_list(
                "measure_id", "category", "value", "text"
            )
        )

    assert values(correction) == values(accepted)
    assert len(values(correction)) == len(complete_figures())

    # A second correction of the same version is refused.
    with pytest.raises(NotAllowed, match="already been started"):
        return_correct(monitoring_return=accepted, actor=personas.provider, reason="Again.")
    assert MonitoringReturn.objects.count() == 2

    # The provider fixes the figures and submits; until the correction is accepted the
    # roll-up still counts version 1.
    fixed = complete_figures(supported=30)
    fixed[("SPEND", "")] = "24000"
    result, emails = sent(
        return_save,
        monitoring_return=correction,
        actor=personas.provider,
        typed=fixed,
        submit=True,
    )
    assert result.submitted, result.errors
    [email] = emails
    assert "version 2" in email.body
    assert rollup_value("SUPPORTED") == Decimal(40)
    accepted.refresh_from_db()
    assert accepted.superseded_at is None and accepted.is_current

    with at(dt.date(2026, 8, 10)):
        accept(correction, personas.commissioner)
    accepted.refresh_from_db()
    correction.refresh_from_db()
    assert accepted.superseded_at == dt.datetime(2026, 8, 10, 10, tzinfo=LONDON)
    assert not accepted.is_current
    assert accepted.status == R.ACCEPTED  # still accepted; just no longer current
    assert correction.is_current and correction.status == R.ACCEPTED
    assert rollup_value("SUPPORTED") == Decimal(30)
    assert rollup_value("SPEND") == Decimal("24000.00")
    result = selectors.rollup(measure_set=accepted.measure_set, financial_year=2026, period="Q1")
    assert result.returns == 1 and result.contracts == 1

    # The superseded version cannot be corrected again; the current one can.
    with pytest.raises(NotAllowed, match="Only the accepted, current version"):
        return_correct(monitoring_return=accepted, actor=personas.provider, reason="More.")
    third = return_correct(monitoring_return=correction, actor=personas.provider, reason="More.")
    assert third.version == 3 and third.corrects == correction
    assert changes(third) == []  # created as a draft directly


def test_an_uncorrected_accepted_return_is_never_superseded(accepted, personas):
    accepted.refresh_from_db()
    assert accepted.superseded_at is None
    assert accepted.correction_reason == ""


def test_one_review_service_accepts_or_sends_back_and_refuses_anything_else(submitted, personas):
    from commissioning.services.returns import return_review_decide

    with pytest.raises(ValidationError, match="Choose to accept the return or to ask for changes"):
        return_review_decide(
            monitoring_return=submitted, actor=personas.commissioner, action="", rating="green"
        )
    submitted.refresh_from_db()
    assert submitted.status == MonitoringReturn.Status.SUBMITTED
    done = return_review_decide(
        monitoring_return=submitted,
        actor=personas.commissioner,
        action="accept",
        rating=Rating.GREEN,
    )
    submitted.refresh_from_db()
    assert done == "accept" and submitted.status == MonitoringReturn.Status.ACCEPTED
