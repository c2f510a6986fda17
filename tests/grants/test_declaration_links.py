"""The declarations link what groups are asked to confirm: the terms and the privacy notice."""

import html

from django.urls import reverse

from grants import services


def _page(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_declarations_link_the_terms_and_the_privacy_notice(client_for, personas, open_round):
    draft = services.application_start(
        round=open_round, organisation=personas.org_a, actor=personas.applicant_a
    )
    url = reverse("grants:application-section", args=[draft.uuid, "declarations"])
    page = _page(client_for(personas.applicant_a).get(url))
    assert 'href="/terms/"' in page[page.index("<main") :]
    assert 'href="/privacy/"' in page[page.index("<main") :]
