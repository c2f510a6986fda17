"""The submitted application as a PDF: for the group (its members) and for officers.
Rendered on each request; nothing is stored."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from accounts.decorators import permission_required
from grants import selectors
from grants.access import access_application_by_uuid, access_staff_application_by_uuid
from grants.application_pdf import application_pdf, filename


def _pdf_response(application_id: int) -> HttpResponse:
    application = selectors.application_for_form(application_id)
    response = HttpResponse(application_pdf(application), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename(application)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def application_pdf_for_group(request, application_uuid):
    """A draft has no PDF: it is not an application until it is submitted."""
    application = access_application_by_uuid(
        request.user, application_uuid, "grants.view_application"
    )
    if application.submitted_at is None:
        raise Http404("No such application")
    return _pdf_response(application.pk)


@permission_required("grants.run_assessment")
def application_pdf_for_staff(request, application_uuid):
    application = access_staff_application_by_uuid(request.user, application_uuid)
    return _pdf_response(application.pk)
