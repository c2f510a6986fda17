"""Decision letters go out exactly once, whatever happens to Redis and the workers.

Real processes throughout (see conftest): a private redis-server, Celery workers, a
`runserver` for the decision maker's page and `manage.py outbox_relay`, all on pytest's
PostgreSQL test database. Emails are counted in the file email backend's folder.
"""

from __future__ import annotations

import http.client
import re
import time
import warnings
from decimal import Decimal
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Membership
from core.models import OutboxMessage
from grants import services
from grants.models import Application, Award, Letter, PanelItem
from tests.factories import MembershipFactory, OrganisationFactory
from tests.reliability.conftest import frozen_panel, handed, wait_for

pytestmark = [
    pytest.mark.needs_postgres,
    pytest.mark.reliability,
    pytest.mark.django_db(transaction=True),
]

POST_LIMIT_SECONDS = 3.0


def _members(application: Application) -> list[str]:
    return sorted(
        Membership.objects.filter(organisation_id=application.organisation_id).values_list(
            "user__email", flat=True
        )
    )


def assert_one_award_letter(stack, award: Award) -> None:
    """Exactly one 'Offer of grant' email for this award, to the group, PDF attached, and
    the letter and outbox message marked sent with its Message-ID."""
    reference = award.application.reference
    mine = [m for m in stack.award_emails() if reference in str(m["Subject"])]
    assert len(mine) == 1, (
        f"{len(mine)} award emails for {reference} (want exactly 1).\n{stack.diagnostics()}"
    )
    message = mine[0]
    assert sorted(a.strip() for a in str(message["To"]).split(",")) == _members(award.application)
    pdfs = [
        part for part in message.iter_attachments() if part.get_content_type() == "application/pdf"
    ]
    assert [p.get_filename() for p in pdfs] == [f"{reference}-award-letter.pdf"]
    assert pdfs[0].get_content().startswith(b"%PDF")

    letter = Letter.objects.get(application=award.application, kind=Letter.Kind.AWARD)
    assert letter.sent_at is not None
    assert letter.message_id == str(message["Message-ID"])
    outbox_message = OutboxMessage.objects.get(kind="grants.award_made", object_id=award.pk)
    assert outbox_message.sent_at is not None
    assert outbox_message.message_id == letter.message_id


def _letters_sent(count: int):
    return lambda: (
        Letter.objects.filter(kind=Letter.Kind.AWARD, sent_at__isnull=False).count() >= count
    )


# -- 1. Redis stopped while a decision is made ----------------------------------------------


class Browser:
    """Just enough of a browser: cookies, and a timed request to the test's web server."""

    def __init__(self, port: int, cookies: dict[str, str]):
        self.port = port
        self.cookies = dict(cookies)

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        started = time.monotonic()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read().decode(errors="replace")
        finally:
            conn.close()
        seconds = time.monotonic() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response, content, seconds


def test_a_decision_made_while_redis_is_down_is_saved_at_once_and_its_letter_sent_once_after(
    stack, plan, personas
):
    panel = frozen_panel(plan, personas, [(personas.org_a, personas.applicant_a)])
    item = panel.items.get()
    web = stack.start_web()
    worker = stack.start_worker()

    signed_in = Client()
    signed_in.force_login(personas.decision_maker)  # a database session the server reads
    browser = Browser(web.port, {"sessionid": signed_in.cookies["sessionid"].value})
    page = reverse("grants:panel-item-decide", args=[panel.uuid, item.pk])

    stack.redis.stop()
    outage_began = time.monotonic()

    response, content, _ = browser.request("GET", page)
    assert response.status == 200, f"GET {page}: {response.status}\n{stack.diagnostics()}"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content)
    assert token and "csrftoken" in browser.cookies, "the decide page gave no CSRF token"
    response, content, post_seconds = browser.request(
        "POST",
        page,
        {
            "csrfmiddlewaretoken": token.group(1),
            "decision": "approve",
            "amount": "",
            "conditions": "",
            "feedback": "",
        },
    )
    assert response.status == 302, (
        f"POST {page}: {response.status}\n{content[:2000]}\n{stack.diagnostics()}"
    )

    # The decision, its award and the queued letter are all in the database.
    item.refresh_from_db()
    assert item.decision == PanelItem.Decision.APPROVED
    award = Award.objects.get(panel_item=item)
    assert award.amount == Decimal("6000")
    assert Application.objects.get(pk=item.application_id).status == Application.Status.APPROVED
    queued = OutboxMessage.objects.get()
    assert (queued.kind, queued.object_id, queued.sent_at) == ("grants.award_made", award.pk, None)
    assert stack.award_emails() == []

    # Redis comes back on the same port and the worker reconnects. A worker gives up after
    # CELERY_BROKER_CONNECTION_MAX_RETRIES failed reconnections (about 12s) and exits; in
    # production its supervisor (compose: restart: unless-stopped) starts it again, so the
    # test does the same, and says so.
    stack.redis.start()
    if not worker.alive:
        warnings.warn(
            f"The Celery worker exited (code {worker.proc.returncode}) while Redis was down "
            f"for {time.monotonic() - outage_began:.0f}s; restarting it as a supervisor would.",
            stacklevel=1,
        )
        stack.start_worker(name="restarted")
    stack.ping_worker()

    assert handed(stack.manage("outbox_relay")) == 1
    # An impatient operator relays again at once: at most a duplicate task, never a
    # duplicate email.
    stack.manage("outbox_relay", "--redispatch-after", "0")
    wait_for(
        lambda: stack.award_emails() and _letters_sent(1)(),
        "the award letter to be emailed and marked sent",
        diagnostics=stack.diagnostics,
    )
    stack.drain()
    assert handed(stack.manage("outbox_relay")) == 0
    stack.drain()

    assert_one_award_letter(stack, award)
    assert post_seconds < POST_LIMIT_SECONDS, (
        f"With Redis down the decision POST took {post_seconds:.1f}s "
        f"(limit {POST_LIMIT_SECONDS:.0f}s).\n--- web log\n{web.service.log_text()[-4000:]}"
    )


# -- 2. A worker killed mid-send ------------------------------------------------------------


def test_a_worker_killed_mid_send_leaves_the_letter_to_be_sent_once_by_the_next_worker(
    stack, plan, personas
):
    panel = frozen_panel(plan, personas, [(personas.org_a, personas.applicant_a)])
    award = services.panel_item_approve(item=panel.items.get(), actor=personas.decision_maker)
    message = OutboxMessage.objects.get()
    slow = stack.start_worker(name="slow", slow_send_seconds=45)

    assert handed(stack.manage("outbox_relay")) == 1
    wait_for(
        stack.slow_send_marker.exists,
        "the slow worker to start sending the letter",
        diagnostics=stack.diagnostics,
    )
    slow.kill()  # SIGKILL, parent and pool child alike: no warm shutdown, no requeue

    assert stack.emails() == [], "the killed worker still sent the letter"
    message.refresh_from_db()
    assert message.sent_at is None and message.dispatched_at is not None
    assert not Letter.objects.filter(sent_at__isnull=False).exists()
    # Postgres ends the dead worker's transaction, and with it the row lock, when it sees
    # the connection close.
    wait_for(
        lambda: _row_unlocked(message.pk),
        "the killed worker's lock on the outbox row to be released",
        diagnostics=stack.diagnostics,
    )
    stranded = stack.unacked()  # the killed worker's delivery, unacknowledged

    stack.start_worker(name="fresh")
    # Within OUTBOX_REDISPATCH_AFTER (600s here) the relay leaves the row to its worker...
    assert handed(stack.manage("outbox_relay")) == 0
    # ...and once that has passed (0s: now) it hands the row out again.
    assert handed(stack.manage("outbox_relay", "--redispatch-after", "0")) == 1
    wait_for(
        lambda: stack.award_emails() and _letters_sent(1)(),
        "the fresh worker to email the letter",
        diagnostics=stack.diagnostics,
    )
    stack.drain(stranded=stranded)
    assert_one_award_letter(stack, award)

    assert handed(stack.manage("outbox_relay", "--redispatch-after", "0")) == 0
    stack.drain(stranded=stranded)
    assert len(stack.emails()) == 1
    assert Letter.objects.count() == 1


def _row_unlocked(pk: int) -> bool:
    from django.db import transaction

    with transaction.atomic():
        return OutboxMessage.objects.select_for_update(skip_locked=True).filter(pk=pk).exists()


# -- 3. Two relays at once ------------------------------------------------------------------


def test_two_relays_at_the_same_moment_send_one_letter_per_award(stack, plan, personas):
    org_c = OrganisationFactory(name="Org C Youth Theatre")
    applicant_c = MembershipFactory(organisation=org_c, user__email="cara@example.org").user
    groups = [
        (personas.org_a, personas.applicant_a),
        (personas.org_b, personas.applicant_b),
        (org_c, applicant_c),
    ]
    panel = frozen_panel(plan, personas, groups)
    awards = [
        services.panel_item_approve(item=item, actor=personas.decision_maker)
        for item in panel.items.order_by("pk")
    ]
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 3
    stack.start_worker(concurrency=2)

    moment = time.time() + 4  # both relays have started Django by then
    relays = [
        stack.manage_at(moment, "outbox_relay", "--redispatch-after", "0", name=f"relay-{n}")
        for n in (1, 2)
    ]
    for relay in relays:
        wait_for(
            lambda relay=relay: not relay.alive,
            f"{relay.name} to finish",
            diagnostics=stack.diagnostics,
        )
        assert relay.proc.returncode == 0, stack.diagnostics()
    dispatched = [handed(relay.log_text()) for relay in relays]
    assert sum(dispatched) >= 3, f"relays handed out {dispatched}\n{stack.diagnostics()}"

    wait_for(_letters_sent(3), "all three letters to be sent", diagnostics=stack.diagnostics)
    stack.drain()
    for award in awards:
        assert_one_award_letter(stack, award)
    assert len(stack.emails()) == 3

    assert handed(stack.manage("outbox_relay", "--redispatch-after", "0")) == 0
    stack.drain()
    assert len(stack.emails()) == 3
