"""The officers' page on what is published about one grant: the preview, its public text,
and withholding the grant or its location with a reason (audited)."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import permission_required
from core.forms import run_form
from grants.access import access_award_by_uuid
from grants.forms.publication import PublicTextForm, WithholdForm, acceptance_initial
from grants.publication import Publisher
from grants.selectors.publication import publication_history, publication_preview
from grants.services import publication as services

# The four changes an officer can make: the service, and what the page says after it.
CHANGES = {
    "withhold-grant": (
        services.award_publication_withhold,
        "The grant is withheld: no published file or page shows it from now on.",
    ),
    "release-grant": (
        services.award_publication_release,
        "The grant will be published again in the next file.",
    ),
    "withhold-location": (
        services.award_location_withhold,
        "Its location is withheld: no published file or page shows where it works from now on.",
    ),
    "release-location": (
        services.award_location_release,
        "Where the grant works will be published again in the next file.",
    ),
}


def _page(request, award, *, text_form=None, change: str = "", change_form=None):
    grant = "release-grant" if award.publication_withheld else "withhold-grant"
    location = "release-location" if award.location_withheld else "withhold-location"
    change_forms = {
        name: change_form if name == change else WithholdForm(prefix=name)
        for name in (grant, location)
    }
    text_form = text_form or PublicTextForm(initial=acceptance_initial(award))
    context = {
        "award": award,
        "preview": publication_preview(award=award, publisher=Publisher.from_settings()),
        "history": publication_history(award=award),
        "text_form": text_form,
        "grant_change": (grant, change_forms[grant]),
        "location_change": (location, change_forms[location]),
        "form": change_form if change_form is not None else text_form,  # the error summary
    }
    return render(request, "grants/award_publication.html", context)


@permission_required("grants.manage_awards")
@require_http_methods(["GET", "POST"])
def award_publication(request, award_uuid):
    award = access_award_by_uuid(request.user, award_uuid)
    form = PublicTextForm(request.POST if request.method == "POST" else None)
    response = run_form(
        request,
        form,
        lambda data: services.award_public_text_record(
            award=award,
            actor=request.user,
            title=data["public_title"] or "",
            summary=data["public_summary"] or "",
        ),
        done=("grants:award-publication", award.uuid),
        message="Public title and summary saved. The next file publishes them.",
    )
    return response or _page(request, award, text_form=form if form.is_bound else None)


@permission_required("grants.manage_awards")
@require_POST
def award_publication_change(request, award_uuid, change: str):
    award = access_award_by_uuid(request.user, award_uuid)
    service, message = CHANGES[change]
    form = WithholdForm(request.POST, prefix=change)
    response = run_form(
        request,
        form,
        lambda data: service(award=award, actor=request.user, reason=data["reason"] or ""),
        done=("grants:award-publication", award.uuid),
        message=message,
    )
    return response or _page(request, award, change=change, change_form=form)
