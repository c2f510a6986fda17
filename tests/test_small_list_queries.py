"""Small staff and account lists still make the same queries however many rows they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import api_token_create
from opendata.models import PackageVersion


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_api_access_page_makes_the_same_queries_for_2_and_20_tokens(client_for, personas):
    client = client_for(personas.applicant_a)
    counts = []
    for batch in (2, 18):  # 2 tokens, then 20
        for n in range(batch):
            api_token_create(
                actor=personas.applicant_a,
                organisation=personas.org_a,
                name=f"System {batch}-{n}",
                scopes=["read"],
            )
        counts.append(_queries(client, reverse("accounts:api-access")))
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_the_officers_open_data_page_makes_the_same_queries_for_2_and_20_versions(
    client_for, personas
):
    client = client_for(personas.officer)
    counts = []
    for total in (2, 20):
        while PackageVersion.objects.count() < total:
            number = PackageVersion.objects.count() + 1
            PackageVersion.objects.create(
                status="published",
                number=number,
                content_hash=f"h{number}",
                award_ids=[],
                located_award_ids=[],
                grants_count=0,
            )
        counts.append(_queries(client, reverse("opendata:staff")))
    assert counts[0] == counts[1]
