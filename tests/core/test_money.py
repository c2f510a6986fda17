from __future__ import annotations

from decimal import Decimal

import pytest

from core.money import InvalidMoney, parse_money


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("£1,250", Decimal("1250")),
        ("1,250.50", Decimal("1250.50")),
        (" £ 1250.5 ", Decimal("1250.50")),
        ("0", Decimal("0")),
        ("9999999999.99", Decimal("9999999999.99")),
        (Decimal("12.30"), Decimal("12.30")),
        (45, Decimal("45")),
    ],
)
def test_it_reads_pounds_and_pence_as_people_type_them(typed, amount):
    assert parse_money(typed) == amount


@pytest.mark.parametrize("typed", [None, "", "   ", "£"])
def test_a_blank_is_no_amount(typed):
    assert parse_money(typed) is None


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("NaN", "format"),
        ("Infinity", "format"),
        ("-Infinity", "format"),
        ("sNaN", "format"),
        ("1e3", "format"),
        ("1E+3", "format"),
        ("12.345", "pence"),
        ("twelve", "format"),
        ("1.2.3", "format"),
        ("-5", "negative"),
        ("-£5", "negative"),
        ("10000000000", "too_large"),
        ("99,999,999,999.99", "too_large"),
    ],
)
def test_it_refuses_what_is_not_an_amount_in_pounds_with_a_clear_message(typed, reason):
    with pytest.raises(InvalidMoney) as refused:
        parse_money(typed)
    assert refused.value.reason == reason
    assert refused.value.message.startswith(
        ("Enter an amount", "Enter no more", "The amount must be less")
    )
