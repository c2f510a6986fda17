"""A worker does its one-off work as it starts, not in the first requests it serves."""

from __future__ import annotations

import gc
import importlib

from django.template import engines
from django.urls import clear_url_caches, get_resolver


def test_a_new_worker_has_its_urls_indexed_and_its_layout_compiled():
    clear_url_caches()
    engine = engines["django"].engine
    loader = engine.template_loaders[0]
    if hasattr(loader, "reset"):
        loader.reset()
    import config.wsgi

    gc.unfreeze()
    try:
        importlib.reload(config.wsgi)
        assert gc.get_freeze_count() > 0  # full collections skip what the worker loaded
    finally:
        gc.unfreeze()
    resolver = get_resolver()
    assert resolver._populated  # reverse() has every name at hand
    assert "grants:staff-round-applications" in {
        f"{namespace}:{name}"
        for namespace, (_, sub) in resolver.namespace_dict.items()
        for name in sub.reverse_dict
        if isinstance(name, str)
    }
    if hasattr(loader, "get_template_cache"):
        assert "base.html" in loader.get_template_cache
