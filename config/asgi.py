import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_asgi_application()

from core.uploadlimits import AsgiBodyLimit  # noqa: E402  (needs the settings above)

# Oversized bodies are refused before Django spools them to disk (core.uploadlimits).
application = AsgiBodyLimit(django_application)
