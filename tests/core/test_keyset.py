"""core.keyset: a page deep in a list starts its index scan at the cursor (issue 18)."""

from __future__ import annotations

from core.keyset import _after


def test_the_first_keys_bound_is_given_on_its_own_for_the_index():
    ascending = str(_after(["keyset_0", "keyset_1"], ["B-0900", 5], 900, descending=False))
    assert ascending.startswith("(AND: ('keyset_0__gte', 'B-0900'), (OR: ('keyset_0__gt'")
    descending = str(_after(["keyset_0"], ["B-0900"], 900, descending=True))
    assert descending.startswith("(AND: ('keyset_0__lte', 'B-0900'), (OR: ('keyset_0__lt'")
