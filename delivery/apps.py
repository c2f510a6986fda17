from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "delivery"
    verbose_name = "Plan delivery"

    def ready(self) -> None:
        from accounts import areas
        from delivery import (
            permissions,
            tasks,  # noqa: F401  (registers the build task, sent by name)
        )
        from delivery.selectors.tables import watch_figures

        watch_figures()

        areas.register(
            areas.Area(
                title="Plan delivery",
                description="What grants and contracts buy against the plan: money, demand "
                "and results by priority, outcome, theme and district, and the gaps.",
                url_name="delivery:dashboard",
                permission=permissions.VIEW,
                order=15,
                rule=True,
            )
        )
