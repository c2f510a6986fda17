"""Decision letters: the group's letter as a page and as a PDF, and the officers' page that
sends a round's letters."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_http_methods

from accounts.decorators import permission_required
from core.downloads import private_file_response
from grants import letters, services
from grants.access import (
    access_application_by_uuid,
    access_staff_round_by_uuid,
    award_for_application,
)
from grants.selectors.letters import STATE_LABELS, letter_counts, letter_page


def _decided_letter(request, application_uuid):
    """The bid (if the user may see it) and its decision letter; 404 before a decision."""
    application = access_application_by_uuid(
        request.user, application_uuid, "grants.view_application"
    )
    kind = services.letter_kind_for(application)
    if kind is None:
        raise Http404("No letter yet")
    return application, *services.letter_for_reading(application=application, kind=kind)


@login_required
def letter(request, application_uuid):
    """The decision letter as an accessible page, with a link to the PDF."""
    application, letter, _ = _decided_letter(request, application_uuid)
    award = award_for_application(application)
    return render(
        request,
        "grants/letter.html",
        {
            "application": application,
            "letter": letter,
            "award": award,
            "decided_on": award.decided_at if award else letter.created_at,
            "accept_by": letters.accept_by(award) if award else None,
            "standard_conditions": letters.STANDARD_CONDITIONS,
            "contact": settings.LETTER_CONTACT,
            "signatory": settings.LETTER_SIGNATORY,
            "signatory_role": settings.LETTER_SIGNATORY_ROLE,
        },
    )


@login_required
def letter_pdf(request, application_uuid):
    _, letter, content = _decided_letter(request, application_uuid)
    return private_file_response(content, letter.filename, "application/pdf")


def _page_query(state: str, cursor: str | None) -> str:
    if not cursor:
        return ""
    return urlencode({"state": state, "cursor": cursor} if state else {"cursor": cursor})


@permission_required("grants.run_assessment")
@require_http_methods(["GET", "POST"])
def round_letters(request, round_uuid):
    """Decision letters for the round: sent, pending or failed; send all; retry failures."""
    round = access_staff_round_by_uuid(request.user, round_uuid)
    if request.method == "POST":
        if "retry" in request.POST:
            count = services.letters_retry_failed(round=round, actor=request.user)
            messages.success(request, f"{count} failed letter{pluralize(count)} sent again.")
        else:
            count = services.letters_send_for_round(round=round, actor=request.user)
            messages.success(request, f"{count} letter{pluralize(count)} queued to send.")
        return redirect("grants:staff-round-letters", round.uuid)
    state = request.GET.get("state", "")
    state = state if state in dict(STATE_LABELS) else ""
    counts = letter_counts(round=round)
    page = letter_page(round=round, state=state, cursor=request.GET.get("cursor", ""))
    return render(
        request,
        "grants/staff_round_letters.html",
        {
            "round": round,
            "letters": page.rows,
            "counts": counts,
            "state": state,
            "states": [
                {"value": value, "label": label, "count": counts[value]}
                for value, label in STATE_LABELS
            ],
            "total": sum(counts.values()),
            "next": _page_query(state, page.next_cursor),
            "previous": _page_query(state, page.previous_cursor),
        },
    )
