import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()


def warm() -> None:
    """Do now, as the worker starts, what its first requests would otherwise do (about a
    second, measured on the payments page): import every view through the URLconf, index
    the URL names for reverse(), and compile the layout every page extends. A worker is
    replaced every 2,000 requests or so (deploy/gunicorn.conf.py), so this is not rare.

    Then everything loaded so far is frozen out of the garbage collector's full passes: it
    lives as long as the worker, and scanning it took 100-150 ms every few dozen requests
    on a page that builds many objects (plan delivery's contracts)."""
    import gc

    from django.template.loader import get_template
    from django.urls import get_resolver

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018  (imports the views)
    resolver.reverse_dict  # noqa: B018  (indexes every name)
    get_template("base.html")
    gc.collect()
    gc.freeze()


warm()
