from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Police and Crime Plan"

    def ready(self) -> None:
        from accounts import areas

        areas.register(
            areas.Area(
                title="Police and Crime Plan",
                description="The plan's priorities, outcomes, indicators and themes.",
                url_name="outcomes:plan",
                permission="accounts.view_staff_home",
                order=10,
            )
        )
        from outcomes.permissions import VIEW_READINGS

        areas.register(
            areas.Area(
                title="Indicator readings",
                description="How the plan's indicators are moving: the latest figures, their "
                "trends, and the district tables.",
                url_name="outcomes:current-indicators",
                permission=VIEW_READINGS,
                order=12,
                rule=True,
            )
        )
