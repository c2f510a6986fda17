from django.apps import AppConfig


class OpendataConfig(AppConfig):
    """Open data: the 360Giving files of the grants awarded, and the public pages on them."""

    name = "opendata"
    verbose_name = "Open data"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts import areas

        areas.register(
            areas.Area(
                title="Open data",
                description="The 360Giving files of the grants awarded: what was published "
                "and when, problems that stopped a file, and publishing now.",
                url_name="opendata:staff",
                permission="grants.manage_awards",
                order=70,
            )
        )
