"""`{% fixed_url 'home' %}`: `{% url %}` for links without arguments, reversed once per
process (core.links) rather than on every request."""

from __future__ import annotations

from django import template

from core.links import fixed_url as _fixed_url

register = template.Library()


@register.simple_tag(name="fixed_url")
def fixed_url(name: str) -> str:
    return _fixed_url(name)
