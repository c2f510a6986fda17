"""Assessors, officers and the panel read a bid under neutral headings; the group reads its
own bid as "Your project"."""

from __future__ import annotations

import re

from django.urls import reverse

from grants import services
from tests.grants.conftest import (
    complete_application,
    eligible_application,
    submitted_application,
)


def scoring_in_progress(round, personas):
    """Org A's bid, given to the assessor, who has declared no conflict: ready to score."""
    application = eligible_application(
        round, personas.org_a, personas.applicant_a, officer=personas.officer
    )
    assessment = services.assessment_assign(
        application=application, assessor=personas.assessor, actor=personas.officer
    )
    return services.assessment_declare(
        assessment=assessment, actor=personas.assessor, conflict=False, reason=""
    )


def headings(body: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", body)]


def test_the_assessors_score_page_uses_neutral_headings(scoring_round, client_for, personas):
    assessment = scoring_in_progress(scoring_round, personas)
    body = client_for(personas.assessor).get(reverse("grants:assess", args=[assessment.uuid]))
    body = body.content.decode()
    assert {"The organisation", "The project", "The budget"} <= set(headings(body))
    assert "Your project" not in body
    assert "About your organisation" not in body


def test_the_officers_page_uses_neutral_headings(scoring_round, client_for, personas):
    application = submitted_application(scoring_round, personas.org_a, personas.applicant_a)
    body = client_for(personas.officer).get(
        reverse("grants:staff-application", args=[application.uuid])
    )
    body = body.content.decode()
    assert {"The organisation", "The project", "The budget"} <= set(headings(body))
    assert "Your project" not in body


def test_the_group_still_reads_its_own_bid_as_your_project(scoring_round, client_for, personas):
    application = complete_application(scoring_round, personas.org_a, personas.applicant_a)
    body = client_for(personas.applicant_a).get(
        reverse("grants:application-check", args=[application.uuid])
    )
    body = body.content.decode()
    assert "Your project" in headings(body)
    assert "The project" not in headings(body)
