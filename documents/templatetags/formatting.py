from django import template

from documents import formatting

register = template.Library()

register.filter("deadline", formatting.deadline_text)
register.filter("date_text", formatting.date_text)
register.filter("time_left", formatting.time_left_text)
register.filter("money", formatting.money)
register.filter("clock", formatting.clock_text)


@register.filter
def words(value: str) -> str:
    """A stored status like "in_assessment", as words: "in assessment"."""
    return str(value).replace("_", " ")


@register.filter
def money_pence(value) -> str:
    """'£8,000.00': letters always show pence."""
    return formatting.money(value, pence=True)
