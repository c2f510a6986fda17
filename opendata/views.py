"""The public open data pages (/open-data/ and its files, /funded/) and the officers' page."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import permission_required
from core.xlsx import CONTENT_TYPE as XLSX_CONTENT_TYPE
from opendata import selectors, services
from opendata.forms import FundedFilterForm
from opendata.models import FORMATS

CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": XLSX_CONTENT_TYPE,
}


@require_GET
def index(request):
    versions = selectors.published_versions()
    context = {
        "versions": versions,
        "current": selectors.current_version(versions),
        "licence": services.licence(),
    }
    return render(request, "opendata/index.html", context)


@require_GET
def download(request, version: int, extension: str):
    """A file of a published version; a withdrawn version's files are gone (404)."""
    found = selectors.version_to_serve(number=version) if extension in FORMATS else None
    if found is None:
        raise Http404("No such file")
    stored, _ = found.file_for(extension)
    response = FileResponse(
        stored.open("rb"),
        as_attachment=True,
        filename=PurePosixPath(stored.name).name,
        content_type=CONTENT_TYPES[extension],
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Never kept by a cache: a version withdrawn for someone's safety must go at once.
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def funded(request):
    form = FundedFilterForm(request.GET)
    filters = form.filters()
    page = selectors.funded_page(filters=filters, page_number=request.GET.get("page") or 1)
    context = {"form": form, "filters": filters, "funded": page}
    return render(request, "opendata/funded.html", context)


@permission_required("grants.manage_awards")
@require_GET
def staff(request):
    context = {"overview": selectors.staff_overview(), "licence": services.licence()}
    return render(request, "opendata/staff.html", context)


@permission_required("grants.manage_awards")
@require_POST
def staff_publish(request):
    result = services.package_publish_soon(actor=request.user)
    if result.outcome == services.REFUSED:
        messages.error(request, result.message)
    else:
        messages.success(request, result.message)
    return redirect("opendata:staff")
