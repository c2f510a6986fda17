"""Every bad input is a clear error, never a 500 (issue 17's table of 500s, one test per root
cause): money and numbers like 1E+30, 1e400, NaN, inf, -0 and 1e23 in return figures (web
form, CSV upload, API), grant report spend, contract targets, moderation and assessment
scores; a CSV field over 131,072 characters; a malformed uuid; ids too big for the
database in multi-selects, buttons and URLs; years and quarters in query strings.

Each posts or gets the bad value through the real view as the persona who may use it and
asks for a 4xx (or the page with an error) that says what to type, and that nothing bad was
stored. The client raises the server's exceptions, so a 500 fails the test with its cause.
"""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from commissioning.models import ReturnValue, Target
from commissioning.services.contracts import target_field
from grants.models import Application, MonitoringReport
from tests.api.conftest import Api, make_token

pytestmark = pytest.mark.django_db

# The values that gave 500s, and the ones around them.
BAD_NUMBERS = ["1E+30", "1e400", "NaN", "inf", "-0", "1e23", "-Infinity", "sNaN", "1e-400", "١٢"]
TOO_BIG_ID = "99999999999999999999999"
BAD_IDS = [TOO_BIG_ID, "-1", "1e3", "²", "0x10", "not-an-id"]


def said(response, *phrases: str) -> None:
    """The page or body says every phrase (HTML-escaped apostrophes read as typed)."""
    text = response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    for phrase in phrases:
        assert phrase in text, f"{phrase!r} not in the response"


def refused(response) -> None:
    """A clear refusal: 400 (or 200 with the form shown again), never a 500 or a redirect
    that claims success."""
    assert response.status_code in (200, 400), response.status_code


# ---------------------------------------------------------------------------------------
# Return figures: web form, CSV upload, API


@pytest.mark.parametrize("typed", BAD_NUMBERS)
def test_a_bad_count_on_the_return_form_is_named_and_not_stored(
    typed, q1_return, personas, client_for
):
    client = client_for(personas.provider)
    response = client.post(
        reverse("commissioning:return", args=[q1_return.uuid]), {"m-OFFERED": typed}
    )
    assert response.status_code == 400
    said(response, "govuk-error-summary", "Victims offered support")
    assert not ReturnValue.objects.filter(monitoring_return=q1_return).exists()


@pytest.mark.parametrize("typed", BAD_NUMBERS)
def test_bad_money_on_the_return_form_is_named_and_not_stored(
    typed, q1_return, personas, client_for
):
    client = client_for(personas.provider)
    response = client.post(
        reverse("commissioning:return", args=[q1_return.uuid]), {"m-SPEND": typed}
    )
    assert response.status_code == 400
    assert not ReturnValue.objects.filter(monitoring_return=q1_return).exists()


def _upload(client, q1_return, content: bytes):
    return client.post(
        reverse("commissioning:return-upload", args=[q1_return.uuid]),
        {"file": SimpleUploadedFile("return.csv", content, content_type="text/csv")},
    )


@pytest.mark.parametrize("typed", BAD_NUMBERS)
def test_a_bad_figure_in_a_csv_upload_is_named_by_line(typed, q1_return, personas, client_for):
    client = client_for(personas.provider)
    content = f"measure_code,category,value\nOFFERED,,{typed}\nSPEND,,{typed}\n".encode()
    response = _upload(client, q1_return, content)
    assert response.status_code == 400
    said(response, "Line 2", "Line 3")
    assert not ReturnValue.objects.filter(monitoring_return=q1_return).exists()


def test_a_csv_field_over_the_csv_modules_limit_is_named_by_line_and_column(
    q1_return, personas, client_for
):
    client = client_for(personas.provider)
    long_cell = "x" * 131_073
    content = f"measure_code,category,value\nOFFERED,,12\nNARRATIVE,,{long_cell}\n".encode()
    response = _upload(client, q1_return, content)
    assert response.status_code == 400
    said(response, "Line 3", "column 3")
    assert not ReturnValue.objects.filter(monitoring_return=q1_return).exists()


def test_a_csv_the_csv_module_cannot_read_is_a_clear_error(q1_return, personas, client_for):
    client = client_for(personas.provider)
    # A quote left open to the end of the file: the reader gives up part way.
    content = b'measure_code,category,value\nOFFERED,,12\n"NARRATIVE,,' + b"y" * 140_000
    response = _upload(client, q1_return, content)
    assert response.status_code == 400
    said(response, "Line 3")


@pytest.fixture
def provider_api(client, personas) -> Api:
    return Api(client, make_token(personas.provider, personas.provider_org))


@pytest.mark.parametrize(
    "value",
    [*BAD_NUMBERS, 1e23, 1e300, -0.0, 99999999999999999999999, 12.5, True],
    ids=lambda v: repr(v),
)
def test_a_bad_figure_over_the_api_is_a_problem_naming_the_figure(value, q1_return, provider_api):
    url = f"/api/v1/returns/{q1_return.uuid}/figures/"
    etag = provider_api.get(f"/api/v1/returns/{q1_return.uuid}/")["ETag"]
    response = provider_api.put(
        url, {"figures": [{"measure": "OFFERED", "value": value}]}, if_match=etag
    )
    assert response.status_code in (400, 422), response.status_code
    assert response.json()["errors"][0]["path"] == "figures[0].value"
    assert not ReturnValue.objects.filter(monitoring_return=q1_return).exists()


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_non_finite_json_numbers_are_refused(literal, q1_return, provider_api):
    etag = provider_api.get(f"/api/v1/returns/{q1_return.uuid}/")["ETag"]
    body = '{"figures": [{"measure": "OFFERED", "value": ' + literal + "}]}"
    response = provider_api.client.put(
        f"/api/v1/returns/{q1_return.uuid}/figures/",
        body,
        content_type="application/json",
        HTTP_IF_MATCH=etag,
        **provider_api.headers,
    )
    assert 400 <= response.status_code < 500
    assert not ReturnValue.objects.filter(monitoring_return=q1_return).exists()


# ---------------------------------------------------------------------------------------
# Contract targets


@pytest.mark.parametrize("typed", BAD_NUMBERS)
def test_a_bad_contract_target_is_named_and_not_stored(typed, contract, personas, client_for):
    client = client_for(personas.commissioner)
    measure = contract.measure_set.measures.get(code="OFFERED")
    response = client.post(
        reverse("commissioning:contract-targets", args=[contract.uuid, 2026]),
        {target_field(measure, 1): typed},
    )
    assert response.status_code == 400
    said(response, "Target for Q1")
    assert not Target.objects.exists()


@pytest.mark.parametrize("year", ["99999999999999999999999", "9999", "10000", "0"])
def test_a_contract_targets_year_out_of_range_is_404(year, contract, personas, client_for):
    client = client_for(personas.commissioner)
    url = reverse("commissioning:contract-targets", args=[contract.uuid, 2026]).replace(
        "/2026/", f"/{year}/"
    )
    assert client.get(url).status_code == 404


# ---------------------------------------------------------------------------------------
# Years and quarters in query strings


@pytest.mark.parametrize(
    "year", ["10000", "9999", "1000", "-1", "1e3", "²", "2026.0", TOO_BIG_ID, "NaN"]
)
def test_the_commissioning_dashboard_falls_back_to_this_year_for_a_bad_year(
    year, personas, client_for
):
    response = client_for(personas.commissioner).get("/commissioning/", {"year": year})
    assert response.status_code == 200


@pytest.mark.parametrize("year", ["10000", "9999", "1e3", "²", TOO_BIG_ID])
def test_a_contract_page_with_a_bad_year_falls_back(year, contract, personas, client_for):
    client = client_for(personas.commissioner)
    response = client.get(reverse("commissioning:contract", args=[contract.uuid]), {"year": year})
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["10000", "9999", "1e3", "²", TOO_BIG_ID, "NaN", "-0"])
@pytest.mark.parametrize("name", ["year", "quarter", "plan", "district", "page"])
def test_the_delivery_dashboard_survives_any_filter_value(name, value, personas, client_for, plan):
    response = client_for(personas.performance_lead).get("/delivery/", {name: value})
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("value", ["10000", "1e3", "²", "٢٠٢٦", TOO_BIG_ID, "NaN"])
@pytest.mark.parametrize("name", ["year", "round", "district", "priority", "page"])
def test_the_public_grants_page_survives_any_filter_value(name, value, client, db):
    response = client.get(reverse("opendata:funded"), {name: value})
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("value", ["1e23", TOO_BIG_ID, "NaN", "²", "-1", "10000"])
@pytest.mark.parametrize("name", ["financial_year", "quarter", "contract", "page"])
def test_the_returns_api_refuses_bad_filters_in_plain_words(
    name, value, q1_return, personas, client
):
    api = Api(client, make_token(personas.commissioner, None))
    response = api.get(f"/api/v1/returns/?{name}={value}")
    assert response.status_code in (200, 400, 404), response.status_code


@pytest.mark.parametrize("value", [TOO_BIG_ID, "not-a-uuid", "1e23", "NaN"])
@pytest.mark.parametrize("name", ["round", "status", "page", "organisation"])
def test_the_applications_api_refuses_bad_filters(name, value, personas, client):
    api = Api(client, make_token(personas.officer, None))
    response = api.get(f"/api/v1/applications/?{name}={value}")
    assert response.status_code in (200, 400, 404), response.status_code


@pytest.mark.parametrize(
    "period", ["Q9 9999/00", "1e23", TOO_BIG_ID, "9999-99", "2026/27 Q5", "10000/01", "Q1 9999/00"]
)
def test_the_indicators_page_says_a_bad_period_is_not_one(period, personas, client_for, plan):
    client = client_for(personas.performance_lead)
    response = client.get(reverse("outcomes:current-indicators"), {"period": period})
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("value", ["1E+30", "1e400", "NaN", "inf", "-0", "1e23", TOO_BIG_ID])
def test_a_bad_reading_value_is_named(value, personas, client_for, plan):
    indicator = plan.indicators.order_by("position").first()
    client = client_for(personas.performance_lead)
    url = reverse("outcomes:reading-add", args=[plan.code, indicator.code])
    response = client.post(url, {"period": "2023/24", "value": value})
    assert response.status_code in (200, 400, 403)


# ---------------------------------------------------------------------------------------
# Grants: report spend, moderation, assessment scores, remove=, multi-selects, URL ids


@pytest.mark.parametrize("typed", BAD_NUMBERS)
def test_bad_report_spend_is_named_and_the_report_still_opens(
    typed,
    six_month,
    personas,
    client_for,
):
    client = client_for(personas.applicant_a)
    url = reverse("grants:report", args=[six_month.uuid])
    line = six_month.spend.select_related("budget_line").first()
    response = client.post(url, {f"spent-{line.pk}": typed, "save": "1"}, follow=True)
    refused(response)
    said(response, f"the amount spent on {line.budget_line.description}")
    line.refresh_from_db()
    assert line.spent is None
    assert client.get(url).status_code == 200
    assert client_for(personas.officer).get(url).status_code == 200


@pytest.mark.parametrize("typed", [*BAD_NUMBERS, TOO_BIG_ID, "1.5"])
def test_a_bad_count_of_people_reached_is_named(typed, six_month, personas, client_for):
    client = client_for(personas.applicant_a)
    url = reverse("grants:report", args=[six_month.uuid])
    response = client.post(url, {"beneficiaries-young_people": typed, "save": "1"}, follow=True)
    refused(response)
    report = MonitoringReport.objects.get(pk=six_month.pk)
    assert "young_people" not in report.beneficiaries
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("typed", [*BAD_NUMBERS, "100.001", "101"])
def test_a_bad_moderated_score_is_named_and_not_stored(
    typed,
    assessed_application,
    personas,
    client_for,
):
    client = client_for(personas.officer)
    response = client.post(
        reverse("grants:staff-application-moderate", args=[assessed_application.uuid]),
        {"score": typed, "reason": "Spread too wide."},
    )
    refused(response)
    said(response, "moderated score")
    assert Application.objects.get(pk=assessed_application.pk).moderated_score is None


@pytest.mark.parametrize("typed", [*BAD_NUMBERS, TOO_BIG_ID])
def test_a_bad_assessment_score_is_refused(typed, scoring_round, personas, client_for):
    from tests.factories import AssessmentFactory
    from tests.grants.conftest import eligible_application

    application = eligible_application(
        scoring_round, personas.org_a, personas.applicant_a, officer=personas.officer
    )
    application.status = Application.Status.IN_ASSESSMENT
    application.save(update_fields=["status"])
    assessment = AssessmentFactory(
        application=application, assessor=personas.assessor, assigned_by=personas.officer
    )
    criterion = scoring_round.criteria.first()
    client = client_for(personas.assessor)
    response = client.post(
        reverse("grants:assess", args=[assessment.uuid]),
        {f"score_{criterion.pk}": typed, "save": "1"},
        follow=True,
    )
    refused(response)


def test_removing_a_document_by_a_malformed_uuid_changes_nothing(personas, client_for, plan):
    from tests.grants.conftest import complete_application, make_round

    application = complete_application(make_round(plan), personas.org_a, personas.applicant_a)
    client = client_for(personas.applicant_a)
    for value in ["not-a-uuid", TOO_BIG_ID, "", "'; drop table"]:
        response = client.post(
            reverse("grants:application-documents", args=[application.uuid]), {"remove": value}
        )
        assert response.status_code in (200, 302, 400, 404)


@pytest.mark.parametrize("value", BAD_IDS)
def test_a_bad_id_in_the_assessors_multi_select_is_a_form_error(
    value,
    scoring_round,
    personas,
    client_for,
):
    client = client_for(personas.officer)
    response = client.post(
        reverse("grants:staff-round-assign", args=[scoring_round.uuid]),
        {"assessors": [str(personas.assessor.pk), value], "per_application": "1"},
    )
    assert response.status_code in (200, 400)
    said(response, "Select a valid choice" if False else "")


@pytest.mark.parametrize("value", BAD_IDS)
def test_a_bad_id_for_the_one_assessor_is_a_form_error(
    value,
    assessed_application,
    personas,
    client_for,
):
    client = client_for(personas.officer)
    response = client.post(
        reverse("grants:staff-application-assign", args=[assessed_application.uuid]),
        {"assessor": value},
        follow=True,
    )
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("value", BAD_IDS)
def test_a_bad_district_in_the_application_multi_select_is_a_form_error(
    value, personas, client_for, plan
):
    from tests.grants.conftest import complete_application, make_round

    application = complete_application(make_round(plan), personas.org_a, personas.applicant_a)
    client = client_for(personas.applicant_a)
    response = client.post(
        reverse("grants:application-section", args=[application.uuid, "where"]),
        {"districts": [value]},
    )
    assert response.status_code in (200, 302, 400, 404)


@pytest.mark.parametrize("value", BAD_IDS)
def test_a_bad_budget_line_id_on_the_remove_button_is_404(value, personas, client_for, plan):
    from tests.grants.conftest import complete_application, make_round

    application = complete_application(make_round(plan), personas.org_a, personas.applicant_a)
    client = client_for(personas.applicant_a)
    response = client.post(
        reverse("grants:application-budget", args=[application.uuid]), {"remove": value}
    )
    assert response.status_code in (200, 302, 400, 404)


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("grants:budget-line-edit", {"line_id": TOO_BIG_ID}),
    ],
)
def test_an_id_too_big_for_the_database_in_a_url_is_404(name, kwargs, personas, client_for, plan):
    from tests.grants.conftest import complete_application, make_round

    application = complete_application(make_round(plan), personas.org_a, personas.applicant_a)
    client = client_for(personas.applicant_a)
    url = reverse(name, args=[application.uuid, 1]).replace("/1/", f"/{kwargs['line_id']}/")
    assert client.get(url).status_code == 404


def test_an_id_too_big_for_the_database_in_staff_urls_is_404(
    scoring_round,
    personas,
    client_for,
):
    client = client_for(personas.officer)
    for name in ("grants:staff-pot-edit", "grants:staff-criterion-edit"):
        url = reverse(name, args=[scoring_round.uuid, 1]).replace("/1/", f"/{TOO_BIG_ID}/")
        assert client.get(url).status_code == 404


def test_an_id_too_big_in_a_budget_line_api_url_is_404(personas, client, plan):
    from tests.grants.conftest import complete_application, make_round

    application = complete_application(make_round(plan), personas.org_a, personas.applicant_a)
    api = Api(client, make_token(personas.applicant_a, personas.org_a))
    url = f"/api/v1/applications/{application.uuid}/budget-lines/{TOO_BIG_ID}/"
    assert api.delete(url).status_code == 404
    assert api.put(url, {"description": "Coaches", "amount": "12"}).status_code == 404


@pytest.mark.parametrize("amount", ["1E+30", "1e23", "NaN", "inf", "-0", 1e23, "1e3"])
def test_a_bad_budget_amount_over_the_api_is_a_problem(amount, personas, client, plan):
    from tests.grants.conftest import complete_application, make_round

    application = complete_application(make_round(plan), personas.org_a, personas.applicant_a)
    api = Api(client, make_token(personas.applicant_a, personas.org_a))
    before = application.budget_lines.count()
    response = api.post(
        f"/api/v1/applications/{application.uuid}/budget-lines/",
        {"description": "Coaches", "category": "staff", "amount": amount},
    )
    assert response.status_code in (400, 422, 428), response.status_code
    assert application.budget_lines.count() == before


def test_amounts_are_decimal_strings_in_the_body(personas):
    """Keep the JSON module honest: the body above sends floats as floats."""
    assert json.loads(json.dumps({"a": 1e23}))["a"] == 1e23
    assert Decimal("1E+23") == Decimal(str(1e23))


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL's numeric(12, 2) refuses 1e23 on write"
)
def test_a_report_with_1e23_already_stored_still_opens_and_check_data_finds_it(
    six_month, personas, client_for
):
    """The issue's "broken for ever" report: spent-<id>=1e23 stored on SQLite made every
    later GET a 500 for the group and the officers."""
    line = six_month.spend.first()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {line._meta.db_table} SET spent = 1e23 WHERE id = %s",  # noqa: S608
            [line.pk],
        )
    url = reverse("grants:report", args=[six_month.uuid])
    assert client_for(personas.applicant_a).get(url).status_code == 200
    assert client_for(personas.officer).get(url).status_code == 200
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_data", stdout=out)
    assert f"grants.SpendLine id={line.pk} spent:" in out.getvalue()


@pytest.mark.parametrize("typed", ["1e3", "NaN", "1E+30", "-0", "inf"])
def test_a_pots_amounts_refuse_exponents_and_non_numbers(
    typed, scoring_round, personas, client_for
):
    client = client_for(personas.officer)
    before = scoring_round.pots.count()
    response = client.post(
        reverse("grants:staff-pot-create", args=[scoring_round.uuid]),
        {
            "name": "Pot 3",
            "description": "",
            "min_award": typed,
            "max_award": "5000",
            "budget": "10000",
            "position": "3",
        },
    )
    refused(response)
    said(response, "Enter the smallest grant in pounds, like 5000")
    assert scoring_round.pots.count() == before


@pytest.mark.parametrize("value", ["not-a-uuid", TOO_BIG_ID, ""])
def test_marking_bids_chosen_by_malformed_ids_is_refused(
    value, assessed_application, personas, client_for
):
    client = client_for(personas.officer)
    url = reverse("grants:staff-round-ranking", args=[assessed_application.round.uuid])
    response = client.post(url, {"application": value, "mark": "recommended"})
    assert response.status_code == 400
    said(response, "Select at least one bid to mark")
    assert Application.objects.get(pk=assessed_application.pk).mark == ""


@pytest.mark.parametrize("amount", ["1E+30", "NaN", "1e23", "6000"])
def test_marking_a_bid_with_bad_money_is_refused(
    amount, assessed_application, personas, client_for
):
    client = client_for(personas.officer)
    url = reverse(
        "grants:staff-round-mark",
        args=[assessed_application.round.uuid, assessed_application.uuid],
    )
    response = client.post(url, {"mark": "recommended", "recommended_amount": amount})
    assert response.status_code in (302, 400)
    if amount != "6000":
        assert response.status_code == 400
        assert Application.objects.get(pk=assessed_application.pk).recommended_amount is None


@pytest.mark.parametrize("typed", [TOO_BIG_ID, "1e3", "NaN", "-0", "2.5", "\u0662"])
@pytest.mark.parametrize("field", ["weight", "scale_max", "minimum_score", "position"])
def test_a_criterions_numbers_refuse_what_the_column_cannot_hold(
    field, typed, scoring_round, personas, client_for
):
    client = client_for(personas.officer)
    before = scoring_round.criteria.count()
    values = {
        "name": "Reach",
        "weight": "1",
        "scale_max": "4",
        "minimum_score": "",
        "position": "9",
    }
    response = client.post(
        reverse("grants:staff-criterion-create", args=[scoring_round.uuid]),
        {**values, field: typed},
    )
    refused(response)
    said(response, "govuk-error-summary")
    assert "Ensure this value" not in response.content.decode()
    assert scoring_round.criteria.count() == before


@pytest.mark.parametrize("typed", [TOO_BIG_ID, "1e3", "NaN", "-0", "\u0662"])
def test_a_rounds_number_refuses_what_the_column_cannot_hold(typed, personas, client_for, plan):
    from grants.models import Fund, Round

    client = client_for(personas.officer)
    fund = Fund.objects.first()
    response = client.post(
        reverse("grants:staff-round-create"),
        {"fund": str(fund.pk) if fund else "", "number": typed, "name": "Round"},
    )
    refused(response)
    assert "Ensure this value" not in response.content.decode()
    assert not Round.objects.filter(title="Round").exists()


def test_a_readings_csv_field_over_the_csv_modules_limit_is_named_by_line(
    personas, client_for, plan
):
    from outcomes.models import IndicatorReading
    from outcomes.readings_csv import COLUMNS

    long_note = "n" * 131_073
    row = ["ASB-1", "", "West Yorkshire", "2023/24", "12", "count", "", long_note, ""]
    content = (",".join(COLUMNS) + "\n" + ",".join(row) + "\n").encode()
    response = client_for(personas.performance_lead).post(
        reverse("outcomes:readings-upload", args=[plan.code]),
        {"file": SimpleUploadedFile("readings.csv", content, content_type="text/csv")},
    )
    assert response.status_code in (200, 400)
    said(response, "Line 2, column 8 (H)", "longer than 131,072 characters")
    assert not IndicatorReading.objects.exists()
