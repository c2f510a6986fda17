from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = "Grants"

    def ready(self) -> None:
        from accounts import areas
        from grants import (
            notifications,
            permissions,  # noqa: F401  (registers the rules)
            retention,
        )

        notifications.register()
        from grants.access import watch_staff_rounds

        watch_staff_rounds()
        retention.register_rules()
        areas.register(
            areas.Area(
                title="Your assessments",
                description="Declare conflicts of interest and score the bids you have been given.",
                url_name="grants:assess-queue",
                permission="grants.assess",
                order=30,
                rule=True,
            )
        )
        areas.register(
            areas.Area(
                title="Panel lists and decisions",
                description="The recommended bids for each round: approve or decline them.",
                url_name="grants:panel-list",
                permission="grants.view_panels",
                order=40,
                rule=True,
            )
        )

        areas.register(
            areas.Area(
                title="Payments due",
                description="Grant payments due this month and overdue; record them as paid.",
                url_name="grants:payments-dashboard",
                permission="grants.manage_awards",
                order=50,
            )
        )
        areas.register(
            areas.Area(
                title="Grant monitoring",
                description="6-month and end-of-grant reports to review, overdue and due soon.",
                url_name="grants:reports-dashboard",
                permission="grants.manage_awards",
                order=60,
            )
        )
        areas.register(
            areas.Area(
                title="Funding rounds",
                description="Rounds, their pots and deadlines, and the applications to each.",
                url_name="grants:staff-round-list",
                permission="grants.manage_rounds",
                order=20,
            )
        )
