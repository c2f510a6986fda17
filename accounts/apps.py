import rules
from django.apps import AppConfig


def _second_factor_set_up(sender, request, user, authenticator, **kwargs) -> None:
    """Setting up the app means typing a code from it: that is this session's second factor."""
    from accounts.security import record_second_factor

    if request is not None and authenticator.type == "totp":
        record_second_factor(request, user, kind="totp", enrolled=True)
        # Sent on commit, which may come after the response has saved the session.
        request.session.save()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and organisations"

    def ready(self) -> None:
        from accounts import areas, permissions, tasks
        from core import outbox

        outbox.register("accounts.invitation", tasks.send_invitation)
        outbox.register("accounts.api_token_created", tasks.send_api_token_created)
        outbox.register("accounts.api_token_revoked", tasks.send_api_token_revoked)

        rules.add_perm("accounts.use_admin", permissions.is_administrator)
        from allauth.mfa.signals import authenticator_added

        authenticator_added.connect(_second_factor_set_up, dispatch_uid="accounts-mfa-added")
        from django.contrib.auth.models import Group
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from accounts import roles
        from accounts.models import User

        m2m_changed.connect(
            roles.roles_changed, sender=User.groups.through, dispatch_uid="accounts-roles"
        )
        post_save.connect(roles.groups_changed, sender=Group, dispatch_uid="accounts-group-saved")
        post_delete.connect(
            roles.groups_changed, sender=Group, dispatch_uid="accounts-group-deleted"
        )
        areas.register(
            areas.Area(
                title="Organisations",
                description="Every applicant and provider organisation, its people and details.",
                url_name="accounts:staff-organisation-list",
                permission="accounts.list_organisations",
                order=50,
            )
        )
        areas.register(
            areas.Area(
                title="Administration",
                description="Users, staff roles and reference data.",
                url_name="admin:index",
                permission="accounts.use_admin",
                order=900,
            )
        )
