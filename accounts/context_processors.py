from django.conf import settings

from accounts.permissions import is_staff_member


def service(request):
    """Service-wide names for the layout, and whether to show the staff link."""
    user = getattr(request, "user", None)
    return {
        "SERVICE_NAME": settings.SERVICE_NAME,
        "ORGANISATION_NAME": settings.ORGANISATION_NAME,
        "PHASE": settings.PHASE,
        "user_is_staff_member": bool(user and is_staff_member(user)),
    }
