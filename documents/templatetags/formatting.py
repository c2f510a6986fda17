from django import template

from documents import formatting

register = template.Library()

register.filter("deadline", formatting.deadline_text)
register.filter("date_text", formatting.date_text)
register.filter("time_left", formatting.time_left_text)
register.filter("money", formatting.money)
register.filter("clock", formatting.clock_text)
register.filter("and_list", formatting.list_text)


@register.filter
def count(value, nouns: str) -> str:
    """{{ n|count:"bid" }} -> '1 bid', '2 bids'; {{ n|count:"person,people" }} for others."""
    singular, _, plural = nouns.partition(",")
    return formatting.count_text(int(value or 0), singular, plural or None)


@register.filter
def words(value: str) -> str:
    """A stored status like "in_assessment", as words: "in assessment"."""
    return str(value).replace("_", " ")


@register.filter
def money_pence(value) -> str:
    """'£8,000.00': letters always show pence."""
    return formatting.money(value, pence=True)
