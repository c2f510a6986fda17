from django.apps import AppConfig


class CommissioningConfig(AppConfig):
    name = "commissioning"
    verbose_name = "Commissioning"

    def ready(self) -> None:
        from accounts import areas
        from commissioning import (
            notifications,
            permissions,  # noqa: F401  (registers the rules)
            retention,
        )

        notifications.register()
        retention.register_rules()
        areas.register(
            areas.Area(
                title="Commissioned services",
                description="Quarterly returns to review, overdue returns and contract value "
                "by funding stream and plan priority.",
                url_name="commissioning:dashboard",
                permission="commissioning.manage",
                order=70,
            )
        )
        areas.register(
            areas.Area(
                title="Contracts",
                description="Victim-service contracts, their funding, amendments and targets.",
                url_name="commissioning:contract-list",
                permission="commissioning.manage",
                order=75,
            )
        )
