from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = "Grants"

    def ready(self) -> None:
        from accounts import areas
        from grants import permissions  # noqa: F401  (registers the rules)

        areas.register(
            areas.Area(
                title="Funding rounds",
                description="Rounds, their pots and deadlines, and the applications to each.",
                url_name="grants:staff-round-list",
                permission="grants.manage_rounds",
                order=20,
            )
        )
