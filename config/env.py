"""Strict environment parsing: a typo in a production variable must fail loudly."""

from __future__ import annotations

import os
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def parse_bool(name: str, raw: str) -> bool:
    """Turn an environment value into a bool, refusing anything ambiguous."""
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a yes/no value: use one of true/false, yes/no, on/off, 1/0."
    )


def env_bool(name: str, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    """Read a boolean variable; unset or empty means the default."""
    environ = os.environ if environ is None else environ
    raw = environ.get(name, "")
    if raw.strip() == "":
        return default
    return parse_bool(name, raw)


def env_list(name: str, default: list[str], environ: Mapping[str, str] | None = None) -> list[str]:
    """Read a comma-separated list; blanks are dropped."""
    environ = os.environ if environ is None else environ
    raw = environ.get(name, "")
    if raw.strip() == "":
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]
