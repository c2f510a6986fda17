"""Addresses reversed once per process (issue 18).

The layout links to the same pages on every request (navigation, header, footer, the
timeout warning's keep-alive), and a round's pages to the same seven pages of that round;
`{% url %}` reverses each of them again every time, about 30 microseconds apiece.
`fixed_url` reverses a name once and keeps the answer, keyed by what reverse() depends on:
the script prefix and the URLconf. A name that takes ids (UUIDs or whole numbers) is
reversed once with stand-ins, and each call puts its own ids in their place.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse

_reversed: dict[tuple, str] = {}


def _stand_in(position: int, value: object) -> object:
    if isinstance(value, uuid.UUID):
        return uuid.UUID(f"0000dead-beef-4000-8000-{position:012d}")
    return 987_654_300 + position  # a whole number no page is named by


def _pattern(name: str, args: tuple) -> str:
    """The address with "{0}", "{1}"… where the ids go. reverse() percent-encodes braces,
    so the only ones left are these."""
    stand_ins = [_stand_in(i, value) for i, value in enumerate(args)]
    url = reverse(name, args=stand_ins)
    for i, stand_in in enumerate(stand_ins):
        url = url.replace(str(stand_in), f"{{{i}}}")
    return url


def fixed_url(name: str, *args: object) -> str:
    """reverse(name, args=args), worked out once per name: each argument a UUID or a whole
    number (anything else is reversed as usual)."""
    if not all(
        isinstance(a, uuid.UUID) or (type(a) is int and a >= 0)  # not bool
        for a in args
    ):
        return reverse(name, args=args)
    key = (
        get_script_prefix(),
        str(get_urlconf() or settings.ROOT_URLCONF),
        name,
        tuple(type(a) for a in args),
    )
    try:
        pattern = _reversed[key]
    except KeyError:
        pattern = _reversed[key] = _pattern(name, args) if args else reverse(name)
    return pattern.format(*args) if args else pattern


_static: dict[tuple[str, str], str] = {}


def fixed_static(path: str) -> str:
    """`{% static path %}`, looked up once per process: the layout's stylesheet, icons
    and script are named on every page, and each lookup goes through the storage's
    manifest and joins the address again."""
    key = (settings.STATIC_URL or "", path)
    try:
        return _static[key]
    except KeyError:
        url = _static[key] = staticfiles_storage.url(path)
        return url


def forget_fixed_urls(**kwargs) -> None:
    """Start again (tests that override the URLconf or the settings reverse() and the
    static files storage read)."""
    _reversed.clear()
    _static.clear()


setting_changed.connect(forget_fixed_urls, dispatch_uid="core.links.forget_fixed_urls")
