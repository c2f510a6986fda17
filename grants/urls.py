from django.urls import path

from grants import (
    assess_views,
    award_views,
    panel_views,
    pdf_views,
    publication_views,
    review_views,
    staff_views,
    views,
)

app_name = "grants"

urlpatterns = [
    path("funding/", views.round_list, name="round-list"),
    path("funding/<uuid:round_uuid>/", views.round_detail, name="round-detail"),
    path("funding/<uuid:round_uuid>/eligibility/", views.eligibility, name="eligibility"),
    path("funding/<uuid:round_uuid>/apply/", views.application_start, name="application-start"),
    path("applications/", views.dashboard, name="dashboard"),
    path(
        "applications/<uuid:application_uuid>/", views.application_detail, name="application-detail"
    ),
    path(
        "applications/<uuid:application_uuid>/budget/",
        views.application_budget,
        name="application-budget",
    ),
    path(
        "applications/<uuid:application_uuid>/budget/<int:line_id>/",
        views.budget_line_edit,
        name="budget-line-edit",
    ),
    path(
        "applications/<uuid:application_uuid>/documents/",
        views.application_documents,
        name="application-documents",
    ),
    path(
        "applications/<uuid:application_uuid>/documents/<uuid:document_uuid>/",
        views.document_download,
        name="document-download",
    ),
    path(
        "applications/<uuid:application_uuid>/check/",
        views.application_check,
        name="application-check",
    ),
    path(
        "applications/<uuid:application_uuid>/submit/",
        views.application_submit,
        name="application-submit",
    ),
    path(
        "applications/<uuid:application_uuid>/submitted/",
        views.application_submitted,
        name="application-submitted",
    ),
    path(
        "applications/<uuid:application_uuid>/withdraw/",
        views.application_withdraw,
        name="application-withdraw",
    ),
    path(
        "applications/<uuid:application_uuid>/copy/",
        views.application_copy,
        name="application-copy",
    ),
    path("applications/<uuid:application_uuid>/letter/", views.letter, name="letter"),
    path(
        "applications/<uuid:application_uuid>/pdf/",
        pdf_views.application_pdf_for_group,
        name="application-pdf",
    ),
    path(
        "staff/applications/<uuid:application_uuid>/pdf/",
        pdf_views.application_pdf_for_staff,
        name="staff-application-pdf",
    ),
    path("applications/<uuid:application_uuid>/letter/pdf/", views.letter_pdf, name="letter-pdf"),
    path("applications/<uuid:application_uuid>/grant/", award_views.grant, name="grant"),
    path(
        "applications/<uuid:application_uuid>/grant/accept/",
        award_views.grant_accept,
        name="grant-accept",
    ),
    path(
        "applications/<uuid:application_uuid>/grant/decline/",
        award_views.grant_decline,
        name="grant-decline",
    ),
    path(
        "applications/<uuid:application_uuid>/grant/bank/",
        award_views.grant_bank,
        name="grant-bank",
    ),
    path("reports/<uuid:report_uuid>/", award_views.report, name="report"),
    path("reports/<uuid:report_uuid>/review/", award_views.report_review, name="report-review"),
    path(
        "reports/<uuid:report_uuid>/evidence/",
        award_views.report_evidence_add,
        name="report-evidence-add",
    ),
    path(
        "reports/<uuid:report_uuid>/evidence/<uuid:evidence_uuid>/",
        award_views.report_evidence,
        name="report-evidence",
    ),
    path(
        "reports/<uuid:report_uuid>/evidence/<uuid:evidence_uuid>/remove/",
        award_views.report_evidence_remove,
        name="report-evidence-remove",
    ),
    path(
        "applications/<uuid:application_uuid>/<slug:section>/",
        views.application_section,
        name="application-section",
    ),
    path(
        "applications/<uuid:application_uuid>/<slug:section>/autosave/",
        views.application_autosave,
        name="application-autosave",
    ),
    path("staff/rounds/", staff_views.round_list, name="staff-round-list"),
    path("staff/funds/new/", staff_views.fund_edit, name="staff-fund-create"),
    path("staff/funds/<uuid:fund_uuid>/edit/", staff_views.fund_edit, name="staff-fund-edit"),
    path("staff/rounds/new/", staff_views.round_edit, name="staff-round-create"),
    path("staff/rounds/<uuid:round_uuid>/edit/", staff_views.round_edit, name="staff-round-edit"),
    path("staff/rounds/<uuid:round_uuid>/pots/new/", staff_views.pot_edit, name="staff-pot-create"),
    path(
        "staff/rounds/<uuid:round_uuid>/pots/<int:pot_id>/edit/",
        staff_views.pot_edit,
        name="staff-pot-edit",
    ),
    path(
        "staff/rounds/<uuid:round_uuid>/applications/",
        staff_views.round_applications,
        name="staff-round-applications",
    ),
    path(
        "staff/rounds/<uuid:round_uuid>/checks/",
        review_views.round_checks,
        name="staff-round-checks",
    ),
    path(
        "staff/rounds/<uuid:round_uuid>/criteria/",
        review_views.round_criteria,
        name="staff-round-criteria",
    ),
    path(
        "staff/rounds/<uuid:round_uuid>/criteria/new/",
        review_views.criterion_edit,
        name="staff-criterion-create",
    ),
    path(
        "staff/rounds/<uuid:round_uuid>/criteria/<int:criterion_id>/",
        review_views.criterion_edit,
        name="staff-criterion-edit",
    ),
    path(
        "staff/rounds/<uuid:round_uuid>/assign/",
        review_views.round_assign,
        name="staff-round-assign",
    ),
    path(
        "staff/rounds/<uuid:round_uuid>/ranking/",
        review_views.round_ranking,
        name="staff-round-ranking",
    ),
    path(
        "staff/rounds/<uuid:round_uuid>/freeze/",
        panel_views.round_freeze,
        name="staff-round-freeze",
    ),
    path(
        "staff/rounds/<uuid:round_uuid>/letters/",
        review_views.round_letters,
        name="staff-round-letters",
    ),
    path(
        "staff/rounds/<uuid:round_uuid>/summary/",
        review_views.round_results,
        name="staff-round-summary",
    ),
    path(
        "staff/applications/<uuid:application_uuid>/",
        review_views.application_review,
        name="staff-application",
    ),
    path(
        "staff/applications/<uuid:application_uuid>/screen/",
        review_views.application_screen,
        name="staff-application-screen",
    ),
    path(
        "staff/applications/<uuid:application_uuid>/assign/",
        review_views.application_assign,
        name="staff-application-assign",
    ),
    path(
        "staff/applications/<uuid:application_uuid>/moderate/",
        review_views.application_moderate,
        name="staff-application-moderate",
    ),
    path(
        "staff/applications/<uuid:application_uuid>/assessments/<uuid:assessment_uuid>/remove/",
        review_views.assessment_remove,
        name="staff-assessment-remove",
    ),
    path(
        "staff/applications/<uuid:application_uuid>/assessments/<uuid:assessment_uuid>/reopen/",
        review_views.assessment_reopen,
        name="staff-assessment-reopen",
    ),
    path("assess/", assess_views.queue, name="assess-queue"),
    path("assess/<uuid:assessment_uuid>/", assess_views.assessment, name="assess"),
    path("panels/", panel_views.panel_list, name="panel-list"),
    path("panels/<uuid:panel_uuid>/", panel_views.panel_detail, name="panel-detail"),
    path(
        "panels/<uuid:panel_uuid>/approve-recommended/",
        panel_views.panel_approve_recommended,
        name="panel-approve-recommended",
    ),
    path(
        "panels/<uuid:panel_uuid>/bids/<int:item_id>/",
        panel_views.panel_item_decide,
        name="panel-item-decide",
    ),
    path("awards/<uuid:award_uuid>/", panel_views.award_detail, name="award-detail"),
    path("awards/<uuid:award_uuid>/payments/", panel_views.award_schedule, name="award-schedule"),
    path(
        "awards/<uuid:award_uuid>/publication/",
        publication_views.award_publication,
        name="award-publication",
    ),
    *(
        path(
            f"awards/<uuid:award_uuid>/publication/{change}/",
            publication_views.award_publication_change,
            {"change": change},
            name=f"award-publication-{change}",
        )
        for change in publication_views.CHANGES
    ),
    path(
        "awards/<uuid:award_uuid>/payments/<int:position>/",
        award_views.payment_record,
        name="payment-record",
    ),
    path(
        "awards/<uuid:award_uuid>/bank/<uuid:bank_uuid>/",
        award_views.bank_check,
        name="bank-check",
    ),
    path(
        "awards/<uuid:award_uuid>/bank/<uuid:bank_uuid>/evidence/",
        award_views.bank_evidence,
        name="bank-evidence",
    ),
    path("staff/payments/", award_views.payments_dashboard, name="payments-dashboard"),
    path("staff/reports/", award_views.reports_dashboard, name="reports-dashboard"),
]
