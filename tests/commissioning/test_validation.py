"""The rules a return's figures must meet (commissioning.validation), each with the message a
provider sees. Pure checks against the migrated victim services measure set: nothing is
written here (saves and uploads are in test_return_entry.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from commissioning.models import Measure
from commissioning.validation import (
    check_figures,
    field_name,
    figure_text,
    lower_first,
    parse_figure,
)
from tests.commissioning.builders import complete_figures, measures

pytestmark = pytest.mark.django_db


@pytest.fixture
def all_measures() -> list[Measure]:
    return measures()


@pytest.fixture
def m(all_measures) -> dict[str, Measure]:
    """The measures by code."""
    return {measure.code: measure for measure in all_measures}


def errors_for(all_measures, raw, *, complete=False) -> dict[str, str]:
    return check_figures(all_measures, raw, complete=complete).errors


# ---------------------------------------------------------------------------------------
# One figure at a time: parse_figure


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", Decimal(12)),
        (" 12 ", Decimal(12)),
        ("0", Decimal(0)),
        ("1,234", Decimal(1234)),
        ("12.0", Decimal(12)),
    ],
)
def test_a_count_accepts_whole_numbers(m, raw, expected):
    assert parse_figure(m["OFFERED"], raw) == (expected, "")


@pytest.mark.parametrize("raw", ["12.5", "0.1", "twelve", "1/2", "NaN", "Infinity", "12 people"])
def test_a_count_must_be_a_whole_number(m, raw):
    value, error = parse_figure(m["OFFERED"], raw)
    assert value is None
    assert error == "Victims offered support must be a whole number, like 12 or 0."


@pytest.mark.parametrize("raw", ["-1", "-250", "-1,000"])
def test_a_count_cannot_be_negative(m, raw):
    assert parse_figure(m["OFFERED"], raw) == (None, "Victims offered support cannot be negative.")


def test_a_category_figure_names_the_measure_and_the_category(m):
    value, error = parse_figure(m["REF"], "3.5", "police")
    assert value is None
    assert error == "Referrals received (Police) must be a whole number, like 12 or 0."
    assert parse_figure(m["SUPPORTED"], "-2", "domestic_abuse")[1] == (
        "Victims supported (Domestic abuse) cannot be negative."
    )


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_a_blank_figure_is_none_and_no_error(m, raw):
    for code in ("OFFERED", "OUT_SAFER", "SPEND", "SUCCESSES"):
        assert parse_figure(m[code], raw) == (None, "")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0", Decimal(0)),
        ("100", Decimal(100)),
        ("85", Decimal(85)),
        ("72.5", Decimal("72.5")),
        ("72.50", Decimal("72.5")),
        ("85%", Decimal(85)),
        ("85 %", Decimal(85)),
    ],
)
def test_a_percentage_from_0_to_100(m, raw, expected):
    assert parse_figure(m["OUT_SAFER"], raw) == (expected, "")


@pytest.mark.parametrize("raw", ["-0.1", "-5", "100.1", "101", "250", "lots"])
def test_a_percentage_out_of_range_or_not_a_number(m, raw):
    value, error = parse_figure(m["OUT_SAFER"], raw)
    assert value is None
    assert error == "Feel safer must be a percentage from 0 to 100, like 85 or 72.5."


@pytest.mark.parametrize("raw", ["72.55", "0.05", "99.99"])
def test_a_percentage_has_at_most_one_decimal_place(m, raw):
    value, error = parse_figure(m["OUT_SAFER"], raw)
    assert value is None
    assert error == "Feel safer must have no more than one decimal place, like 72.5."


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12500", Decimal("12500")),
        ("12500.50", Decimal("12500.50")),
        ("£12,500.50", Decimal("12500.50")),
        ("0", Decimal(0)),
        ("0.5", Decimal("0.5")),
    ],
)
def test_money_in_pounds(m, raw, expected):
    assert parse_figure(m["SPEND"], raw) == (expected, "")


def test_money_cannot_be_negative(m):
    assert parse_figure(m["SPEND"], "-10") == (None, "Spend in the quarter cannot be negative.")
    assert parse_figure(m["SPEND"], "£-10.00") == (None, "Spend in the quarter cannot be negative.")


@pytest.mark.parametrize("raw", ["12500.505", "0.001", "1.999"])
def test_money_has_at_most_two_decimal_places(m, raw):
    assert parse_figure(m["SPEND"], raw) == (
        None,
        "Spend in the quarter must be in pounds and pence, like 12500.50.",
    )


@pytest.mark.parametrize("raw", ["a lot", "12,500 pounds", "$100", "£", "NaN", "1.2.3"])
def test_money_must_be_a_number(m, raw):
    value, error = parse_figure(m["SPEND"], raw)
    if raw == "£":
        # Only the pound sign: nothing was typed.
        assert (value, error) == (None, "")
        return
    assert value is None
    assert error == "Spend in the quarter must be an amount in pounds, like 12500 or 12500.50."


def test_a_figure_can_be_too_large(m):
    assert parse_figure(m["OFFERED"], "9999999999999") == (
        None,
        "Victims offered support is too large.",
    )
    assert parse_figure(m["SPEND"], "1000000000000.00") == (
        None,
        "Spend in the quarter is too large.",
    )
    assert parse_figure(m["OFFERED"], "999999999999") == (Decimal("999999999999"), "")


def test_text_up_to_its_length_and_no_longer(m):
    successes = m["SUCCESSES"]
    assert successes.max_length == 2000
    assert parse_figure(successes, "x" * 2000) == ("x" * 2000, "")
    assert parse_figure(successes, "  Good quarter.  ") == ("Good quarter.", "")
    assert parse_figure(successes, "x" * 2001) == (
        None,
        "Successes must be 2,000 characters or fewer; it is 2,001.",
    )
    case_study = m["CASE_STUDY"]
    assert parse_figure(case_study, "y" * 3001) == (
        None,
        "Case study must be 3,000 characters or fewer; it is 3,001.",
    )


def test_every_message_names_its_measure(all_measures):
    junk = {
        Measure.Kind.COUNT: "-1.5",
        Measure.Kind.PERCENTAGE: "150",
        Measure.Kind.MONEY: "lots",
        Measure.Kind.TEXT: "z" * 5000,
    }
    for measure in all_measures:
        value, error = parse_figure(measure, junk[measure.kind])
        assert value is None, measure.code
        assert error.startswith(measure.label), (measure.code, error)
        for category in measure.category_codes:
            _value, error = parse_figure(measure, junk[measure.kind], category)
            assert error.startswith(f"{measure.label} ({measure.category_label(category)})"), (
                measure.code,
                category,
                error,
            )


# ---------------------------------------------------------------------------------------
# The rules between figures: check_figures


def test_a_complete_return_has_no_errors(all_measures):
    typed = complete_figures()
    checked = check_figures(all_measures, typed, complete=True)
    assert checked.errors == {}
    assert set(checked.figures) == set(typed)
    assert checked.figures[("SUPPORTED", "")] == Decimal(40)
    assert checked.figures[("SUCCESSES", "")] == "Successes: some words."


def test_errors_are_keyed_by_form_field(all_measures):
    errors = errors_for(all_measures, {("OFFERED", ""): "x", ("REF", "police"): "-1"})
    assert set(errors) == {"m-OFFERED", "m-REF-police"}
    assert field_name("REF", "police") == "m-REF-police"
    assert field_name("REF") == "m-REF"


def test_a_breakdown_must_add_up_to_its_total(all_measures):
    raw = {
        ("REF", ""): "20",
        ("REF", "police"): "5",
        ("REF", "self"): "5",
        ("REF", "health"): "5",
        ("REF", "other_agency"): "4",
    }
    assert errors_for(all_measures, raw) == {
        "m-REF": "Referrals received: the referral source figures add up to 19 but the total "
        "is 20. Make the breakdown add up to the total."
    }
    raw[("REF", "other_agency")] = "5"
    assert errors_for(all_measures, raw) == {}


def test_a_breakdown_adding_up_with_thousands(all_measures):
    raw = {("REF", ""): "1,200", **{("REF", c): "400" for c in ("police", "self", "health")}}
    raw[("REF", "other_agency")] = "1"
    assert errors_for(all_measures, raw)["m-REF"].startswith(
        "Referrals received: the referral source figures add up to 1,201 but the total is 1,200."
    )


def test_a_partial_breakdown_may_not_exceed_the_total(all_measures):
    raw = {("SUPPORTED", ""): "10", ("SUPPORTED", "domestic_abuse"): "8"}
    assert errors_for(all_measures, raw) == {}  # a draft may be part-filled
    raw[("SUPPORTED", "sexual_violence")] = "3"
    assert errors_for(all_measures, raw) == {
        "m-SUPPORTED": "Victims supported: the crime type figures given so far add up to 11, "
        "more than the total of 10."
    }


def test_a_breakdown_without_its_total_is_left_to_submission(all_measures):
    raw = {("REF", c): "1" for c in ("police", "self", "health", "other_agency")}
    assert errors_for(all_measures, raw) == {}
    errors = errors_for(all_measures, raw, complete=True)
    assert errors["m-REF"] == "Enter referrals received (0 if none)."


def test_a_bad_category_figure_does_not_also_report_the_sum(all_measures):
    raw = {
        ("REF", ""): "20",
        ("REF", "police"): "x",
        **{("REF", c): "5" for c in ("self", "health", "other_agency")},
    }
    assert errors_for(all_measures, raw) == {
        "m-REF-police": "Referrals received (Police) must be a whole number, like 12 or 0."
    }


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("SUP_AGE", "Victims supported by age band"),
        ("SUP_SEX", "Victims supported by sex"),
        ("SUP_ETHNICITY", "Victims supported by ethnicity"),
        ("SUP_DISABILITY", "Victims supported by disability"),
    ],
)
def test_each_victim_profile_total_must_equal_victims_supported(all_measures, code, label):
    raw = {("SUPPORTED", ""): "40", (code, ""): "39"}
    assert errors_for(all_measures, raw) == {
        f"m-{code}": f"{label}: the total (39) must equal victims supported (40)."
    }
    raw[(code, "")] = "40"
    assert errors_for(all_measures, raw) == {}


def test_a_profile_total_is_not_compared_before_victims_supported_is_given(all_measures):
    assert errors_for(all_measures, {("SUP_AGE", ""): "39"}) == {}


def test_a_whole_return_with_one_profile_out_reports_only_that_profile(all_measures):
    typed = complete_figures()
    typed[("SUP_SEX", "")] = "41"
    typed[("SUP_SEX", "female")] = str(int(typed[("SUP_SEX", "female")]) + 1)
    assert errors_for(all_measures, typed, complete=True) == {
        "m-SUP_SEX": "Victims supported by sex: the total (41) must equal victims supported (40)."
    }


def test_submitting_needs_every_required_figure(all_measures):
    errors = errors_for(all_measures, {}, complete=True)
    assert errors["m-OFFERED"] == "Enter victims offered support (0 if none)."
    assert errors["m-REF"] == "Enter referrals received (0 if none)."
    assert errors["m-REF-police"] == "Enter referrals received: police (0 if none)."
    assert errors["m-SUPPORTED-domestic_abuse"] == (
        "Enter victims supported: domestic abuse (0 if none)."
    )
    assert errors["m-OUT_SAFER"] == "Enter feel safer (0 if none)."
    assert errors["m-SPEND"] == "Enter spend in the quarter (0 if none)."
    assert errors["m-SUCCESSES"] == "Enter successes."
    assert errors["m-CASE_STUDY"] == "Enter case study."
    assert "m-RISKS" not in errors  # optional
    # Every required figure and category is named, and nothing else.
    expected = {
        field_name(measure.code, category)
        for measure in all_measures
        if measure.required
        for category in ["", *measure.category_codes]
    }
    assert set(errors) == expected


def test_a_draft_needs_nothing(all_measures):
    assert errors_for(all_measures, {}, complete=False) == {}
    assert errors_for(all_measures, {("OFFERED", ""): "3"}, complete=False) == {}


def test_a_missing_category_on_submit(all_measures):
    typed = complete_figures()
    del typed[("SUPPORTED", "other")]
    assert errors_for(all_measures, typed, complete=True) == {
        "m-SUPPORTED-other": "Enter victims supported: other crime types (0 if none)."
    }


def test_a_blank_required_figure_on_submit(all_measures):
    typed = complete_figures()
    typed[("CLOSED", "")] = "  "
    typed[("CHALLENGES", "")] = ""
    assert errors_for(all_measures, typed, complete=True) == {
        "m-CLOSED": "Enter cases closed (0 if none).",
        "m-CHALLENGES": "Enter challenges.",
    }


def test_zero_is_a_figure_not_a_gap(all_measures):
    typed = complete_figures(supported=0)
    typed[("OFFERED", "")] = "0"
    typed[("SPEND", "")] = "0"
    typed[("OUT_SAFER", "")] = "0"
    assert errors_for(all_measures, typed, complete=True) == {}


def test_an_invalid_figure_is_reported_once_not_also_as_missing(all_measures):
    typed = complete_figures()
    typed[("OFFERED", "")] = "many"
    assert errors_for(all_measures, typed, complete=True) == {
        "m-OFFERED": "Victims offered support must be a whole number, like 12 or 0."
    }


def test_lower_first_lowers_an_ordinary_label_and_keeps_acronyms():
    assert lower_first("Victims supported") == "victims supported"
    assert lower_first("ISVA caseload") == "ISVA caseload"
    assert lower_first("") == ""


def test_lower_first_keeps_a_word_with_a_capital_inside():
    # Its docstring's own example: "MoJ spend" must stay as it is in "Enter MoJ spend".
    assert lower_first("MoJ spend") == "MoJ spend"


def test_figures_are_shown_as_typed(m):
    assert figure_text(m["OFFERED"], Decimal("12.00")) == "12"
    assert figure_text(m["OUT_SAFER"], Decimal("72.50")) == "72.5"
    assert figure_text(m["OUT_SAFER"], Decimal("80.00")) == "80"
    assert figure_text(m["SPEND"], Decimal("12500")) == "12500.00"
    assert figure_text(m["SUCCESSES"], "Words.") == "Words."
    assert figure_text(m["OFFERED"], None) == ""
