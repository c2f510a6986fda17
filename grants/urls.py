from django.urls import path

from grants.views import (
    applications,
    assessment,
    awards,
    letters,
    monitoring,
    panel,
    publication,
    rounds,
    screening,
    sections,
)

app_name = "grants"

urlpatterns = [
    path("funding/", rounds.round_list, name="round-list"),
    path("funding/<uuid:round_uuid>/", rounds.round_detail, name="round-detail"),
    path("funding/<uuid:round_uuid>/eligibility/", rounds.eligibility, name="eligibility"),
    path(
        "funding/<uuid:round_uuid>/apply/", applications.application_start, name="application-start"
    ),
    path("applications/", applications.dashboard, name="dashboard"),
    path(
        "applications/<uuid:application_uuid>/",
        applications.application_detail,
        name="application-detail",
    ),
    path(
        "applications/<uuid:application_uuid>/budget/",
        sections.application_budget,
        name="application-budget",
    ),
    path(
        "applications/<uuid:application_uuid>/budget/<int:line_id>/",
        sections.budget_line_edit,
        name="budget-line-edit",
    ),
    path(
        "applications/<uuid:application_uuid>/documents/",
        sections.application_documents,
        name="application-documents",
    ),
    path(
        "applications/<uuid:application_uuid>/documents/<uuid:document_uuid>/",
        applications.document_download,
        name="document-download",
    ),
    path(
        "applications/<uuid:application_uuid>/check/",
        applications.application_check,
        name="application-check",
    ),
    path(
        "applications/<uuid:application_uuid>/submit/",
        applications.application_submit,
        name="application-submit",
    ),
    path(
        "applications/<uuid:application_uuid>/submitted/",
        applications.application_submitted,
        name="application-submitted",
    ),
    path(
        "applications/<uuid:application_uuid>/withdraw/",
        applications.application_withdraw,
        name="application-withdraw",
    ),
    path(
        "applications/<uuid:application_uuid>/copy/",
        applications.application_copy,
        name="application-copy",
    ),
    path("applications/<uuid:application_uuid>/letter/", letters.letter, name="letter"),
    path(
        "applications/<uuid:application_uuid>/pdf/",
        applications.application_pdf_for_group,
        name="application-pdf",
    ),
    path(
        "staff/applications/<uuid:application_uuid>/pdf/",
        applications.application_pdf_for_staff,
        name="staff-application-pdf",
    ),
    path("applications/<uuid:application_uuid>/letter/pdf/", letters.letter_pdf, name="letter-pdf"),
    path("applications/<uuid:application_uuid>/grant/", awards.grant, name="grant"),
    path(
        "applications/<uuid:application_uuid>/grant/accept/",
        awards.grant_accept,
        name="grant-accept",
    ),
    path(
        "applications/<uuid:application_uuid>/grant/decline/",
        awards.grant_decline,
        name="grant-decline",
    ),
    path(
        "applications/<uuid:application_uuid>/grant/bank/",
        awards.grant_bank,
        name="grant-bank",
    ),
    path("reports/<uuid:report_uuid>/", monitoring.report, name="report"),
    path("reports/<uuid:report_uuid>/review/", monitoring.report_review, name="report-review"),
    path(
        "reports/<uuid:report_uuid>/evidence/",
        monitoring.report_evidence_add,
        name="report-evidence-add",
    ),
    path(
        "reports/<uuid:report_uuid>/evidence/<uuid:evidence_uuid>/",
        monitoring.report_evidence,
        name="report-evidence",
    ),
    path(
        "reports/<uuid:report_uuid>/evidence/<uuid:evidence_uuid>/remove/",
        monitoring.report_evidence_remove,
        name="report-evidence-remove",
    ),
    path(
        "applications/<uuid:application_uuid>/<slug:section>/",
        sections.application_section,
        name="application-section",
    ),
    path(
        "applications/<uuid:application_uuid>/<slug:section>/autosave/",
        sections.application_autosave,
        name="application-autosave",
    ),
    path("staff/rounds/", rounds.staff_round_list, name="staff-round-list"),
    path("staff/funds/new/", rounds.fund_edit, name="staff-fund-create"),
    path("staff/funds/<uuid:fund_uuid>/edit/", rounds.fund_edit, name="staff-fund-edit"),
    path("staff/rounds/new/", rounds.round_edit, name="staff-round-create"),
    path("staff/rounds/<uuid:round_uuid>/edit/", rounds.round_edit, name="staff-round-edit"),
    path("staff/rounds/<uuid:round_uuid>/pots/new/", rounds.pot_edit, name="staff-pot-create"),
    path(
        "staff/rounds/<uuid:round_uuid>/pots/<int:pot_id>/edit/",
        rounds.pot_edit,
        name="staff-pot-edit",
    ),
    path(
        "staff/rounds/<uuid:round_uuid>/applications/",
        rounds.round_applications,
        name="staff-round-applications",
    ),
    path(
        "staff/rounds/<uuid:round_uuid>/applications/bulk/",
        rounds.round_applications_bulk,
        name="staff-round-applications-bulk",
    ),
    path(
        "staff/rounds/<uuid:round_uuid>/checks/",
        screening.round_checks,
        name="staff-round-checks",
    ),
    path(
        "staff/rounds/<uuid:round_uuid>/criteria/",
        assessment.round_criteria,
        name="staff-round-criteria",
    ),
    path(
        "staff/rounds/<uuid:round_uuid>/criteria/new/",
        assessment.criterion_edit,
        name="staff-criterion-create",
    ),
    path(
        "staff/rounds/<uuid:round_uuid>/criteria/<int:criterion_id>/",
        assessment.criterion_edit,
        name="staff-criterion-edit",
    ),
    path(
        "staff/rounds/<uuid:round_uuid>/assign/",
        assessment.round_assign,
        name="staff-round-assign",
    ),
    path(
        "staff/rounds/<uuid:round_uuid>/ranking/",
        panel.round_ranking,
        name="staff-round-ranking",
    ),
    path(
        "staff/rounds/<uuid:round_uuid>/ranking/<uuid:application_uuid>/mark/",
        panel.application_mark,
        name="staff-round-mark",
    ),
    path(
        "staff/rounds/<uuid:round_uuid>/freeze/",
        panel.round_freeze,
        name="staff-round-freeze",
    ),
    path(
        "staff/rounds/<uuid:round_uuid>/letters/",
        letters.round_letters,
        name="staff-round-letters",
    ),
    path(
        "staff/rounds/<uuid:round_uuid>/summary/",
        rounds.round_summary,
        name="staff-round-summary",
    ),
    path(
        "staff/applications/<uuid:application_uuid>/",
        assessment.application_review,
        name="staff-application",
    ),
    path(
        "staff/applications/<uuid:application_uuid>/screen/",
        screening.application_screen,
        name="staff-application-screen",
    ),
    path(
        "staff/applications/<uuid:application_uuid>/assign/",
        assessment.application_assign,
        name="staff-application-assign",
    ),
    path(
        "staff/applications/<uuid:application_uuid>/moderate/",
        assessment.application_moderate,
        name="staff-application-moderate",
    ),
    path(
        "staff/applications/<uuid:application_uuid>/assessments/<uuid:assessment_uuid>/remove/",
        assessment.assessment_remove,
        name="staff-assessment-remove",
    ),
    path(
        "staff/applications/<uuid:application_uuid>/assessments/<uuid:assessment_uuid>/reopen/",
        assessment.assessment_reopen,
        name="staff-assessment-reopen",
    ),
    path("assess/", assessment.queue, name="assess-queue"),
    path("assess/<uuid:assessment_uuid>/", assessment.assessment, name="assess"),
    path("panels/", panel.panel_list, name="panel-list"),
    path("panels/<uuid:panel_uuid>/", panel.panel_detail, name="panel-detail"),
    path(
        "panels/<uuid:panel_uuid>/approve-recommended/",
        panel.panel_approve_recommended,
        name="panel-approve-recommended",
    ),
    path(
        "panels/<uuid:panel_uuid>/bids/<int:item_id>/",
        panel.panel_item_decide,
        name="panel-item-decide",
    ),
    path("awards/<uuid:award_uuid>/", awards.award_detail, name="award-detail"),
    path("awards/<uuid:award_uuid>/payments/", awards.award_schedule, name="award-schedule"),
    path(
        "awards/<uuid:award_uuid>/publication/",
        publication.award_publication,
        name="award-publication",
    ),
    *(
        path(
            f"awards/<uuid:award_uuid>/publication/{change}/",
            publication.award_publication_change,
            {"change": change},
            name=f"award-publication-{change}",
        )
        for change in publication.CHANGES
    ),
    path(
        "awards/<uuid:award_uuid>/payments/<int:position>/",
        awards.payment_record,
        name="payment-record",
    ),
    path(
        "awards/<uuid:award_uuid>/bank/<uuid:bank_uuid>/",
        awards.bank_check,
        name="bank-check",
    ),
    path(
        "awards/<uuid:award_uuid>/bank/<uuid:bank_uuid>/evidence/",
        awards.bank_evidence,
        name="bank-evidence",
    ),
    path("staff/payments/", awards.payments_dashboard, name="payments-dashboard"),
    path("staff/reports/", monitoring.reports_dashboard, name="reports-dashboard"),
]
