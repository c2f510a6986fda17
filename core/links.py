"""Addresses that never change, reversed once per process (issue 18).

The layout links to the same pages on every request (navigation, header, footer, the
timeout warning's keep-alive); `{% url %}` reverses each of them again every time, about
30 microseconds apiece. `fixed_url` reverses a name without arguments once and keeps the
answer, keyed by what reverse() depends on: the script prefix and the URLconf.
"""

from __future__ import annotations

from django.conf import settings
from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse

_reversed: dict[tuple[str, str, str], str] = {}


def fixed_url(name: str) -> str:
    """reverse(name) for a URL name that takes no arguments, worked out once."""
    key = (get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF), name)
    try:
        return _reversed[key]
    except KeyError:
        url = _reversed[key] = reverse(name)
        return url


def forget_fixed_urls(**kwargs) -> None:
    """Start again (tests that override the URLconf or the settings reverse() reads)."""
    _reversed.clear()


setting_changed.connect(forget_fixed_urls, dispatch_uid="core.links.forget_fixed_urls")
