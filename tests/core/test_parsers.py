"""core.parsers: the one set of parsers for numbers, money, ids, years and quarters. Each
refuses exponents, non-finite values, other scripts' digits and what the column cannot
hold, with a message that names the field."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.parsers import (
    BIGINT_MAX,
    InvalidInput,
    parse_date,
    parse_decimal,
    parse_financial_year,
    parse_id,
    parse_pounds,
    parse_quarter,
    parse_uuid,
    parse_whole_number,
    parse_year,
)

REFUSED = [
    "1E+30",
    "1e400",
    "NaN",
    "nan",
    "inf",
    "Infinity",
    "-0",
    "1e23",
    "1e3",
    "sNaN",
    "0x10",
    "١٢",
    "12 apples",
    "--1",
    "1.2.3",
    float("nan"),
    float("inf"),
]


def score(raw):
    return parse_decimal(raw, name="Score", max_digits=5, decimal_places=2, max_value=100)


@pytest.mark.parametrize("raw", REFUSED, ids=repr)
def test_a_decimal_refuses_what_is_not_plain_digits(raw):
    with pytest.raises(InvalidInput) as refused:
        score(raw)
    assert refused.value.message.startswith("Score ")


@pytest.mark.parametrize(
    "raw,value",
    [
        ("72.5", Decimal("72.5")),
        (" 7 ", Decimal(7)),
        ("0", Decimal(0)),
        (".5", Decimal("0.5")),
        ("100.00", Decimal(100)),
        ("", None),
        (None, None),
        (12.25, Decimal("12.25")),
        (3, Decimal(3)),
    ],
)
def test_a_decimal_reads_plain_numbers(raw, value):
    assert score(raw) == value


@pytest.mark.parametrize(
    "raw,message",
    [
        ("100.5", "Score must be 100 or less"),
        ("72.555", "Score must have no more than 2 decimal places, like 72.5"),
        ("-1", "Score cannot be negative: enter 0 or more"),
        ("NaN", "Score must be a number, like 72.5"),
        ("1000", "Score must be 100 or less"),
    ],
)
def test_a_decimals_messages_name_the_field_and_say_what_to_type(raw, message):
    with pytest.raises(InvalidInput, match=message):
        score(raw)


def test_a_decimal_without_a_maximum_is_held_to_the_columns_digits():
    assert parse_decimal("9999999999.99", name="Target", max_digits=12, decimal_places=2)
    with pytest.raises(InvalidInput, match="Target must be less than 10,000,000,000"):
        parse_decimal("10000000000", name="Target", max_digits=12, decimal_places=2)


@given(st.decimals(allow_nan=True, allow_infinity=True))
def test_whatever_a_decimal_accepts_fits_the_column(value):
    try:
        parsed = parse_decimal(value, name="Figure", max_digits=14, decimal_places=2)
    except InvalidInput:
        return
    assert parsed is not None and parsed.is_finite()
    assert parsed >= 0
    exponent = parsed.as_tuple().exponent
    assert -exponent <= 2 if isinstance(exponent, int) else False
    assert parsed < Decimal(10) ** 12


@given(st.text(max_size=30))
def test_any_text_is_a_value_or_a_clear_error(text):
    try:
        parse_decimal(text, name="Figure", max_digits=14, decimal_places=2)
        parse_whole_number(text, name="Count")
        parse_pounds(text, name="Amount")
        parse_id(text)
        parse_uuid(text)
        parse_financial_year(text)
        parse_quarter(text)
    except InvalidInput as refused:
        assert refused.message


@pytest.mark.parametrize("raw", ["99999999999999999999999", "2147483648", "12.5", "-3", "1e3"])
def test_a_whole_number_refuses_what_the_column_cannot_hold(raw):
    with pytest.raises(InvalidInput, match=r"^People reached "):
        parse_whole_number(raw, name="People reached")


def test_a_whole_number_reads_commas_and_a_zero_fraction():
    assert parse_whole_number("1,250", name="Count") == 1250
    assert parse_whole_number("12.0", name="Count") == 12


def test_money_names_the_field():
    assert parse_pounds("£1,250.50", name="Amount spent") == Decimal("1250.50")
    for raw in ["1E+30", "1e23", "NaN", "inf", "1e400"]:
        with pytest.raises(
            InvalidInput, match=r"Amount spent must be a number of pounds and pence, like 1250\.50"
        ):
            parse_pounds(raw, name="Amount spent")
    with pytest.raises(InvalidInput, match="cannot be negative"):
        parse_pounds("-0", name="Amount spent")
    with pytest.raises(InvalidInput, match="less than £10,000,000,000"):
        parse_pounds(1e23, name="Amount spent")


@pytest.mark.parametrize(
    "raw", ["99999999999999999999999", str(BIGINT_MAX + 1), "0", "-1", "1e3", "²", "", " ", "x"]
)
def test_an_id_no_row_could_have_is_none(raw):
    assert parse_id(raw) is None


def test_ids_and_uuids_that_could_be_rows_are_read():
    assert parse_id("12") == 12
    assert parse_id(str(BIGINT_MAX)) == BIGINT_MAX
    known = uuid.uuid4()
    assert parse_uuid(str(known)) == known
    assert parse_uuid(known.hex) == known
    for raw in ["not-a-uuid", "", "{" + str(known) + "}", str(known) + "0", "urn:uuid:x"]:
        assert parse_uuid(raw) is None


@pytest.mark.parametrize("raw", ["10000", "9999", "1999", "²⁰²⁶", "20.26", "1e3"])
def test_years_outside_the_service_are_refused(raw):
    with pytest.raises(InvalidInput):
        parse_year(raw)
    with pytest.raises(InvalidInput):
        parse_financial_year(raw)


def test_financial_years_and_quarters():
    assert parse_financial_year("2026/27") == parse_financial_year("2026-2027") == 2026
    assert parse_financial_year("2026") == 2026
    with pytest.raises(InvalidInput, match="two years in a row"):
        parse_financial_year("2026/28")
    assert parse_quarter("Q2") == parse_quarter("2") == 2
    for raw in ["Q5", "0", "1e0", "٢"]:
        with pytest.raises(InvalidInput):
            parse_quarter(raw)


def test_dates():
    assert parse_date("27", "3", "2027") == dt.date(2027, 3, 27)
    assert parse_date("", "", "") is None
    for parts in [
        ("31", "2", "2027"),
        ("1", "1", "99999"),
        ("1e1", "1", "2027"),
        ("\u0661", "1", "2027"),
    ]:
        with pytest.raises(InvalidInput, match=r"^The date "):
            parse_date(*parts)
