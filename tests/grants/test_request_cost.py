"""What every staff page costs before its own work: the session and the roles from the cache,
templates compiled once (issue 18)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def test_sessions_are_read_from_the_cache_and_kept_in_the_database():
    assert settings.SESSION_ENGINE == "core.sessions"  # cached_db that survives a cache outage


def test_templates_are_compiled_once_per_process():
    engine = engines["django"].engine
    assert not engine.debug or "loaders" not in settings.TEMPLATES[0]["OPTIONS"]
    assert isinstance(engine.template_loaders[0], CachedLoader)


def test_a_staff_page_reads_no_session_row_and_no_roles_after_the_first(
    client_for, personas, open_round
):
    client = client_for(personas.officer)
    url = reverse("grants:staff-round-applications", args=[open_round.uuid])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [q for q in sql if "django_session" in q]
    assert not [q for q in sql if q.startswith('SELECT "auth_group"."name"')]
    # The round's filter choices come from the cache after the first visit.
    assert not [
        q for q in sql if q.startswith(('SELECT "accounts_district"', 'SELECT "outcomes_priority"'))
    ]


def test_a_new_pot_shows_in_the_cached_filters_once_saved(
    client_for, personas, open_round, django_capture_on_commit_callbacks
):
    from decimal import Decimal

    from grants import services
    from grants.selectors.choices import round_filter_choices

    before = round_filter_choices(round=open_round).pots
    with django_capture_on_commit_callbacks(execute=True):
        pot = services.pot_save(
            details=services.PotDetails(
                name="Small grants", max_award=Decimal(1000), budget=Decimal(5000)
            ),
            round=open_round,
            actor=personas.officer,
        )
    after = round_filter_choices(round=open_round).pots
    assert (pot.pk, "Small grants") in after and len(after) == len(before) + 1
    body = (
        client_for(personas.officer)
        .get(reverse("grants:staff-round-applications", args=[open_round.uuid]))
        .content.decode()
    )
    assert f'<option value="{pot.pk}">Small grants</option>' in body


def test_the_layouts_links_are_reversed_once_per_process(client_for, personas, open_round):
    """Navigation, header, footer and the timeout warning link to pages that never change:
    after the first page, no request reverses them again."""
    from unittest import mock

    import django.urls

    client = client_for(personas.officer)
    url = reverse("grants:staff-round-applications", args=[open_round.uuid])
    client.get(url)
    real = django.urls.reverse
    with mock.patch.object(django.urls, "reverse", side_effect=real) as spy:
        body = client.get(url).content.decode()
    reversed_names = {call.args[0] for call in spy.call_args_list}
    layout = {"home", "outcomes:plan", "accounts:staff-home", "account_logout", "privacy"}
    assert not reversed_names & (layout | {"accounts:session-keep-alive", "opendata:index"})
    for name in layout:
        assert f'href="{real(name)}"' in body
    assert f'data-keep-alive-url="{real("accounts:session-keep-alive")}"' in body


def test_a_fixed_url_follows_the_script_prefix():
    from django.urls import set_script_prefix

    from core.links import fixed_url

    assert fixed_url("privacy") == reverse("privacy")
    set_script_prefix("/grants/")
    try:
        assert fixed_url("privacy") == reverse("privacy")
        assert fixed_url("privacy").startswith("/grants/")
    finally:
        set_script_prefix("/")
    assert fixed_url("privacy") == reverse("privacy")


def test_the_list_prints_numbers_without_djangos_localized_format(client_for, personas, open_round):
    """Rows' scores and the layout's timeout numbers are printed as text by the service's
    own formatting, not through django.utils.numberformat once per value."""
    from unittest import mock

    import django.utils.numberformat

    client = client_for(personas.officer)
    url = reverse("grants:staff-round-applications", args=[open_round.uuid])
    client.get(url)
    real = django.utils.numberformat.format
    with mock.patch.object(django.utils.numberformat, "format", side_effect=real) as spy:
        body = client.get(url).content.decode()
    assert f'data-idle-timeout="{settings.IDLE_TIMEOUT_STAFF}"' in body
    assert f'data-idle-warning="{settings.IDLE_WARNING_BEFORE}"' in body
    printed = {call.args[0] for call in spy.call_args_list}
    assert settings.IDLE_TIMEOUT_STAFF not in printed
    assert settings.IDLE_WARNING_BEFORE not in printed


def test_number_text_prints_as_localize_does_in_english():
    from decimal import Decimal

    from django.utils.formats import localize

    from documents.formatting import number_text

    for value in (Decimal("7.25"), Decimal("12"), Decimal("-0.50"), Decimal("12345.6"), 3, 2.5):
        assert number_text(value) == localize(value)
    assert number_text(None) == ""


def test_a_fixed_url_with_ids_is_what_reverse_gives(open_round):
    """Ids go into a pattern reversed once; the answer is reverse()'s, for UUIDs and whole
    numbers, under a script prefix too; anything else is reversed as usual."""
    import uuid

    from django.urls import NoReverseMatch, set_script_prefix

    from core.links import fixed_url

    some = uuid.uuid4()
    cases = [
        ("grants:staff-round-ranking", (open_round.uuid,)),
        ("grants:staff-round-ranking", (some,)),
        ("grants:staff-pot-edit", (some, 7)),
        ("grants:staff-pot-edit", (open_round.uuid, 0)),
    ]
    for prefix in ("/", "/grants/"):
        set_script_prefix(prefix)
        try:
            for name, args in cases:
                assert fixed_url(name, *args) == reverse(name, args=args)
            assert fixed_url("grants:staff-pot-edit", str(some), "3") == reverse(
                "grants:staff-pot-edit", args=[str(some), "3"]
            )
        finally:
            set_script_prefix("/")
    with pytest.raises(NoReverseMatch):
        fixed_url("grants:staff-pot-edit", some, some)
    with pytest.raises(NoReverseMatch):
        fixed_url("grants:staff-pot-edit", some, -1)


def test_a_rounds_pages_link_to_each_other_without_reversing_each_time(
    client_for, personas, open_round
):
    from unittest import mock

    import django.urls

    client = client_for(personas.officer)
    url = reverse("grants:staff-round-applications", args=[open_round.uuid])
    client.get(url)
    real = django.urls.reverse
    with mock.patch.object(django.urls, "reverse", side_effect=real) as spy:
        body = client.get(url).content.decode()
    assert not spy.call_args_list
    for name in ("ranking", "letters", "summary", "assign", "edit", "applications-bulk"):
        assert f'"{real(f"grants:staff-round-{name}", args=[open_round.uuid])}"' in body


def test_the_layouts_static_files_are_looked_up_once_per_process(client_for, personas, settings):
    """The stylesheet, icons and scripts: what `{% static %}` gives, without asking the
    storage again on every page; a changed STATIC_URL is followed."""
    from unittest import mock

    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.templatetags.static import static

    from core.links import fixed_static

    client = client_for(personas.officer)
    client.get(reverse("accounts:staff-home"))
    with mock.patch.object(
        type(staticfiles_storage._wrapped), "url", autospec=True, side_effect=AssertionError
    ):
        body = client.get(reverse("accounts:staff-home")).content.decode()
    for path in ("build/app.css", "build/app.js", "favicon.svg"):
        assert f'"{static(path)}"' in body
        assert fixed_static(path) == static(path)
    settings.STATIC_URL = "/assets/"
    assert fixed_static("build/app.css") == static("build/app.css")
    assert fixed_static("build/app.css").startswith("/assets/")


def test_a_rounds_staff_pages_read_the_round_once_until_it_is_written(
    client_for, personas, open_round
):
    """The round (with its fund) comes from the cache after the first staff page; saving the
    round or its fund shows at once."""
    client = client_for(personas.officer)
    url = reverse("grants:staff-round-applications", args=[open_round.uuid])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        checks = reverse("grants:staff-round-checks", args=[open_round.uuid])
        assert client.get(checks).status_code == 200
    assert not [q for q in queries if q["sql"].startswith('SELECT "grants_round"')]
    open_round.title = "A new name for the round"
    open_round.save()
    assert client.get(url).context["round"].title == "A new name for the round"
    open_round.fund.name = "A new name for the fund"
    open_round.fund.save()
    assert client.get(url).context["round"].fund.name == "A new name for the fund"


@pytest.mark.parametrize("persona", ["assessor", "applicant_a", "commissioner"])
def test_a_round_kept_in_the_cache_is_still_refused_to_those_kept_out(
    client_for, personas, open_round, persona
):
    url = reverse("grants:staff-round-applications", args=[open_round.uuid])
    assert client_for(personas.officer).get(url).status_code == 200
    assert client_for(personas.get(persona)).get(url).status_code in (403, 404)
