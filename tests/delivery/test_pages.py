"""The plan-delivery pages as their readers see them: gaps first, the counting rules, the
filters (and their errors), the lists behind figures and where their rows link, the
exports, the charts, the read-only summaries and the plan version."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import District
from commissioning.models import ContractFunding, FundingStream
from commissioning.quarters import financial_year_of
from delivery.charts import Bar, bar_chart
from grants.models import BankDetails
from tests.commissioning.builders import make_contract
from tests.downloads import body
from tests.factories import AwardFactory, FundFactory, OrganisationFactory, RoundFactory

LONDON = ZoneInfo("Europe/London")
THIS_YEAR = financial_year_of(timezone.localdate())


def _award(
    plan,
    *,
    round=None,
    priority="P3",
    outcomes=("P3-O1",),
    themes=(),
    districts=("Leeds",),
    across=False,
    amount="1000",
    organisation=None,
    year=THIS_YEAR,
):
    round = round or RoundFactory(plan=plan, status="closed")
    found = {d.name: d for d in District.objects.all()}
    award = AwardFactory(
        application__round=round,
        application__across_west_yorkshire=across,
        application__amount_requested=Decimal(amount),
        application__primary_priority=plan.priorities.get(code=priority),
        application__organisation=organisation or OrganisationFactory(),
        decided_at=dt.datetime(year, 6, 1, 12, tzinfo=LONDON),
    )
    award.application.districts.set([found[name] for name in districts])
    award.outcomes.set(plan.outcomes.filter(code__in=outcomes))
    award.themes.set(plan.themes.filter(code__in=themes))
    return award


@pytest.fixture
def lead(client_for, personas):
    return client_for(personas.performance_lead)


def test_the_gaps_come_before_any_table_and_the_counting_rules_are_on_the_page(lead, plan):
    _award(plan)
    page = lead.get(reverse("delivery:dashboard")).content.decode()
    assert page.index('id="gaps"') < page.index("<table")
    assert "How these figures are counted" in page
    assert "the day the decision maker approved the bid" in page
    assert "funding for that financial year (the contract year that overlaps it)" in page
    assert "as Multi-District" in page
    assert "counted as Across West Yorkshire" in page
    assert 'id="outcomes-not-additive"' in page
    # One award for P3-O1: every other outcome is a gap, and every theme.
    gaps = page[page.index('id="gap-outcomes"') : page.index('id="gap-themes"')]
    assert "P3-O1" not in gaps
    assert "23 outcomes with no funded activity" in gaps


def test_a_district_filter_keeps_what_is_for_that_district_alone_or_with_others(lead, plan):
    leeds = _award(plan, districts=("Leeds",), amount="1000")
    both = _award(plan, districts=("Leeds", "Bradford"), amount="2000")
    _award(plan, districts=("Bradford",), amount="4000")
    _award(plan, districts=(), across=True, amount="8000")
    response = lead.get(
        reverse("delivery:awards"), {"district": "leeds", "by": "area", "key": "total"}
    )
    listed = {a.reference for a in response.context["drill"].awards}
    assert listed == {leeds.reference, both.reference}
    page = lead.get(reverse("delivery:dashboard"), {"district": "leeds"}).content.decode()
    assert "District: Leeds" in page  # the filters are said above the figures


def test_a_fund_leaves_contracts_out_and_a_funding_stream_leaves_grants_out(lead, personas, plan):
    award = _award(plan)
    make_contract(
        provider=personas.provider_org,
        commissioner=personas.commissioner,
        plan=plan,
        start=dt.date(THIS_YEAR, 4, 1),
        end=dt.date(THIS_YEAR + 1, 3, 31),
        amount=Decimal("50000"),
    )
    fund = award.application.round.fund
    by_fund = lead.get(reverse("delivery:dashboard"), {"source": f"fund:{fund.code}"})
    assert (by_fund.context["d"].totals.awards, by_fund.context["d"].totals.contracts) == (1, 0)
    by_stream = lead.get(reverse("delivery:dashboard"), {"source": "stream:moj_victims"})
    totals = by_stream.context["d"].totals
    assert (totals.awards, totals.bids, totals.contracts) == (0, 0, 1)
    assert totals.contract_value == Decimal("50000")
    other = lead.get(reverse("delivery:dashboard"), {"source": "stream:match"}).context["d"]
    assert other.totals.contracts == 0


def test_filters_that_name_nothing_are_all_refused_at_once_in_the_govuk_pattern(lead, plan):
    response = lead.get(
        reverse("delivery:dashboard"),
        {"year": "1066", "district": "atlantis", "theme": "CCT-XX", "source": "stream:gold"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    for message in (
        "Choose a financial year from the list, or all years",
        "Choose a district from the list, or all districts",
        "Choose a theme from the list, or all themes",
        "Choose a fund, a round or a funding stream from the list",
    ):
        assert message in page
    assert "This field is required" not in page
    assert "<title>Error: " in page


def test_a_list_link_that_names_no_row_says_so(lead, plan):
    response = lead.get(reverse("delivery:awards"), {"by": "outcome", "key": "P9-O9"})
    assert response.status_code == 400
    assert "Choose a figure from the dashboard: this link names no row" in response.content.decode()


def test_list_rows_link_officers_to_the_award_page_and_the_lead_to_the_summary(
    client_for, personas, plan
):
    award = _award(plan)
    url = reverse("delivery:awards")
    officer_page = client_for(personas.officer).get(url).content.decode()
    assert reverse("grants:award-detail", args=[award.uuid]) in officer_page
    lead_page = client_for(personas.performance_lead).get(url).content.decode()
    assert reverse("delivery:award", args=[award.uuid]) in lead_page
    assert f'"{reverse("grants:award-detail", args=[award.uuid])}"' not in lead_page


def test_list_rows_link_commissioners_to_the_contract_page_and_the_lead_to_the_summary(
    client_for, personas, plan
):
    contract = make_contract(
        provider=personas.provider_org,
        commissioner=personas.commissioner,
        plan=plan,
        start=dt.date(THIS_YEAR, 4, 1),
        end=dt.date(THIS_YEAR + 1, 3, 31),
    )
    url = reverse("delivery:contracts")
    commissioner_page = client_for(personas.commissioner).get(url).content.decode()
    assert reverse("commissioning:contract", args=[contract.uuid]) in commissioner_page
    lead_page = client_for(personas.performance_lead).get(url).content.decode()
    assert reverse("delivery:contract", args=[contract.uuid]) in lead_page


def test_the_award_summary_shows_what_was_funded_and_no_bank_or_personal_details(lead, plan):
    award = _award(plan, districts=("Leeds", "Bradford"), themes=("CCT-SWG",))
    award.signatory_name = "Sam Signatory"
    award.supplier_email = "treasurer@group.example"
    award.save()
    BankDetails.objects.create(
        award=award,
        account_name="Group Current Account",
        sort_code="309457",
        account_number="00733445",
        evidence=ContentFile(b"%PDF-1.4", name="statement.pdf"),
        evidence_name="statement.pdf",
        evidence_type="application/pdf",
        evidence_size=8,
        entered_at=timezone.now(),
    )
    page = lead.get(reverse("delivery:award", args=[award.uuid])).content.decode()
    for shown in (
        award.reference,
        "£1,000.00",
        "P3 Safer Places",
        "P3-O1",
        "The Safety of Women and Girls",
        "Multi-District (Bradford and Leeds)",
    ):
        assert shown in page, shown
    for hidden in (
        "Sam Signatory",
        "treasurer@group.example",
        "Group Current Account",
        "309457",
        "00733445",
        "7445",
        "statement.pdf",
    ):
        assert hidden not in page, hidden


def test_exports_have_the_seed_shape_and_guard_against_formulas(lead, plan):
    _award(plan, organisation=OrganisationFactory(name='=HYPERLINK("http://x")'), amount="5980")
    _award(plan, districts=(), across=True, amount="5976")
    response = lead.get(reverse("delivery:dashboard"), {"table": "districts", "export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="plan-delivery-districts-{THIS_YEAR}.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(body(response).decode())))
    assert rows[1] == [
        "District",
        "No of Projects",
        "Total Spend",
        "Bids received",
        "Amount requested",
    ]
    assert rows[-1][:3] == ["TOTAL", "2", "11956.00"]
    assert rows[5][:3] == ["Leeds", "1", "5980.00"]
    assert rows[8][:3] == ["Across West Yorkshire", "1", "5976.00"]
    listed = body(lead.get(reverse("delivery:awards"), {"export": "csv"})).decode()
    assert "'=HYPERLINK" in listed
    workbook = load_workbook(
        io.BytesIO(body(lead.get(reverse("delivery:awards"), {"export": "xlsx"})))
    )
    sheet = workbook.active
    assert sheet["A1"].value.startswith("Plan delivery, awards behind All")
    assert sheet["B3"].value.startswith("'=HYPERLINK")
    assert sheet["H3"].number_format == "£#,##0.00"


def test_every_table_downloads_as_csv_and_xlsx(lead, plan):
    _award(plan)
    for table in ("priorities", "outcomes", "themes", "districts", "gaps"):
        for fmt in ("csv", "xlsx"):
            response = lead.get(reverse("delivery:dashboard"), {"table": table, "export": fmt})
            assert response.status_code == 200
            assert response["Content-Disposition"].endswith(f'.{fmt}"'), (table, fmt)
    outcomes = lead.get(reverse("delivery:dashboard"), {"table": "outcomes", "export": "csv"})
    assert "do not add up" in body(outcomes).decode()


def test_a_chart_is_an_image_with_a_title_a_description_and_escaped_text():
    svg = str(
        bar_chart(
            chart_id="c",
            title="Spend <by> area",
            description="The table gives the figures.",
            bars=[Bar("Leeds & <Bradford>", Decimal("10"), "£10"), Bar("Kirklees", 0, "£0")],
        )
    )
    assert svg.startswith('<svg class="app-chart" role="img" aria-labelledby="c-title c-desc"')
    assert '<title id="c-title">Spend &lt;by&gt; area</title>' in svg
    assert '<desc id="c-desc">The table gives the figures.</desc>' in svg
    assert "Leeds &amp; &lt;Bradford&gt;" in svg
    assert len(re.findall(r"<rect ", svg)) == 2


def test_the_dashboard_has_its_charts_after_the_tables(lead, plan):
    _award(plan)
    page = lead.get(reverse("delivery:dashboard")).content.decode()
    assert page.count('role="img"') == 3
    assert page.index('id="priorities"') < page.index('id="chart-priority-grants-title"')


def test_awards_are_counted_under_the_plan_version_they_were_aligned_to(lead, plan):
    from outcomes.models import Plan

    _award(plan)
    later = Plan.objects.create(
        code="LATER",
        title="A later plan",
        starts_on=dt.date(2027, 4, 1),
        ends_on=dt.date(2031, 3, 31),
    )
    later.priorities.create(code="P1", title="One priority", position=1)
    under_later = lead.get(reverse("delivery:dashboard"), {"plan": "LATER"})
    assert under_later.status_code == 200
    assert under_later.context["d"].totals.awards == 0
    assert [r.key for r in under_later.context["d"].priorities] == ["P1", "total"]
    under_first = lead.get(reverse("delivery:dashboard"), {"plan": plan.code})
    assert under_first.context["d"].totals.awards == 1


def test_an_offer_the_group_declined_is_not_counted(lead, plan):
    award = _award(plan)
    award.offer_declined_at = timezone.now()
    award.save()
    assert lead.get(reverse("delivery:dashboard")).context["d"].totals.awards == 0


def test_with_no_plan_loaded_the_page_says_so(client_for, personas, db):
    page = client_for(personas.performance_lead).get(reverse("delivery:dashboard"))
    assert page.status_code == 200
    assert "No Police and Crime Plan is loaded yet" in page.content.decode()


def test_a_fund_filter_names_funds_and_rounds_under_the_plan(lead, plan):
    other = FundFactory(code="vrp", name="Violence Reduction Fund")
    RoundFactory(plan=plan, fund=other, number=3, title="Summer")
    options = lead.get(reverse("delivery:dashboard")).context["form"].fields["source"].choices
    grants = dict(options[1][1])
    assert "fund:vrp" in grants
    assert any(label == "Violence Reduction Fund: round 3, Summer" for label in grants.values())


def test_a_streams_figure_links_to_the_contracts_funded_from_it(lead, personas, plan):
    make_contract(
        provider=personas.provider_org,
        commissioner=personas.commissioner,
        plan=plan,
        start=dt.date(THIS_YEAR, 4, 1),
        end=dt.date(THIS_YEAR + 1, 3, 31),
        amount=Decimal("70000"),
    )
    page = lead.get(reverse("delivery:dashboard")).content.decode()
    row = page[page.index('id="priority-streams-P1"') :]
    cell = row[row.index('data-figure="moj_victims"') : row.index("</td>")]
    href = re.search(r'href="([^"]+)"', cell).group(1).replace("&amp;", "&")
    assert "source=stream%3Amoj_victims" in href
    assert "£70,000" in cell
    listed = lead.get(href).content.decode()
    assert re.search(r'id="total-value">£70,000<', listed)


def test_a_lists_errors_link_only_to_fields_on_its_page(lead, plan):
    response = lead.get(reverse("delivery:bids"), {"by": "nonsense", "key": "x", "year": "1066"})
    assert response.status_code == 400
    page = response.content.decode()
    summary = page[
        page.index("govuk-error-summary") : page.index("</ul>", page.index("govuk-error-summary"))
    ]
    assert "Choose a figure from the dashboard: this link names no table" in summary
    assert 'href="#id_year"' in summary
    assert "#id_by" not in summary and "#id_key" not in summary
    assert '<details class="govuk-details" id="change-filters" open>' in page
    assert 'id="id_year"' in page


def test_the_exports_are_the_bytes_they_were_before_they_streamed(lead, plan):
    from tests.downloads import assert_golden, body, xlsx_text

    first = RoundFactory(plan=plan, status="closed", number=7)
    second = RoundFactory(plan=plan, status="closed", number=8)
    bad_name = OrganisationFactory(name='=HYPERLINK("http://x")')
    _award(plan, round=first, organisation=bad_name, amount="5980")
    _award(
        plan, round=second, organisation=OrganisationFactory(name='Ünïcode, "Group"'), across=True
    )
    districts = lead.get(reverse("delivery:dashboard"), {"table": "districts", "export": "csv"})
    awards_csv = lead.get(reverse("delivery:awards"), {"export": "csv"})
    awards_xlsx = lead.get(reverse("delivery:awards"), {"export": "xlsx"})
    outcomes = lead.get(reverse("delivery:dashboard"), {"table": "outcomes", "export": "xlsx"})
    year = str(THIS_YEAR)

    def fixed(text: str) -> str:
        """Less what changes from run to run: when it was made, the year, references."""
        text = re.sub(r"Generated [^.]*[.]", "Generated WHEN.", text)
        text = re.sub(r"[A-Z]+\d+-\d+", "REF", text)
        text = re.sub(r"\b\d{4}/\d{2}\b", "YEAR/YY", text)
        return text.replace(year, "YEAR")

    awards = body(awards_csv).decode()
    assert awards.count("\n") == 5  # the title, the header, two awards, the total
    assert_golden("delivery-districts.csv", fixed(body(districts).decode()).encode())
    assert_golden("delivery-awards.csv", fixed(awards).encode())
    assert_golden("delivery-awards.xlsx.txt", fixed(xlsx_text(body(awards_xlsx))).encode())
    assert_golden("delivery-outcomes.xlsx.txt", fixed(xlsx_text(body(outcomes))).encode())


def test_a_contracts_money_is_listed_a_funding_stream_a_line(lead, personas, plan):
    """Each stream on its own line, named then its amount, in a GOV.UK list (run together,
    the list read "£100,000MoJ victims grant £70,000Home Office £30,000"), largest first;
    the contract's own page lists each year's streams the same way."""
    contract = make_contract(
        provider=personas.provider_org,
        commissioner=personas.commissioner,
        plan=plan,
        start=dt.date(THIS_YEAR, 4, 1),
        end=dt.date(THIS_YEAR + 1, 3, 31),
        amount=Decimal("70000"),
    )
    ContractFunding.objects.create(
        contract=contract,
        stream=FundingStream.HOME_OFFICE,
        financial_year=THIS_YEAR,
        amount=Decimal("30000"),
    )
    streams = (
        '<ul class="govuk-list app-stream-list"><li>MoJ victims grant: £70,000</li>'
        "<li>Home Office: £30,000</li></ul>"
    )
    listed = lead.get(reverse("delivery:contracts"), {"by": "area", "key": "total"})
    assert f'<td class="govuk-table__cell govuk-table__cell--numeric">£100,000{streams}</td>' in (
        listed.content.decode()
    )
    summary = lead.get(reverse("delivery:contract", args=[contract.uuid])).content.decode()
    assert (
        'data-label="Funding streams"><ul class="govuk-list app-stream-list">'
        "<li>Home Office: £30,000</li><li>MoJ victims grant: £70,000</li></ul></td>"
    ) in summary
