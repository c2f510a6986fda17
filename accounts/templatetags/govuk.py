from django import template

from core.govuk import style_widgets

register = template.Library()


@register.filter
def govuk_form(form):
    """Give a form from elsewhere (allauth) the GOV.UK widget classes, then return it."""
    style_widgets(form)
    return form
