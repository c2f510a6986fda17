from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared machinery: workflow, errors, outbox, mail, forms, exports. Imports no app of ours."""

    name = "core"
    verbose_name = "Shared machinery"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the outbox's Celery tasks in every process, so a send by name finds them.
        from core import tasks  # noqa: F401
        from core.storedvalues import read_broken_decimals_as_missing

        read_broken_decimals_as_missing()
