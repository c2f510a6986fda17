"""Reflow (WCAG 1.4.10): at 320 CSS pixels wide no page scrolls sideways.

Applicant pages must reflow: their tables stack into labelled rows. Staff pages may keep a
wide table, but only inside its own focusable, labelled scrolling region
(`.app-table-wrapper`), so the page itself never scrolls sideways.

Set REFLOW_SCREENSHOTS=<folder> to keep a full-page screenshot of every page visited.
"""

from __future__ import annotations

import os
import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD
from accounts.models import Membership, User
from accounts.roles import Role
from commissioning.models import Contract, MonitoringReturn
from grants.models import Application, Award, MonitoringReport, PanelRecommendation, Round
from tests.e2e.conftest import authenticator_for, give_code
from tests.factories import MembershipFactory

pytestmark = pytest.mark.e2e

# What overflows, measured in the page: the document's own width, then every table that
# pokes out past the viewport or is clipped by a scrolling wrapper.
MEASURE = """() => {
  const width = window.innerWidth;
  const tables = [...document.querySelectorAll("main table")].map((table) => {
    const wrapper = table.closest(".app-table-wrapper");
    const caption = table.querySelector("caption");
    return {
      name: (caption ? caption.textContent : table.className).trim().slice(0, 60),
      right: Math.round(table.getBoundingClientRect().right),
      scrolls: wrapper ? wrapper.scrollWidth > wrapper.clientWidth : false,
      wrapper: wrapper ? {
        role: wrapper.getAttribute("role"),
        label: wrapper.getAttribute("aria-label"),
        tabindex: wrapper.getAttribute("tabindex"),
      } : null,
    };
  });
  const wide = [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.parentElement.closest(".app-table-wrapper"))
    .slice(0, 3)
    .map((el) => `${el.tagName.toLowerCase()}.${el.className}`.slice(0, 80));
  return {scrollWidth: document.documentElement.scrollWidth, width, tables, wide};
}"""


def _seed(settings) -> None:
    # A live-server test before this one flushed the staff groups the migrations made.
    for role in Role:
        Group.objects.get_or_create(name=role.label)
    settings.DEBUG = True  # seed_demo refuses without it
    call_command("seed_demo", stdout=StringIO())
    settings.DEBUG = False


def _signed_in(browser, live_server, email: str):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    user = User.objects.get(email=email)
    secret = authenticator_for(user)
    if secret:  # demo staff: the code from the documented authenticator key
        give_code(page, user, secret)
    page.wait_for_url(re.compile(r"^(?!.*/accounts/login/)"))
    return page


def _problems(page, base: str, path: str, *, width: int = 320, staff: bool) -> list[str]:
    """Open path at width; return what scrolls sideways (an empty list when it reflows)."""
    page.set_viewport_size({"width": width, "height": 640})
    response = page.goto(f"{base}{path}")
    assert response.status == 200, f"{path} answered {response.status}"
    folder = os.environ.get("REFLOW_SCREENSHOTS")
    if folder:
        name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)
    found = page.evaluate(MEASURE)
    problems = []
    if found["scrollWidth"] > found["width"]:
        problems.append(
            f"{path} at {width}px scrolls sideways: {found['scrollWidth']}px wide "
            f"(widest: {', '.join(found['wide'])})"
        )
    for table in found["tables"]:
        if not staff and (table["wrapper"] or table["right"] > width):
            problems.append(f"{path}: table {table['name']!r} does not stack at {width}px")
        if staff and table["scrolls"]:
            wrapper = table["wrapper"]
            if not (
                wrapper["role"] == "region" and wrapper["label"] and wrapper["tabindex"] == "0"
            ):
                problems.append(
                    f"{path}: table {table['name']!r} scrolls in a region that is not "
                    f"focusable and labelled: {wrapper}"
                )
    return problems


def test_applicant_pages_reflow_at_320_pixels(browser, live_server, settings):
    _seed(settings)
    base = live_server.url
    open_round = Round.objects.open_now().get(fund__code="mscf")
    draft = Application.objects.get(
        project_title="Chapeltown Youth Voices", round__status=Round.Status.OPEN
    )
    award = Award.objects.get(
        application__organisation__name="Chapeltown Community Safety Partnership"
    )
    report = MonitoringReport.objects.filter(award=award).order_by("due_date").first()
    submitted = MonitoringReport.objects.get(
        award__application__organisation__name="Kirklees Street Angels", kind="six_month"
    )
    # Long unbroken words, as people type them: a web address, an email, a hashtag.
    organisation = draft.organisation
    organisation.website = "https://www.chapeltowncommunitysafetypartnership.example.org/volunteers"
    organisation.save(update_fields=["website"])
    MembershipFactory(
        organisation=organisation,
        user__email="volunteer.coordinator.chapeltown.partnership@example.org",
        role=Membership.Role.MEMBER,
    )
    Application.objects.filter(pk=draft.pk).update(
        project_title="Chapeltown Youth Voices #ChapeltownYouthVoicesForSaferStreets2026"
    )
    problems = []

    page = _signed_in(browser, live_server, "leeds@demo.example")
    for path in [
        "/funding/",
        f"/funding/{open_round.uuid}/",
        "/plan/",
        "/applications/",
        f"/applications/{draft.uuid}/",
        f"/applications/{draft.uuid}/check/",
        f"/applications/{award.application.uuid}/",
        f"/applications/{award.application.uuid}/letter/",
        f"/applications/{award.application.uuid}/grant/",
        f"/reports/{report.uuid}/",
        "/organisation/",
        "/funded/",
        "/open-data/",
    ]:
        problems += _problems(page, base, path, staff=False)
    for width in (320, 375):
        problems += _problems(
            page, base, f"/applications/{draft.uuid}/budget/", width=width, staff=False
        )
    page.context.close()

    page = _signed_in(browser, live_server, "kirklees@demo.example")
    problems += _problems(page, base, f"/reports/{submitted.uuid}/", staff=False)
    problems += _problems(
        page, base, f"/applications/{submitted.award.application.uuid}/grant/", staff=False
    )
    page.context.close()

    page = _signed_in(browser, live_server, "provider@demo.example")
    problems += _problems(page, base, "/your-contracts/", staff=False)
    problems += _problems(
        page,
        base,
        f"/returns/{MonitoringReturn.objects.order_by('-financial_year', '-quarter').first().uuid}/",
        staff=False,
    )
    page.context.close()

    assert not problems, "\n".join(problems)


def test_staff_pages_reflow_at_320_pixels(browser, live_server, settings):
    _seed(settings)
    base = live_server.url
    decided = Round.objects.get(fund__code="mscf", number=7)
    # A bid in the open round: the decided round's bid pages belong to the awards work.
    application = Application.objects.filter(
        round__status=Round.Status.OPEN, status=Application.Status.SUBMITTED
    ).first()
    award = Award.objects.filter(application__round=decided).first()
    panel = PanelRecommendation.objects.get(round=decided)
    problems = []

    page = _signed_in(browser, live_server, "officer@demo.example")
    for path in [
        "/staff/",
        "/staff/rounds/",
        f"/staff/rounds/{decided.uuid}/applications/",
        f"/staff/rounds/{decided.uuid}/checks/",
        f"/staff/rounds/{decided.uuid}/criteria/",
        f"/staff/rounds/{decided.uuid}/assign/",
        f"/staff/rounds/{decided.uuid}/ranking/",
        f"/staff/rounds/{decided.uuid}/summary/",
        f"/staff/applications/{application.uuid}/",
        "/panels/",
        f"/panels/{panel.uuid}/",
        f"/awards/{award.uuid}/",
        f"/awards/{award.uuid}/payments/",
        "/staff/payments/",
        "/staff/reports/",
        "/staff/organisations/",
        "/staff/open-data/",
        f"/awards/{award.uuid}/publication/",
    ]:
        problems += _problems(page, base, path, staff=True)
    page.context.close()

    page = _signed_in(browser, live_server, "assessor@demo.example")
    problems += _problems(page, base, "/assess/", staff=True)
    page.context.close()

    contract = Contract.objects.order_by("pk").first()
    page = _signed_in(browser, live_server, "commissioner@demo.example")
    for path in [
        "/commissioning/",
        "/commissioning/services/",
        "/commissioning/contracts/",
        f"/commissioning/contracts/{contract.uuid}/",
        "/commissioning/roll-up/",
    ]:
        problems += _problems(page, base, path, staff=True)
    page.context.close()

    page = _signed_in(browser, live_server, "performance@demo.example")
    for path in [
        "/delivery/",
        "/delivery/?year=all",
        "/delivery/awards/?by=outcome&key=P3-O1&year=all",
        "/delivery/contracts/?by=priority&key=P1",
        "/delivery/bids/?by=area&key=total&year=all",
        f"/delivery/awards/{award.uuid}/",
        f"/delivery/contracts/{contract.uuid}/",
        "/indicators/",
        "/plan/WY-PCP-2021-24/indicators/?period=2021/22",
        "/plan/WY-PCP-2021-24/indicators/P1-I2/",
        "/plan/WY-PCP-2021-24/indicators/P1-I2/readings/add/",
        "/plan/WY-PCP-2021-24/readings/upload/",
    ]:
        problems += _problems(page, base, path, staff=True)
    page.context.close()

    assert not problems, "\n".join(problems)


# Each single-word numeric cell (a figure, or a heading such as "Value") and its lines.
ONE_LINE_FIGURES = r"""
() => [...document.querySelectorAll(
    "td.govuk-table__cell--numeric, th.govuk-table__header--numeric"
  )].filter((cell) => /^\S+$/.test(cell.textContent.trim())).map((cell) => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
    return {text: cell.textContent.trim(), lines: lines.size};
  })
"""


def test_a_figure_in_a_narrow_column_is_never_broken_across_lines(browser, live_server, settings):
    """The page lets long words wrap anywhere (for reflow), but not a figure: in the
    dashboard's three value tables "£1,010,000" showed as "£1,010,0" over "00"."""
    _seed(settings)
    page = _signed_in(browser, live_server, "commissioner@demo.example")
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{live_server.url}/commissioning/")
        broken = [cell["text"] for cell in page.evaluate(ONE_LINE_FIGURES) if cell["lines"] > 1]
        assert not broken, f"at {width}px: {broken}"
    page.context.close()


def test_the_contracts_list_fits_its_region_in_a_1280_pixel_window(browser, live_server, settings):
    """On a desktop window the plan-delivery contracts list is not cut off: its table was
    25px wider than its scrolling region, hiding part of the last column."""
    _seed(settings)
    page = _signed_in(browser, live_server, "performance@demo.example")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/delivery/contracts/?by=area&key=total")
    tables = page.evaluate(MEASURE)["tables"]
    assert tables, "the contracts list shows no table"
    assert not [table["name"] for table in tables if table["scrolls"]]
    page.context.close()
