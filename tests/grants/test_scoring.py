"""Unit and property tests for grants.scoring: pure arithmetic, so no database."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grants.scoring import (
    CriterionScore,
    MinimumMiss,
    RankedBid,
    budget_line,
    mean_and_spread,
    moderation_flags,
    weighted_score,
)

D = Decimal
PROPERTY = settings(max_examples=200, deadline=None)


# --- strategies ------------------------------------------------------------------------

weights = st.integers(min_value=1, max_value=100)
scale_maxima = st.one_of(st.sampled_from([4, 5]), st.integers(min_value=1, max_value=10))


@st.composite
def criteria(draw, *, applicable: bool | None = None) -> CriterionScore:
    """One criterion score; applicable=True never n/a, False always n/a, None either."""
    scale_max = draw(scale_maxima)
    value = draw(st.integers(min_value=0, max_value=scale_max))
    if applicable is False or (applicable is None and draw(st.booleans())):
        value = None
    return CriterionScore(weight=draw(weights), scale_max=scale_max, value=value)


def criterion_lists(**kwargs):
    return st.lists(criteria(), **kwargs)


@st.composite
def criterion_lists_with_one_applicable(draw) -> list[CriterionScore]:
    mixed = draw(criterion_lists(max_size=8))
    scored = draw(criteria(applicable=True))
    position = draw(st.integers(min_value=0, max_value=len(mixed)))
    return [*mixed[:position], scored, *mixed[position:]]


two_dp_percentages = st.decimals(
    min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False
)
bid_scores = st.one_of(
    st.none(),
    st.sampled_from([D("50.00"), D("75.00"), D("0.00"), D("100.00")]),  # make ties likely
    two_dp_percentages,
)
bid_amounts = st.one_of(
    st.sampled_from([D("1000.00"), D("5000.00")]),  # make equal amounts likely
    st.decimals(min_value=1, max_value=20000, places=2, allow_nan=False, allow_infinity=False),
)
budgets = st.decimals(
    min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False
)


@st.composite
def bid_specs(draw, max_size: int = 12) -> list[tuple]:
    """(key, score, amount, submitted_order, counts) tuples with unique keys and orders."""
    size = draw(st.integers(min_value=0, max_value=max_size))
    orders = draw(st.lists(st.integers(), min_size=size, max_size=size, unique=True))
    return [
        (f"bid-{index}", draw(bid_scores), draw(bid_amounts), orders[index], draw(st.booleans()))
        for index in range(size)
    ]


def make_bids(specs) -> list[RankedBid]:
    """Fresh RankedBid objects: budget_line writes to the bids, so never share them."""
    return [
        RankedBid(key=key, score=score, amount=amount, submitted_order=order, counts=counts)
        for key, score, amount, order, counts in specs
    ]


def bid(key, score, amount, order, counts=True) -> RankedBid:
    return RankedBid(
        key=key,
        score=None if score is None else D(score),
        amount=D(amount),
        submitted_order=order,
        counts=counts,
    )


def ranks_before(a: RankedBid, b: RankedBid) -> bool:
    """The documented tie-break rule, written independently of rank_key."""
    if a.score is None and b.score is not None:
        return False
    if a.score is not None and b.score is None:
        return True
    if a.score is not None and a.score != b.score:
        return a.score > b.score
    if a.amount != b.amount:
        return a.amount < b.amount
    return a.submitted_order < b.submitted_order


# --- weighted_score ----------------------------------------------------------------------


def test_weighted_score_matches_a_hand_computed_example():
    scores = [
        CriterionScore(30, 4, 4),
        CriterionScore(25, 4, 3),
        CriterionScore(25, 4, 3),
        CriterionScore(20, 4, 3),
    ]
    # (30 x 4/4 + 25 x 3/4 + 25 x 3/4 + 20 x 3/4) / 100 = 82.5%
    assert weighted_score(scores) == D("82.50")


def test_weighted_score_mixes_scales_of_zero_to_four_and_zero_to_five():
    # 40 x 3/4 = 30, 60 x 4/5 = 48: 78 out of 100.
    assert weighted_score([CriterionScore(40, 4, 3), CriterionScore(60, 5, 4)]) == D("78.00")
    # 50 x 2/4 = 25, 50 x 5/5 = 50: 75 out of 100.
    assert weighted_score([CriterionScore(50, 4, 2), CriterionScore(50, 5, 5)]) == D("75.00")


def test_not_applicable_never_counts_as_zero():
    scores = [
        CriterionScore(30, 4, 4),
        CriterionScore(25, 4, 3),
        CriterionScore(25, 4, None),
        CriterionScore(20, 4, 3),
    ]
    # (30 + 18.75 + 15) / 75 = 85%; counting the n/a as zero would give 63.75%.
    assert weighted_score(scores) == D("85.00")


def test_weighted_score_rounds_half_up_to_two_places():
    assert weighted_score([CriterionScore(1, 3, 1)]) == D("33.33")
    assert weighted_score([CriterionScore(1, 3, 2)]) == D("66.67")
    # (1 x 1/4) / 8 = 3.125%: half up gives 3.13 (half even would give 3.12).
    assert weighted_score([CriterionScore(1, 4, 1), CriterionScore(7, 4, 0)]) == D("3.13")


def test_weighted_score_is_none_when_every_criterion_is_not_applicable():
    assert weighted_score([CriterionScore(30, 4, None), CriterionScore(70, 5, None)]) is None


def test_weighted_score_is_none_when_there_are_no_criteria():
    assert weighted_score([]) is None


def test_weighted_score_accepts_a_generator():
    assert weighted_score(CriterionScore(10, 4, v) for v in (4, 0)) == D("50.00")


@pytest.mark.parametrize("value", [5, -1, 100])
def test_a_score_outside_the_scale_raises_value_error(value):
    with pytest.raises(ValueError, match="outside 0 to 4"):
        weighted_score([CriterionScore(50, 4, 2), CriterionScore(50, 4, value)])


def test_scores_at_both_ends_of_the_scale_are_allowed():
    assert weighted_score([CriterionScore(1, 5, 0), CriterionScore(1, 5, 5)]) == D("50.00")


@PROPERTY
@given(criterion_lists_with_one_applicable(), criteria(applicable=False), st.data())
def test_adding_a_not_applicable_criterion_with_any_weight_never_changes_the_score(
    scores, not_applicable, data
):
    position = data.draw(st.integers(min_value=0, max_value=len(scores)))
    with_extra = [*scores[:position], not_applicable, *scores[position:]]
    assert weighted_score(with_extra) == weighted_score(scores)


@PROPERTY
@given(st.lists(criteria(applicable=False), max_size=8))
def test_all_not_applicable_always_gives_no_score(scores):
    assert weighted_score(scores) is None


@PROPERTY
@given(criterion_lists_with_one_applicable())
def test_weighted_score_is_always_between_zero_and_one_hundred(scores):
    result = weighted_score(scores)
    assert result is not None
    assert D("0.00") <= result <= D("100.00")
    assert result == result.quantize(D("0.01"))


@PROPERTY
@given(st.lists(criteria(applicable=True), min_size=1, max_size=8), criterion_lists(max_size=4))
def test_every_applicable_score_at_its_maximum_gives_one_hundred(scores, extra):
    at_max = [CriterionScore(s.weight, s.scale_max, s.scale_max) for s in scores]
    not_applicable = [CriterionScore(s.weight, s.scale_max, None) for s in extra]
    assert weighted_score(at_max + not_applicable) == D("100.00")


@PROPERTY
@given(st.lists(criteria(applicable=True), min_size=1, max_size=8), criterion_lists(max_size=4))
def test_every_applicable_score_at_zero_gives_zero_not_none(scores, extra):
    at_zero = [CriterionScore(s.weight, s.scale_max, 0) for s in scores]
    not_applicable = [CriterionScore(s.weight, s.scale_max, None) for s in extra]
    assert weighted_score(at_zero + not_applicable) == D("0.00")


@PROPERTY
@given(criterion_lists_with_one_applicable(), st.integers(min_value=1, max_value=50))
def test_scaling_every_weight_by_the_same_factor_leaves_the_score_unchanged(scores, k):
    scaled = [CriterionScore(s.weight * k, s.scale_max, s.value) for s in scores]
    assert abs(weighted_score(scaled) - weighted_score(scores)) <= D("0.01")


# --- mean_and_spread ---------------------------------------------------------------------


def test_mean_and_spread_of_no_scores_is_none_and_none():
    assert mean_and_spread([]) == (None, None)


def test_mean_and_spread_matches_hand_computed_examples():
    assert mean_and_spread([D("80.00"), D("70.00"), D("90.00")]) == (D("80.00"), D("20.00"))
    # (82.50 + 70.25) / 2 = 76.375, rounded half up.
    assert mean_and_spread([D("82.50"), D("70.25")]) == (D("76.38"), D("12.25"))


def test_a_single_score_has_itself_as_mean_and_no_spread():
    assert mean_and_spread([D("64.25")]) == (D("64.25"), D("0"))


@PROPERTY
@given(st.lists(two_dp_percentages, min_size=1, max_size=10))
def test_spread_is_max_minus_min_and_the_mean_lies_between_them(scores):
    mean, spread = mean_and_spread(scores)
    assert spread == max(scores) - min(scores)
    assert spread >= 0
    assert min(scores) <= mean <= max(scores)
    assert mean == mean.quantize(D("0.01"))


# --- moderation_flags --------------------------------------------------------------------


def test_a_spread_above_the_threshold_is_flagged():
    flags = moderation_flags(spread=D("25.50"), threshold=D("25"), misses=[])
    assert len(flags) == 1
    assert "25.50" in flags[0]


def test_a_spread_equal_to_the_threshold_is_not_flagged():
    assert moderation_flags(spread=D("25.00"), threshold=D("25"), misses=[]) == []


def test_a_spread_below_the_threshold_is_not_flagged():
    assert moderation_flags(spread=D("3"), threshold=D("25"), misses=[]) == []


def test_no_spread_is_not_flagged():
    assert moderation_flags(spread=None, threshold=D("0"), misses=[]) == []


def test_minimum_misses_give_one_flag_per_criterion_name_in_first_seen_order():
    misses = [
        MinimumMiss("Need", 1, 2),
        MinimumMiss("Delivery", 0, 2),
        MinimumMiss("Need", 0, 2),  # a second assessor missing the same minimum
    ]
    flags = moderation_flags(spread=D("5"), threshold=D("25"), misses=iter(misses))
    assert len(flags) == 2
    assert flags[0].startswith("Need: scored 1")
    assert flags[1].startswith("Delivery: scored 0")


def test_spread_and_misses_together_give_the_spread_flag_first():
    flags = moderation_flags(
        spread=D("30"), threshold=D("25"), misses=[MinimumMiss("Value for money", 1, 2)]
    )
    assert len(flags) == 2
    assert "30" in flags[0]
    assert flags[1].startswith("Value for money")


def test_no_reasons_give_an_empty_list():
    assert moderation_flags(spread=D("0"), threshold=D("25"), misses=[]) == []


@PROPERTY
@given(
    st.one_of(st.none(), two_dp_percentages),
    two_dp_percentages,
    st.lists(
        st.builds(
            MinimumMiss,
            criterion=st.sampled_from(["Need", "Delivery", "Value", "Partnership"]),
            value=st.integers(min_value=0, max_value=3),
            minimum=st.integers(min_value=1, max_value=4),
        ),
        max_size=8,
    ),
)
def test_there_is_one_flag_for_a_wide_spread_and_one_per_distinct_missed_criterion(
    spread, threshold, misses
):
    flags = moderation_flags(spread=spread, threshold=threshold, misses=misses)
    wide = spread is not None and spread > threshold
    assert len(flags) == int(wide) + len({m.criterion for m in misses})


# --- budget_line: hand-worked examples --------------------------------------------------


def test_budget_line_hand_worked_example_with_a_tie_and_no_skipping_down():
    bids = [
        bid("A", "80", "4000", 1),
        bid("B", "75", "5000", 2),
        bid("C", "75.00", "3000", 3),  # ties with B: the smaller amount ranks first
        bid("D", "60", "500", 4),  # would still fit, but sits below the line
    ]
    ranked = budget_line(bids, D("10000"))
    assert [b.key for b in ranked] == ["A", "C", "B", "D"]
    assert [b.rank for b in ranked] == [1, 2, 3, 4]
    assert [b.running_total for b in ranked] == [D(4000), D(7000), D(12000), D(12500)]
    assert [b.within_budget for b in ranked] == [True, True, False, False]
    assert [b.first_below_line for b in ranked] == [False, False, True, False]


def test_equal_score_and_amount_fall_back_to_the_earlier_submission():
    bids = [bid("late", "70", "1000", 5), bid("early", "70", "1000", 2)]
    ranked = budget_line(bids, D("1500"))
    assert [b.key for b in ranked] == ["early", "late"]
    assert [b.within_budget for b in ranked] == [True, False]
    assert [b.first_below_line for b in ranked] == [False, True]


def test_a_bid_that_exactly_uses_up_the_budget_is_within_it():
    ranked = budget_line([bid("A", "90", "2500", 1), bid("B", "80", "2500", 2)], D("5000"))
    assert all(b.within_budget for b in ranked)
    assert not any(b.first_below_line for b in ranked)


def test_a_not_recommended_bid_uses_no_budget():
    bids = [bid("P", "90", "4000", 1, counts=False), bid("Q", "80", "5000", 2)]
    ranked = budget_line(bids, D("5000"))
    assert [b.key for b in ranked] == ["P", "Q"]
    assert [b.running_total for b in ranked] == [D(0), D(5000)]
    assert [b.within_budget for b in ranked] == [False, True]
    assert not any(b.first_below_line for b in ranked)


def test_a_score_of_zero_ranks_above_an_unscored_bid():
    ranked = budget_line([bid("none", None, "100", 1), bid("zero", "0", "9000", 2)], D("20000"))
    assert [b.key for b in ranked] == ["zero", "none"]


def test_an_unscored_bid_is_below_the_line_even_when_money_remains():
    # Unscored bids "are never above the line", so the line is drawn just above the first one.
    ranked = budget_line([bid("S", "50", "1000", 1), bid("U", None, "100", 2)], D("10000"))
    assert [b.key for b in ranked] == ["S", "U"]
    assert [b.within_budget for b in ranked] == [True, False]
    assert [b.first_below_line for b in ranked] == [False, True]


def test_no_bids_give_an_empty_ranking():
    assert budget_line([], D("1000")) == []


# --- budget_line: properties -------------------------------------------------------------
# Each property test checks a few related rules on the same generated ranking, to keep the
# file fast; the assertion messages name the rule that broke.


def first_below_line_index(ranked: list[RankedBid]) -> int | None:
    return next((i for i, b in enumerate(ranked) if b.first_below_line), None)


@PROPERTY
@given(bid_specs(), budgets)
def test_the_budget_line_is_a_single_cut_that_never_overspends(specs, budget):
    ranked = budget_line(make_bids(specs), budget)

    within = sum((b.amount for b in ranked if b.within_budget), D(0))
    assert within <= budget, "bids within budget add up to more than the budget"

    assert sum(b.first_below_line for b in ranked) <= 1, "more than one first_below_line"

    cut = first_below_line_index(ranked)
    if cut is None:
        cut = len(ranked)
    else:
        line = ranked[cut]
        assert line.counts, "a not-recommended bid marks the line"
        assert not line.within_budget, "the first bid below the line is within budget"
        assert line.score is None or line.running_total > budget, "the line bid would fit"
    assert not any(b.within_budget for b in ranked[cut:]), "a bid below the line is within"
    for b in ranked[:cut]:
        assert b.within_budget == (b.counts and b.score is not None), (
            "a counted, scored bid above the line is not within budget"
        )


@PROPERTY
@given(bid_specs(), budgets, st.randoms(use_true_random=False))
def test_shuffling_the_bids_gives_the_same_ranking_and_the_same_line(specs, budget, random):
    shuffled = list(specs)
    random.shuffle(shuffled)
    first = budget_line(make_bids(specs), budget)
    second = budget_line(make_bids(shuffled), budget)
    assert [b.key for b in first] == [b.key for b in second]
    assert [b.within_budget for b in first] == [b.within_budget for b in second]
    assert [b.first_below_line for b in first] == [b.first_below_line for b in second]
    assert [b.running_total for b in first] == [b.running_total for b in second]


@PROPERTY
@given(bid_specs(), budgets)
def test_ranks_run_from_one_to_n_in_the_documented_tie_break_order(specs, budget):
    ranked = budget_line(make_bids(specs), budget)
    assert [b.rank for b in ranked] == list(range(1, len(specs) + 1))
    assert sorted(b.key for b in ranked) == sorted(key for key, *_ in specs)
    for above, below in pairwise(ranked):
        assert ranks_before(above, below), (above, below)


@PROPERTY
@given(bid_specs(), budgets)
def test_not_recommended_and_unscored_bids_are_never_within_budget(specs, budget):
    ranked = budget_line(make_bids(specs), budget)
    total = D(0)
    for b in ranked:
        if b.counts:
            total += b.amount
        else:
            assert not b.within_budget, "a not-recommended bid is within budget"
            assert not b.first_below_line, "a not-recommended bid marks the line"
        assert b.running_total == total, "running total is not the sum of counted amounts"
        if b.score is None:
            assert not b.within_budget, "an unscored bid is within budget"


@PROPERTY
@given(bid_specs(), st.data())
def test_when_every_counted_bid_is_scored_and_fits_no_bid_is_below_the_line(specs, data):
    total = sum((amount for _, _, amount, _, counts in specs if counts), D(0))
    all_scored = all(score is not None for _, score, _, _, counts in specs if counts)
    headroom = data.draw(
        st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False)
    )
    ranked = budget_line(make_bids(specs), total + headroom)
    if all_scored:
        assert not any(b.first_below_line for b in ranked)
        assert all(b.within_budget == b.counts for b in ranked)
    else:
        # The line is drawn just above the first counted, unscored bid.
        assert sum(b.first_below_line for b in ranked) == 1
