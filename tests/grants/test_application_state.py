"""The task list says how far each section has got, and contradictory answers are refused."""

from __future__ import annotations

import re

from django.urls import reverse

from accounts.models import District
from grants import services
from grants.models import ApplicationDocument
from tests.grants.conftest import pdf_upload


def _status_of(page: str, slug: str) -> str:
    found = re.search(rf'id="{slug}-status">\s*(.*?)\s*</div>', page, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def test_documents_are_in_progress_with_two_of_three_uploaded(client_for, personas, open_round):
    draft = services.application_start(
        round=open_round, organisation=personas.org_a, actor=personas.applicant_a
    )
    client = client_for(personas.applicant_a)
    url = reverse("grants:application-detail", args=[draft.uuid])
    assert _status_of(client.get(url).content.decode(), "documents") == "Not started"
    for kind in ApplicationDocument.REQUIRED[:2]:
        services.document_upload(
            application=draft, actor=personas.applicant_a, kind=kind, uploaded=pdf_upload()
        )
    page = client.get(url).content.decode()
    assert _status_of(page, "documents") == "In progress"
    assert _status_of(page, "budget") == "Not started"


def test_all_of_west_yorkshire_and_a_district_together_are_refused(
    client_for, personas, open_round
):
    draft = services.application_start(
        round=open_round, organisation=personas.org_a, actor=personas.applicant_a
    )
    district = District.objects.first() or District.objects.create(name="Leeds")
    response = client_for(personas.applicant_a).post(
        reverse("grants:application-section", args=[draft.uuid, "where"]),
        {
            "across_west_yorkshire": "on",
            "districts": [district.pk],
            "beneficiary_groups": "Older people",
            "continue": "1",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    message = (
        "Select either “across all of West Yorkshire” or the districts your project works in, "
        "not both"
    )
    assert message in page
    assert 'href="#id_districts_0"' in page  # the summary links to the field
    assert re.search(rf'value="{district.pk}"[^>]*checked', page)  # the ticks are kept
    draft.refresh_from_db()
    assert draft.across_west_yorkshire is False
    assert not draft.districts.exists()
    assert draft.beneficiary_groups == "Older people"  # the other answers are saved


def test_contradictory_stored_answers_stop_submission(personas, open_round):
    from grants.sections import application_problems
    from grants.selectors.applications import application_for_form

    draft = services.application_start(
        round=open_round, organisation=personas.org_a, actor=personas.applicant_a
    )
    district = District.objects.first() or District.objects.create(name="Leeds")
    services.application_save_section(
        application=draft,
        actor=personas.applicant_a,
        section="where",
        values={"across_west_yorkshire": True, "districts": [district]},
    )
    problems = application_problems(application_for_form(draft.pk))
    assert any(p.field == "districts" and "not both" in p.message for p in problems)


def test_the_rounds_postcodes_in_a_hint_are_shown_as_text_not_markup(
    client_for, personas, open_round
):
    open_round.all_districts = False
    open_round.postcodes = "LS8\n<b>LS9</b>"
    open_round.save(update_fields=["all_districts", "postcodes"])
    draft = services.application_start(
        round=open_round, organisation=personas.org_a, actor=personas.applicant_a
    )
    page = (
        client_for(personas.applicant_a)
        .get(reverse("grants:application-section", args=[draft.uuid, "where"]))
        .content.decode()
    )
    assert "&lt;B&gt;LS9&lt;/B&gt;" in page
    assert "<B>LS9</B>" not in page
