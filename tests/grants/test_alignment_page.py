"""The plan-alignment step lists each outcome under the priority it belongs to."""

from __future__ import annotations

import re
from html import escape

from django.urls import reverse

from grants import services
from outcomes.models import Outcome


def test_outcomes_are_grouped_under_their_priority(client_for, personas, open_round):
    draft = services.application_start(
        round=open_round, organisation=personas.org_a, actor=personas.applicant_a
    )
    page = (
        client_for(personas.applicant_a)
        .get(reverse("grants:application-section", args=[draft.uuid, "alignment"]))
        .content.decode()
    )
    outcomes = list(
        Outcome.objects.filter(plan=open_round.plan_id)
        .select_related("priority")
        .order_by("priority__position", "position")
    )
    assert len({o.priority_id for o in outcomes}) > 1
    headings = re.findall(r'<span id="id_outcomes-priority-\d+">([^<]+)</span>', page)
    assert headings == list(dict.fromkeys(escape(o.priority.title, quote=False) for o in outcomes))
    for outcome in outcomes:
        # Each outcome's checkbox comes after its own priority's heading and before the next.
        group = page.index(f">{escape(outcome.priority.title, quote=False)}</span>")
        box = page.index(f'name="outcomes" value="{outcome.pk}"')
        later = [page.index(f">{t}</span>") for t in headings if page.index(f">{t}</span>") > group]
        assert group < box < min(later, default=len(page)), outcome.title
    assert page.count('<fieldset class="govuk-fieldset govuk-!-margin-bottom-6">') == len(headings)


def test_grouped_outcomes_are_still_saved_and_shown_again(client_for, personas, open_round):
    draft = services.application_start(
        round=open_round, organisation=personas.org_a, actor=personas.applicant_a
    )
    outcome = Outcome.objects.filter(plan=open_round.plan_id).first()
    client = client_for(personas.applicant_a)
    url = reverse("grants:application-section", args=[draft.uuid, "alignment"])
    client.post(url, {"outcomes": [outcome.pk], "later": "1"})
    assert list(draft.outcomes.all()) == [outcome]
    assert re.search(rf'value="{outcome.pk}"[^>]*checked', client.get(url).content.decode())
