"""`{% fixed_url 'home' %}`, `{% fixed_url 'grants:staff-round-ranking' round.uuid %}`:
`{% url %}` for links without arguments or with ids, reversed once per process
(core.links) rather than on every request."""

from __future__ import annotations

from django import template

from core.links import fixed_static as _fixed_static
from core.links import fixed_url as _fixed_url

register = template.Library()


@register.simple_tag(name="fixed_url")
def fixed_url(name: str, *args: object) -> str:
    return _fixed_url(name, *args)


@register.simple_tag(name="fixed_static")
def fixed_static(path: str) -> str:
    return _fixed_static(path)
