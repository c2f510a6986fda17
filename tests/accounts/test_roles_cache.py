"""A person's roles come from the cache on every page after the first, and a change to their
groups (either side), a renamed or deleted group, or a failing cache never leaves a stale or
missing role (issue 18)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role, roles_of

HOME = "accounts:staff-home"


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # a new object, as each request has


def _group_queries(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "auth_group"."name"')
    ]


def test_a_page_after_the_first_reads_no_groups(client_for, personas):
    client = client_for(personas.officer)
    assert client.get(reverse(HOME)).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(HOME)).status_code == 200
    assert _group_queries(queries) == []


@pytest.mark.parametrize(
    "take_away",
    [
        lambda user, group: user.groups.remove(group),
        lambda user, group: user.groups.clear(),
        lambda user, group: user.groups.set([]),
        lambda user, group: group.user_set.remove(user),
        lambda user, group: group.user_set.clear(),
        lambda user, group: group.delete(),
    ],
    ids=["remove", "clear", "set", "group-remove", "group-clear", "group-deleted"],
)
def test_a_role_taken_away_is_gone_on_the_next_page(client_for, personas, take_away):
    officer = personas.officer
    client = client_for(officer)
    assert client.get(reverse(HOME)).status_code == 200
    assert Role.GRANTS_OFFICER in roles_of(_fresh(officer))  # now in the cache
    take_away(officer, Group.objects.get(name=Role.GRANTS_OFFICER.label))
    assert Role.GRANTS_OFFICER not in roles_of(_fresh(officer))
    assert client.get(reverse(HOME)).status_code in (302, 403, 404)


def test_a_role_given_counts_on_the_next_page(personas):
    applicant = personas.applicant_a
    assert roles_of(_fresh(applicant)) == frozenset()
    Group.objects.get(name=Role.ASSESSOR.label).user_set.add(applicant)
    assert roles_of(_fresh(applicant)) == {Role.ASSESSOR}


def test_a_renamed_group_is_no_longer_the_role(personas):
    officer = personas.officer
    assert Role.GRANTS_OFFICER in roles_of(_fresh(officer))
    group = Group.objects.get(name=Role.GRANTS_OFFICER.label)
    group.name = "Former officers"
    group.save()
    assert Role.GRANTS_OFFICER not in roles_of(_fresh(officer))


def test_a_failing_cache_means_reading_the_groups_not_losing_the_roles(personas):
    officer = personas.officer
    broken = mock.patch("accounts.roles.cache.get_many", side_effect=ConnectionError("down"))
    with broken, CaptureQueriesContext(connection) as queries:
        assert Role.GRANTS_OFFICER in roles_of(_fresh(officer))
    assert len(_group_queries(queries)) == 1
    with mock.patch("accounts.roles.cache.delete_many", side_effect=ConnectionError("down")):
        officer.groups.clear()  # the change itself still goes through
    assert roles_of(_fresh(officer)) == frozenset()
