import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from accounts.validators import (
    normalise_charity_number,
    normalise_company_number,
    normalise_postcode,
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1012345", "1012345"),
        ("222211", "222211"),
        (" 1104567-1 ", "1104567-1"),
        ("sc012345", "SC012345"),
        ("NIC 100002", "NIC100002"),
    ],
)
def test_it_accepts_charity_numbers_from_each_register(typed, stored):
    assert normalise_charity_number(typed) == stored


@pytest.mark.parametrize("typed", ["12345", "12345678", "CH123456", "SC12345", "abc", "1012345/1"])
def test_it_refuses_a_charity_number_in_no_register_format(typed):
    with pytest.raises(ValidationError, match="Enter a charity number like 1012345"):
        normalise_charity_number(typed)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("01234567", "01234567"),
        ("1234567", "01234567"),
        ("sc123456", "SC123456"),
        ("OC 301234", "OC301234"),
        ("ni 012345", "NI012345"),
    ],
)
def test_it_keeps_company_numbers_eight_characters_with_leading_zeros(typed, stored):
    assert normalise_company_number(typed) == stored


@pytest.mark.parametrize("typed", ["123456789", "S1234567", "1234", "AB12345X", "SC1234567"])
def test_it_refuses_a_malformed_company_number(typed):
    with pytest.raises(ValidationError, match="Enter a company number of 8 characters"):
        normalise_company_number(typed)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ls1 2de", "LS1 2DE"),
        ("BD87QP", "BD8 7QP"),
        (" hx1  1qg ", "HX1 1QG"),
        ("W1A 1AA", "W1A 1AA"),
    ],
)
def test_it_normalises_postcodes(typed, stored):
    assert normalise_postcode(typed) == stored


@pytest.mark.parametrize("typed", ["LS1", "12345", "LS1 2D", "not a postcode", ""])
def test_it_refuses_a_partial_postcode(typed):
    with pytest.raises(ValidationError, match="Enter a full UK postcode"):
        normalise_postcode(typed)


@given(st.from_regex(r"\A\d{5,8}\Z"))
def test_numeric_company_numbers_always_come_back_as_eight_digits(number):
    assert normalise_company_number(number) == number.zfill(8)
