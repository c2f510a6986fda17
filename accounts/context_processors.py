import rules
from django.conf import settings

from accounts.permissions import is_provider_member, is_staff_member
from accounts.security import idle_timeout_for
from core.scanning import uploads_are_scanned


def service(request):
    """Service-wide names for the layout, and whether to show the staff link."""
    user = getattr(request, "user", None)
    return {
        "SERVICE_NAME": settings.SERVICE_NAME,
        "ORGANISATION_NAME": settings.ORGANISATION_NAME,
        "PHASE": settings.PHASE,
        "CONTACT_EMAIL": settings.CONTACT_EMAIL,
        "CONTACT_PHONE": settings.CONTACT_PHONE,
        "FEEDBACK_EMAIL": settings.FEEDBACK_EMAIL,
        "user_is_staff_member": bool(user and is_staff_member(user)),
        # Staff are told, beside uploaded files, when no virus scanner is set up.
        "uploads_not_scanned": lambda: not uploads_are_scanned(),
        # The timeout warning (templates/includes/timeout_warning.html), signed-in pages only.
        # As text: the template prints it as is, without Django's localized number format.
        "idle_timeout": lambda: str(idle_timeout_for(user)),
        "idle_warning": str(settings.IDLE_WARNING_BEFORE),
        # Called only where the template asks (non-staff navigation): one cached query.
        "user_is_provider": lambda: bool(user and is_provider_member(user)),
        # The plan-delivery link, for the staff roles delivery's rule lets in (no query).
        "user_sees_plan_delivery": lambda: bool(
            user and rules.test_rule("delivery.view_plan_delivery", user)
        ),
    }
